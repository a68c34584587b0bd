// The files `eg-config generate` writes for one member (emit::files_for): the YAML
// configuration, the EASEGRESS_* environment file and the systemd unit.

#include <eg/cluster_description.hpp>
#include <eg/config_file.hpp>
#include <eg/config_loader.hpp>
#include <eg/member_files.hpp>
#include <eg/server_options.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <yaml-cpp/yaml.h>
#include <algorithm>
#include <catch2/catch.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "support/config_inputs.hpp"
#include "support/output_text.hpp"
#include "support/process.hpp"

namespace {

namespace cfg = eg::config;
namespace desc = eg::description;
namespace diag = eg::diag;
namespace emit = eg::emit;
namespace topo = eg::topology;
namespace opt = eg::config::opt;

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

// A description and its members, kept together: files_for reads both.
struct cluster {
    desc::cluster_description description;
    std::vector<topo::member_view> members;

    const topo::member_view& member(const std::string& name) const {
        const auto it = std::find_if(members.begin(), members.end(), [&](const auto& m) {
            return m.config.get(opt::name) == name;
        });
        REQUIRE(it != members.end());
        return *it;
    }
    emit::member_files files(const std::string& name) const {
        return emit::files_for(description, member(name));
    }
};

cluster read_cluster(const std::string& text, const std::string& path) {
    auto d = eg::test::read_clean_description(text, path);
    auto views = desc::members_of(d);
    return {std::move(d), std::move(views)};
}

std::string source_text(const std::string& rel) {
    const auto text = cfg::read_text_file(eg::test::source_path(rel));
    INFO(rel);
    REQUIRE(text);
    return *text;
}

// samples/<name>/cluster.yaml, read under the path `eg-config generate` was given.
cluster sample(const std::string& name) {
    const std::string path = "samples/" + name + "/cluster.yaml";
    return read_cluster(source_text(path), path);
}

// A description that sets many kinds of values, several of which need quoting in YAML.
constexpr const char* rich_description =
    "cluster-name: \"yes\"\n"
    "defaults:\n"
    "  home-dir: /srv/my eg\n"
    "  log-dir: 'logs #1'\n"
    "  options:\n"
    "    labels: {zone: eu-1, tier: \"on\"}\n"
    "    debug: true\n"
    "    cluster:\n"
    "      max-call-send-msg-size: 4MiB\n"
    "members:\n"
    "  - name: machine-1\n"
    "    role: primary\n"
    "    host: 10.0.0.1\n"
    "    data-dir: d1\n"
    "    options:\n"
    "      wal-dir: 'my \"wal\"'\n"
    "      basic-auth: {admin: s3cret}\n"
    "      client-ca-file: /etc/eg/ca.pem\n"
    "      objects-dump-interval: 90m\n"
    "      initial-object-config-files: [objects/a.yaml, \"objects/b c.yaml\"]\n"
    "      cluster: {state-flag: existing}\n"
    "  - {name: machine-2, role: primary, host: 10.0.0.2}\n"
    "  - {name: machine-3, role: primary, host: 10.0.0.3}\n"
    "  - {name: machine-4, role: secondary, host: \"fd00::4\", api-port: 2391}\n";

// The generated YAML, loaded as the server loads it.
cfg::effective_config load_generated(const std::string& yaml) {
    return eg::test::load_member_file("generated.yaml", yaml);
}

// Every option a member file can hold has the same value, set or not, in both.
void check_same_file_values(const cfg::effective_config& expected,
                            const cfg::effective_config& actual) {
    for (const auto* spec : cfg::all_options) {
        if (!spec->in_file() || spec->removed) continue;
        INFO(spec->yaml_path << ": expected " << cfg::format_text(expected.at(*spec).value)
                             << ", actual " << cfg::format_text(actual.at(*spec).value));
        CHECK(actual.at(*spec).value == expected.at(*spec).value);
        CHECK(actual.at(*spec).is_set() == expected.at(*spec).is_set());
    }
}

// The YAML paths of a generated file, in the order written.
std::vector<std::string> yaml_paths(const std::string& yaml) {
    std::vector<std::string> paths;
    const YAML::Node root = YAML::Load(yaml);
    for (auto it = root.begin(); it != root.end(); ++it) {
        const auto key = it->first.Scalar();
        if (key != "cluster") {
            paths.push_back(key);
            continue;
        }
        for (auto c = it->second.begin(); c != it->second.end(); ++c)
            paths.push_back("cluster." + c->first.Scalar());
    }
    return paths;
}

std::size_t position_of(const std::string& yaml_path) {
    for (std::size_t i = 0; i < cfg::all_options.size(); ++i)
        if (cfg::all_options[i]->yaml_path == yaml_path) return i;
    FAIL("no option has the YAML path " << yaml_path);
    return 0;
}

// Runs `body` in a child process, so that a crash fails this test only; returns its exit
// status, or 128 + the signal that ended it.
int in_child(const std::function<int()>& body) {
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        for (int sig : {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL}) std::signal(sig, SIG_DFL);
        ::alarm(60);  // a runaway child ends instead of hanging the run
        int rc = 2;
        try {
            rc = body();
        } catch (...) {
        }
        std::_Exit(rc);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

// --- the generated samples
// -------------------------------------------------------------------------

TEST_CASE(
    "files_for: the tutorial's machine-1.yaml, machine-4.env and machine-1.service are the "
    "generated samples byte for byte",
    "[member-files]") {
    const auto tutorial = sample("tutorial");
    CHECK(tutorial.files("machine-1").yaml ==
          source_text("samples/tutorial/generated/machine-1.yaml"));
    CHECK(tutorial.files("machine-4").env ==
          source_text("samples/tutorial/generated/machine-4.env"));
    CHECK(tutorial.files("machine-1").unit ==
          source_text("samples/tutorial/generated/machine-1.service"));
}

TEST_CASE(
    "files_for: every generated file of samples/tutorial and samples/local is reproduced byte "
    "for byte",
    "[member-files]") {
    for (const std::string name : {"tutorial", "local"}) {
        const auto c = sample(name);
        REQUIRE(c.members.size() == 4);
        for (const auto& m : c.members) {
            const auto member = m.config.get(opt::name);
            const auto files = emit::files_for(c.description, m);
            const std::string base = "samples/" + name + "/generated/" + member;
            INFO(base);
            CHECK(files.yaml == source_text(base + ".yaml"));
            CHECK(files.env == source_text(base + ".env"));
            CHECK(files.unit == source_text(base + ".service"));
        }
    }
}

TEST_CASE("files_for: every file starts with a header naming the description and the member",
          "[member-files]") {
    const auto files = sample("tutorial").files("machine-2");
    const std::string header =
        "# Generated by eg-config generate from samples/tutorial/cluster.yaml (member "
        "machine-2).\n"
        "# Do not edit: change the description and generate again.\n";
    CHECK_THAT(files.yaml, StartsWith(header));
    CHECK_THAT(files.env, StartsWith(header));
    CHECK_THAT(files.unit, StartsWith(header));
}

TEST_CASE("files_for: the unit runs the member's binary with its YAML file in config-dir",
          "[member-files]") {
    const auto c = read_cluster(
        "cluster-name: c\n"
        "defaults:\n"
        "  config-dir: /opt/eg/etc\n"
        "members:\n"
        "  - {name: m1, role: primary, host: 10.0.0.1, binary: /opt/eg/bin/easegress-server}\n"
        "  - {name: m2, role: secondary, host: 10.0.0.2}\n",
        "c.yaml");
    const auto m1 = c.files("m1").unit;
    CHECK(eg::test::has_lines(m1, "Description=Easegress primary member m1 of cluster c\n"));
    CHECK(eg::test::has_lines(
        m1, "ExecStart=/opt/eg/bin/easegress-server --config-file /opt/eg/etc/m1.yaml\n"));
    CHECK(eg::test::has_lines(
        c.files("m2").unit,
        "ExecStart=/usr/local/bin/easegress-server --config-file /opt/eg/etc/m2.yaml\n"));
}

// --- what the YAML holds -------------------------------------------------------------------------

TEST_CASE("files_for: the YAML writes only the set options, in declaration order",
          "[member-files]") {
    const auto c = read_cluster(rich_description, "rich.yaml");
    for (const auto& m : c.members) {
        const auto name = m.config.get(opt::name);
        INFO(name);
        const auto paths = yaml_paths(emit::files_for(c.description, m).yaml);
        std::vector<std::size_t> positions;
        for (const auto& p : paths) positions.push_back(position_of(p));
        CHECK(std::is_sorted(positions.begin(), positions.end()));
        CHECK(std::adjacent_find(positions.begin(), positions.end()) == positions.end());
        std::vector<std::string> set;
        for (const auto* spec : cfg::all_options)
            if (spec->in_file() && !spec->removed && m.config.at(*spec).is_set())
                set.emplace_back(spec->yaml_path);
        CHECK(paths == set);
    }
    const auto tutorial = sample("tutorial").files("machine-1").yaml;
    for (const std::string unset : {"debug:", "data-dir:", "log-dir:", "tls:", "labels:",
                                    "state-flag:", "primary-listen-peer-urls:"})
        CHECK_THAT(tutorial, !Contains(unset));
}

TEST_CASE("files_for: the generated YAML loads back to the member's values", "[member-files]") {
    for (const auto& c :
         {sample("tutorial"), sample("local"), read_cluster(rich_description, "rich.yaml")}) {
        for (const auto& m : c.members) {
            INFO(c.description.path << " " << m.config.get(opt::name));
            const auto yaml = emit::files_for(c.description, m).yaml;
            INFO(yaml);
            check_same_file_values(m.config, load_generated(yaml));
        }
    }
}

TEST_CASE("files_for: a basic-auth option is written in the YAML, and only noted in the .env",
          "[member-files]") {
    const auto files = read_cluster(rich_description, "rich.yaml").files("machine-1");
    CHECK(eg::test::has_lines(files.yaml, "basic-auth:\n  admin: s3cret\n"));
    CHECK(eg::test::has_lines(files.env, "# basic-auth is file-only: see machine-1.yaml\n"));
    CHECK(eg::test::has_lines(files.env, "# client-ca-file is file-only: see machine-1.yaml\n"));
    CHECK_THAT(files.env, !Contains("s3cret"));
    CHECK_THAT(files.env, !Contains("BASIC_AUTH"));
}

// --- the .env file -------------------------------------------------------------------------------

TEST_CASE(
    "env_line: plain values stay bare, others are double-quoted with quote, backslash, "
    "dollar and backtick escaped",
    "[member-files]") {
    CHECK(emit::env_line("EASEGRESS_NAME", "machine-1") == "EASEGRESS_NAME=machine-1\n");
    CHECK(emit::env_line("EASEGRESS_INITIAL_CLUSTER",
                         "m1=http://10.0.0.1:2380,m2=http://10.0.0.2:2380") ==
          "EASEGRESS_INITIAL_CLUSTER=m1=http://10.0.0.1:2380,m2=http://10.0.0.2:2380\n");
    CHECK(emit::env_line("EASEGRESS_LOG_DIR", "") == "EASEGRESS_LOG_DIR=\"\"\n");
    CHECK(emit::env_line("EASEGRESS_HOME_DIR", "/srv/my eg") ==
          "EASEGRESS_HOME_DIR=\"/srv/my eg\"\n");
    CHECK(emit::env_line("EASEGRESS_WAL_DIR", "say \"hi\"") ==
          "EASEGRESS_WAL_DIR=\"say \\\"hi\\\"\"\n");
    CHECK(emit::env_line("EASEGRESS_DATA_DIR", "$HOME/eg") ==
          "EASEGRESS_DATA_DIR=\"\\$HOME/eg\"\n");
    CHECK(emit::env_line("EASEGRESS_DATA_DIR", "C:\\eg") == "EASEGRESS_DATA_DIR=\"C:\\\\eg\"\n");
    CHECK(emit::env_line("EASEGRESS_NAME", "`id`") == "EASEGRESS_NAME=\"\\`id\\`\"\n");
    CHECK(emit::env_line("EASEGRESS_NAME", "a#b") == "EASEGRESS_NAME=\"a#b\"\n");
    CHECK(emit::env_line("EASEGRESS_NAME", "it's") == "EASEGRESS_NAME=\"it's\"\n");
}

TEST_CASE("files_for: the .env lines of the tutorial load back to the member's values",
          "[member-files]") {
    const auto tutorial = sample("tutorial");
    for (const auto& m : tutorial.members) {
        INFO(m.config.get(opt::name));
        const auto env_text = emit::files_for(tutorial.description, m).env;
        cfg::environment env;
        for (const auto& line : eg::test::lines_of(env_text)) {
            if (line.empty() || line.front() == '#') continue;
            const auto eq = line.find('=');
            REQUIRE(eq != std::string::npos);
            REQUIRE(line.find('"') == std::string::npos);  // all plain
            env.emplace(line.substr(0, eq), line.substr(eq + 1));
        }
        auto loaded = cfg::load_config({}, env);
        REQUIRE(loaded.diagnostics.empty());
        for (const auto* spec : cfg::all_options) {
            if (!spec->has_flag() || spec->removed) continue;
            INFO(spec->flag);
            CHECK(loaded.config.at(*spec).value == m.config.at(*spec).value);
        }
    }
}

// --- a member renamed by its options
// --------------------------------------------------------------

TEST_CASE("files_for: a member whose options rename it gets files under its new name",
          "[member-files]") {
    // members_of applies `options: {name: ...}`; files_for then looks the member up in the
    // description by that name, finds none and reads past the end of the member list.
    const auto c = read_cluster(
        "cluster-name: c\n"
        "members:\n"
        "  - {name: m1, role: primary, host: 10.0.0.1}\n"
        "  - {name: m2, role: primary, host: 10.0.0.2}\n"
        "  - {name: m3, role: primary, host: 10.0.0.3}\n"
        "  - name: m4\n"
        "    role: secondary\n"
        "    host: 10.0.0.4\n"
        "    config-dir: /opt/eg\n"
        "    options:\n"
        "      name: renamed\n",
        "c.yaml");
    const auto& renamed = c.member("renamed");
    const int status = in_child([&] {
        const auto files = emit::files_for(c.description, renamed);
        const bool ok =
            eg::test::has_lines(files.unit,
                                "ExecStart=/usr/local/bin/easegress-server --config-file "
                                "/opt/eg/renamed.yaml\n") &&
            eg::test::has_lines(files.yaml, "name: renamed\n");
        return ok ? 0 : 3;
    });
    INFO("child status " << status << " (3: wrong files; above 128: killed by signal "
                         << (status > 128 ? status - 128 : 0) << ")");
    CHECK(status == 0);
}
