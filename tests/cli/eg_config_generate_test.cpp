// eg-config generate and eg-config print, run as a user would: the committed sample outputs
// match a fresh run, a description with errors writes nothing, the systemd unit and the
// EASEGRESS_* file say what the YAML file says (checked through the real easegress-server), and
// print shows what easegress-server --print-config shows.

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "support/config_inputs.hpp"
#include "support/output_text.hpp"
#include "support/process.hpp"
#include "support/server_runner.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_runner.hpp"

namespace fs = std::filesystem;

namespace {

using eg::test::check_missing_value;
using eg::test::env_map;
using eg::test::has_lines;
using eg::test::lines_of;
using eg::test::process_result;
using eg::test::read_file;
using eg::test::run_eg_config;
using eg::test::run_server;
using eg::test::show;
using eg::test::source_path;
using eg::test::temp_dir;
using eg::test::two_primaries_description;

process_result run_generate(const std::string& description, const std::string& out,
                            const std::string& cwd) {
    return run_eg_config({"generate", description, "-o", out}, {}, cwd);
}

// name -> content of every file directly in `dir`.
std::map<std::string, std::string> files_in(const fs::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::directory_iterator(dir))
        files[entry.path().filename().string()] = read_file(entry.path());
    return files;
}

std::set<std::string> names_in(const fs::path& dir) {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir))
        names.insert(entry.path().filename().string());
    return names;
}

// Three primaries and a secondary with options that need quoting in an environment file.
const char* const rich_description =
    "cluster-name: rich\n"
    "defaults:\n"
    "  binary: /opt/eg/bin/easegress-server\n"
    "  config-dir: /srv/eg\n"
    "  options:\n"
    "    debug: true\n"
    "    labels:\n"
    "      zone: eu west\n"
    "      owner: \"ops@example.com\"\n"
    "    objects-dump-interval: 30m\n"
    "members:\n"
    "  - name: m1\n"
    "    role: primary\n"
    "    host: 10.1.0.1\n"
    "    log-dir: logs\n"
    "    options:\n"
    "      cluster:\n"
    "        max-call-send-msg-size: 20MB\n"
    "  - name: m2\n"
    "    role: primary\n"
    "    host: 10.1.0.2\n"
    "    config-dir: /etc/m2\n"
    "    home-dir: /var/lib/eg two\n"
    "  - name: m3\n"
    "    role: primary\n"
    "    host: 10.1.0.3\n"
    "    binary: /usr/bin/easegress-server\n"
    "  - name: s1\n"
    "    role: secondary\n"
    "    host: 10.1.0.4\n"
    "    options:\n"
    "      cluster-request-timeout: 5s\n";

// The EASEGRESS_* variables of a generated .env file, read as systemd's EnvironmentFile= reads
// them: comment lines skipped, a double-quoted value unquoted with its backslash escapes.
env_map read_env_file(const std::string& text) {
    env_map env;
    for (const auto& line : lines_of(text)) {
        if (line.empty() || line[0] == '#') continue;
        INFO("env line: " << line);
        const auto eq = line.find('=');
        REQUIRE(eq != std::string::npos);
        const std::string name = line.substr(0, eq);
        CHECK(name.rfind("EASEGRESS_", 0) == 0);
        std::string value = line.substr(eq + 1);
        if (!value.empty() && value.front() == '"') {
            REQUIRE(value.size() >= 2);
            REQUIRE(value.back() == '"');
            std::string unquoted;
            for (std::size_t i = 1; i + 1 < value.size(); ++i) {
                if (value[i] == '\\' && i + 2 < value.size()) ++i;
                unquoted += value[i];
            }
            value = unquoted;
        }
        CHECK(env.count(name) == 0);
        env[name] = value;
    }
    return env;
}

// --print-config output without its "  # source" comments.
std::string without_sources(const std::string& printed) {
    std::string out;
    for (const auto& line : lines_of(printed)) {
        const auto comment = line.rfind("  # ");
        out += (comment == std::string::npos ? line : line.substr(0, comment)) + "\n";
    }
    return out;
}

// For every member of a generated directory: easegress-server --print-config given the .env
// file's variables shows the same values as given the .yaml file.
void check_env_matches_yaml(const fs::path& dir, const std::vector<std::string>& members) {
    for (const auto& name : members) {
        INFO("member " << name << " in " << dir.filename().string());
        const auto from_yaml =
            run_server({"--print-config", "-f", name + ".yaml"}, {}, dir.string());
        show(from_yaml);
        REQUIRE(from_yaml.exit_code == 0);
        CHECK(from_yaml.err.empty());
        const auto env = read_env_file(read_file(dir / (name + ".env")));
        CHECK(!env.empty());
        const auto from_env = run_server({"--print-config"}, env, dir.string());
        show(from_env);
        CHECK(from_env.exit_code == 0);
        CHECK(from_env.err.empty());
        CHECK(without_sources(from_env.out) == without_sources(from_yaml.out));
    }
}

// Splits an ExecStart= command line into words as systemd does: whitespace separates words,
// double or single quotes group them, a backslash escapes the next character.
std::vector<std::string> systemd_words(const std::string& command) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    char quote = 0;
    for (std::size_t i = 0; i < command.size(); ++i) {
        const char c = command[i];
        if (c == '\\' && i + 1 < command.size()) {
            word += command[++i];
            in_word = true;
        } else if (quote != 0) {
            if (c == quote)
                quote = 0;
            else
                word += c;
        } else if (c == '"' || c == '\'') {
            quote = c;
            in_word = true;
        } else if (c == ' ' || c == '\t') {
            if (in_word) words.push_back(word);
            word.clear();
            in_word = false;
        } else {
            word += c;
            in_word = true;
        }
    }
    if (in_word) words.push_back(word);
    return words;
}

// The words of the unit's ExecStart= line.
std::vector<std::string> exec_start(const std::string& unit) {
    for (const auto& line : lines_of(unit))
        if (line.rfind("ExecStart=", 0) == 0) return systemd_words(line.substr(10));
    FAIL("no ExecStart= line in\n" << unit);
    return {};
}

const std::vector<std::string> tutorial_members = {"machine-1", "machine-2", "machine-3",
                                                   "machine-4"};

}  // namespace

TEST_CASE("eg-config generate: the committed sample outputs equal a fresh run",
          "[eg-config][generate][drift]") {
    for (const std::string sample : {"tutorial", "local"}) {
        INFO("samples/" << sample << "/generated/ differs from `eg-config generate samples/"
                        << sample
                        << "/cluster.yaml`: run `cmake --build build --target regen` (and delete "
                           "files it no longer writes)");
        temp_dir dir;
        const auto r = run_generate("samples/" + sample + "/cluster.yaml",
                                    (dir.path() / "out").string(), source_path(""));
        show(r);
        REQUIRE(r.exit_code == 0);
        const auto fresh = files_in(dir.path() / "out");
        const auto committed = files_in(source_path("samples/" + sample + "/generated"));
        std::set<std::string> fresh_names;
        std::set<std::string> committed_names;
        for (const auto& [name, content] : fresh) fresh_names.insert(name);
        for (const auto& [name, content] : committed) committed_names.insert(name);
        CHECK(fresh_names == committed_names);
        for (const auto& [name, content] : fresh) {
            INFO("file " << name);
            const auto it = committed.find(name);
            if (it != committed.end()) CHECK(it->second == content);
        }
    }
}

TEST_CASE("eg-config generate: writes a YAML, an env file and a unit per member",
          "[eg-config][generate]") {
    temp_dir dir;
    const auto r =
        run_generate(source_path("samples/tutorial/cluster.yaml"), "OUT", dir.path().string());
    show(r);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    std::string expected;
    std::set<std::string> names;
    for (const auto& member : tutorial_members)
        for (const char* ext : {".yaml", ".env", ".service"}) {
            expected += "wrote OUT/" + member + ext + "\n";
            names.insert(member + ext);
        }
    CHECK(r.out == expected);
    CHECK(names_in(dir.path() / "OUT") == names);
}

TEST_CASE("eg-config generate: a description with errors writes nothing", "[eg-config][generate]") {
    temp_dir dir;
    dir.write("two.yaml", two_primaries_description);
    dir.write("typo.yaml",
              "cluster-name: c\nmembers:\n  - name: a\n    role: primary\n    host: 10.0.0.1\n"
              "    options: {cluster-rol: primary}\n");
    dir.write("syntax.yaml", "cluster-name: x\nmembers: [a\n");

    SECTION("the output directory is not created") {
        const auto r = run_generate("two.yaml", "OUT", dir.path().string());
        show(r);
        CHECK(r.exit_code == 1);
        CHECK(r.out.empty());
        CHECK(r.err ==
              "two.yaml:3:5: error: 2 primaries tolerate 0 failures, no more than 1 would, and a "
              "network split can leave no majority [EG301]\n"
              "  hint: use 1 or 3 primaries; add capacity as secondaries\n"
              "eg-config: two.yaml has errors; nothing was written\n");
        CHECK_FALSE(fs::exists(dir.path() / "OUT"));
    }
    SECTION("an existing output directory stays as it was") {
        fs::create_directory(dir.path() / "OUT");
        for (const char* description : {"two.yaml", "typo.yaml", "syntax.yaml"}) {
            INFO(description);
            const auto r = run_generate(description, "OUT", dir.path().string());
            show(r);
            CHECK(r.exit_code == 1);
            CHECK(r.out.empty());
            CHECK(has_lines(r.err, "eg-config: " + std::string(description) +
                                       " has errors; nothing was written\n"));
            CHECK(names_in(dir.path() / "OUT").empty());
        }
    }
}

TEST_CASE(
    "eg-config generate: an unreadable description (missing, a directory, a FIFO or a "
    "device) exits 2 at once",
    "[eg-config][generate]") {
    temp_dir dir;
    fs::create_directory(dir.path() / "a-directory");
    REQUIRE(::mkfifo((dir.path() / "a-fifo").c_str(), 0600) == 0);
    const std::string not_regular =
        "\n  hint: give a regular file of at most 4194304 bytes (not a directory, device or "
        "FIFO)\n";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"missing.yaml",
         ": No such file or directory [EG100]\n  hint: check that the file exists and is "
         "readable\n"},
        {"a-directory", ": is a directory, not a file [EG100]" + not_regular},
        {"a-fifo", ": is not a regular file (a device, FIFO or socket) [EG100]" + not_regular},
        {"/dev/zero", ": is not a regular file (a device, FIFO or socket) [EG100]" + not_regular}};
    for (const auto& [input, reason] : cases) {
        INFO(input);
        const auto r = run_generate(input, "OUT", dir.path().string());
        show(r);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err ==
              input + ": error: cannot read the cluster description \"" + input + "\"" + reason);
        CHECK_FALSE(fs::exists(dir.path() / "OUT"));
    }
}

TEST_CASE("eg-config generate: usage errors exit 2", "[eg-config][generate]") {
    temp_dir dir;
    dir.write("c.yaml", two_primaries_description);
    const std::string usage =
        "eg-config: generate: usage is eg-config generate CLUSTER.yaml -o DIR\n";
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{}, usage},
        {{"c.yaml"}, usage},
        {{"-o", "OUT"}, usage},
        {{"c.yaml", "c.yaml", "-o", "OUT"},
         "eg-config: generate: one cluster description at a time\n"},
        {{"--force", "c.yaml", "-o", "OUT"}, "eg-config: generate: unknown option '--force'\n"},
        // The first problem in the order of the arguments is the one reported.
        {{"c.yaml", "c.yaml", "--force", "-o"},
         "eg-config: generate: one cluster description at a time\n"},
        {{"c.yaml", "--force", "c.yaml", "-o"}, "eg-config: generate: unknown option '--force'\n"},
        {{"c.yaml", "--output"}, "eg-config: generate: --output needs a directory\n"},
        {{"c.yaml", "-o", "OUT", "--", "x"}, "eg-config: generate: unknown option '--'\n"},
    };
    for (const auto& [args, message] : cases) {
        INFO("eg-config generate " << Catch::Detail::stringify(args));
        std::vector<std::string> argv{"generate"};
        argv.insert(argv.end(), args.begin(), args.end());
        const auto r = run_eg_config(argv, {}, dir.path().string());
        show(r);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err == message + "Run 'eg-config --help' for usage.\n");
        CHECK_FALSE(fs::exists(dir.path() / "OUT"));
    }
}

TEST_CASE("eg-config generate: -o without a directory is reported as missing its value",
          "[eg-config][generate]") {
    temp_dir dir;
    dir.write("c.yaml", two_primaries_description);
    check_missing_value(run_eg_config({"generate", "c.yaml", "-o"}, {}, dir.path().string()), "-o");
}

TEST_CASE("eg-config generate: existing files are replaced and no temporary file remains",
          "[eg-config][generate]") {
    temp_dir dir;
    const std::string description = source_path("samples/tutorial/cluster.yaml");
    REQUIRE(run_generate(description, "fresh", dir.path().string()).exit_code == 0);
    dir.write("OUT/machine-1.yaml", "stale\n");
    dir.write("OUT/machine-2.env", std::string(10000, '#') + "\n");
    dir.write("OUT/machine-3.service", "");
    const auto r = run_generate(description, "OUT", dir.path().string());
    show(r);
    CHECK(r.exit_code == 0);
    CHECK(files_in(dir.path() / "OUT") == files_in(dir.path() / "fresh"));
    const auto again = run_generate(description, "OUT", dir.path().string());
    CHECK(again.exit_code == 0);
    for (const auto& name : names_in(dir.path() / "OUT")) {
        INFO(name);
        CHECK(fs::path(name).extension() != ".tmp");
    }
    CHECK(names_in(dir.path() / "OUT").size() == 12);
}

TEST_CASE("eg-config generate: the unit's ExecStart names the configured binary and config-dir",
          "[eg-config][generate]") {
    temp_dir dir;
    dir.write("rich.yaml", rich_description);
    const auto r = run_generate("rich.yaml", "OUT", dir.path().string());
    show(r);
    REQUIRE(r.exit_code == 0);
    const std::map<std::string, std::vector<std::string>> expected = {
        {"m1", {"/opt/eg/bin/easegress-server", "--config-file", "/srv/eg/m1.yaml"}},
        {"m2", {"/opt/eg/bin/easegress-server", "--config-file", "/etc/m2/m2.yaml"}},
        {"m3", {"/usr/bin/easegress-server", "--config-file", "/srv/eg/m3.yaml"}},
        {"s1", {"/opt/eg/bin/easegress-server", "--config-file", "/srv/eg/s1.yaml"}},
    };
    for (const auto& [member, words] : expected) {
        INFO(member);
        const auto unit = read_file(dir.path() / "OUT" / (member + ".service"));
        CHECK(exec_start(unit) == words);
        CHECK(has_lines(unit, "[Service]\n"));
        CHECK(has_lines(unit, "[Install]\n"));
    }

    temp_dir tutorial;
    REQUIRE(
        run_generate(source_path("samples/tutorial/cluster.yaml"), "OUT", tutorial.path().string())
            .exit_code == 0);
    CHECK(exec_start(read_file(tutorial.path() / "OUT" / "machine-4.service")) ==
          std::vector<std::string>{"/usr/local/bin/easegress-server", "--config-file",
                                   "/etc/easegress/machine-4.yaml"});
}

TEST_CASE("eg-config generate: a config-dir with a space stays one ExecStart argument",
          "[eg-config][generate]") {
    temp_dir dir;
    dir.write("c.yaml",
              "cluster-name: c\n"
              "defaults: {config-dir: /srv/eg conf}\n"
              "members:\n"
              "  - {name: a, role: primary, host: 10.0.0.1}\n");
    const auto r = run_generate("c.yaml", "OUT", dir.path().string());
    show(r);
    REQUIRE(r.exit_code == 0);
    const auto unit = read_file(dir.path() / "OUT" / "a.service");
    INFO(unit);
    CHECK(exec_start(unit) == std::vector<std::string>{"/usr/local/bin/easegress-server",
                                                       "--config-file", "/srv/eg conf/a.yaml"});
}

TEST_CASE("eg-config generate: the env file gives the server the same values as the YAML file",
          "[eg-config][generate][env]") {
    SECTION("the sample clusters") {
        for (const std::string sample : {"tutorial", "local"}) {
            temp_dir dir;
            REQUIRE(run_generate(source_path("samples/" + sample + "/cluster.yaml"), "OUT",
                                 dir.path().string())
                        .exit_code == 0);
            check_env_matches_yaml(dir.path() / "OUT", tutorial_members);
        }
    }
    SECTION("options with spaces, units, labels and per-member overrides") {
        temp_dir dir;
        dir.write("rich.yaml", rich_description);
        const auto r = run_generate("rich.yaml", "OUT", dir.path().string());
        show(r);
        REQUIRE(r.exit_code == 0);
        check_env_matches_yaml(dir.path() / "OUT", {"m1", "m2", "m3", "s1"});
    }
}

TEST_CASE("eg-config generate: a label value with a comma survives the env file",
          "[eg-config][generate][env]") {
    temp_dir dir;
    dir.write("c.yaml",
              "cluster-name: c\n"
              "defaults:\n"
              "  options:\n"
              "    labels: {tiers: \"a,b\"}\n"
              "members:\n"
              "  - {name: a, role: primary, host: 10.0.0.1}\n");
    const auto r = run_generate("c.yaml", "OUT", dir.path().string());
    show(r);
    REQUIRE(r.exit_code == 0);
    INFO(read_file(dir.path() / "OUT" / "a.env"));
    check_env_matches_yaml(dir.path() / "OUT", {"a"});
}

TEST_CASE("eg-config generate: a file-only option is named in the env file, not set",
          "[eg-config][generate][env]") {
    temp_dir dir;
    dir.write("c.yaml",
              "cluster-name: c\n"
              "members:\n"
              "  - name: a\n"
              "    role: primary\n"
              "    host: 10.0.0.1\n"
              "    options:\n"
              "      basic-auth: {admin: secret}\n");
    const auto r = run_generate("c.yaml", "OUT", dir.path().string());
    show(r);
    REQUIRE(r.exit_code == 0);
    const auto env = read_file(dir.path() / "OUT" / "a.env");
    CHECK(has_lines(env, "# basic-auth is file-only: see a.yaml\n"));
    CHECK(env.find("BASIC_AUTH") == std::string::npos);
    CHECK(has_lines(read_file(dir.path() / "OUT" / "a.yaml"), "basic-auth:\n"));
}

TEST_CASE("eg-config print: prints what easegress-server --print-config prints",
          "[eg-config][print]") {
    for (const std::string file :
         {"samples/valid/tutorial/machine-1.yaml", "samples/valid/tutorial/machine-4.yaml",
          "samples/valid/local/machine-2.yaml", "samples/valid/flags-and-maps/gateway-1.yaml"}) {
        INFO(file);
        const auto printed = run_eg_config({"print", file}, {}, source_path(""));
        const auto server = run_server({"--print-config", "-f", file}, {}, source_path(""));
        show(printed);
        CHECK(printed.exit_code == 0);
        CHECK(server.exit_code == 0);
        CHECK(!printed.out.empty());
        CHECK(printed.out == server.out);
        CHECK(printed.err == server.err);
    }
}

TEST_CASE("eg-config print: flags after -- apply as on the server's command line",
          "[eg-config][print]") {
    const std::string file = "samples/valid/tutorial/machine-1.yaml";
    const auto printed =
        run_eg_config({"print", file, "--", "--debug", "--name", "x"}, {}, source_path(""));
    const auto server =
        run_server({"--print-config", "-f", file, "--debug", "--name", "x"}, {}, source_path(""));
    show(printed);
    CHECK(has_lines(printed.out, "name: x  # flag --name\n"));
    CHECK(has_lines(printed.out, "debug: true  # flag --debug\n"));
    CHECK(printed.out == server.out);
    CHECK(printed.err == server.err);
    // machine-1's initial-cluster does not name x.
    CHECK(printed.exit_code == 1);
}

TEST_CASE("eg-config print: --env reads EASEGRESS_* variables, and without it they are ignored",
          "[eg-config][print]") {
    const std::string file = "samples/valid/tutorial/machine-1.yaml";
    const env_map env = {{"EASEGRESS_DEBUG", "true"}, {"EASEGRESS_LOG_DIR", "/srv/eg-log"}};

    const auto with_env = run_eg_config({"print", "--env", file}, env, source_path(""));
    const auto server = run_server({"--print-config", "-f", file}, env, source_path(""));
    show(with_env);
    CHECK(with_env.exit_code == 0);
    CHECK(has_lines(with_env.out, "debug: true  # env EASEGRESS_DEBUG\n"));
    CHECK(has_lines(with_env.out, "log-dir: /srv/eg-log  # env EASEGRESS_LOG_DIR\n"));
    CHECK(with_env.out == server.out);
    CHECK(with_env.err == server.err);

    const auto without = run_eg_config({"print", file}, env, source_path(""));
    const auto plain = run_eg_config({"print", file}, {}, source_path(""));
    show(without);
    CHECK(without.exit_code == 0);
    CHECK(has_lines(without.out, "debug: false  # file " + file + ":11:1\n"));
    CHECK(without.out == plain.out);
    CHECK(without.err.empty());
}

TEST_CASE("eg-config print: a missing file exits 2", "[eg-config][print]") {
    temp_dir dir;
    const auto r = run_eg_config({"print", "missing.yaml"}, {}, dir.path().string());
    show(r);
    CHECK(r.exit_code == 2);
    CHECK(r.err ==
          "missing.yaml: error: cannot read the configuration file \"missing.yaml\": No such "
          "file or directory [EG100]\n"
          "  hint: check that the file exists and is readable\n");
}

TEST_CASE("eg-config print: usage errors exit 2", "[eg-config][print]") {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{}, "eg-config: print: give the member's configuration file\n"},
        {{"--debug", "a.yaml"},
         "eg-config: print: unknown option '--debug'; server flags go after --\n"},
        {{"a.yaml", "b.yaml"}, "eg-config: print: one file at a time\n"},
        {{"a.yaml", "b.yaml", "--debug"}, "eg-config: print: one file at a time\n"},
        {{"--env=maybe", "a.yaml"},
         "eg-config: print: unknown option '--env=maybe'; server flags go after --\n"},
        {{"--", "a.yaml"}, "eg-config: print: give the member's configuration file\n"},
    };
    for (const auto& [args, message] : cases) {
        INFO("eg-config print " << Catch::Detail::stringify(args));
        std::vector<std::string> argv{"print"};
        argv.insert(argv.end(), args.begin(), args.end());
        const auto r = run_eg_config(argv, {}, source_path(""));
        show(r);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err == message + "Run 'eg-config --help' for usage.\n");
    }
}
