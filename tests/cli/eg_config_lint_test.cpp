// eg-config lint, run as a user would: exit codes, what a directory stands for, member files
// checked together as one cluster, cluster descriptions, the text, JSON and GitHub outputs, the
// issue's acceptance scenario, and the SARIF output checked against the official SARIF 2.1.0
// schema with ajv (tests/schema/validate-sarif.js).

#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/config_inputs.hpp"
#include "support/output_text.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_runner.hpp"

namespace fs = std::filesystem;

namespace {

using eg::test::check_missing_value;
using eg::test::count_of;
using eg::test::has_lines;
using eg::test::lines_of;
using eg::test::process_result;
using eg::test::run_eg_config;
using eg::test::show;
using eg::test::source_path;
using eg::test::temp_dir;
using eg::test::two_primaries_description;
using json = nlohmann::ordered_json;

process_result lint(std::vector<std::string> args, const std::string& cwd) {
    args.insert(args.begin(), "lint");
    return run_eg_config(args, {}, cwd);
}

// A primary on 10.0.0.<n> whose initial-cluster lists the primaries 1..count: valid alone.
std::string primary_file(int n, int count) {
    const std::string host = "10.0.0." + std::to_string(n);
    std::string text = "name: p" + std::to_string(n) +
                       "\ncluster-name: c\ncluster-role: primary\napi-addr: " + host +
                       ":2381\ncluster:\n  listen-peer-urls: [http://" + host +
                       ":2380]\n  listen-client-urls: [http://" + host +
                       ":2379]\n  advertise-client-urls: [http://" + host +
                       ":2379]\n  initial-advertise-peer-urls: [http://" + host +
                       ":2380]\n  initial-cluster:\n";
    for (int i = 1; i <= count; ++i)
        text += "    p" + std::to_string(i) + ": http://10.0.0." + std::to_string(i) + ":2380\n";
    return text;
}

// A secondary with api-addr 10.0.0.9:<port>, data-dir left at its default.
std::string secondary_file(const std::string& name, int port) {
    return "name: " + name + "\ncluster-name: c\ncluster-role: secondary\napi-addr: 10.0.0.9:" +
           std::to_string(port) +
           "\ncluster:\n  primary-listen-peer-urls:\n  - http://10.0.0.9:2380\n";
}

const char* const single_primary_description =
    "cluster-name: solo\n"
    "members:\n"
    "  - name: a\n"
    "    role: primary\n"
    "    host: 10.0.0.1\n";

std::string summary(int files, int members, int errors, int warnings, int notes) {
    return std::to_string(files) + " file(s), " + std::to_string(members) +
           " member(s): " + std::to_string(errors) + " error(s), " + std::to_string(warnings) +
           " warning(s), " + std::to_string(notes) + " note(s)\n";
}

// Line and column (1-based) of the first occurrence of `what` in `text`.
std::pair<int, int> position_of(const std::string& text, const std::string& what) {
    const auto at = text.find(what);
    REQUIRE(at != std::string::npos);
    const auto line_start = text.rfind('\n', at);
    const int column =
        static_cast<int>(at - (line_start == std::string::npos ? 0 : line_start + 1)) + 1;
    const int line = static_cast<int>(std::count(
                         text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n')) +
                     1;
    return {line, column};
}

// The acceptance scenario's first half: `eg-config generate` of the tutorial description into
// <dir>/OUT, then machine-3's entry in machine-2's initial-cluster changed to 10.0.0.33.
// Returns the (line, column) of the changed entry.
std::pair<int, int> generate_and_break_machine_2(const temp_dir& dir) {
    const auto generated =
        run_eg_config({"generate", source_path("samples/tutorial/cluster.yaml"), "-o", "OUT"}, {},
                      dir.path().string());
    show(generated);
    REQUIRE(generated.exit_code == 0);
    const fs::path file = dir.path() / "OUT" / "machine-2.yaml";
    std::string text = eg::test::read_file(file);
    const std::string entry = "machine-3: http://10.0.0.3:2380";
    const auto at = text.find(entry);
    REQUIRE(at != std::string::npos);
    text.replace(at, entry.size(), "machine-3: http://10.0.0.33:2380");
    dir.write("OUT/machine-2.yaml", text);
    return position_of(text, "machine-3: http://10.0.0.33:2380");
}

std::string broken_entry_message() {
    return "error: initial-cluster of machine-2 (OUT/machine-2.yaml) has "
           "machine-3=http://10.0.0.33:2380, but machine-3 advertises http://10.0.0.3:2380 "
           "[EG308]";
}

// Runs tests/schema/validate-sarif.js on `file`.
process_result validate_sarif(const fs::path& file) {
    return eg::test::run_node_tool({"node", source_path("tests/schema/validate-sarif.js"),
                                    eg::test::npm_prefix(), file.string()});
}

}  // namespace

TEST_CASE("eg-config lint: the tutorial's member files lint clean together, set by set",
          "[eg-config][lint]") {
    for (const std::string set : {"samples/valid/tutorial", "samples/valid/local"}) {
        INFO(set);
        const auto r = lint({set}, source_path(""));
        show(r);
        CHECK(r.exit_code == 0);
        CHECK(r.out.empty());
        CHECK(r.err == summary(4, 4, 0, 0, 0));
    }
}

TEST_CASE("eg-config lint: the committed generated files and cluster descriptions lint clean",
          "[eg-config][lint]") {
    for (const std::string path : {"samples/tutorial/generated", "samples/local/generated",
                                   "samples/tutorial/cluster.yaml", "samples/local/cluster.yaml"}) {
        INFO(path);
        const auto r = lint({path}, source_path(""));
        show(r);
        CHECK(r.exit_code == 0);
        CHECK(r.out.empty());
    }
}

TEST_CASE("eg-config lint: the issue's acceptance scenario", "[eg-config][lint][acceptance]") {
    temp_dir dir;
    const auto generated =
        run_eg_config({"generate", source_path("samples/tutorial/cluster.yaml"), "-o", "OUT"}, {},
                      dir.path().string());
    show(generated);
    REQUIRE(generated.exit_code == 0);
    std::set<std::string> written;
    for (const auto& entry : fs::directory_iterator(dir.path() / "OUT"))
        written.insert(entry.path().filename().string());
    std::set<std::string> expected;
    for (int n = 1; n <= 4; ++n)
        for (const char* ext : {".yaml", ".env", ".service"})
            expected.insert("machine-" + std::to_string(n) + ext);
    CHECK(written == expected);

    const auto clean = lint({"OUT"}, dir.path().string());
    show(clean);
    CHECK(clean.exit_code == 0);
    CHECK(clean.out.empty());
    CHECK(clean.err == summary(4, 4, 0, 0, 0));

    const auto [line, column] = generate_and_break_machine_2(dir);
    const auto broken = lint({"OUT"}, dir.path().string());
    show(broken);
    CHECK(broken.exit_code == 1);
    CHECK(broken.out == "OUT/machine-2.yaml:" + std::to_string(line) + ":" +
                            std::to_string(column) + ": " + broken_entry_message() +
                            "\n  hint: use machine-3=http://10.0.0.3:2380 on every primary\n");
    CHECK(broken.err == summary(4, 4, 1, 0, 0));
}

TEST_CASE("eg-config lint: a description with two primaries gives the fault-tolerance error",
          "[eg-config][lint][acceptance]") {
    temp_dir dir;
    dir.write("two.yaml", two_primaries_description);
    const auto r = lint({"two.yaml"}, dir.path().string());
    show(r);
    CHECK(r.exit_code == 1);
    CHECK(r.out ==
          "two.yaml:3:5: error: 2 primaries tolerate 0 failures, no more than 1 would, and a "
          "network split can leave no majority [EG301]\n"
          "  hint: use 1 or 3 primaries; add capacity as secondaries\n");
    CHECK(r.err == summary(1, 2, 1, 0, 0));
}

TEST_CASE("eg-config lint: member files given together are checked as one cluster",
          "[eg-config][lint]") {
    temp_dir dir;
    dir.write("p1.yaml", primary_file(1, 2));
    dir.write("p2.yaml", primary_file(2, 2));

    SECTION("alone each file is clean") {
        for (const char* file : {"p1.yaml", "p2.yaml"}) {
            const auto r = lint({file}, dir.path().string());
            show(r);
            CHECK(r.exit_code == 0);
            CHECK(r.out.empty());
        }
    }
    SECTION("together two primaries are an even count") {
        const auto r = lint({"p1.yaml", "p2.yaml"}, dir.path().string());
        show(r);
        CHECK(r.exit_code == 1);
        CHECK(r.out ==
              "p1.yaml:1:1: error: 2 primaries tolerate 0 failures, no more than 1 would, and a "
              "network split can leave no majority [EG301]\n"
              "  hint: use 1 or 3 primaries; add capacity as secondaries\n");
        CHECK(r.err == summary(2, 2, 1, 0, 0));
    }
    SECTION("--each checks every file alone") {
        const auto r = lint({"--each", "p1.yaml", "p2.yaml"}, dir.path().string());
        show(r);
        CHECK(r.exit_code == 0);
        CHECK(r.out.empty());
        CHECK(r.err == summary(2, 2, 0, 0, 0));
    }
}

TEST_CASE("eg-config lint: a description is its own cluster, apart from the member files",
          "[eg-config][lint]") {
    // Four members described plus the same four as member files: were they mixed into one
    // cluster, every name would be used twice (EG304).
    const auto r =
        lint({"samples/tutorial/cluster.yaml", "samples/valid/tutorial"}, source_path(""));
    show(r);
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK(r.err == summary(5, 8, 0, 0, 0));
}

TEST_CASE("eg-config lint: warnings exit 0, and 1 with --strict", "[eg-config][lint]") {
    temp_dir dir;
    dir.write("one.yaml", single_primary_description);
    const std::string expected =
        "one.yaml:3:5: warning: 1 primary tolerates no failure: when it stops, the cluster stops "
        "[EG302]\n"
        "  hint: use 3 primaries for a cluster that survives one failure\n";

    const auto lenient = lint({"one.yaml"}, dir.path().string());
    show(lenient);
    CHECK(lenient.exit_code == 0);
    CHECK(lenient.out == expected);
    CHECK(lenient.err == summary(1, 1, 0, 1, 0));

    const auto strict = lint({"--strict", "one.yaml"}, dir.path().string());
    show(strict);
    CHECK(strict.exit_code == 1);
    CHECK(strict.out == expected);

    const auto strict_clean = lint({"--strict", "samples/valid/tutorial"}, source_path(""));
    show(strict_clean);
    CHECK(strict_clean.exit_code == 0);
}

TEST_CASE("eg-config lint: an error prints file:line:col, the message, the code and a hint",
          "[eg-config][lint]") {
    temp_dir dir;
    dir.write("typo.yaml", "name: a\ncluster-rol: primary\n");
    dir.write("syntax.yaml", "name: [a\n");

    const auto typo = lint({"typo.yaml"}, dir.path().string());
    show(typo);
    CHECK(typo.exit_code == 1);
    CHECK(typo.out ==
          "typo.yaml:2:1: error: unknown key 'cluster-rol' [EG102]\n"
          "  hint: did you mean 'cluster-role'?\n");
    CHECK(typo.err == summary(1, 1, 1, 0, 0));

    // Invalid YAML is a finding in a file that was read, not unreadable input.
    const auto syntax = lint({"syntax.yaml"}, dir.path().string());
    show(syntax);
    CHECK(syntax.exit_code == 1);
    CHECK(syntax.out.rfind("syntax.yaml:2:1: error: YAML syntax error", 0) == 0);
    CHECK(count_of(syntax.out, "[EG101]\n") == 1);
}

TEST_CASE("eg-config lint: usage errors exit 2 and print nothing on stdout", "[eg-config][lint]") {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{}, "eg-config: lint: give at least one file or directory\n"},
        {{"--bogus", "samples/valid/tutorial"}, "eg-config: lint: unknown option '--bogus'\n"},
        {{"--format", "xml", "samples/valid/tutorial"},
         "eg-config: lint: unknown format 'xml'; use text, json, sarif or github\n"},
        {{"--format=yaml", "samples/valid/tutorial"},
         "eg-config: lint: unknown format 'yaml'; use text, json, sarif or github\n"},
        // The first problem in the order of the arguments is the one reported.
        {{"--bogus", "samples/valid/tutorial", "--format"},
         "eg-config: lint: unknown option '--bogus'\n"},
        {{"--strict=maybe", "samples/valid/tutorial"},
         "eg-config: lint: unknown option '--strict=maybe'\n"},
        {{"--each", "--bogus=1", "samples/valid/tutorial"},
         "eg-config: lint: unknown option '--bogus=1'\n"},
        {{"-", "samples/valid/tutorial"}, "eg-config: lint: unknown option '-'\n"},
        {{"samples/valid/tutorial", "--", "x.yaml"}, "eg-config: lint: unknown option '--'\n"},
        {{"--each", "samples/valid/tutorial", "--format"},
         "eg-config: lint: --format needs a value\n"},
    };
    for (const auto& [args, message] : cases) {
        INFO("eg-config lint " << Catch::Detail::stringify(args));
        const auto r = lint(args, source_path(""));
        show(r);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err == message + "Run 'eg-config --help' for usage.\n");
    }
}

TEST_CASE("eg-config lint: --format without a value is reported as missing its value",
          "[eg-config][lint]") {
    check_missing_value(lint({"samples/valid/tutorial", "--format"}, source_path("")), "--format");
}

TEST_CASE("eg-config lint: a missing file exits 2 and the other files are still linted",
          "[eg-config][lint]") {
    temp_dir dir;
    dir.write("typo.yaml", "name: a\ncluster-rol: primary\n");
    const auto r = lint({"missing.yaml", "typo.yaml"}, dir.path().string());
    show(r);
    CHECK(r.exit_code == 2);
    CHECK(r.out ==
          "missing.yaml: error: cannot read \"missing.yaml\": No such file or directory "
          "[EG100]\n"
          "  hint: check that the file exists and is readable\n"
          "typo.yaml:2:1: error: unknown key 'cluster-rol' [EG102]\n"
          "  hint: did you mean 'cluster-role'?\n");
    CHECK(r.err == summary(1, 1, 2, 0, 0));

    const auto only_missing = lint({"--format", "json", "missing.yaml"}, dir.path().string());
    show(only_missing);
    CHECK(only_missing.exit_code == 2);
    const auto parsed = json::parse(only_missing.out);
    CHECK(parsed["diagnostics"].size() == 1);
    CHECK(parsed["diagnostics"][0]["code"] == "EG100");
    CHECK(parsed["diagnostics"][0]["file"] == "missing.yaml");
    CHECK(parsed["diagnostics"][0]["line"].is_null());
}

TEST_CASE("eg-config lint: a directory stands for its *.yaml and *.yml files in name order",
          "[eg-config][lint]") {
    temp_dir dir;
    dir.write("set/b.yaml", "name: b\nbad-key-b: 1\n");
    dir.write("set/a.yml", "name: a\nbad-key-a: 1\n");
    dir.write("set/c.txt", "not: [yaml\n");
    dir.write("set/d.yaml.bak", "not: [yaml\n");
    dir.write("set/sub/e.yaml", "not: [yaml\n");
    const auto r = lint({"--each", "--format", "json", "set"}, dir.path().string());
    show(r);
    CHECK(r.exit_code == 1);
    const auto parsed = json::parse(r.out);
    std::vector<std::string> files;
    for (const auto& d : parsed["diagnostics"]) files.push_back(d["file"].get<std::string>());
    CHECK(files == std::vector<std::string>{"set/a.yml", "set/b.yaml"});
    for (const auto& d : parsed["diagnostics"]) CHECK(d["code"] == "EG102");

    const auto text = lint({"--each", "set"}, dir.path().string());
    CHECK(text.err == summary(2, 2, 2, 0, 0));
}

TEST_CASE("eg-config lint: a file given twice is linted once", "[eg-config][lint]") {
    // `eg-config lint configs/ configs/machine-1.yaml`: machine-1 is not a second member that
    // clashes with itself.
    const auto r =
        lint({"samples/valid/tutorial", "samples/valid/tutorial/machine-1.yaml"}, source_path(""));
    show(r);
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK(r.err == summary(4, 4, 0, 0, 0));
}

TEST_CASE("eg-config lint: a data-dir collision between member files names a member's file",
          "[eg-config][lint]") {
    temp_dir dir;
    // Two secondaries on 10.0.0.9, both with the default data dir.
    dir.write("s1.yaml", secondary_file("s1", 2381));
    dir.write("s2.yaml", secondary_file("s2", 2382));
    const auto r = lint({"s1.yaml", "s2.yaml"}, dir.path().string());
    show(r);
    CHECK(r.exit_code == 1);
    bool found = false;
    for (const auto& line : lines_of(r.out)) {
        if (line.find("[EG315]") == std::string::npos) continue;
        found = true;
        INFO(line);
        // Without a place the user cannot tell which file to change.
        CHECK((line.rfind("s1.yaml:", 0) == 0 || line.rfind("s2.yaml:", 0) == 0));
    }
    CHECK(found);
}

TEST_CASE("eg-config lint: --format json prints the fixed JSON shape and nothing else",
          "[eg-config][lint][json]") {
    temp_dir dir;
    const auto [line, column] = generate_and_break_machine_2(dir);
    dir.write("one.yaml", single_primary_description);
    const auto r =
        lint({"--format", "json", "OUT", "one.yaml", "missing.yaml"}, dir.path().string());
    show(r);
    CHECK(r.exit_code == 2);
    CHECK(r.err.empty());
    REQUIRE(!r.out.empty());
    CHECK(r.out.back() == '\n');
    const auto parsed = json::parse(r.out);

    std::vector<std::string> top;
    for (const auto& [key, value] : parsed.items()) top.push_back(key);
    CHECK(top == std::vector<std::string>{"diagnostics", "summary"});

    const std::vector<std::string> fields = {"code", "severity", "path", "message",
                                             "hint", "file",     "line", "column"};
    std::map<std::string, int> counted;
    REQUIRE(parsed["diagnostics"].is_array());
    for (const auto& d : parsed["diagnostics"]) {
        INFO(d.dump());
        std::vector<std::string> keys;
        for (const auto& [key, value] : d.items()) keys.push_back(key);
        CHECK(keys == fields);
        CHECK(d["code"].is_string());
        CHECK(d["message"].is_string());
        for (const char* optional_text : {"path", "hint", "file"})
            CHECK((d[optional_text].is_string() || d[optional_text].is_null()));
        for (const char* optional_number : {"line", "column"})
            CHECK((d[optional_number].is_number_integer() || d[optional_number].is_null()));
        const auto severity = d["severity"].get<std::string>();
        CHECK((severity == "error" || severity == "warning" || severity == "note"));
        ++counted[severity + "s"];
    }
    CHECK(parsed["summary"] == json{{"errors", counted["errors"]},
                                    {"warnings", counted["warnings"]},
                                    {"notes", counted["notes"]}});

    const json expected_entry = {
        {"code", "EG308"},
        {"severity", "error"},
        {"path", "cluster.initial-cluster.machine-3"},
        {"message",
         "initial-cluster of machine-2 (OUT/machine-2.yaml) has machine-3=http://10.0.0.33:2380, "
         "but machine-3 advertises http://10.0.0.3:2380"},
        {"hint", "use machine-3=http://10.0.0.3:2380 on every primary"},
        {"file", "OUT/machine-2.yaml"},
        {"line", line},
        {"column", column}};
    const json expected_warning = {
        {"code", "EG302"},
        {"severity", "warning"},
        {"path", "cluster-role"},
        {"message", "1 primary tolerates no failure: when it stops, the cluster stops"},
        {"hint", "use 3 primaries for a cluster that survives one failure"},
        {"file", "one.yaml"},
        {"line", 3},
        {"column", 5}};
    const json expected_missing = {
        {"code", "EG100"},
        {"severity", "error"},
        {"path", nullptr},
        {"message", "cannot read \"missing.yaml\": No such file or directory"},
        {"hint", "check that the file exists and is readable"},
        {"file", "missing.yaml"},
        {"line", nullptr},
        {"column", nullptr}};
    CHECK(parsed["diagnostics"] ==
          json::array({expected_missing, expected_warning, expected_entry}));
}

TEST_CASE("eg-config lint: --format github prints one workflow command per finding",
          "[eg-config][lint][github]") {
    temp_dir dir;
    const auto [line, column] = generate_and_break_machine_2(dir);
    dir.write("one,two.yaml", single_primary_description);
    const auto r = lint({"--format", "github", "OUT", "one,two.yaml"}, dir.path().string());
    show(r);
    CHECK(r.exit_code == 1);
    CHECK(r.err.empty());
    // A description's findings come as it is read; the member files' cluster findings last.
    CHECK(r.out ==
          "::warning file=one%2Ctwo.yaml,line=3,col=5,title=EG302 single-primary::1 primary "
          "tolerates no failure: when it stops, the cluster stops%0Ahint: use 3 primaries for a "
          "cluster that survives one failure\n"
          "::error file=OUT/machine-2.yaml,line=" +
              std::to_string(line) + ",col=" + std::to_string(column) +
              ",title=EG308 initial-cluster-differs::initial-cluster of machine-2 "
              "(OUT/machine-2.yaml) has machine-3=http://10.0.0.33:2380, but machine-3 "
              "advertises http://10.0.0.3:2380%0Ahint: use machine-3=http://10.0.0.3:2380 on "
              "every primary\n");

    const auto clean = lint({"--format", "github", "samples/valid/tutorial"}, source_path(""));
    CHECK(clean.exit_code == 0);
    CHECK(clean.out.empty());
    CHECK(clean.err.empty());
}

TEST_CASE("eg-config lint: --format sarif of a clean run is valid SARIF 2.1.0",
          "[eg-config][lint][sarif]") {
    eg::test::require_npm_tools();
    temp_dir dir;
    const auto r = lint({"--format", "sarif", "samples/valid/tutorial"}, source_path(""));
    show(r);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.empty());
    const auto parsed = json::parse(r.out);
    CHECK(parsed["version"] == "2.1.0");
    CHECK(parsed["runs"][0]["results"] == json::array());
    CHECK(parsed["runs"][0]["tool"]["driver"]["name"] == "eg-config");

    const auto file = dir.write("clean.sarif", r.out);
    const auto check = validate_sarif(file);
    show(check);
    CHECK(check.exit_code == 0);
    CHECK(check.out == "valid\n");
}

TEST_CASE("eg-config lint: --format sarif with errors and warnings is valid SARIF 2.1.0",
          "[eg-config][lint][sarif]") {
    eg::test::require_npm_tools();
    temp_dir dir;
    generate_and_break_machine_2(dir);
    dir.write("one.yaml", single_primary_description);            // a warning (EG302)
    dir.write("writer.yaml", "name: w\ncluster-role: writer\n");  // a warning (EG111)
    dir.write("s/s1.yaml", secondary_file("s1", 2381));           // EG300, EG311, EG315
    dir.write("s/s2.yaml", secondary_file("s2", 2382));
    dir.write("with space.yaml", "name: a\ncluster-rol: primary\n");  // EG102, a URI with %20
    const auto r = lint({"--format", "sarif", "--each", "OUT", "one.yaml", "writer.yaml",
                         "with space.yaml", "missing.yaml"},
                        dir.path().string());
    const auto r2 = lint({"--format", "sarif", "s"}, dir.path().string());
    show(r);
    show(r2);
    CHECK(r.exit_code == 2);  // missing.yaml
    CHECK(r2.exit_code == 1);

    std::set<std::string> levels;
    for (const auto* run : {&r, &r2}) {
        const auto parsed = json::parse(run->out);
        const auto& driver = parsed["runs"][0]["tool"]["driver"];
        const auto& results = parsed["runs"][0]["results"];
        CHECK(!results.empty());
        for (const auto& result : results) {
            INFO(result.dump());
            // ruleIndex points at the rule named by ruleId.
            const auto index = result["ruleIndex"].get<std::size_t>();
            REQUIRE(index < driver["rules"].size());
            CHECK(driver["rules"][index]["id"] == result["ruleId"]);
            levels.insert(result["level"].get<std::string>());
        }
        const auto file = dir.write(run == &r ? "findings.sarif" : "secondaries.sarif", run->out);
        const auto check = validate_sarif(file);
        show(check);
        CHECK(check.exit_code == 0);
        CHECK(check.out == "valid\n");
    }
    CHECK(levels == std::set<std::string>{"error", "warning"});
    CHECK(r.out.find("\"uri\":\"with%20space.yaml\"") != std::string::npos);
}

TEST_CASE("validate-sarif.js: rejects a SARIF document the official schema does not allow",
          "[eg-config][lint][sarif]") {
    eg::test::require_npm_tools();
    temp_dir dir;
    dir.write("one.yaml", single_primary_description);
    const auto r = lint({"--format", "sarif", "one.yaml"}, dir.path().string());
    REQUIRE(r.exit_code == 0);
    const auto original = json::parse(r.out);

    auto wrong_version = original;
    wrong_version["version"] = "9.9";
    auto wrong_level = original;
    REQUIRE(!wrong_level["runs"][0]["results"].empty());
    wrong_level["runs"][0]["results"][0]["level"] = "fatal";
    auto no_runs = original;
    no_runs.erase("runs");
    for (const auto& [name, document] :
         {std::pair{"version", wrong_version}, std::pair{"level", wrong_level},
          std::pair{"runs", no_runs}}) {
        INFO("broken " << name);
        const auto file = dir.write(std::string("broken-") + name + ".sarif", document.dump());
        const auto check = validate_sarif(file);
        show(check);
        CHECK(check.exit_code == 1);
        CHECK(check.out.rfind("invalid: ", 0) == 0);
    }
}

TEST_CASE("eg-config lint: a directory without YAML files is a usage error", "[eg-config][lint]") {
    eg::test::temp_dir dir;
    dir.write("empty/README.md", "no configurations here\n");
    const auto r = eg::test::run_eg_config({"lint", "empty"}, {}, dir.path().string());
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("no *.yaml or *.yml files") != std::string::npos);
}

TEST_CASE("eg-config lint: a FIFO, a device or an oversized file is EG100 with the reason, at once",
          "[eg-config][lint]") {
    temp_dir dir;
    REQUIRE(::mkfifo((dir.path() / "fifo.yaml").c_str(), 0600) == 0);
    dir.write("big.yaml", std::string(4 * 1024 * 1024 + 1, '#'));
    const auto r = lint({"fifo.yaml", "/dev/zero", "big.yaml"}, dir.path().string());
    show(r);
    CHECK(r.exit_code == 2);
    const std::string hint =
        "  hint: give a regular file of at most 4194304 bytes (not a directory, device or FIFO)\n";
    CHECK(r.out ==
          "fifo.yaml: error: cannot read \"fifo.yaml\": is not a regular file (a device, FIFO or "
          "socket) [EG100]\n" +
              hint +
              "/dev/zero: error: cannot read \"/dev/zero\": is not a regular file (a device, "
              "FIFO or socket) [EG100]\n" +
              hint +
              "big.yaml: error: cannot read \"big.yaml\": is 4194305 bytes, more than the "
              "4194304 bytes allowed [EG100]\n" +
              hint);
}

TEST_CASE("eg-config lint: aliases expanding beyond the node bound are EG122, not gigabytes",
          "[eg-config][lint]") {
    temp_dir dir;
    std::string bomb = "name: a\nx-a: &a [x, x, x, x, x, x, x, x, x]\n";
    for (char name = 'b'; name <= 'i'; ++name) {
        bomb += std::string("x-") + name + ": &" + name + " [";
        for (int i = 0; i < 9; ++i) bomb += std::string(i ? ", " : "") + "*" + char(name - 1);
        bomb += "]\n";
    }
    dir.write("bomb.yaml", bomb);
    const auto r = lint({"bomb.yaml"}, dir.path().string());
    show(r);
    CHECK(r.exit_code == 1);
    // 1000 nodes plus 16 per byte of the file.
    const std::string bound = std::to_string(1000 + 16 * bomb.size());
    CHECK(r.out.find("error: the YAML has more than " + bound +
                     " nodes once its aliases are expanded [EG122]\n") != std::string::npos);
}
