// Loading a member's configuration from flags, EASEGRESS_* variables and one file, with an
// in-memory file reader: precedence, sources, overrides and every reading diagnostic.

#include <eg/config_loader.hpp>
#include <eg/print_config.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "support/config_inputs.hpp"
#include "support/diagnostic_checks.hpp"

namespace {

namespace cfg = eg::config;
namespace diag = eg::diag;
namespace opt = eg::config::opt;

using eg::test::file_map;
using eg::test::only;
using eg::test::reader_over;
using eg::test::with_code;

cfg::load_result load(const std::vector<std::string>& args, const cfg::environment& env = {},
                      const file_map& files = {}) {
    return cfg::load_config(args, env, reader_over(files));
}

std::string where(const cfg::resolved_value& slot) {
    return diag::location_text(slot.source.where);
}

cfg::option_value default_of(const cfg::option_spec& spec) {
    return std::get<cfg::option_value>(cfg::parse_text(spec.kind, spec.default_text));
}

// One option set differently in each of the three sources.
struct layered_option {
    const cfg::option_spec* spec;
    std::string file_text;   // the file, setting the option
    std::string file_place;  // where its key is
    cfg::option_value file_value;
    std::string env_text;
    cfg::option_value env_value;
    std::string flag_text;
    cfg::option_value flag_value;
};

std::vector<layered_option> layered_options() {
    using cfg::string_list;
    using cfg::string_pairs;
    return {
        {&opt::name.spec, "name: machine-1\n", "member.yaml:1:1", std::string("machine-1"), "a",
         std::string("a"), "b", std::string("b")},
        {&opt::listen_peer_urls.spec,
         "cluster:\n  listen-peer-urls:\n  - http://10.0.0.1:2380\n  - http://10.0.0.1:2381\n",
         "member.yaml:2:3", string_list{"http://10.0.0.1:2380", "http://10.0.0.1:2381"},
         "http://10.0.0.2:2380", string_list{"http://10.0.0.2:2380"},
         "http://10.0.0.3:2380,http://10.0.0.3:2381",
         string_list{"http://10.0.0.3:2380", "http://10.0.0.3:2381"}},
        {&opt::initial_cluster.spec,
         "cluster:\n  initial-cluster:\n  - m1: http://10.0.0.1:2380\n  - m2: "
         "http://10.0.0.2:2380\n",
         "member.yaml:2:3",
         string_pairs{{"m1", "http://10.0.0.1:2380"}, {"m2", "http://10.0.0.2:2380"}},
         "e1=http://10.0.0.5:2380", string_pairs{{"e1", "http://10.0.0.5:2380"}},
         "f1=http://10.0.0.6:2380", string_pairs{{"f1", "http://10.0.0.6:2380"}}},
        {&opt::labels.spec, "name: machine-1\nlabels:\n  zone: a\n  team: b\n", "member.yaml:2:1",
         string_pairs{{"zone", "a"}, {"team", "b"}}, "zone=e", string_pairs{{"zone", "e"}},
         "team=f,tier=g", string_pairs{{"team", "f"}, {"tier", "g"}}},
        {&opt::debug.spec, "debug: true\n", "member.yaml:1:1", true, "false", false, "true", true},
        {&opt::cluster_request_timeout.spec, "cluster-request-timeout: 20s\n", "member.yaml:1:1",
         cfg::duration{20'000'000'000LL}, "30s", cfg::duration{30'000'000'000LL}, "1m",
         cfg::duration{60'000'000'000LL}},
    };
}

}  // namespace

// Precedence

TEST_CASE("load_config: applies default < file < env < flag for every combination",
          "[config_loader]") {
    for (const auto& o : layered_options()) {
        for (int mask = 0; mask < 8; ++mask) {
            const bool in_file = (mask & 1) != 0;
            const bool in_env = (mask & 2) != 0;
            const bool in_flag = (mask & 4) != 0;
            INFO("option " << o.spec->flag << " file=" << in_file << " env=" << in_env
                           << " flag=" << in_flag);
            std::vector<std::string> args;
            cfg::environment env;
            if (in_file) args = {"-f", "member.yaml"};
            if (in_env) env[cfg::env_name(*o.spec)] = o.env_text;
            if (in_flag) args.push_back(cfg::flag_name(*o.spec) + "=" + o.flag_text);

            const auto r = load(args, env, {{"member.yaml", o.file_text}});
            const auto& slot = r.config.at(*o.spec);

            if (in_flag) {
                CHECK(slot.value == o.flag_value);
                CHECK(slot.source.kind == cfg::source_kind::flag);
                CHECK(where(slot) == "flag:" + cfg::flag_name(*o.spec));
            } else if (in_env) {
                CHECK(slot.value == o.env_value);
                CHECK(slot.source.kind == cfg::source_kind::env);
                CHECK(where(slot) == "env:" + cfg::env_name(*o.spec));
            } else if (in_file) {
                CHECK(slot.value == o.file_value);
                CHECK(slot.source.kind == cfg::source_kind::file);
                CHECK(where(slot) == o.file_place);
            } else {
                CHECK(slot.value == default_of(*o.spec));
                CHECK(slot.source.kind == cfg::source_kind::default_value);
                CHECK(where(slot).empty());
            }

            // Nothing but the override notes.
            const auto notes = with_code(r.diagnostics, "EG116");
            CHECK(notes.size() == r.diagnostics.size());
            CHECK(notes.size() == (in_file && (in_env || in_flag) ? 1U : 0U));
        }
    }
}

TEST_CASE("load_config: notes once that a flag overrides the file, naming both sides",
          "[config_loader]") {
    const auto r = load({"-f", "member.yaml", "--name", "b"}, {{"EASEGRESS_NAME", "a"}},
                        {{"member.yaml", "name: machine-1\n"}});
    const auto d = only(r, "EG116");
    CHECK(d.level == diag::severity::note);
    CHECK(d.path == "name");
    CHECK(diag::location_text(d.where) == "flag:--name");
    CHECK(d.message ==
          "name \"b\" from flag --name overrides \"machine-1\" from file member.yaml:1:1");
    CHECK(r.config.get(opt::name) == "b");
}

TEST_CASE("load_config: notes that an environment variable overrides the file", "[config_loader]") {
    const auto r = load({"-f", "member.yaml"}, {{"EASEGRESS_NAME", "a"}},
                        {{"member.yaml", "cluster-name: c\nname: machine-1\n"}});
    const auto d = only(r, "EG116");
    CHECK(diag::location_text(d.where) == "env:EASEGRESS_NAME");
    CHECK(d.message ==
          "name \"a\" from env EASEGRESS_NAME overrides \"machine-1\" from file member.yaml:2:1");
}

TEST_CASE("load_config: notes a list override with both whole lists", "[config_loader]") {
    const auto r = load({"-f", "member.yaml", "--listen-peer-urls", "http://10.0.0.3:2380"}, {},
                        {{"member.yaml",
                          "cluster:\n  listen-peer-urls:\n  - http://10.0.0.1:2380\n"
                          "  - http://10.0.0.1:2381\n"}});
    const auto d = only(r, "EG116");
    CHECK(d.path == "cluster.listen-peer-urls");
    CHECK(d.message ==
          "cluster.listen-peer-urls \"http://10.0.0.3:2380\" from flag "
          "--listen-peer-urls overrides \"http://10.0.0.1:2380,http://10.0.0.1:2381\" "
          "from file member.yaml:2:3");
}

TEST_CASE("load_config: does not note values that override only a default", "[config_loader]") {
    SECTION("env over default") {
        const auto r = load({}, {{"EASEGRESS_NAME", "a"}});
        CHECK(r.diagnostics.empty());
        CHECK(r.config.get(opt::name) == "a");
    }
    SECTION("flag over env over default") {
        const auto r = load({"--name", "b"}, {{"EASEGRESS_NAME", "a"}});
        CHECK(r.diagnostics.empty());
        CHECK(r.config.get(opt::name) == "b");
    }
    SECTION("a file value that nothing overrides") {
        const auto r = load({"-f", "member.yaml", "--cluster-name", "c"}, {},
                            {{"member.yaml", "name: machine-1\n"}});
        CHECK(r.diagnostics.empty());
    }
}

TEST_CASE("load_config: replaces a file list and map whole, keeping no tail", "[config_loader]") {
    const file_map files = {{"member.yaml",
                             "cluster:\n"
                             "  listen-peer-urls:\n"
                             "  - http://10.0.0.1:2380\n"
                             "  - http://10.0.0.1:2381\n"
                             "  - http://10.0.0.1:2382\n"
                             "  initial-cluster:\n"
                             "    m1: http://10.0.0.1:2380\n"
                             "    m2: http://10.0.0.2:2380\n"
                             "    m3: http://10.0.0.3:2380\n"}};
    const auto r = load({"-f", "member.yaml", "--listen-peer-urls", "http://10.0.0.9:2380"},
                        {{"EASEGRESS_INITIAL_CLUSTER", "m2=http://10.0.0.8:2380"}}, files);
    CHECK(r.config.get(opt::listen_peer_urls) == cfg::string_list{"http://10.0.0.9:2380"});
    CHECK(r.config.get(opt::initial_cluster) == cfg::string_pairs{{"m2", "http://10.0.0.8:2380"}});
    // The file's per-item places go with the file's value.
    CHECK(diag::location_text(r.config.at(opt::listen_peer_urls).place_of_item(0)) ==
          "flag:--listen-peer-urls");
    CHECK(diag::location_text(r.config.at(opt::initial_cluster).place_of_item(0)) ==
          "env:EASEGRESS_INITIAL_CLUSTER");
    CHECK(with_code(r.diagnostics, "EG116").size() == 2);
    CHECK(r.diagnostics.size() == 2);
}

// The configuration file

TEST_CASE("load_config: finds the configuration file in every spelling", "[config_loader]") {
    const file_map files = {{"a.yaml", "name: from-a\n"}};
    const std::pair<std::vector<std::string>, cfg::environment> spellings[] = {
        {{"-f", "a.yaml"}, {}},
        {{"--config-file", "a.yaml"}, {}},
        {{"--config-file=a.yaml"}, {}},
        {{"-fa.yaml"}, {}},
        {{}, {{"EASEGRESS_CONFIG_FILE", "a.yaml"}}},
    };
    for (const auto& [args, env] : spellings) {
        INFO((args.empty() ? std::string("EASEGRESS_CONFIG_FILE") : args.front()));
        const auto r = load(args, env, files);
        CHECK(r.diagnostics.empty());
        CHECK(r.config.config_file() == "a.yaml");
        CHECK(r.config.get(opt::name) == "from-a");
        CHECK(where(r.config.at(opt::name)) == "a.yaml:1:1");
    }
}

TEST_CASE("load_config: reads the file of the flag, not of EASEGRESS_CONFIG_FILE",
          "[config_loader]") {
    std::vector<std::string> reads;
    const auto r = cfg::load_config(
        {"--config-file", "b.yaml"}, {{"EASEGRESS_CONFIG_FILE", "a.yaml"}},
        reader_over({{"a.yaml", "name: from-a\n"}, {"b.yaml", "name: from-b\n"}}, &reads));
    CHECK(r.diagnostics.empty());
    CHECK(r.config.config_file() == "b.yaml");
    CHECK(r.config.get(opt::name) == "from-b");
    CHECK(reads == std::vector<std::string>{"b.yaml"});
}

TEST_CASE("load_config: reports a missing configuration file with its path", "[config_loader]") {
    const auto r = load({"-f", "missing.yaml", "--name", "x"});
    const auto d = only(r, "EG100");
    CHECK(d.level == diag::severity::error);
    CHECK(d.message.find("missing.yaml") != std::string::npos);
    CHECK(diag::location_text(d.where) == "missing.yaml");
    CHECK(r.config.get(opt::name) == "x");
}

TEST_CASE("load_config: passes the file's findings on with the file's path", "[config_loader]") {
    const auto r = load({"-f", "conf/member.yaml"}, {}, {{"conf/member.yaml", "cluster-rol: x\n"}});
    const auto d = only(r, "EG102");
    CHECK(diag::location_text(d.where) == "conf/member.yaml:1:1");
}

// Flags

TEST_CASE("load_config: reads --flag=value and --flag value alike", "[config_loader]") {
    for (const auto& args :
         {std::vector<std::string>{"--name=x"}, std::vector<std::string>{"--name", "x"}}) {
        INFO(args.front());
        const auto r = load(args);
        CHECK(r.diagnostics.empty());
        CHECK(r.config.get(opt::name) == "x");
        CHECK(r.config.at(opt::name).source.kind == cfg::source_kind::flag);
        CHECK(where(r.config.at(opt::name)) == "flag:--name");
    }
}

TEST_CASE("load_config: reads a bare bool flag as true and --flag=false as false",
          "[config_loader]") {
    SECTION("bare") {
        const auto r = load({"--debug", "--name", "x"});
        CHECK(r.diagnostics.empty());
        CHECK(r.config.get(opt::debug));
        CHECK(where(r.config.at(opt::debug)) == "flag:--debug");
        CHECK(r.config.get(opt::name) == "x");
    }
    SECTION("=false over a file's true") {
        const auto r = load({"-f", "m.yaml", "--debug=false"}, {}, {{"m.yaml", "debug: true\n"}});
        CHECK_FALSE(r.config.get(opt::debug));
        CHECK(r.config.at(opt::debug).source.kind == cfg::source_kind::flag);
        CHECK(only(r, "EG116").path == "debug");
    }
}

TEST_CASE("load_config: suggests the close flag for an unknown flag", "[config_loader]") {
    const auto r = load({"--cluster-rol"});
    const auto d = only(r, "EG112");
    CHECK(d.level == diag::severity::error);
    CHECK(diag::location_text(d.where) == "flag:--cluster-rol");
    CHECK(d.message.find("--cluster-rol") != std::string::npos);
    CHECK(d.hint == "did you mean '--cluster-role'?");
    CHECK(r.config.get(opt::cluster_role) == "primary");
}

TEST_CASE("load_config: takes an unknown flag's value with it, but not a following flag",
          "[config_loader]") {
    SECTION("a value") {
        const auto r = load({"--cluster-rol", "secondary"});
        CHECK(only(r, "EG112").hint == "did you mean '--cluster-role'?");
        CHECK(r.config.get(opt::cluster_role) == "primary");
    }
    SECTION("a flag") {
        const auto r = load({"--cluster-rol", "--name", "x"});
        CHECK(diag::location_text(only(r, "EG112").where) == "flag:--cluster-rol");
        CHECK(r.config.get(opt::name) == "x");
    }
}

TEST_CASE("load_config: reports a flag without its value", "[config_loader]") {
    SECTION("long") {
        const auto r = load({"--debug", "--name"});
        const auto d = only(r, "EG113");
        CHECK(d.level == diag::severity::error);
        CHECK(diag::location_text(d.where) == "flag:--name");
        CHECK(d.message.find("--name") != std::string::npos);
        CHECK(r.config.get(opt::name) == "eg-default-name");
    }
    SECTION("short") {
        const auto d = only(load({"-f"}), "EG113");
        CHECK(diag::location_text(d.where) == "flag:-f");
    }
}

TEST_CASE("load_config: rejects a positional argument", "[config_loader]") {
    const auto r = load({"--name", "x", "foo"});
    const auto d = only(r, "EG118");
    CHECK(d.level == diag::severity::error);
    CHECK(d.message.find("\"foo\"") != std::string::npos);
    CHECK(r.config.get(opt::name) == "x");
}

TEST_CASE("load_config: rejects a file-only option given as a flag", "[config_loader]") {
    SECTION("--client-ca-file=ca.pem") {
        const auto d = only(load({"--client-ca-file=ca.pem"}), "EG119");
        CHECK(d.level == diag::severity::error);
        CHECK(d.path == "client-ca-file");
        CHECK(diag::location_text(d.where) == "flag:--client-ca-file");
    }
    SECTION("--basic-auth x: the value is not a second, positional finding") {
        const auto d = only(load({"--basic-auth", "x"}), "EG119");
        CHECK(d.path == "basic-auth");
        CHECK(diag::location_text(d.where) == "flag:--basic-auth");
        CHECK(d.hint.find("basic-auth:") != std::string::npos);
    }
}

TEST_CASE("load_config: warns about the removed --member-dir and consumes its value",
          "[config_loader]") {
    const auto r = load({"--member-dir", "x"});
    const auto d = only(r, "EG109");
    CHECK(d.level == diag::severity::warning);
    CHECK(diag::location_text(d.where) == "flag:--member-dir");
    CHECK(r.config.get(opt::member_dir).empty());
    CHECK_FALSE(r.config.at(opt::member_dir).is_set());
}

TEST_CASE("load_config: locates a bad flag value at the flag and keeps the lower value",
          "[config_loader]") {
    const auto r = load({"-f", "m.yaml", "--debug=maybe"}, {}, {{"m.yaml", "debug: true\n"}});
    const auto d = only(r, "EG107");
    CHECK(d.level == diag::severity::error);
    CHECK(d.path == "debug");
    CHECK(diag::location_text(d.where) == "flag:--debug");
    CHECK(d.message.find("\"maybe\"") != std::string::npos);
    CHECK(r.config.get(opt::debug));
    CHECK(where(r.config.at(opt::debug)) == "m.yaml:1:1");
}

TEST_CASE("load_config: accumulates a repeated list flag and keeps the last repeated scalar",
          "[config_loader]") {
    const auto r = load({"--listen-peer-urls", "http://10.0.0.1:2380", "--name", "a",
                         "--listen-peer-urls", "http://10.0.0.2:2380", "--name", "b"});
    CHECK(r.diagnostics.empty());
    CHECK(r.config.get(opt::listen_peer_urls) ==
          cfg::string_list{"http://10.0.0.1:2380", "http://10.0.0.2:2380"});
    CHECK(r.config.get(opt::name) == "b");
}

TEST_CASE("load_config: accumulates repeated list flags over a file value, dropping the file's",
          "[config_loader]") {
    const auto r = load({"-f", "m.yaml", "--initial-object-config-files", "a.yaml",
                         "--initial-object-config-files", "b.yaml"},
                        {}, {{"m.yaml", "initial-object-config-files:\n- f.yaml\n"}});
    CHECK(r.config.get(opt::initial_object_config_files) == cfg::string_list{"a.yaml", "b.yaml"});
    const auto d = only(r, "EG116");
    CHECK(d.message.find("\"a.yaml,b.yaml\"") != std::string::npos);
    CHECK(d.message.find("\"f.yaml\"") != std::string::npos);
}

TEST_CASE("load_config: reports a member given twice across repeated map flags",
          "[config_loader]") {
    const auto r = load({"--initial-cluster", "m1=http://10.0.0.1:2380", "--initial-cluster",
                         "m1=http://10.0.0.2:2380"});
    // Within one flag a repeated key is EG104; across repeated flags it must be too, not two
    // entries for one member.
    CHECK(r.diagnostics.has("EG104"));
}

// Environment

TEST_CASE("load_config: ignores an empty EASEGRESS_ variable", "[config_loader]") {
    const auto r = load({}, {{"EASEGRESS_NAME", ""}});
    CHECK(r.diagnostics.empty());
    CHECK(r.config.get(opt::name) == "eg-default-name");
    CHECK_FALSE(r.config.at(opt::name).is_set());
}

TEST_CASE("load_config: suggests the close variable for an unknown EASEGRESS_ variable",
          "[config_loader]") {
    const auto r = load({}, {{"EASEGRESS_CLUSTER_ROL", "secondary"}});
    const auto d = only(r, "EG114");
    CHECK(d.level == diag::severity::warning);
    CHECK(diag::location_text(d.where) == "env:EASEGRESS_CLUSTER_ROL");
    CHECK(d.hint.find("EASEGRESS_CLUSTER_ROLE") != std::string::npos);
    CHECK(r.config.get(opt::cluster_role) == "primary");
}

TEST_CASE("load_config: warns about the removed EASEGRESS_MEMBER_DIR", "[config_loader]") {
    const auto d = only(load({}, {{"EASEGRESS_MEMBER_DIR", "x"}}), "EG109");
    CHECK(d.level == diag::severity::warning);
    CHECK(diag::location_text(d.where) == "env:EASEGRESS_MEMBER_DIR");
}

TEST_CASE("load_config: warns about EG_ variables and names the EASEGRESS_ one",
          "[config_loader]") {
    SECTION("EG_NAME") {
        const auto r = load({}, {{"EG_NAME", "machine-1"}});
        const auto d = only(r, "EG115");
        CHECK(d.level == diag::severity::warning);
        CHECK(diag::location_text(d.where) == "env:EG_NAME");
        CHECK(d.hint.find("EASEGRESS_NAME") != std::string::npos);
        CHECK(r.config.get(opt::name) == "eg-default-name");
    }
    SECTION("EG_DISABLE_ACCESS_LOG, spelt after the YAML key") {
        const auto r = load({}, {{"EG_DISABLE_ACCESS_LOG", "true"}});
        const auto d = only(r, "EG115");
        CHECK(d.hint.find("EASEGRESS_DISABLE_ACCESS") != std::string::npos);
        CHECK(d.hint.find("EASEGRESS_DISABLE_ACCESS_LOG") == std::string::npos);
        CHECK_FALSE(r.config.get(opt::disable_access_log));
    }
}

TEST_CASE("load_config: never takes a value from an EG_ variable", "[config_loader]") {
    cfg::environment env;
    for (const auto* spec : cfg::all_options)
        if (spec->has_flag() && !spec->removed)
            env["EG_" + cfg::env_name(*spec).substr(std::string("EASEGRESS_").size())] = "1";
    const auto r = load({}, env);
    CHECK(with_code(r.diagnostics, "EG115").size() == env.size());
    CHECK(r.diagnostics.size() == env.size());
    for (const auto* spec : cfg::all_options) {
        INFO(spec->flag);
        CHECK_FALSE(r.config.at(*spec).is_set());
        CHECK(r.config.at(*spec).value == default_of(*spec));
    }
}

TEST_CASE("load_config: ignores unrelated environment variables", "[config_loader]") {
    const auto r = load({}, {{"PATH", "/usr/bin"},
                             {"EGG", "1"},
                             {"HOME", "/root"},
                             {"EASEGRESSNAME", "x"},
                             {"EG_NOT_AN_OPTION", "1"}});
    CHECK(r.diagnostics.empty());
    for (const auto* spec : cfg::all_options) CHECK_FALSE(r.config.at(*spec).is_set());
}

TEST_CASE("load_config: locates a bad variable value at the variable", "[config_loader]") {
    const auto r = load({}, {{"EASEGRESS_CLUSTER_REQUEST_TIMEOUT", "10"}});
    const auto d = only(r, "EG108");
    CHECK(diag::location_text(d.where) == "env:EASEGRESS_CLUSTER_REQUEST_TIMEOUT");
    CHECK_FALSE(r.config.at(opt::cluster_request_timeout).is_set());
}

// Deprecated role names

TEST_CASE("load_config: turns writer and reader into primary and secondary with a warning",
          "[config_loader]") {
    SECTION("--cluster-role writer") {
        const auto r = load({"--cluster-role", "writer"});
        const auto d = only(r, "EG111");
        CHECK(d.level == diag::severity::warning);
        CHECK(diag::location_text(d.where) == "flag:--cluster-role");
        CHECK(d.message.find("'writer'") != std::string::npos);
        CHECK(d.message.find("'primary'") != std::string::npos);
        CHECK(r.config.get(opt::cluster_role) == "primary");
    }
    SECTION("EASEGRESS_CLUSTER_ROLE=reader") {
        const auto r = load({}, {{"EASEGRESS_CLUSTER_ROLE", "reader"}});
        const auto d = only(r, "EG111");
        CHECK(diag::location_text(d.where) == "env:EASEGRESS_CLUSTER_ROLE");
        CHECK(r.config.get(opt::cluster_role) == "secondary");
    }
    SECTION("cluster-role: reader in a file") {
        const auto r = load({"-f", "m.yaml"}, {}, {{"m.yaml", "name: m\ncluster-role: reader\n"}});
        const auto d = only(r, "EG111");
        CHECK(diag::location_text(d.where) == "m.yaml:2:1");
        CHECK(r.config.get(opt::cluster_role) == "secondary");
    }
}

// Defaults

TEST_CASE("load_config: gives every option its declared default when nothing is set",
          "[config_loader]") {
    const auto r = load({}, {});
    CHECK(r.diagnostics.empty());
    CHECK(r.config.config_file().empty());
    for (const auto* spec : cfg::all_options) {
        INFO(spec->flag << spec->yaml_path);
        const auto& slot = r.config.at(*spec);
        CHECK(slot.value == default_of(*spec));
        CHECK(slot.source.kind == cfg::source_kind::default_value);
        CHECK(where(slot).empty());
        CHECK_FALSE(slot.overridden_file.has_value());
    }
    CHECK(r.config.get(opt::name) == "eg-default-name");
    CHECK(r.config.get(opt::cluster_role) == "primary");
    CHECK(r.config.get(opt::api_addr) == "localhost:2381");
    CHECK(r.config.get(opt::listen_peer_urls) == cfg::string_list{"http://localhost:2380"});
    CHECK(r.config.get(opt::initial_cluster).empty());
    CHECK(r.config.get(opt::cluster_request_timeout).nanoseconds == 10'000'000'000LL);
    CHECK(r.config.get(opt::objects_dump_interval).nanoseconds == 3'600'000'000'000LL);
    CHECK(r.config.get(opt::max_call_send_msg_size).bytes == 10'485'760U);
    CHECK(r.config.get(opt::status_update_max_batch_size) == 20);
    CHECK_FALSE(r.config.get(opt::debug));
}

// Every option through every surface, with the example value of its declaration

namespace {

cfg::option_value example_of(const cfg::option_spec& spec) {
    return std::get<cfg::option_value>(cfg::parse_text(spec.kind, spec.example));
}

}  // namespace

TEST_CASE("load_config: reads every option's example from its flag and its variable",
          "[config_loader]") {
    for (const auto* spec : cfg::all_options) {
        if (!spec->has_flag() || spec->removed) continue;
        INFO("option " << spec->flag << " example " << spec->example);
        // The config-file option's example is a file to read: an empty one.
        const file_map files{{std::string(opt::config_file.spec.example), ""}};
        for (const bool as_flag : {true, false}) {
            const auto text = std::string(spec->example);
            const auto r = as_flag ? load({cfg::flag_name(*spec) + "=" + text}, {}, files)
                                   : load({}, {{cfg::env_name(*spec), text}}, files);
            CHECK(r.diagnostics.empty());
            const auto& slot = r.config.at(*spec);
            CHECK(slot.value == example_of(*spec));
            CHECK(slot.source.kind == (as_flag ? cfg::source_kind::flag : cfg::source_kind::env));
        }
    }
}

TEST_CASE("load_config: reads every file option's example back from a written file",
          "[config_loader]") {
    for (const auto* spec : cfg::all_options) {
        if (!spec->in_file() || spec->removed) continue;
        INFO("option " << spec->yaml_path << " example " << spec->example);
        auto written = cfg::default_config();
        auto& set = written.mutable_at(*spec);
        set.value = example_of(*spec);
        set.source.kind = cfg::source_kind::file;
        const auto text = eg::emit::write_yaml(
            written, {.source_comments = false, .only_set = true, .redact_secrets = false});
        INFO(text);
        const auto r = load({"-f", "member.yaml"}, {}, {{"member.yaml", text}});
        CHECK(r.diagnostics.empty());
        CHECK(r.config.at(*spec).value == example_of(*spec));
        CHECK(r.config.at(*spec).source.kind == cfg::source_kind::file);
    }
}
