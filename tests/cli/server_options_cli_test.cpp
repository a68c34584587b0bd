// easegress-server --print-config: every option's three spellings (config file, EASEGRESS_*
// variable, flag) show up with the value and its source; the tutorial's 33 variables by their
// literal names; secrets are never printed.

#include <eg/option_spec.hpp>
#include <eg/server_options.hpp>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "support/output_text.hpp"
#include "support/process.hpp"
#include "support/server_runner.hpp"
#include "support/temp_dir.hpp"

namespace {

using eg::test::count_of;
using eg::test::env_map;
using eg::test::has_lines;
using eg::test::run_server;
using eg::test::with;

std::vector<std::string> split(std::string_view text, char sep) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto end = text.find(sep, start);
        parts.emplace_back(text.substr(start, end - start));
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return parts;
}

// One non-default value per option printed by --print-config.
struct option_case {
    std::string_view yaml_path;
    // The value as an EASEGRESS_* variable and as a flag; also the file's YAML: a scalar as is,
    // a list as one `- item` per comma-separated item, a map as one `k: v` per k=v pair.
    std::string text;
    // The value's lines as printed: a scalar's text, or the block lines below the key without
    // their indentation.
    std::vector<std::string> printed;
    // Flags that keep the configuration valid with this value.
    std::vector<std::string> companions = {};
};

const std::vector<option_case>& option_cases() {
    static const std::vector<option_case> cases = {
        {"name", "member-7", {"member-7"}},
        {"labels", "zone=eu-1,team=edge", {"zone: eu-1", "team: edge"}},
        {"api-addr", "127.0.0.1:12381", {"127.0.0.1:12381"}},
        {"tls", "true", {"true"}, {"--cert-file", "admin.pem", "--key-file", "admin.key"}},
        {"cert-file", "admin.pem", {"admin.pem"}},
        {"key-file", "admin.key", {"admin.key"}},
        {"client-ca-file",
         "clients-ca.pem",
         {"clients-ca.pem"},
         {"--tls", "--cert-file", "admin.pem", "--key-file", "admin.key"}},
        {"debug", "true", {"true"}},
        {"disable-access-log", "true", {"true"}},
        {"initial-object-config-files",
         "objects/http-server.yaml,objects/pipeline.yaml",
         {"- objects/http-server.yaml", "- objects/pipeline.yaml"}},
        {"objects-dump-interval", "90m", {"1h30m"}},
        {"basic-auth",
         "admin=s3cret-one,ops=s3cret-two",
         {"admin: \"<redacted>\"", "ops: \"<redacted>\""},
         {"--tls", "--cert-file", "admin.pem", "--key-file", "admin.key"}},
        {"use-standalone-etcd", "true", {"true"}, {"--cluster-role", "secondary"}},
        {"cluster-name", "cluster-7", {"cluster-7"}},
        {"cluster-role", "secondary", {"secondary"}},
        {"cluster-request-timeout", "1m30s", {"1m30s"}},
        {"cluster.listen-peer-urls",
         "http://127.0.0.1:2380,http://10.0.0.1:2380",
         {"- http://127.0.0.1:2380", "- http://10.0.0.1:2380"}},
        {"cluster.listen-client-urls",
         "http://127.0.0.1:2379,http://10.0.0.1:2379",
         {"- http://127.0.0.1:2379", "- http://10.0.0.1:2379"}},
        {"cluster.advertise-client-urls",
         "http://10.0.0.1:2379",
         {"- http://10.0.0.1:2379"},
         {"--listen-client-urls", "http://10.0.0.1:2379"}},
        {"cluster.initial-advertise-peer-urls",
         "http://10.0.0.1:2380",
         {"- http://10.0.0.1:2380"},
         {"--listen-peer-urls", "http://10.0.0.1:2380"}},
        {"cluster.initial-cluster",
         "eg-default-name=http://localhost:2380,machine-2=http://10.0.0.2:2380",
         {"eg-default-name: http://localhost:2380", "machine-2: http://10.0.0.2:2380"}},
        {"cluster.state-flag", "existing", {"existing"}},
        {"cluster.primary-listen-peer-urls",
         "http://10.0.0.1:2380,http://10.0.0.2:2380",
         {"- http://10.0.0.1:2380", "- http://10.0.0.2:2380"},
         {"--cluster-role", "secondary"}},
        {"cluster.max-call-send-msg-size", "4MiB", {"4194304"}},
        {"cluster.etcd-heartbeat-interval", "50ms", {"50ms"}},
        {"cluster.etcd-election-timeout", "2s", {"2s"}},
        {"home-dir", "eg-home", {"eg-home"}},
        {"data-dir", "state/data", {"state/data"}},
        {"wal-dir", "state/wal", {"state/wal"}},
        {"log-dir", "state/log", {"state/log"}},
        {"cpu-profile-file", "cpu.pprof", {"cpu.pprof"}},
        {"memory-profile-file", "memory.pprof", {"memory.pprof"}},
        {"status-update-max-batch-size", "50", {"50"}},
        {"member-heartbeat-interval", "2s", {"2s"}},
        {"traffic-workers", "4", {"4"}},
        {"etcd-binary", "/opt/etcd/bin/etcd", {"/opt/etcd/bin/etcd"}},
    };
    return cases;
}

bool printed_by_print_config(const eg::config::option_spec& spec) {
    return spec.in_file() && !spec.removed;
}

const option_case& case_for(const eg::config::option_spec& spec) {
    const auto& cases = option_cases();
    const auto it = std::find_if(cases.begin(), cases.end(), [&](const option_case& c) {
        return c.yaml_path == spec.yaml_path;
    });
    if (it == cases.end()) FAIL("no test value for option " << spec.yaml_path);
    return *it;
}

bool is_block(const eg::config::option_spec& spec) {
    return eg::config::is_list(spec.kind) || eg::config::is_map(spec.kind);
}

// The line(s) --print-config writes for the option, with `source` as the comment.
std::string expected_lines(const eg::config::option_spec& spec, const option_case& c,
                           const std::string& source) {
    const std::string indent = spec.yaml_section().empty() ? "" : "  ";
    std::string out = indent + std::string(spec.yaml_key()) + ":";
    if (!is_block(spec)) return out + " " + c.printed.front() + "  # " + source + "\n";
    out += "  # " + source + "\n";
    for (const auto& line : c.printed) out += indent + "  " + line + "\n";
    return out;
}

// A configuration file setting only this option; the key is on line 2 (top level) or 3
// (under cluster:), after a comment line.
struct option_file {
    std::string text;
    int line;
    int column;
};

option_file file_for(const eg::config::option_spec& spec, const option_case& c) {
    const bool nested = !spec.yaml_section().empty();
    const std::string indent = nested ? "  " : "";
    std::string text = "# one option under test\n";
    if (nested) text += std::string(spec.yaml_section()) + ":\n";
    text += indent + std::string(spec.yaml_key()) + ":";
    if (eg::config::is_list(spec.kind)) {
        text += "\n";
        for (const auto& item : split(c.text, ',')) text += indent + "  - " + item + "\n";
    } else if (eg::config::is_map(spec.kind)) {
        text += "\n";
        for (const auto& pair : split(c.text, ',')) {
            const auto eq = pair.find('=');
            text += indent + "  " + pair.substr(0, eq) + ": " + pair.substr(eq + 1) + "\n";
        }
    } else {
        text += " " + c.text + "\n";
    }
    return {text, nested ? 3 : 2, nested ? 3 : 1};
}

// The tutorial's list of variables ("Configuration and Environment Variables"), by their
// literal names.
const std::vector<std::string_view> tutorial_variables = {
    "EASEGRESS_NAME",
    "EASEGRESS_LABELS",
    "EASEGRESS_CONFIG_FILE",
    "EASEGRESS_FORCE_NEW_CLUSTER",
    "EASEGRESS_SIGNAL_UPGRADE",
    "EASEGRESS_USE_STANDALONE_ETCD",
    "EASEGRESS_CLUSTER_NAME",
    "EASEGRESS_CLUSTER_ROLE",
    "EASEGRESS_CLUSTER_REQUEST_TIMEOUT",
    "EASEGRESS_LISTEN_CLIENT_URLS",
    "EASEGRESS_LISTEN_PEER_URLS",
    "EASEGRESS_ADVERTISE_CLIENT_URLS",
    "EASEGRESS_INITIAL_ADVERTISE_PEER_URLS",
    "EASEGRESS_INITIAL_CLUSTER",
    "EASEGRESS_STATE_FLAG",
    "EASEGRESS_PRIMARY_LISTEN_PEER_URLS",
    "EASEGRESS_MAX_CALL_SEND_MSG_SIZE",
    "EASEGRESS_API_ADDR",
    "EASEGRESS_TLS",
    "EASEGRESS_CERT_FILE",
    "EASEGRESS_KEY_FILE",
    "EASEGRESS_DEBUG",
    "EASEGRESS_DISABLE_ACCESS",
    "EASEGRESS_OBJECTS_DUMP_INTERVAL",
    "EASEGRESS_INITIAL_OBJECT_CONFIG_FILES",
    "EASEGRESS_HOME_DIR",
    "EASEGRESS_DATA_DIR",
    "EASEGRESS_WAL_DIR",
    "EASEGRESS_LOG_DIR",
    "EASEGRESS_MEMBER_DIR",
    "EASEGRESS_CPU_PROFILE_FILE",
    "EASEGRESS_MEMORY_PROFILE_FILE",
    "EASEGRESS_STATUS_UPDATE_MAX_BATCH_SIZE",
};

}  // namespace

TEST_CASE("server --print-config: every printed option has a test value, and no value is stale",
          "[cli][print-config]") {
    std::set<std::string_view> printed;
    for (const auto* spec : eg::config::all_options)
        if (printed_by_print_config(*spec)) printed.insert(spec->yaml_path);
    std::set<std::string_view> covered;
    for (const auto& c : option_cases()) {
        INFO("test value for " << c.yaml_path);
        CHECK(printed.count(c.yaml_path) == 1);
        CHECK(covered.insert(c.yaml_path).second);
        REQUIRE_FALSE(c.printed.empty());
    }
    CHECK(covered == printed);
}

TEST_CASE("server --print-config: a value from the config file prints with its file:line:col",
          "[cli][print-config]") {
    for (const auto* spec : eg::config::all_options) {
        if (!printed_by_print_config(*spec)) continue;
        const auto& c = case_for(*spec);
        INFO("option " << spec->yaml_path << " = " << c.text);
        eg::test::temp_dir dir;
        const auto file = file_for(*spec, c);
        dir.write("member.yaml", file.text);
        const auto result = run_server(with({"--print-config", "-f", "member.yaml"}, c.companions),
                                       {}, dir.path().string());
        INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
        CHECK(result.exit_code == 0);
        CHECK(result.err.empty());
        CHECK(has_lines(result.out, expected_lines(*spec, c,
                                                   "file member.yaml:" + std::to_string(file.line) +
                                                       ":" + std::to_string(file.column))));
    }
}

TEST_CASE("server --print-config: a value from the EASEGRESS_* variable prints with env NAME",
          "[cli][print-config][env]") {
    for (const auto* spec : eg::config::all_options) {
        if (!printed_by_print_config(*spec) || !spec->has_flag()) continue;
        const auto& c = case_for(*spec);
        const std::string name = eg::config::env_name(*spec);
        INFO(name << "=" << c.text);
        const auto result = run_server(with({"--print-config"}, c.companions), {{name, c.text}});
        INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
        CHECK(result.exit_code == 0);
        CHECK(result.err.empty());
        CHECK(has_lines(result.out, expected_lines(*spec, c, "env " + name)));
    }
}

TEST_CASE("server --print-config: a value from the flag prints with flag --name",
          "[cli][print-config][flag]") {
    for (const auto* spec : eg::config::all_options) {
        if (!printed_by_print_config(*spec) || !spec->has_flag()) continue;
        const auto& c = case_for(*spec);
        const std::string flag = eg::config::flag_name(*spec);
        std::vector<std::string> args{"--print-config", flag};
        if (spec->kind != eg::config::value_kind::boolean) args.push_back(c.text);
        INFO("flag " << flag << " " << c.text);
        const auto result = run_server(with(args, c.companions));
        INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
        CHECK(result.exit_code == 0);
        CHECK(result.err.empty());
        CHECK(has_lines(result.out, expected_lines(*spec, c, "flag " + flag)));
    }
}

TEST_CASE("server --print-config: a flag written --flag=value prints like --flag value",
          "[cli][print-config][flag]") {
    const auto result =
        run_server({"--print-config", "--name=member-7", "--tls=false",
                    "--listen-peer-urls=http://127.0.0.1:2380,http://10.0.0.1:2380"});
    INFO("stderr:\n" << result.err);
    CHECK(result.exit_code == 0);
    CHECK(has_lines(result.out, "name: member-7  # flag --name\n"));
    CHECK(has_lines(result.out, "tls: false  # flag --tls\n"));
    CHECK(has_lines(result.out,
                    "  listen-peer-urls:  # flag --listen-peer-urls\n"
                    "    - http://127.0.0.1:2380\n"
                    "    - http://10.0.0.1:2380\n"));
}

TEST_CASE("server --print-config: --config-file wins over EASEGRESS_CONFIG_FILE",
          "[cli][print-config][precedence]") {
    eg::test::temp_dir dir;
    dir.write("from-env.yaml", "name: from-env-file\ndebug: true\n");
    dir.write("from-flag.yaml", "name: from-flag-file\n");
    const auto result =
        run_server({"--print-config", "--config-file", "from-flag.yaml"},
                   {{"EASEGRESS_CONFIG_FILE", "from-env.yaml"}}, dir.path().string());
    INFO("stderr:\n" << result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());
    CHECK(has_lines(result.out, "name: from-flag-file  # file from-flag.yaml:1:1\n"));
    CHECK(has_lines(result.out, "debug: false  # default\n"));
    CHECK(result.out.find("from-env") == std::string::npos);
}

TEST_CASE("server --print-config: a key given twice in repeated map flags is EG104, as in one flag",
          "[cli][print-config][flag]") {
    // "--labels zone=a,zone=b" is the EG104 error; "--labels zone=a --labels zone=b" must not
    // print a mapping with the key twice, which no YAML reader loads back.
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"--print-config", "--labels", "zone=eu-1,zone=eu-2"},
             {"--print-config", "--labels", "zone=eu-1", "--labels", "zone=eu-2"},
             {"--print-config", "--initial-cluster",
              "eg-default-name=http://localhost:2380,eg-default-name=http://10.0.0.1:2380"},
             {"--print-config", "--initial-cluster", "eg-default-name=http://localhost:2380",
              "--initial-cluster", "eg-default-name=http://10.0.0.1:2380"},
         }) {
        std::string spelled;
        for (const auto& arg : args) spelled += " " + arg;
        INFO("easegress-server" << spelled);
        const auto result = run_server(args);
        INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
        CHECK(result.exit_code == 1);
        CHECK(count_of(result.err, "[EG104]") == 1);
        CHECK(result.err.find(args[1] == "--labels"
                                  ? "flag:--labels: error: "
                                  : "flag:--initial-cluster: error: ") != std::string::npos);
    }
}

// Each variable of the tutorial's list (tutorial_variables), by its literal name, set in a real
// run; `expected` is what --print-config shows for it.
TEST_CASE("server: each of the tutorial's 33 EASEGRESS_* variables takes effect",
          "[cli][print-config][env][tutorial]") {
    REQUIRE(tutorial_variables.size() == 33);

    struct printed_variable {
        std::string_view name;
        std::string value;
        std::string expected;  // the line(s) of --print-config
        env_map companions = {};
    };
    const std::vector<printed_variable> printed = {
        {"EASEGRESS_NAME", "member-env", "name: member-env  # env EASEGRESS_NAME\n"},
        {"EASEGRESS_LABELS", "zone=eu-1,team=edge",
         "labels:  # env EASEGRESS_LABELS\n  zone: eu-1\n  team: edge\n"},
        {"EASEGRESS_USE_STANDALONE_ETCD",
         "true",
         "use-standalone-etcd: true  # env EASEGRESS_USE_STANDALONE_ETCD\n",
         {{"EASEGRESS_CLUSTER_ROLE", "secondary"}}},
        {"EASEGRESS_CLUSTER_NAME", "multi-node-cluster",
         "cluster-name: multi-node-cluster  # env EASEGRESS_CLUSTER_NAME\n"},
        {"EASEGRESS_CLUSTER_ROLE", "secondary",
         "cluster-role: secondary  # env EASEGRESS_CLUSTER_ROLE\n"},
        {"EASEGRESS_CLUSTER_REQUEST_TIMEOUT", "30s",
         "cluster-request-timeout: 30s  # env EASEGRESS_CLUSTER_REQUEST_TIMEOUT\n"},
        {"EASEGRESS_LISTEN_CLIENT_URLS",
         "http://10.0.0.1:2379",
         "  listen-client-urls:  # env EASEGRESS_LISTEN_CLIENT_URLS\n"
         "    - http://10.0.0.1:2379\n",
         {{"EASEGRESS_ADVERTISE_CLIENT_URLS", "http://10.0.0.1:2379"}}},
        {"EASEGRESS_LISTEN_PEER_URLS",
         "http://10.0.0.1:2380",
         "  listen-peer-urls:  # env EASEGRESS_LISTEN_PEER_URLS\n"
         "    - http://10.0.0.1:2380\n",
         {{"EASEGRESS_INITIAL_ADVERTISE_PEER_URLS", "http://10.0.0.1:2380"}}},
        {"EASEGRESS_ADVERTISE_CLIENT_URLS",
         "http://10.0.0.1:2379",
         "  advertise-client-urls:  # env EASEGRESS_ADVERTISE_CLIENT_URLS\n"
         "    - http://10.0.0.1:2379\n",
         {{"EASEGRESS_LISTEN_CLIENT_URLS", "http://10.0.0.1:2379"}}},
        {"EASEGRESS_INITIAL_ADVERTISE_PEER_URLS",
         "http://10.0.0.1:2380",
         "  initial-advertise-peer-urls:  # env EASEGRESS_INITIAL_ADVERTISE_PEER_URLS\n"
         "    - http://10.0.0.1:2380\n",
         {{"EASEGRESS_LISTEN_PEER_URLS", "http://10.0.0.1:2380"}}},
        {"EASEGRESS_INITIAL_CLUSTER",
         "machine-1=http://10.0.0.1:2380,machine-2=http://10.0.0.2:2380,"
         "machine-3=http://10.0.0.3:2380",
         "  initial-cluster:  # env EASEGRESS_INITIAL_CLUSTER\n"
         "    machine-1: http://10.0.0.1:2380\n"
         "    machine-2: http://10.0.0.2:2380\n"
         "    machine-3: http://10.0.0.3:2380\n",
         {{"EASEGRESS_NAME", "machine-1"},
          {"EASEGRESS_INITIAL_ADVERTISE_PEER_URLS", "http://10.0.0.1:2380"},
          {"EASEGRESS_LISTEN_PEER_URLS", "http://10.0.0.1:2380"}}},
        {"EASEGRESS_STATE_FLAG", "existing",
         "  state-flag: existing  # env EASEGRESS_STATE_FLAG\n"},
        {"EASEGRESS_PRIMARY_LISTEN_PEER_URLS",
         "http://10.0.0.1:2380",
         "  primary-listen-peer-urls:  # env EASEGRESS_PRIMARY_LISTEN_PEER_URLS\n"
         "    - http://10.0.0.1:2380\n",
         {{"EASEGRESS_CLUSTER_ROLE", "secondary"}}},
        {"EASEGRESS_MAX_CALL_SEND_MSG_SIZE", "20MiB",
         "  max-call-send-msg-size: 20971520  # env EASEGRESS_MAX_CALL_SEND_MSG_SIZE\n"},
        {"EASEGRESS_API_ADDR", "10.0.0.1:2381",
         "api-addr: 10.0.0.1:2381  # env EASEGRESS_API_ADDR\n"},
        {"EASEGRESS_TLS",
         "true",
         "tls: true  # env EASEGRESS_TLS\n",
         {{"EASEGRESS_CERT_FILE", "admin.pem"}, {"EASEGRESS_KEY_FILE", "admin.key"}}},
        {"EASEGRESS_CERT_FILE", "admin.pem", "cert-file: admin.pem  # env EASEGRESS_CERT_FILE\n"},
        {"EASEGRESS_KEY_FILE", "admin.key", "key-file: admin.key  # env EASEGRESS_KEY_FILE\n"},
        {"EASEGRESS_DEBUG", "true", "debug: true  # env EASEGRESS_DEBUG\n"},
        {"EASEGRESS_DISABLE_ACCESS", "true",
         "disable-access-log: true  # env EASEGRESS_DISABLE_ACCESS\n"},
        {"EASEGRESS_OBJECTS_DUMP_INTERVAL", "30m",
         "objects-dump-interval: 30m  # env EASEGRESS_OBJECTS_DUMP_INTERVAL\n"},
        {"EASEGRESS_INITIAL_OBJECT_CONFIG_FILES", "objects/http-server.yaml,objects/pipeline.yaml",
         "initial-object-config-files:  # env EASEGRESS_INITIAL_OBJECT_CONFIG_FILES\n"
         "  - objects/http-server.yaml\n"
         "  - objects/pipeline.yaml\n"},
        {"EASEGRESS_HOME_DIR", "eg-home", "home-dir: eg-home  # env EASEGRESS_HOME_DIR\n"},
        {"EASEGRESS_DATA_DIR", "state/data", "data-dir: state/data  # env EASEGRESS_DATA_DIR\n"},
        {"EASEGRESS_WAL_DIR", "state/wal", "wal-dir: state/wal  # env EASEGRESS_WAL_DIR\n"},
        {"EASEGRESS_LOG_DIR", "state/log", "log-dir: state/log  # env EASEGRESS_LOG_DIR\n"},
        {"EASEGRESS_CPU_PROFILE_FILE", "cpu.pprof",
         "cpu-profile-file: cpu.pprof  # env EASEGRESS_CPU_PROFILE_FILE\n"},
        {"EASEGRESS_MEMORY_PROFILE_FILE", "memory.pprof",
         "memory-profile-file: memory.pprof  # env EASEGRESS_MEMORY_PROFILE_FILE\n"},
        {"EASEGRESS_STATUS_UPDATE_MAX_BATCH_SIZE", "50",
         "status-update-max-batch-size: 50  # env EASEGRESS_STATUS_UPDATE_MAX_BATCH_SIZE\n"},
    };

    // Every variable of the list is tested below: 29 through their print-config line, and
    // EASEGRESS_CONFIG_FILE, EASEGRESS_MEMBER_DIR, EASEGRESS_FORCE_NEW_CLUSTER and
    // EASEGRESS_SIGNAL_UPGRADE through their own effects.
    std::set<std::string_view> tested;
    for (const auto& v : printed) tested.insert(v.name);
    tested.insert({"EASEGRESS_CONFIG_FILE", "EASEGRESS_MEMBER_DIR", "EASEGRESS_FORCE_NEW_CLUSTER",
                   "EASEGRESS_SIGNAL_UPGRADE"});
    CHECK(tested ==
          std::set<std::string_view>(tutorial_variables.begin(), tutorial_variables.end()));

    SECTION("29 variables print their value with env NAME") {
        for (const auto& v : printed) {
            env_map env = v.companions;
            env[std::string(v.name)] = v.value;
            INFO(v.name << "=" << v.value);
            const auto result = run_server({"--print-config"}, env);
            INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
            CHECK(result.exit_code == 0);
            CHECK(result.err.empty());
            CHECK(has_lines(result.out, v.expected));
        }
    }

    SECTION("EASEGRESS_CONFIG_FILE names the file that is read") {
        eg::test::temp_dir dir;
        dir.write("member.yaml", "# read through EASEGRESS_CONFIG_FILE\nname: from-config-file\n");
        const auto result = run_server(
            {"--print-config"}, {{"EASEGRESS_CONFIG_FILE", "member.yaml"}}, dir.path().string());
        INFO("stderr:\n" << result.err);
        CHECK(result.exit_code == 0);
        CHECK(result.err.empty());
        CHECK(has_lines(result.out, "name: from-config-file  # file member.yaml:2:1\n"));
    }
    SECTION("EASEGRESS_MEMBER_DIR is accepted with the EG109 warning and prints nothing") {
        const auto result = run_server({"--print-config"}, {{"EASEGRESS_MEMBER_DIR", "member"}});
        CHECK(result.exit_code == 0);
        CHECK(result.err.rfind("env:EASEGRESS_MEMBER_DIR: warning: ", 0) == 0);
        CHECK(count_of(result.err, "[EG") == 1);
        CHECK(count_of(result.err, "[EG109]") == 1);
        CHECK(result.out.find("member-dir") == std::string::npos);
        CHECK(result.out.find("member\n") == std::string::npos);
    }
    SECTION("EASEGRESS_FORCE_NEW_CLUSTER is read: on a secondary it is the EG203 error") {
        const auto result = run_server(
            {"--print-config"},
            {{"EASEGRESS_FORCE_NEW_CLUSTER", "true"}, {"EASEGRESS_CLUSTER_ROLE", "secondary"}});
        INFO("stderr:\n" << result.err);
        CHECK(result.exit_code == 1);
        CHECK(has_lines(result.err, "env:EASEGRESS_FORCE_NEW_CLUSTER: error: "));
        CHECK(count_of(result.err, "[EG203]") == 1);
        CHECK(count_of(result.err, "[EG114]") == 0);
        CHECK(has_lines(result.out, "cluster-role: secondary  # env EASEGRESS_CLUSTER_ROLE\n"));
    }
    SECTION("EASEGRESS_FORCE_NEW_CLUSTER on a primary is accepted without a warning") {
        const auto result =
            run_server({"--print-config"}, {{"EASEGRESS_FORCE_NEW_CLUSTER", "true"}});
        CHECK(result.exit_code == 0);
        CHECK(result.err.empty());
        CHECK(result.out.find("force-new-cluster") == std::string::npos);
    }
    SECTION("EASEGRESS_SIGNAL_UPGRADE is accepted without a warning and not printed") {
        const auto result = run_server({"--print-config"}, {{"EASEGRESS_SIGNAL_UPGRADE", "true"}});
        CHECK(result.exit_code == 0);
        CHECK(result.err.empty());
        CHECK(result.out.find("signal-upgrade") == std::string::npos);
    }
    SECTION("EASEGRESS_SIGNAL_UPGRADE is read: a value that is not a bool is the EG107 error") {
        const auto result = run_server({"--print-config"}, {{"EASEGRESS_SIGNAL_UPGRADE", "maybe"}});
        CHECK(result.exit_code == 1);
        CHECK(has_lines(result.err,
                        "env:EASEGRESS_SIGNAL_UPGRADE: error: \"maybe\" is not a bool "
                        "[EG107]\n"));
        CHECK(count_of(result.err, "[EG114]") == 0);
    }
}

TEST_CASE("server: each tutorial variable is the declared EASEGRESS_* name of its flag",
          "[cli][env][tutorial]") {
    // The variables of the tutorial are exactly the flags' variables, less the four commands
    // (--version, --help, --print-config, --check-config) that the tutorial does not list.
    const std::set<std::string> tutorial(tutorial_variables.begin(), tutorial_variables.end());
    std::set<std::string> declared;
    for (const auto* spec : eg::config::all_options)
        if (spec->has_flag() && spec->group != eg::config::option_group::command)
            declared.insert(eg::config::env_name(*spec));
    for (const auto* decl :
         {&eg::config::opt::config_file.spec, &eg::config::opt::force_new_cluster.spec,
          &eg::config::opt::signal_upgrade.spec})
        declared.insert(eg::config::env_name(*decl));
    // Options of this project that upstream does not have (the etcd it runs, the heartbeat, the
    // traffic plane's workers).
    for (const auto* decl :
         {&eg::config::opt::etcd_binary.spec, &eg::config::opt::etcd_heartbeat_interval.spec,
          &eg::config::opt::etcd_election_timeout.spec,
          &eg::config::opt::member_heartbeat_interval.spec, &eg::config::opt::traffic_workers.spec})
        declared.erase(eg::config::env_name(*decl));
    CHECK(declared == tutorial);
}

TEST_CASE("server --print-config: basic-auth passwords are redacted and never shown",
          "[cli][print-config][secret]") {
    const std::vector<std::string> passwords = {"s3cret-one", "p@ss w0rd", "hunter2-admin"};
    eg::test::temp_dir dir;
    dir.write("member.yaml",
              "name: machine-1\n"
              "basic-auth:\n"
              "  admin: s3cret-one\n"
              "  ops: \"p@ss w0rd\"\n"
              "  viewer: hunter2-admin\n");

    SECTION("a valid file prints <redacted> for every password") {
        for (const auto* command : {"--print-config", "--check-config"}) {
            INFO(command);
            const auto result = run_server({command, "-f", "member.yaml"}, {}, dir.path().string());
            INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
            CHECK(result.exit_code == 0);
            if (std::string_view(command) == "--print-config")
                CHECK(has_lines(result.out,
                                "basic-auth:  # file member.yaml:2:1\n"
                                "  admin: \"<redacted>\"\n"
                                "  ops: \"<redacted>\"\n"
                                "  viewer: \"<redacted>\"\n"));
            for (const auto& password : passwords) {
                CHECK(result.out.find(password) == std::string::npos);
                CHECK(result.err.find(password) == std::string::npos);
            }
        }
    }
    SECTION("an invalid configuration does not show the passwords in its diagnostics") {
        const auto result =
            run_server({"--print-config", "-f", "member.yaml", "--name", "machine 1", "--tls"},
                       {{"EASEGRESS_BASIC_AUTH", "root=s3cret-one"}}, dir.path().string());
        INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
        CHECK(result.exit_code == 1);
        CHECK(count_of(result.out, "\"<redacted>\"") == 3);
        for (const auto& password : passwords) {
            CHECK(result.out.find(password) == std::string::npos);
            CHECK(result.err.find(password) == std::string::npos);
        }
    }
}

TEST_CASE("server: --basic-auth given as a flag is refused without echoing the password",
          "[cli][secret]") {
    // basic-auth is file-only: the flag is the EG119 error, and its value must neither be
    // echoed nor be taken for a stray positional argument (EG118).
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"--check-config", "--basic-auth", "admin=s3cret-one"},
             {"--check-config", "--basic-auth=admin=s3cret-one"}}) {
        INFO("args: " << args[1] << (args.size() > 2 ? " " + args[2] : ""));
        const auto result = run_server(args);
        INFO("stderr:\n" << result.err);
        CHECK(result.exit_code == 1);
        CHECK(result.err.rfind("flag:--basic-auth: error: ", 0) == 0);
        CHECK(count_of(result.err, "[EG119]") == 1);
        CHECK(count_of(result.err, "[EG") == 1);
        CHECK(result.err.find("s3cret-one") == std::string::npos);
    }
}
