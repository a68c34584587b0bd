// The sample corpus (samples/) run through the real easegress-server: every invalid sample
// yields exactly its own diagnostic code, the corpus covers the whole catalogue, and every valid
// sample passes --check-config silently.

#include <eg/diagnostic_catalogue.hpp>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "support/process.hpp"

namespace fs = std::filesystem;

namespace {

const std::vector<std::string> default_args = {"--check-config", "-f", "config.yaml"};

// The lines of a sample's `args` or `env` file; blank lines are skipped.
std::vector<std::string> read_lines(const fs::path& file) {
    std::vector<std::string> lines;
    std::ifstream in(file);
    REQUIRE(in.good());
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (!line.empty()) lines.push_back(line);
    }
    return lines;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// One diagnostic as printed on stderr: "[where: ]severity: message [CODE]".
struct printed_diagnostic {
    std::string severity;
    std::string code;
    std::string line;
};

struct printed_output {
    std::vector<printed_diagnostic> diagnostics;
    std::vector<std::string> other_lines;  // neither a diagnostic nor a "  hint:" line
};

printed_output parse_stderr(const std::string& err) {
    // A diagnostic without a location (e.g. EG500) starts with its severity.
    static const std::regex diagnostic_line(
        R"(^(?:.*?: )?(error|warning|note): .* \[(EG[0-9]{3})\]$)");
    printed_output out;
    for (const auto& line : lines_of(err)) {
        std::smatch m;
        if (std::regex_match(line, m, diagnostic_line))
            out.diagnostics.push_back({m[1].str(), m[2].str(), line});
        else if (line.rfind("  hint: ", 0) != 0)
            out.other_lines.push_back(line);
    }
    return out;
}

eg::test::process_result run_server(const std::vector<std::string>& args,
                                    const std::map<std::string, std::string>& env,
                                    const fs::path& cwd) {
    std::vector<std::string> argv = {eg::test::binary_path("easegress-server")};
    argv.insert(argv.end(), args.begin(), args.end());
    eg::test::run_options opts;
    opts.env = env;
    opts.env["PATH"] = std::string(eg::test::default_path);
    opts.cwd = cwd.string();
    return eg::test::run_process(argv, opts);
}

std::vector<fs::path> sorted_entries(const fs::path& dir) {
    std::vector<fs::path> entries(fs::directory_iterator(dir), fs::directory_iterator{});
    std::sort(entries.begin(), entries.end());
    return entries;
}

const eg::diag::code_info* catalogue_entry(std::string_view code) {
    for (const auto& info : eg::diag::catalogue)
        if (info.code == code) return &info;
    return nullptr;
}

// "EG102-unknown-key" -> "EG102"
std::string code_of_directory(const std::string& name) { return name.substr(0, name.find('-')); }

std::string joined(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines) text += line + "\n";
    return text;
}

}  // namespace

TEST_CASE("samples: each invalid sample reports only its own code, at the catalogue's severity",
          "[samples]") {
    const fs::path root = eg::test::source_path("samples/invalid");
    REQUIRE(fs::is_directory(root));
    const auto entries = sorted_entries(root);
    REQUIRE_FALSE(entries.empty());

    for (const auto& dir : entries) {
        if (!fs::is_directory(dir)) continue;
        const std::string name = dir.filename().string();
        DYNAMIC_SECTION("sample " << name) {
            const auto* info = catalogue_entry(code_of_directory(name));
            INFO("sample directory: samples/invalid/" << name);
            REQUIRE(info != nullptr);

            const auto args = fs::exists(dir / "args") ? read_lines(dir / "args") : default_args;
            std::map<std::string, std::string> env;
            if (fs::exists(dir / "env")) {
                for (const auto& line : read_lines(dir / "env")) {
                    const auto eq = line.find('=');
                    INFO("env line: " << line);
                    REQUIRE(eq != std::string::npos);
                    env[line.substr(0, eq)] = line.substr(eq + 1);
                }
            }

            const auto result = run_server(args, env, dir);
            INFO("args: " << joined(args) << "stderr:\n" << result.err);
            REQUIRE_FALSE(result.timed_out);

            const auto printed = parse_stderr(result.err);
            CHECK_FALSE(printed.diagnostics.empty());
            CHECK(printed.other_lines.empty());
            for (const auto& d : printed.diagnostics) {
                INFO("diagnostic: " << d.line);
                CHECK(d.code == info->code);
                CHECK(d.severity == eg::diag::to_string(info->level));
            }

            const bool cannot_start = info->code == eg::diag::code("start-not-available").code;
            const int expected_exit = cannot_start                               ? 3
                                      : info->level == eg::diag::severity::error ? 1
                                                                                 : 0;
            CHECK(result.exit_code == expected_exit);
        }
    }
}

TEST_CASE("samples: the invalid corpus has one <code>-<slug> directory per catalogue code",
          "[samples]") {
    const fs::path root = eg::test::source_path("samples/invalid");
    REQUIRE(fs::is_directory(root));

    std::set<std::string> sample_codes;
    std::size_t directories = 0;
    for (const auto& entry : sorted_entries(root)) {
        const std::string name = entry.filename().string();
        INFO("samples/invalid/" << name);
        CHECK(fs::is_directory(entry));
        if (!fs::is_directory(entry)) continue;
        ++directories;

        const std::string code = code_of_directory(name);
        sample_codes.insert(code);
        const auto* info = catalogue_entry(code);
        CHECK(info != nullptr);
        if (info != nullptr) CHECK(name == std::string(info->code) + "-" + std::string(info->slug));

        // A misspelt file (config.yml, arg) would be silently ignored by the runner.
        bool has_input = false;
        for (const auto& file : sorted_entries(entry)) {
            const std::string file_name = file.filename().string();
            INFO("file: " << file_name);
            CHECK((file_name == "config.yaml" || file_name == "args" || file_name == "env"));
            has_input = has_input || file_name == "config.yaml" || file_name == "args";
        }
        CHECK(has_input);
    }

    std::set<std::string> catalogue_codes;
    for (const auto& info : eg::diag::catalogue) catalogue_codes.emplace(info.code);
    CHECK(sample_codes == catalogue_codes);
    CHECK(directories == std::size(eg::diag::catalogue));
}

TEST_CASE("samples: each valid sample passes --check-config without any diagnostic", "[samples]") {
    const fs::path root = eg::test::source_path("samples/valid");
    REQUIRE(fs::is_directory(root));

    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(root))
        if (entry.is_regular_file() && entry.path().extension() == ".yaml")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());

    std::set<std::string> sets;
    for (const auto& file : files) sets.insert(file.parent_path().filename().string());
    CHECK(sets.count("tutorial") == 1);
    CHECK(sets.count("local") == 1);
    CHECK(sets.count("flags-and-maps") == 1);

    for (const auto& file : files) {
        const std::string rel = fs::relative(file, root).string();
        DYNAMIC_SECTION("sample " << rel) {
            const auto result = run_server({"--check-config", "-f", file.filename().string()}, {},
                                           file.parent_path());
            INFO("stderr:\n" << result.err);
            REQUIRE_FALSE(result.timed_out);
            CHECK(result.exit_code == 0);
            CHECK(result.err.empty());
            CHECK(result.out.find("configuration is valid") != std::string::npos);
        }
    }
}

// Found while building the corpus: localhost and 127.0.0.1 are one host, so etcd cannot bind
// both URLs below; the clash is missed because check_ports compares host names as text.
TEST_CASE("easegress-server: reports a client/peer port clash between localhost and 127.0.0.1",
          "[samples][bug]") {
    // listen-client-urls keeps its default, http://localhost:2379.
    const auto result = run_server({"--check-config", "--listen-peer-urls", "http://127.0.0.1:2379",
                                    "--initial-advertise-peer-urls", "http://127.0.0.1:2379"},
                                   {}, eg::test::source_path("samples"));
    INFO("stderr:\n" << result.err);
    CHECK(result.exit_code == 1);
    const auto printed = parse_stderr(result.err);
    CHECK(std::any_of(printed.diagnostics.begin(), printed.diagnostics.end(),
                      [](const printed_diagnostic& d) { return d.code == "EG209"; }));
}
