// Reading one YAML configuration file: every file-level diagnostic with its file:line:col, and the
// values with their sources.

#include <eg/config_file.hpp>

#include <yaml-cpp/yaml.h>
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "support/config_inputs.hpp"
#include "support/diagnostic_checks.hpp"

namespace {

namespace cfg = eg::config;
namespace diag = eg::diag;

using eg::test::only;
using eg::test::with_code;

constexpr const char* file_name = "member.yaml";

struct read_result {
    cfg::file_values values;
    diag::diagnostics diagnostics;
};

read_result read(const std::string& text) {
    read_result result;
    result.values = cfg::read_config_text(text, file_name, result.diagnostics);
    return result;
}

std::string at(int line, int column) {
    return std::string(file_name) + ":" + std::to_string(line) + ":" + std::to_string(column);
}

const cfg::file_value* value_of(const read_result& r, const cfg::option_spec& spec) {
    const cfg::file_value* found = nullptr;
    for (const auto& v : r.values)
        if (v.spec == &spec) {
            REQUIRE(found == nullptr);  // each option at most once
            found = &v;
        }
    return found;
}

std::vector<std::string> places(const cfg::value_source& source) {
    std::vector<std::string> out;
    for (const auto& p : source.item_places) out.push_back(diag::location_text(p));
    return out;
}

}  // namespace

// EG101

TEST_CASE("read_config_text: reports a YAML syntax error at yaml-cpp's mark, 1-based",
          "[config_file]") {
    SECTION("a key indented under a scalar") {
        const std::string text = "name: machine-1\n  cluster-name: x\n";
        const auto r = read(text);
        const auto d = only(r, "EG101");
        CHECK(d.level == diag::severity::error);
        CHECK(diag::location_text(d.where) == at(2, 15));
        CHECK(d.message.find("YAML syntax error") != std::string::npos);
        CHECK_FALSE(d.hint.empty());
        CHECK(r.values.empty());

        // The same place yaml-cpp itself reports, shifted to 1-based.
        try {
            (void)YAML::Load(text);
            FAIL("yaml-cpp accepted the text");
        } catch (const YAML::ParserException& e) {
            CHECK(std::get<diag::file_location>(d.where).line == e.mark.line + 1);
            CHECK(std::get<diag::file_location>(d.where).column == e.mark.column + 1);
        }
    }
    SECTION("an unknown token in a value") {
        const auto d = only(read("name: @x\n"), "EG101");
        CHECK(diag::location_text(d.where) == at(1, 7));
    }
}

// EG120

TEST_CASE("read_config_text: rejects a top level that is not a mapping", "[config_file]") {
    SECTION("a list") {
        const auto r = read("- name: machine-1\n- cluster-role: primary\n");
        const auto d = only(r, "EG120");
        CHECK(d.level == diag::severity::error);
        CHECK(diag::location_text(d.where) == at(1, 1));
        CHECK(d.message.find("mapping") != std::string::npos);
        CHECK(d.message.find("list") != std::string::npos);
        CHECK(r.values.empty());
    }
    SECTION("a scalar") {
        const auto d = only(read("machine-1\n"), "EG120");
        CHECK(diag::location_text(d.where) == at(1, 1));
        CHECK(d.message.find("scalar") != std::string::npos);
    }
}

TEST_CASE("read_config_text: reads an empty or comment-only file as no values", "[config_file]") {
    for (const std::string text : {"", "# nothing here\n", "\n\n"}) {
        INFO("text: " << text);
        const auto r = read(text);
        CHECK(r.diagnostics.empty());
        CHECK(r.values.empty());
    }
}

// EG102

TEST_CASE("read_config_text: suggests the close key for a misspelt top-level key",
          "[config_file]") {
    const auto r = read("name: machine-1\ncluster-rol: secondary\n");
    const auto d = only(r, "EG102");
    CHECK(d.level == diag::severity::error);
    CHECK(d.path == "cluster-rol");
    CHECK(diag::location_text(d.where) == at(2, 1));
    CHECK(d.message.find("'cluster-rol'") != std::string::npos);
    CHECK(d.hint == "did you mean 'cluster-role'?");
    CHECK(value_of(r, eg::config::opt::cluster_role.spec) == nullptr);
    CHECK(value_of(r, eg::config::opt::name.spec) != nullptr);
}

TEST_CASE("read_config_text: suggests nothing for a far-off unknown key", "[config_file]") {
    const auto d = only(read("frobnicate: 1\n"), "EG102");
    CHECK(diag::location_text(d.where) == at(1, 1));
    CHECK(d.message.find("'frobnicate'") != std::string::npos);
    CHECK(d.hint.empty());
}

TEST_CASE("read_config_text: reports an unknown key inside cluster with its section",
          "[config_file]") {
    SECTION("far off") {
        const auto d = only(read("cluster:\n  frobnicate: 1\n"), "EG102");
        CHECK(d.path == "cluster.frobnicate");
        CHECK(diag::location_text(d.where) == at(2, 3));
        CHECK(d.message.find("under 'cluster:'") != std::string::npos);
        CHECK(d.hint.empty());
    }
    SECTION("close to a cluster key") {
        const auto& d =
            only(read("cluster:\n  listen-peer-url:\n  - http://10.0.0.1:2380\n"), "EG102");
        CHECK(diag::location_text(d.where) == at(2, 3));
        CHECK(d.hint == "did you mean 'listen-peer-urls'?");
    }
}

// EG103

TEST_CASE("read_config_text: reports a cluster key at the top level and names its place",
          "[config_file]") {
    const auto r = read("name: machine-1\nlisten-peer-urls:\n- http://10.0.0.1:2380\n");
    const auto d = only(r, "EG103");
    CHECK(d.level == diag::severity::error);
    CHECK(diag::location_text(d.where) == at(2, 1));
    CHECK(d.message.find("under 'cluster:'") != std::string::npos);
    CHECK(d.hint.find("cluster.listen-peer-urls") != std::string::npos);
    CHECK(value_of(r, eg::config::opt::listen_peer_urls.spec) == nullptr);
}

TEST_CASE("read_config_text: reports a top-level key inside cluster", "[config_file]") {
    const auto r = read("cluster:\n  name: machine-1\n");
    const auto d = only(r, "EG103");
    CHECK(d.path == "cluster.name");
    CHECK(diag::location_text(d.where) == at(2, 3));
    CHECK(d.message.find("top level") != std::string::npos);
    CHECK(d.hint.find("'name'") != std::string::npos);
    CHECK(value_of(r, eg::config::opt::name.spec) == nullptr);
}

// EG104

TEST_CASE("read_config_text: reports a duplicate top-level key at its second occurrence",
          "[config_file]") {
    const auto r = read("name: machine-1\ncluster-name: c\nname: machine-2\n");
    const auto d = only(r, "EG104");
    CHECK(d.level == diag::severity::error);
    CHECK(d.path == "name");
    CHECK(diag::location_text(d.where) == at(3, 1));
    CHECK(d.message.find("line 1") != std::string::npos);
}

TEST_CASE("read_config_text: reports a duplicate key inside cluster", "[config_file]") {
    const auto d = only(read("cluster:\n"
                             "  listen-peer-urls: [http://10.0.0.1:2380]\n"
                             "  listen-peer-urls: [http://10.0.0.2:2380]\n"),
                        "EG104");
    CHECK(d.path == "cluster.listen-peer-urls");
    CHECK(diag::location_text(d.where) == at(3, 3));
    CHECK(d.message.find("line 2") != std::string::npos);
}

TEST_CASE("read_config_text: reports a second cluster section", "[config_file]") {
    const auto d = only(read("cluster:\n"
                             "  state-flag: new\n"
                             "name: machine-1\n"
                             "cluster:\n"
                             "  state-flag: existing\n"),
                        "EG104");
    CHECK(d.path == "cluster");
    CHECK(diag::location_text(d.where) == at(4, 1));
}

TEST_CASE("read_config_text: reports a duplicate member in initial-cluster", "[config_file]") {
    SECTION("mapping form") {
        const auto r = read(
            "cluster:\n"
            "  initial-cluster:\n"
            "    machine-1: http://10.0.0.1:2380\n"
            "    machine-2: http://10.0.0.2:2380\n"
            "    machine-1: http://10.0.0.3:2380\n");
        const auto d = only(r, "EG104");
        CHECK(d.path == "cluster.initial-cluster.machine-1");
        CHECK(diag::location_text(d.where) == at(5, 5));
        CHECK(d.message.find("'machine-1'") != std::string::npos);
        CHECK(d.message.find("line 3") != std::string::npos);
    }
    SECTION("list form") {
        const auto r = read(
            "cluster:\n"
            "  initial-cluster:\n"
            "  - machine-1: http://10.0.0.1:2380\n"
            "  - machine-2: http://10.0.0.2:2380\n"
            "  - machine-1: http://10.0.0.3:2380\n");
        const auto d = only(r, "EG104");
        CHECK(d.path == "cluster.initial-cluster.machine-1");
        CHECK(diag::location_text(d.where) == at(5, 5));
        CHECK(d.message.find("line 3") != std::string::npos);
    }
}

// EG105

TEST_CASE("read_config_text: reports a list where a string is expected", "[config_file]") {
    const auto r = read("name: [machine-1, machine-2]\n");
    const auto d = only(r, "EG105");
    CHECK(d.level == diag::severity::error);
    CHECK(d.path == "name");
    CHECK(diag::location_text(d.where) == at(1, 7));
    CHECK(d.message.find("string") != std::string::npos);
    CHECK(d.message.find("list") != std::string::npos);
    CHECK(r.values.empty());
}

TEST_CASE("read_config_text: reports a mapping where a list is expected", "[config_file]") {
    const auto d = only(read("cluster:\n"
                             "  listen-peer-urls:\n"
                             "    peer: http://10.0.0.1:2380\n"),
                        "EG105");
    CHECK(d.path == "cluster.listen-peer-urls");
    CHECK(diag::location_text(d.where) == at(3, 5));
    CHECK(d.message.find("list") != std::string::npos);
    CHECK(d.message.find("mapping") != std::string::npos);
}

TEST_CASE("read_config_text: reports a scalar where the initial-cluster map is expected",
          "[config_file]") {
    const auto& d =
        only(read("cluster:\n  initial-cluster: machine-1=http://10.0.0.1:2380\n"), "EG105");
    CHECK(d.path == "cluster.initial-cluster");
    CHECK(diag::location_text(d.where) == at(2, 20));
    CHECK(d.message.find("mapping") != std::string::npos);
    CHECK(d.message.find("scalar") != std::string::npos);
    CHECK_FALSE(d.hint.empty());
}

TEST_CASE("read_config_text: reports an unquoted true as a string and suggests quoting",
          "[config_file]") {
    const auto r = read("name: true\n");
    const auto d = only(r, "EG105");
    CHECK(diag::location_text(d.where) == at(1, 7));
    CHECK(d.message.find("boolean") != std::string::npos);
    CHECK(d.hint.find("\"true\"") != std::string::npos);
    CHECK(r.values.empty());
}

// EG106

TEST_CASE("read_config_text: warns about an unquoted no where a string is expected",
          "[config_file]") {
    const auto r = read("name: no\n");
    const auto d = only(r, "EG106");
    CHECK(d.level == diag::severity::warning);
    CHECK(diag::location_text(d.where) == at(1, 7));
    CHECK(d.hint.find("\"no\"") != std::string::npos);
    const auto* v = value_of(r, eg::config::opt::name.spec);
    REQUIRE(v != nullptr);
    CHECK(std::get<std::string>(v->value) == "no");
}

TEST_CASE("read_config_text: accepts a quoted no silently", "[config_file]") {
    for (const std::string text : {"name: \"no\"\n", "name: 'no'\n"}) {
        INFO(text);
        const auto r = read(text);
        CHECK(r.diagnostics.empty());
        const auto* v = value_of(r, eg::config::opt::name.spec);
        REQUIRE(v != nullptr);
        CHECK(std::get<std::string>(v->value) == "no");
    }
}

// EG107

TEST_CASE("read_config_text: rejects yes as a bool and explains the YAML 1.1 spelling",
          "[config_file]") {
    const auto r = read("debug: yes\n");
    const auto d = only(r, "EG107");
    CHECK(d.level == diag::severity::error);
    CHECK(d.path == "debug");
    CHECK(diag::location_text(d.where) == at(1, 8));
    CHECK(d.message.find("\"yes\"") != std::string::npos);
    CHECK(d.message.find("bool") != std::string::npos);
    CHECK(d.hint.find("true or false") != std::string::npos);
    CHECK(r.values.empty());
}

TEST_CASE("read_config_text: rejects a non-number integer", "[config_file]") {
    const auto d = only(read("status-update-max-batch-size: abc\n"), "EG107");
    CHECK(d.path == "status-update-max-batch-size");
    CHECK(diag::location_text(d.where) == at(1, 31));
    CHECK(d.message.find("\"abc\"") != std::string::npos);
    CHECK(d.message.find("integer") != std::string::npos);
}

// EG108

TEST_CASE("read_config_text: rejects a duration without a unit", "[config_file]") {
    const auto r = read("cluster-request-timeout: 10\n");
    const auto d = only(r, "EG108");
    CHECK(d.level == diag::severity::error);
    CHECK(d.path == "cluster-request-timeout");
    CHECK(diag::location_text(d.where) == at(1, 26));
    CHECK(d.hint.find("\"10s\"") != std::string::npos);
    CHECK(r.values.empty());
}

// EG109

TEST_CASE("read_config_text: warns about the removed member-dir and drops it", "[config_file]") {
    const auto r = read("name: machine-1\nmember-dir: x\n");
    const auto d = only(r, "EG109");
    CHECK(d.level == diag::severity::warning);
    CHECK(d.path == "member-dir");
    CHECK(diag::location_text(d.where) == at(2, 1));
    CHECK(value_of(r, eg::config::opt::member_dir.spec) == nullptr);
}

// EG110

TEST_CASE("read_config_text: rejects each pre-v2 key and names its replacement", "[config_file]") {
    const std::pair<std::string, std::string> legacy[] = {
        {"cluster-join-urls", "cluster.primary-listen-peer-urls"},
        {"cluster-listen-peer-urls", "cluster.listen-peer-urls"},
        {"cluster-listen-client-urls", "cluster.listen-client-urls"},
        {"cluster-advertise-client-urls", "cluster.advertise-client-urls"},
        {"cluster-initial-advertise-peer-urls", "cluster.initial-advertise-peer-urls"},
        {"cluster-client-url", "cluster.advertise-client-urls"},
        {"cluster-peer-url", "cluster.initial-advertise-peer-urls"},
    };
    for (const auto& [key, replacement] : legacy) {
        INFO(key);
        const auto r = read("name: machine-1\n" + key + ": http://10.0.0.1:2380\n");
        const auto d = only(r, "EG110");
        CHECK(d.level == diag::severity::error);
        CHECK(d.path == key);
        CHECK(diag::location_text(d.where) == at(2, 1));
        CHECK(d.message.find("'" + key + "'") != std::string::npos);
        CHECK(d.hint.find("'" + replacement + "'") != std::string::npos);
        CHECK(r.values.size() == 1);  // only name
    }
}

// EG117

TEST_CASE("read_config_text: warns about command-line-only options and ignores them",
          "[config_file]") {
    SECTION("force-new-cluster") {
        const auto r = read("force-new-cluster: true\n");
        const auto d = only(r, "EG117");
        CHECK(d.level == diag::severity::warning);
        CHECK(diag::location_text(d.where) == at(1, 1));
        CHECK(d.hint.find("--force-new-cluster") != std::string::npos);
        CHECK(d.hint.find("EASEGRESS_FORCE_NEW_CLUSTER") != std::string::npos);
        CHECK(r.values.empty());
    }
    SECTION("config-file") {
        const auto r = read("name: machine-1\nconfig-file: x\n");
        const auto d = only(r, "EG117");
        CHECK(d.level == diag::severity::warning);
        CHECK(diag::location_text(d.where) == at(2, 1));
        CHECK(d.hint.find("--config-file") != std::string::npos);
        CHECK(value_of(r, eg::config::opt::config_file.spec) == nullptr);
    }
}

// Values

TEST_CASE("read_config_text: reads both initial-cluster forms to the same pairs in order",
          "[config_file]") {
    const auto list_form = read(
        "cluster:\n"
        "  initial-cluster:\n"
        "  - machine-1: http://10.0.0.1:2380\n"
        "  - machine-2: http://10.0.0.2:2380\n"
        "  - machine-3: http://10.0.0.3:2380\n");
    const auto map_form = read(
        "cluster:\n"
        "  initial-cluster:\n"
        "    machine-1: http://10.0.0.1:2380\n"
        "    machine-2: http://10.0.0.2:2380\n"
        "    machine-3: http://10.0.0.3:2380\n");
    const cfg::string_pairs expected = {{"machine-1", "http://10.0.0.1:2380"},
                                        {"machine-2", "http://10.0.0.2:2380"},
                                        {"machine-3", "http://10.0.0.3:2380"}};
    for (const auto* r : {&list_form, &map_form}) {
        CHECK(r->diagnostics.empty());
        const auto* v = value_of(*r, eg::config::opt::initial_cluster.spec);
        REQUIRE(v != nullptr);
        CHECK(std::get<cfg::string_pairs>(v->value) == expected);
        CHECK(diag::location_text(v->source.where) == at(2, 3));
        CHECK(places(v->source) == std::vector<std::string>{at(3, 5), at(4, 5), at(5, 5)});
    }
}

TEST_CASE("read_config_text: splits a comma-separated string into list items", "[config_file]") {
    const auto r = read("cluster:\n  listen-peer-urls: \"http://a:1,http://b:2\"\n");
    CHECK(r.diagnostics.empty());
    const auto* v = value_of(r, eg::config::opt::listen_peer_urls.spec);
    REQUIRE(v != nullptr);
    CHECK(std::get<cfg::string_list>(v->value) == cfg::string_list{"http://a:1", "http://b:2"});
    CHECK(v->source.item_places.size() == 2);
}

TEST_CASE("read_config_text: reads [] as an empty list that is set", "[config_file]") {
    const auto r = read("cluster:\n  listen-client-urls: []\n");
    CHECK(r.diagnostics.empty());
    const auto* v = value_of(r, eg::config::opt::listen_client_urls.spec);
    REQUIRE(v != nullptr);
    CHECK(std::get<cfg::string_list>(v->value).empty());
    CHECK(v->source.kind == cfg::source_kind::file);
    CHECK(diag::location_text(v->source.where) == at(2, 3));
}

TEST_CASE("read_config_text: treats a key without a value as absent", "[config_file]") {
    const auto r = read("name: machine-1\ncpu-profile-file:\nmemory-profile-file: ~\n");
    CHECK(r.diagnostics.empty());
    CHECK(value_of(r, eg::config::opt::cpu_profile_file.spec) == nullptr);
    CHECK(value_of(r, eg::config::opt::memory_profile_file.spec) == nullptr);
    CHECK(r.values.size() == 1);
}

TEST_CASE("read_config_text: gives each value the file place of its key and of its items",
          "[config_file]") {
    const auto r = read(
        "name: machine-1\n"
        "cluster:\n"
        "  listen-peer-urls:\n"
        "  - http://10.0.0.1:2380\n"
        "  - http://10.0.0.1:2390\n"
        "  state-flag: existing\n"
        "labels:\n"
        "  zone: a\n"
        "  team: b\n");
    CHECK(r.diagnostics.empty());

    const auto* name = value_of(r, eg::config::opt::name.spec);
    REQUIRE(name != nullptr);
    CHECK(name->source.kind == cfg::source_kind::file);
    CHECK(diag::location_text(name->source.where) == at(1, 1));
    CHECK(std::get<std::string>(name->value) == "machine-1");

    const auto* peers = value_of(r, eg::config::opt::listen_peer_urls.spec);
    REQUIRE(peers != nullptr);
    CHECK(peers->source.kind == cfg::source_kind::file);
    CHECK(diag::location_text(peers->source.where) == at(3, 3));
    CHECK(std::get<cfg::string_list>(peers->value) ==
          cfg::string_list{"http://10.0.0.1:2380", "http://10.0.0.1:2390"});
    CHECK(places(peers->source) == std::vector<std::string>{at(4, 5), at(5, 5)});

    const auto* state = value_of(r, eg::config::opt::state_flag.spec);
    REQUIRE(state != nullptr);
    CHECK(diag::location_text(state->source.where) == at(6, 3));

    const auto* labels = value_of(r, eg::config::opt::labels.spec);
    REQUIRE(labels != nullptr);
    CHECK(diag::location_text(labels->source.where) == at(7, 1));
    CHECK(std::get<cfg::string_pairs>(labels->value) ==
          cfg::string_pairs{{"zone", "a"}, {"team", "b"}});
    CHECK(places(labels->source) == std::vector<std::string>{at(8, 3), at(9, 3)});
}

TEST_CASE("read_config_text: reads typed values from their YAML text", "[config_file]") {
    const auto r = read(
        "debug: true\n"
        "status-update-max-batch-size: 50\n"
        "cluster-request-timeout: 1m30s\n"
        "cluster:\n"
        "  max-call-send-msg-size: 4MiB\n");
    CHECK(r.diagnostics.empty());
    const auto* debug = value_of(r, eg::config::opt::debug.spec);
    const auto* batch = value_of(r, eg::config::opt::status_update_max_batch_size.spec);
    const auto* timeout = value_of(r, eg::config::opt::cluster_request_timeout.spec);
    const auto* size = value_of(r, eg::config::opt::max_call_send_msg_size.spec);
    REQUIRE(debug != nullptr);
    REQUIRE(batch != nullptr);
    REQUIRE(timeout != nullptr);
    REQUIRE(size != nullptr);
    CHECK(std::get<bool>(debug->value));
    CHECK(std::get<std::int64_t>(batch->value) == 50);
    CHECK(std::get<cfg::duration>(timeout->value).nanoseconds == 90'000'000'000LL);
    CHECK(std::get<cfg::byte_size>(size->value).bytes == 4U * 1024 * 1024);
}

TEST_CASE("read_config_text: reads the tutorial's machine-1 file without findings",
          "[config_file]") {
    const auto r = read(eg::test::tutorial_primary_file(1));
    CHECK(r.diagnostics.empty());
    CHECK(r.values.size() == 13);
    const auto* wal = value_of(r, eg::config::opt::wal_dir.spec);
    REQUIRE(wal != nullptr);
    CHECK(std::get<std::string>(wal->value).empty());
}

TEST_CASE("read_config_text: reports every problem of a file in one pass", "[config_file]") {
    const auto r = read(
        "name: true\n"                           // 1 EG105
        "cluster-rol: primary\n"                 // 2 EG102
        "debug: yes\n"                           // 3 EG107
        "member-dir: x\n"                        // 4 EG109
        "listen-peer-urls: [http://a:1]\n"       // 5 EG103
        "cluster-request-timeout: 10\n"          // 6 EG108
        "cluster:\n"                             // 7
        "  state-flag: new\n"                    // 8
        "  state-flag: existing\n"               // 9 EG104
        "  cluster-join-urls: http://a:1\n"      // 10 EG110
        "  initial-cluster:\n"                   // 11
        "  - machine-1: http://10.0.0.1:2380\n"  // 12
        "  - machine-1: http://10.0.0.1:2380\n"  // 13 EG104
        "cluster-name: no\n");                   // 14 EG106
    std::vector<std::pair<std::string, std::string>> found;
    for (const auto& d : r.diagnostics)
        found.emplace_back(std::string(d.code), diag::location_text(d.where));
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"EG105", at(1, 7)},  {"EG102", at(2, 1)},   {"EG107", at(3, 8)}, {"EG109", at(4, 1)},
        {"EG103", at(5, 1)},  {"EG108", at(6, 26)},  {"EG104", at(9, 3)}, {"EG110", at(10, 3)},
        {"EG104", at(13, 5)}, {"EG106", at(14, 15)},
    };
    CHECK(found == expected);
    CHECK(with_code(r.diagnostics, "EG104").size() == 2);
    // The valid values around the problems are still read.
    const auto* state = value_of(r, eg::config::opt::state_flag.spec);
    REQUIRE(state != nullptr);
    CHECK(std::get<std::string>(state->value) == "new");
    CHECK(value_of(r, eg::config::opt::cluster_name.spec) != nullptr);
}
