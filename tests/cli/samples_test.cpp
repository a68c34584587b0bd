// The sample corpus (samples/) run through the real binaries: every invalid sample yields exactly
// its own diagnostic code (from easegress-server, or from the tool its `command` file names), the
// corpus covers the whole catalogue, every valid sample passes --check-config silently and the
// valid clusters pass `eg-config lint` silently.

#include <eg/diagnostic_catalogue.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "support/output_text.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;

namespace {

using eg::test::lines_of;

const std::vector<std::string> default_args = {"--check-config", "-f", "config.yaml"};

// The lines of a sample's `args`, `env`, `command` or `listen` file; blank lines are skipped.
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

std::string read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    REQUIRE(in.good());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// A sample's `command` file: one line, the tool (a binary of this build) and its arguments.
std::vector<std::string> read_command(const fs::path& file) {
    const auto lines = read_lines(file);
    INFO("command file: " << file.string());
    REQUIRE(lines.size() == 1);
    std::vector<std::string> words;
    std::istringstream in(lines.front());
    for (std::string word; in >> word;) words.push_back(word);
    REQUIRE_FALSE(words.empty());
    return words;
}

// One diagnostic as printed: "[where: ]severity: message [CODE]".
struct printed_diagnostic {
    std::string severity;
    std::string code;
    std::string line;
};

struct printed_output {
    std::vector<printed_diagnostic> diagnostics;
    std::vector<std::string> other_lines;  // neither a diagnostic nor a "  hint:" line
};

printed_output parse_diagnostics(const std::string& text) {
    // A diagnostic without a location (e.g. EG500) starts with its severity.
    static const std::regex diagnostic_line(
        R"(^(?:.*?: )?(error|warning|note): .* \[(EG[0-9]{3})\]$)");
    printed_output out;
    for (const auto& line : lines_of(text)) {
        std::smatch m;
        if (std::regex_match(line, m, diagnostic_line))
            out.diagnostics.push_back({m[1].str(), m[2].str(), line});
        else if (line.rfind("  hint: ", 0) != 0)
            out.other_lines.push_back(line);
    }
    return out;
}

std::size_t count_severity(const printed_output& printed, std::string_view severity) {
    return static_cast<std::size_t>(
        std::count_if(printed.diagnostics.begin(), printed.diagnostics.end(),
                      [&](const printed_diagnostic& d) { return d.severity == severity; }));
}

// `eg-config lint` in text format prints its findings on stdout and one summary line on stderr:
// "F file(s), M member(s): E error(s), W warning(s), N note(s)".
struct lint_summary {
    std::size_t files = 0;
    std::size_t members = 0;
    std::size_t errors = 0;
    std::size_t warnings = 0;
    std::size_t notes = 0;
};

std::optional<lint_summary> parse_lint_summary(const std::string& err) {
    static const std::regex summary_line(
        R"(^([0-9]+) file\(s\), ([0-9]+) member\(s\): ([0-9]+) error\(s\), ([0-9]+) )"
        R"(warning\(s\), ([0-9]+) note\(s\)$)");
    const auto lines = lines_of(err);
    std::smatch m;
    if (lines.size() != 1 || !std::regex_match(lines.front(), m, summary_line)) return std::nullopt;
    auto number = [&](std::size_t i) { return static_cast<std::size_t>(std::stoul(m[i].str())); };
    return lint_summary{number(1), number(2), number(3), number(4), number(5)};
}

// Runs a binary of this build with exactly `env` (plus PATH) from `cwd`.
eg::test::process_result run_tool(const std::string& tool, const std::vector<std::string>& args,
                                  const std::map<std::string, std::string>& env,
                                  const fs::path& cwd) {
    const std::string binary = eg::test::binary_path(tool);
    INFO("binary: " << binary);
    REQUIRE(fs::is_regular_file(binary));
    std::vector<std::string> argv = {binary};
    argv.insert(argv.end(), args.begin(), args.end());
    eg::test::run_options opts;
    opts.env = env;
    opts.env["PATH"] = std::string(eg::test::default_path);
    opts.cwd = cwd.string();
    return eg::test::run_process(argv, opts);
}

eg::test::process_result run_server(const std::vector<std::string>& args,
                                    const std::map<std::string, std::string>& env,
                                    const fs::path& cwd) {
    return run_tool("easegress-server", args, env, cwd);
}

// A socket listening on 127.0.0.1 at a port the kernel chose, for as long as it lives.
class loopback_listener {
public:
    loopback_listener() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        REQUIRE(fd_ >= 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = 0;
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(::listen(fd_, 1) == 0);
        socklen_t length = sizeof address;
        REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
        port_ = ntohs(address.sin_port);
    }
    loopback_listener(const loopback_listener&) = delete;
    loopback_listener& operator=(const loopback_listener&) = delete;
    ~loopback_listener() {
        if (fd_ >= 0) ::close(fd_);
    }

    int port() const { return port_; }

private:
    int fd_ = -1;
    int port_ = 0;
};

// The placeholder a sample with a `listen` file writes where the listening port goes.
constexpr std::string_view port_placeholder = "@PORT@";

// Copies a sample directory to `to`, with `port` in place of @PORT@ in every file.
void copy_with_port(const fs::path& from, const fs::path& to, int port) {
    fs::copy(from, to, fs::copy_options::recursive);
    const std::string text_port = std::to_string(port);
    for (const auto& entry : fs::recursive_directory_iterator(to)) {
        if (!entry.is_regular_file()) continue;
        std::string text = read_file(entry.path());
        bool changed = false;
        for (auto pos = text.find(port_placeholder); pos != std::string::npos;
             pos = text.find(port_placeholder, pos + text_port.size())) {
            text.replace(pos, port_placeholder.size(), text_port);
            changed = true;
        }
        if (!changed) continue;
        std::ofstream out(entry.path(), std::ios::binary | std::ios::trunc);
        out << text;
        REQUIRE(out.good());
    }
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

// Codes that need a running cluster or a failing etcd process, so no static sample shows them;
// the integration tests do (tests/integration/startup_failure_test.cpp), and for the live check's
// EG7xx the unit tests (tests/unit/live_check_test.cpp).
bool runtime_only(std::string_view code) {
    static const std::set<std::string_view> startup = {"EG501", "EG502", "EG504", "EG505", "EG506"};
    return startup.count(code) > 0 || code.starts_with("EG7");
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

            // `command` names the tool and its arguments; without it, easegress-server runs with
            // `args` (or the default arguments).
            std::string tool = "easegress-server";
            std::vector<std::string> args = default_args;
            if (fs::exists(dir / "command")) {
                REQUIRE_FALSE(fs::exists(dir / "args"));
                args = read_command(dir / "command");
                tool = args.front();
                args.erase(args.begin());
            } else if (fs::exists(dir / "args")) {
                args = read_lines(dir / "args");
            }
            std::map<std::string, std::string> env;
            if (fs::exists(dir / "env")) {
                for (const auto& line : read_lines(dir / "env")) {
                    const auto eq = line.find('=');
                    INFO("env line: " << line);
                    REQUIRE(eq != std::string::npos);
                    env[line.substr(0, eq)] = line.substr(eq + 1);
                }
            }

            // `listen`: the test listens on 127.0.0.1 at a free port while the sample runs, from
            // a copy of its directory with that port in place of @PORT@.
            std::optional<loopback_listener> listener;
            std::optional<eg::test::temp_dir> scratch;
            fs::path cwd = dir;
            if (fs::exists(dir / "listen")) {
                const auto listen = read_lines(dir / "listen");
                REQUIRE(listen ==
                        std::vector<std::string>{"127.0.0.1:" + std::string(port_placeholder)});
                listener.emplace();
                scratch.emplace();
                cwd = scratch->path() / name;
                copy_with_port(dir, cwd, listener->port());
            }

            const auto result = run_tool(tool, args, env, cwd);
            INFO(tool << " " << joined(args) << "stdout:\n"
                      << result.out << "stderr:\n"
                      << result.err);
            REQUIRE_FALSE(result.timed_out);

            // eg-config prints its findings on stdout and a summary on stderr; the server prints
            // its diagnostics on stderr.
            const bool linter = tool == "eg-config";
            const auto printed = parse_diagnostics(linter ? result.out : result.err);
            CHECK_FALSE(printed.diagnostics.empty());
            CHECK(printed.other_lines.empty());
            for (const auto& d : printed.diagnostics) {
                INFO("diagnostic: " << d.line);
                CHECK(d.code == info->code);
                CHECK(d.severity == eg::diag::to_string(info->level));
            }
            if (linter) {
                const auto summary = parse_lint_summary(result.err);
                REQUIRE(summary.has_value());
                CHECK(summary->errors == count_severity(printed, "error"));
                CHECK(summary->warnings == count_severity(printed, "warning"));
                CHECK(summary->notes == count_severity(printed, "note"));
            }

            // The server exits 3 when the machine does not fit (EG4xx) or the member cannot
            // start (EG5xx); eg-config exits 1 for every error.
            const bool cannot_start =
                info->code.substr(0, 3) == "EG4" || info->code.substr(0, 3) == "EG5";
            const int expected_exit =
                info->level == eg::diag::severity::error ? (cannot_start && !linter ? 3 : 1) : 0;
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

        // A misspelt file (config.yml, arg) would be silently ignored by the runner. A sample run
        // by a `command` may also hold the *.yaml files and directories that command reads.
        const bool has_command = fs::exists(entry / "command");
        CHECK_FALSE((has_command && fs::exists(entry / "args")));
        bool has_input = false;
        for (const auto& file : sorted_entries(entry)) {
            const std::string file_name = file.filename().string();
            INFO("file: " << file_name);
            const bool known = file_name == "config.yaml" || file_name == "args" ||
                               file_name == "env" || file_name == "command" ||
                               file_name == "listen";
            const bool command_input =
                has_command && (fs::is_directory(file) || file.extension() == ".yaml");
            CHECK((known || command_input));
            CHECK((fs::is_regular_file(file) || command_input));
            has_input = has_input || file_name == "config.yaml" || file_name == "args" ||
                        file_name == "command";
        }
        CHECK(has_input);
        if (has_command) {
            const auto command = read_command(entry / "command");
            INFO("command: " << joined(command));
            CHECK(fs::is_regular_file(eg::test::binary_path(command.front())));
        }
    }

    std::set<std::string> catalogue_codes;
    for (const auto& info : eg::diag::catalogue)
        if (!runtime_only(info.code)) catalogue_codes.emplace(info.code);
    CHECK(sample_codes == catalogue_codes);
    CHECK(directories == catalogue_codes.size());
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

    // The four-member clusters seen as one: the member files of a set together, and the cluster
    // descriptions they are generated from.
    struct cluster_input {
        std::string dir;  // relative to samples/
        std::string path;
        std::size_t files;
    };
    const cluster_input clusters[] = {{"valid/tutorial", ".", 4},
                                      {"valid/local", ".", 4},
                                      {"tutorial", "cluster.yaml", 1},
                                      {"local", "cluster.yaml", 1}};
    for (const auto& cluster : clusters) {
        DYNAMIC_SECTION("eg-config lint " << cluster.path << " in samples/" << cluster.dir) {
            const auto result = run_tool("eg-config", {"lint", cluster.path}, {},
                                         eg::test::source_path("samples/" + cluster.dir));
            INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
            REQUIRE_FALSE(result.timed_out);
            CHECK(result.exit_code == 0);
            CHECK(result.out.empty());
            const auto summary = parse_lint_summary(result.err);
            REQUIRE(summary.has_value());
            CHECK(summary->files == cluster.files);
            CHECK(summary->members == 4);
            CHECK(summary->errors == 0);
            CHECK(summary->warnings == 0);
            CHECK(summary->notes == 0);
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
    const auto printed = parse_diagnostics(result.err);
    CHECK(std::any_of(printed.diagnostics.begin(), printed.diagnostics.end(),
                      [](const printed_diagnostic& d) { return d.code == "EG209"; }));
}

// Found while building the corpus: in a cluster description whose members differ by home-dir only,
// data-dir keeps its default and has no place in the file, so EG315 is printed without any
// location; it should point into cluster.yaml (machine-4's home-dir, or its member entry).
TEST_CASE("eg-config lint: a data-dir collision from home-dir points into the description",
          "[samples][bug]") {
    const auto result = run_tool("eg-config", {"lint", "."}, {},
                                 eg::test::source_path("samples/invalid/EG315-data-dir-collision"));
    INFO("stdout:\n" << result.out << "stderr:\n" << result.err);
    const auto printed = parse_diagnostics(result.out);
    REQUIRE_FALSE(printed.diagnostics.empty());
    for (const auto& d : printed.diagnostics) {
        INFO("diagnostic: " << d.line);
        CHECK(d.line.rfind("./cluster.yaml:", 0) == 0);
    }
}
