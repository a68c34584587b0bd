// eg-config schema and eg-config docs, run as a user would: the committed schemas and reference
// pages equal what the tool prints, and the schemas accept every valid sample and generated file
// and reject an unknown key when a real third-party validator (ajv-cli) applies them.

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "support/output_text.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/tool_runner.hpp"

namespace fs = std::filesystem;

namespace {

using eg::test::has_lines;
using eg::test::process_result;
using eg::test::read_file;
using eg::test::run_eg_config;
using eg::test::show;
using eg::test::source_path;
using eg::test::temp_dir;

const char* const regen_hint = "run `cmake --build build --target regen` and commit the result";

// Runs `ajv validate` with `schema` on every file of `data` (paths relative to the repository)
// from the repository root; returns the run and checks nothing.
process_result ajv_validate(const std::string& schema, const std::vector<std::string>& data,
                            const std::string& cwd) {
    std::vector<std::string> argv = {eg::test::npm_prefix() + "/node_modules/.bin/ajv", "validate",
                                     "-s", schema};
    for (const auto& file : data) {
        argv.push_back("-d");
        argv.push_back(file);
    }
    argv.push_back("--strict=false");
    return eg::test::run_node_tool(argv, cwd);
}

// Every file that ajv must accept, each reported "<file> valid" and nothing else rejected.
void check_all_valid(const std::string& schema, const std::vector<std::string>& files) {
    REQUIRE(!files.empty());
    const auto r = ajv_validate(schema, files, source_path(""));
    show(r);
    for (const auto& file : files) {
        INFO(file << " against " << schema);
        CHECK(has_lines(r.out, file + " valid\n"));
    }
    CHECK(r.exit_code == 0);
}

// samples/valid/**/*.yaml and samples/*/generated/*.yaml, relative to the repository.
std::vector<std::string> member_files() {
    std::set<std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(source_path("samples/valid")))
        if (entry.is_regular_file() && entry.path().extension() == ".yaml")
            files.insert(fs::relative(entry.path(), source_path("")).generic_string());
    for (const auto& sample : fs::directory_iterator(source_path("samples"))) {
        const auto generated = sample.path() / "generated";
        if (!fs::is_directory(generated)) continue;
        for (const auto& entry : fs::directory_iterator(generated))
            if (entry.path().extension() == ".yaml")
                files.insert(fs::relative(entry.path(), source_path("")).generic_string());
    }
    return {files.begin(), files.end()};
}

using printed_cases = std::vector<std::pair<std::vector<std::string>, std::string>>;

// Each eg-config command line (args) prints exactly the committed file.
void check_committed_equal_printed(const printed_cases& cases) {
    for (const auto& [args, committed] : cases) {
        INFO("eg-config " << Catch::Detail::stringify(args) << " differs from " << committed << ": "
                          << regen_hint);
        const auto r = run_eg_config(args);
        show(r);
        CHECK(r.exit_code == 0);
        CHECK(r.err.empty());
        CHECK(r.out == read_file(source_path(committed)));
    }
}

}  // namespace

TEST_CASE("eg-config schema: the committed schemas equal the printed ones",
          "[eg-config][reference][drift]") {
    const printed_cases cases = {
        {{"schema", "--kind", "server"}, "schemas/easegress-server.schema.json"},
        {{"schema", "--kind=cluster"}, "schemas/eg-cluster.schema.json"},
        {{"schema"}, "schemas/easegress-server.schema.json"},
    };
    check_committed_equal_printed(cases);
}

TEST_CASE("eg-config docs: the committed reference pages equal the printed ones",
          "[eg-config][reference][drift]") {
    const printed_cases cases = {
        {{"docs", "--kind", "options"}, "docs/reference/options.md"},
        {{"docs", "--kind=diagnostics"}, "docs/reference/diagnostics.md"},
        {{"docs"}, "docs/reference/options.md"},
    };
    check_committed_equal_printed(cases);
}

TEST_CASE("eg-config schema and docs: an unknown kind or argument exits 2",
          "[eg-config][reference]") {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{"schema", "--kind", "options"},
         "eg-config: schema: use --kind server or --kind cluster\n"},
        {{"schema", "--kind"}, "eg-config: schema: use --kind server or --kind cluster\n"},
        {{"schema", "server"}, "eg-config: schema: use --kind server or --kind cluster\n"},
        {{"docs", "--kind=server"}, "eg-config: docs: use --kind options or --kind diagnostics\n"},
        {{"docs", "--verbose"}, "eg-config: docs: use --kind options or --kind diagnostics\n"},
        {{"docs", "--kind", "options", "extra"},
         "eg-config: docs: use --kind options or --kind diagnostics\n"},
        {{"schema", "--kind=server", "--"},
         "eg-config: schema: use --kind server or --kind cluster\n"},
    };
    for (const auto& [args, message] : cases) {
        INFO("eg-config " << Catch::Detail::stringify(args));
        const auto r = run_eg_config(args);
        show(r);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err == message + "Run 'eg-config --help' for usage.\n");
    }
}

TEST_CASE("eg-config: --help lists the commands, an unknown or missing command exits 2",
          "[eg-config][reference]") {
    const auto help = run_eg_config({"--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.err.empty());
    for (const char* command : {"  lint [", "  check --live [", "  generate CLUSTER.yaml -o DIR\n",
                                "  print FILE", "  schema [", "  docs ["})
        CHECK(has_lines(help.out, command));

    const auto none = run_eg_config({});
    CHECK(none.exit_code == 2);
    CHECK(none.out.empty());
    CHECK(none.err ==
          "eg-config: a command is required: lint, check, generate, print, schema and docs\n"
          "Run 'eg-config --help' for usage.\n");

    const auto unknown = run_eg_config({"validate"});
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.out.empty());
    CHECK(unknown.err ==
          "eg-config: unknown command 'validate'; the commands are lint, check, generate, "
          "print, schema and docs\nRun 'eg-config --help' for usage.\n");
}

TEST_CASE("ajv: every valid sample and generated file matches the server schema",
          "[eg-config][reference][ajv]") {
    const auto files = member_files();
    // The tutorial and local sets and the two generated directories at least.
    CHECK(files.size() >= 16);
    check_all_valid(source_path("schemas/easegress-server.schema.json"), files);
}

TEST_CASE("ajv: the sample cluster descriptions match the cluster schema",
          "[eg-config][reference][ajv]") {
    check_all_valid(source_path("schemas/eg-cluster.schema.json"),
                    {"samples/tutorial/cluster.yaml", "samples/local/cluster.yaml"});
}

TEST_CASE("ajv: a file with an unknown key fails the schemas", "[eg-config][reference][ajv]") {
    temp_dir dir;
    const auto member = read_file(source_path("samples/valid/tutorial/machine-1.yaml"));
    dir.write("member.yaml", member + "cluster-rol: primary\n");
    dir.write("nested.yaml", member + "  listen-peer-url: []\n");
    const auto description = read_file(source_path("samples/tutorial/cluster.yaml"));
    dir.write("description.yaml", description + "    hots: 10.0.0.9\n");

    for (const auto& [schema, file] :
         {std::pair{"schemas/easegress-server.schema.json", "member.yaml"},
          std::pair{"schemas/easegress-server.schema.json", "nested.yaml"},
          std::pair{"schemas/eg-cluster.schema.json", "description.yaml"}}) {
        INFO(file << " against " << schema);
        const auto r = ajv_validate(source_path(schema), {file}, dir.path().string());
        show(r);
        CHECK(r.exit_code != 0);
        CHECK(has_lines(r.err, std::string(file) + " invalid\n"));
        CHECK(r.err.find("must NOT have additional properties") != std::string::npos);
    }

    // The same files without the stray key pass: the rejection is the key's doing.
    dir.write("member.yaml", member);
    dir.write("description.yaml", description);
    const auto clean = ajv_validate(source_path("schemas/easegress-server.schema.json"),
                                    {"member.yaml"}, dir.path().string());
    show(clean);
    CHECK(clean.exit_code == 0);
    const auto clean_description = ajv_validate(source_path("schemas/eg-cluster.schema.json"),
                                                {"description.yaml"}, dir.path().string());
    show(clean_description);
    CHECK(clean_description.exit_code == 0);
}

TEST_CASE("eg-config: COMMAND --help and help COMMAND show that command, and nothing runs",
          "[eg-config][reference]") {
    for (const char* command : {"lint", "generate", "print", "schema", "docs"}) {
        INFO(command);
        const auto help = run_eg_config({command, "--help"});
        CHECK(help.exit_code == 0);
        CHECK(help.err.empty());
        CHECK(help.out.rfind(std::string("Usage: eg-config ") + command, 0) == 0);
        CHECK(run_eg_config({"help", command}).out == help.out);
        CHECK(run_eg_config({command, "-h"}).out == help.out);
    }
    // After "--" the arguments are the server's (print): --help there is not eg-config's.
    const auto print = run_eg_config({"print", "--", "--help"});
    CHECK(print.out.rfind("Usage: eg-config print", 0) != 0);
    const auto unknown = run_eg_config({"help", "validate"});
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.err.find("unknown command 'validate'") != std::string::npos);
}
