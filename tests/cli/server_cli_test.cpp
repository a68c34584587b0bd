// easegress-server as a user runs it: --help, --version, --print-config (golden files and round
// trip), --check-config on the tutorial's files and commands, exit codes, plain start.

#include <eg/option_spec.hpp>
#include <eg/server_options.hpp>

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstddef>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "support/golden.hpp"
#include "support/output_text.hpp"
#include "support/process.hpp"
#include "support/server_runner.hpp"
#include "support/temp_dir.hpp"

namespace {

using eg::test::count_of;
using eg::test::env_map;
using eg::test::has_lines;
using eg::test::lines_of;
using eg::test::run_server;
using eg::test::with;

const std::string tutorial_dir = eg::test::source_path("samples/valid/tutorial");

// --print-config output without the trailing source comments ("  # default", "  # file ...",
// "  # env EASEGRESS_X", "  # flag --x"); a quoted value that merely contains "  # " stays.
std::string strip_source_comments(const std::string& printed) {
    static const std::regex comment(
        R"(^(.*)  # (default|file [^"]+|env EASEGRESS_[A-Z0-9_]+|flag --[a-z0-9-]+)$)");
    std::string out;
    for (const auto& line : lines_of(printed)) {
        std::smatch m;
        out += (std::regex_match(line, m, comment) ? m[1].str() : line) + "\n";
    }
    return out;
}

// Prints `args`/`env`/`cwd`'s configuration, writes it without comments to a fresh file, and
// prints that file with an empty environment and no other flag: the values must be identical.
void check_round_trip(const std::vector<std::string>& args, const env_map& env,
                      const std::string& cwd) {
    std::vector<std::string> first_args{"--print-config"};
    first_args.insert(first_args.end(), args.begin(), args.end());
    const auto first = run_server(first_args, env, cwd);
    INFO("first stdout:\n" << first.out << "first stderr:\n" << first.err);
    REQUIRE(first.exit_code == 0);
    const std::string values = strip_source_comments(first.out);

    eg::test::temp_dir dir;
    dir.write("printed.yaml", values);
    const auto second =
        run_server({"--print-config", "-f", "printed.yaml"}, {}, dir.path().string());
    INFO("second stdout:\n" << second.out << "second stderr:\n" << second.err);
    CHECK(second.exit_code == 0);
    CHECK(second.err.empty());
    CHECK(strip_source_comments(second.out) == values);
}

const std::string host1 = "10.0.0.1";
const std::string host2 = "10.0.0.2";
const std::string host3 = "10.0.0.3";
const std::string cluster = "machine-1=http://" + host1 + ":2380,machine-2=http://" + host2 +
                            ":2380,machine-3=http://" + host3 + ":2380";

// The tutorial's command for primary machine N ("Deploy an Easegress Cluster Step by Step").
std::vector<std::string> tutorial_primary_flags(int n) {
    const std::string host = "10.0.0." + std::to_string(n);
    std::vector<std::string> flags = {"--cluster-name", "multi-node-cluster",
                                      "--cluster-role", "primary",
                                      "--name",         "machine-" + std::to_string(n)};
    if (n == 1) flags.insert(flags.end(), {"--api-addr", host + ":2381"});
    flags.insert(
        flags.end(),
        {"--initial-advertise-peer-urls", "http://" + host + ":2380", "--listen-peer-urls",
         "http://" + host + ":2380", "--listen-client-urls", "http://" + host + ":2379",
         "--advertise-client-urls", "http://" + host + ":2379", "--initial-cluster", cluster});
    return flags;
}

// The tutorial's command for the secondary machine-4 ("Add New Member").
std::vector<std::string> tutorial_secondary_flags() {
    return {"--cluster-name",
            "multi-node-cluster",
            "--cluster-role",
            "secondary",
            "--name",
            "machine-4",
            "--primary-listen-peer-urls",
            "http://" + host1 + ":2380",
            "--state-flag",
            "existing"};
}

}  // namespace

TEST_CASE("server --help: prints the help text and exits 0", "[cli][help]") {
    const auto result = run_server({"--help"});
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());
    eg::test::check_golden("server/help.txt", result.out);
}

TEST_CASE("server -h: prints the same as --help", "[cli][help]") {
    const auto long_form = run_server({"--help"});
    const auto short_form = run_server({"-h"});
    CHECK(short_form.exit_code == 0);
    CHECK(short_form.err.empty());
    CHECK(short_form.out == long_form.out);
}

TEST_CASE("server --help: lists every flag with its EASEGRESS_* variable", "[cli][help]") {
    const auto result = run_server({"--help"});
    REQUIRE(result.exit_code == 0);
    const auto lines = lines_of(result.out);
    for (const auto* spec : eg::config::all_options) {
        if (!spec->has_flag()) continue;
        const std::string flag = eg::config::flag_name(*spec);
        const std::string env = eg::config::env_name(*spec);
        INFO(flag << " / " << env);
        if (spec->removed) {
            CHECK(has_lines(result.out, "  " + flag + ", env " + env + "\n"));
            continue;
        }
        // The entry: "  -x, --flag ..." or "      --flag ...", then its indented lines, one of
        // them "env EASEGRESS_X" (followed by ", file key ..." for file options).
        const std::string head = spec->short_flag != 0
                                     ? std::string("  -") + spec->short_flag + ", " + flag
                                     : "      " + flag;
        std::size_t at = lines.size();
        for (std::size_t i = 0; i < lines.size(); ++i)
            if (lines[i].rfind(head, 0) == 0 &&
                (lines[i].size() == head.size() || lines[i][head.size()] == ' '))
                at = i;
        REQUIRE(at < lines.size());
        bool named = false;
        for (std::size_t i = at + 1; i < lines.size() && lines[i].rfind("       ", 0) == 0; ++i) {
            const std::string entry = lines[i].substr(lines[i].find_first_not_of(' '));
            if (entry == "env " + env || entry.rfind("env " + env + ",", 0) == 0) named = true;
        }
        CHECK(named);
        if (spec->in_file())
            CHECK(result.out.find("env " + env + ", file key " + std::string(spec->yaml_path) +
                                  "\n") != std::string::npos);
    }
}

TEST_CASE("server --version and -v: print Easegress and the version, and exit 0",
          "[cli][version]") {
    for (const auto* flag : {"--version", "-v"}) {
        INFO(flag);
        const auto result = run_server({flag});
        CHECK(result.exit_code == 0);
        CHECK(result.err.empty());
        CHECK(result.out == std::string("Easegress ") + EG_VERSION + "\n");
    }
}

TEST_CASE("server: short flags take values and combine as with upstream's Go flags",
          "[cli][flags]") {
    // Upstream easegress-server parses its flags with spf13/pflag: "-fFILE", "-f=FILE", "-c=true"
    // and "-cf FILE" (-c and -f together) are all spellings of "-c -f FILE".
    const auto reference = run_server({"-c", "-f", "machine-1.yaml"}, {}, tutorial_dir);
    REQUIRE(reference.exit_code == 0);
    REQUIRE(has_lines(reference.out, "name: machine-1  # file machine-1.yaml:2:1\n"));
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"-fmachine-1.yaml", "-c"},
             {"-f=machine-1.yaml", "-c"},
             {"-c=true", "-f", "machine-1.yaml"},
             {"-cf", "machine-1.yaml"},
         }) {
        std::string spelled;
        for (const auto& arg : args) spelled += " " + arg;
        INFO("easegress-server" << spelled);
        const auto result = run_server(args, {}, tutorial_dir);
        INFO("stderr:\n" << result.err);
        CHECK(result.exit_code == 0);
        CHECK(result.err.empty());
        const bool same_output = result.out == reference.out;
        CHECK(same_output);
    }
}

TEST_CASE("server --print-config: the tutorial's files print as in their golden files",
          "[cli][print-config][tutorial]") {
    for (int n = 1; n <= 4; ++n) {
        const std::string file = "machine-" + std::to_string(n) + ".yaml";
        INFO(file);
        const auto result = run_server({"--print-config", "-f", file}, {}, tutorial_dir);
        CHECK(result.exit_code == 0);
        CHECK(result.err.empty());
        eg::test::check_golden("server/print-config-machine-" + std::to_string(n) + ".txt",
                               result.out);
    }
}

TEST_CASE("server --print-config: without its comments, the output loads to the same values",
          "[cli][print-config][round-trip]") {
    SECTION("the tutorial's files") {
        for (int n = 1; n <= 4; ++n) {
            const std::string file = "machine-" + std::to_string(n) + ".yaml";
            INFO(file);
            check_round_trip({"-f", file}, {}, tutorial_dir);
        }
    }
    SECTION("a file with variables and flags over it: lists, maps, durations, sizes, quotes") {
        eg::test::temp_dir dir;
        dir.write("member.yaml",
                  "name: machine-1\n"
                  "cluster-name: cluster-test\n"
                  "labels:\n"
                  "  zone: eu-1\n"
                  "cluster:\n"
                  "  listen-peer-urls:\n"
                  "    - http://10.0.0.1:2380\n"
                  "  initial-cluster:\n"
                  "    - machine-1: http://10.0.0.1:2380\n"
                  "    - machine-2: http://10.0.0.2:2380\n");
        const env_map env = {
            {"EASEGRESS_OBJECTS_DUMP_INTERVAL", "90m"},
            {"EASEGRESS_INITIAL_ADVERTISE_PEER_URLS", "http://10.0.0.1:2380"},
            {"EASEGRESS_MAX_CALL_SEND_MSG_SIZE", "16MiB"},
            {"EASEGRESS_INITIAL_OBJECT_CONFIG_FILES", "objects/a.yaml,objects/b c.yaml"},
        };
        const std::vector<std::string> flags = {
            "-f",
            "member.yaml",
            "--labels",
            "quoted=yes,spaced=a b,number=1.5,hash=x  # default,quote=say \"hi\",colon=a: b,"
            "null-word=null,bool-word=false",
            "--cluster-request-timeout",
            "1m30s",
            "--initial-cluster",
            cluster,
            "--status-update-max-batch-size",
            "0x20",
            "--debug",
            "--data-dir",
            "state data",
        };
        const auto printed = run_server(with({"--print-config"}, flags), env, dir.path().string());
        INFO("stdout:\n" << printed.out << "stderr:\n" << printed.err);
        REQUIRE(printed.exit_code == 0);
        CHECK(has_lines(printed.out,
                        "labels:  # flag --labels\n"
                        "  quoted: \"yes\"\n"
                        "  spaced: \"a b\"\n"
                        "  number: \"1.5\"\n"
                        "  hash: \"x  # default\"\n"
                        "  quote: \"say \\\"hi\\\"\"\n"
                        "  colon: \"a: b\"\n"
                        "  null-word: \"null\"\n"
                        "  bool-word: \"false\"\n"));
        CHECK(has_lines(printed.out,
                        "objects-dump-interval: 1h30m  # env "
                        "EASEGRESS_OBJECTS_DUMP_INTERVAL\n"));
        CHECK(has_lines(printed.out,
                        "  max-call-send-msg-size: 16777216  # env "
                        "EASEGRESS_MAX_CALL_SEND_MSG_SIZE\n"));
        CHECK(has_lines(printed.out,
                        "status-update-max-batch-size: 32  # flag "
                        "--status-update-max-batch-size\n"));
        check_round_trip(flags, env, dir.path().string());
    }
}

TEST_CASE("server --print-config: a flag overrides the variable and the file, with an EG116 note",
          "[cli][print-config][precedence]") {
    // EASEGRESS_NAME=a easegress-server --config-file machine-1.yaml --name b --print-config
    const auto result =
        run_server({"--config-file", "machine-1.yaml", "--name", "b", "--print-config"},
                   {{"EASEGRESS_NAME", "a"}}, tutorial_dir);
    INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
    CHECK(has_lines(result.out, "name: b  # flag --name\n"));
    CHECK(has_lines(result.err,
                    "flag:--name: note: name \"b\" from flag --name overrides "
                    "\"machine-1\" from file machine-1.yaml:2:1 [EG116]\n"));
    // b is not in the file's initial-cluster: the configuration is invalid.
    CHECK(count_of(result.err, "[EG207]") == 1);
    CHECK(has_lines(result.err, "machine-1.yaml:21:3: error: "));
    CHECK(result.exit_code == 1);
}

TEST_CASE("server --check-config: a misspelt key is EG102 at its place, with did you mean",
          "[cli][check-config]") {
    eg::test::temp_dir dir;
    dir.write("member.yaml", "name: machine-1\ncluster-rol: primary\n");
    const auto result =
        run_server({"--check-config", "-f", "member.yaml"}, {}, dir.path().string());
    INFO("stderr:\n" << result.err);
    CHECK(result.exit_code == 1);
    CHECK(result.out.empty());
    CHECK(result.err.rfind("member.yaml:2:1: error: ", 0) == 0);
    CHECK(result.err.find("did you mean 'cluster-role'") != std::string::npos);
    CHECK(count_of(result.err, "[EG102]") == 1);
}

TEST_CASE("server --check-config: the tutorial's files are valid, without a warning",
          "[cli][check-config][tutorial]") {
    for (int n = 1; n <= 4; ++n) {
        const std::string file = "machine-" + std::to_string(n) + ".yaml";
        INFO(file);
        const auto result = run_server({"--check-config", "-f", file}, {}, tutorial_dir);
        INFO("stderr:\n" << result.err);
        CHECK(result.exit_code == 0);
        CHECK(result.err.empty());
        CHECK(result.out == "configuration is valid: 0 warning(s), 0 note(s)\n");
    }
}

TEST_CASE("server --check-config: the tutorial's commands for the three primaries are valid",
          "[cli][check-config][tutorial]") {
    for (int n = 1; n <= 3; ++n) {
        INFO("machine-" << n);
        const auto result = run_server(with({"--check-config"}, tutorial_primary_flags(n)));
        INFO("stderr:\n" << result.err);
        CHECK(result.exit_code == 0);
        CHECK(result.err.empty());
        CHECK(result.out == "configuration is valid: 0 warning(s), 0 note(s)\n");
    }
}

TEST_CASE(
    "server --check-config: the tutorial's secondary command is valid, with one EG210 "
    "warning about state-flag",
    "[cli][check-config][tutorial]") {
    const auto result = run_server(with({"--check-config"}, tutorial_secondary_flags()));
    INFO("stderr:\n" << result.err);
    CHECK(result.exit_code == 0);
    CHECK(result.out == "configuration is valid: 1 warning(s), 0 note(s)\n");
    CHECK(count_of(result.err, "[EG") == 1);
    CHECK(count_of(result.err, "[EG210]") == 1);
    CHECK(result.err.rfind("flag:--state-flag: warning: state-flag ", 0) == 0);
}

TEST_CASE("server --check-config and --print-config: create nothing", "[cli][check-config]") {
    eg::test::temp_dir config_dir;
    const auto config = config_dir.write("member.yaml",
                                         "name: machine-1\n"
                                         "home-dir: ./home\n"
                                         "data-dir: ./home/data\n"
                                         "wal-dir: ./home/wal\n"
                                         "log-dir: ./home/log\n"
                                         "cpu-profile-file: ./home/cpu.pprof\n"
                                         "memory-profile-file: ./home/memory.pprof\n");
    for (const auto* command : {"--check-config", "--print-config"}) {
        INFO(command);
        eg::test::temp_dir work;
        const auto result = run_server({command, "-f", config.string()}, {}, work.path().string());
        INFO("stderr:\n" << result.err);
        CHECK(result.exit_code == 0);
        CHECK(std::filesystem::is_empty(work.path()));
    }
}

TEST_CASE("server: a plain start on a machine without the member's addresses exits 3 with EG402",
          "[cli][start]") {
    eg::test::temp_dir work;
    const auto result =
        run_server({"-f", tutorial_dir + "/machine-1.yaml"}, {}, work.path().string());
    INFO("stderr:\n" << result.err);
    CHECK(result.exit_code == 3);
    CHECK(result.out.empty());
    CHECK(count_of(result.err, "[EG402]") >= 1);
    CHECK(std::filesystem::is_empty(work.path()));
}

TEST_CASE("server: a primary without an etcd to run exits 3 with EG500 and writes nothing",
          "[cli][start]") {
    eg::test::temp_dir work;
    const auto result = run_server(
        {"-f", eg::test::source_path("samples/invalid/EG500-etcd-not-found/config.yaml")}, {},
        work.path().string());
    INFO("stderr:\n" << result.err);
    CHECK(result.exit_code == 3);
    CHECK(count_of(result.err, "[EG500]") == 1);
    CHECK(count_of(result.err, "/nonexistent/etcd") >= 1);
    CHECK(std::filesystem::is_empty(work.path()));
}

TEST_CASE("server: a plain start with an invalid configuration exits 1 with its diagnostics",
          "[cli][start]") {
    eg::test::temp_dir dir;
    dir.write("member.yaml", "name: machine-1\ncluster-rol: primary\n");
    const auto result = run_server({"-f", "member.yaml"}, {}, dir.path().string());
    INFO("stderr:\n" << result.err);
    CHECK(result.exit_code == 1);
    CHECK(result.out.empty());
    CHECK(has_lines(result.err, "member.yaml:2:1: error: unknown key 'cluster-rol' [EG102]\n"));
    CHECK(count_of(result.err, "[EG500]") == 0);
}

TEST_CASE("server: diagnostics are not coloured when stderr is a pipe", "[cli][diagnostics]") {
    // An error (EG207), a warning (EG109) and a note (EG116), each of which has its own colour
    // on a terminal.
    const auto result = run_server(
        {"--check-config", "-f", "machine-1.yaml", "--name", "b", "--member-dir", "member"}, {},
        tutorial_dir);
    INFO("stderr:\n" << result.err);
    CHECK(result.exit_code == 1);
    CHECK(count_of(result.err, " error: ") == 1);
    CHECK(count_of(result.err, " warning: ") == 1);
    CHECK(count_of(result.err, " note: ") == 1);
    CHECK(result.err.find('\x1b') == std::string::npos);
}

TEST_CASE(
    "server --check-config and --print-config: a FIFO, /dev/zero or a directory as the "
    "configuration file is EG100 with the reason, at once",
    "[cli][limits]") {
    eg::test::temp_dir dir;
    REQUIRE(::mkfifo((dir.path() / "fifo.yaml").c_str(), 0600) == 0);
    std::filesystem::create_directory(dir.path() / "conf");
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"fifo.yaml", "is not a regular file (a device, FIFO or socket)"},
        {"/dev/zero", "is not a regular file (a device, FIFO or socket)"},
        {"conf", "is a directory, not a file"}};
    for (const auto& [file, reason] : cases)
        for (const std::string mode : {"--check-config", "--print-config"}) {
            INFO(file << " " << mode);
            const auto result = run_server({mode, "--config-file", file}, {}, dir.path().string());
            CHECK(result.exit_code == 1);
            CHECK(result.out.empty());
            CHECK(result.err.find(file + ": error: cannot read the configuration file \"" + file +
                                  "\": " + reason + " [EG100]\n") != std::string::npos);
        }
}
