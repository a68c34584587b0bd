// Fuzz target: a member's whole configuration load as easegress-server does it, from its
// command-line arguments, its environment and the file --config-file names (scan_flags,
// scan_environment, read_config_text, then every value applied by precedence).
//
// Input: up to three parts separated by a line "%%":
//   the arguments, one per line;
//   the environment, one NAME=VALUE per line (a line without "=" is a NAME with an empty value);
//   the text of every file the arguments or the environment name as the configuration file.
// Nothing may crash, hang or throw, whatever the input.

#include "input_parts.hpp"

#include <eg/config_loader.hpp>
#include <eg/diagnostic_format.hpp>
#include <eg/member_rules.hpp>
#include <eg/print_config.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

std::vector<std::string> lines_of(std::string_view text) {
    std::vector<std::string> lines;
    while (!text.empty()) {
        const auto end = text.find('\n');
        lines.emplace_back(text.substr(0, end));
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return lines;
}

// The input's parts: arguments, environment, file text (missing parts are empty). A part ends
// at a line "%%"; the third part is the rest of the input, whatever it holds.
std::vector<std::string_view> parts_of(std::string_view input) {
    auto parts = eg::fuzz::input_parts(input, 3);
    parts.resize(3);
    return parts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace config = eg::config;
    const auto parts = parts_of(std::string_view(reinterpret_cast<const char*>(data), size));
    const auto args = lines_of(parts[0]);
    config::environment env;
    for (const auto& line : lines_of(parts[1])) {
        const auto eq = line.find('=');
        env[line.substr(0, eq)] = eq == std::string::npos ? "" : line.substr(eq + 1);
    }
    const std::string file_text(parts[2]);
    const auto read_file = [&](const std::string&) -> std::optional<std::string> {
        return file_text;
    };

    auto loaded = config::load_config(args, env, read_file);
    loaded.diagnostics.append(config::rules::check_member(loaded.config));
    (void)eg::diag::format_text(loaded.diagnostics);
    (void)eg::emit::print_config(loaded.config);
    return 0;
}
