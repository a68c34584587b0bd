// eg-config print: a member's effective configuration with sources, the same code as
// easegress-server --print-config.

#include "command.hpp"

#include <eg/config_loader.hpp>
#include <eg/diagnostic_format.hpp>
#include <eg/member_rules.hpp>
#include <eg/print_config.hpp>

#include <unistd.h>

#include <cstdio>

extern char** environ;

namespace eg::tools {

int print_command(const arguments& args) {
    const auto parsed = parse_arguments({{"env"}}, args, true);
    if (parsed.operands.size() > 1) return usage_error("print: one file at a time");
    if (parsed.error != parsed_arguments::problem::none)
        return usage_error("print: unknown option '" + parsed.where +
                           "'; server flags go after --");
    if (parsed.operands.empty()) return usage_error("print: give the member's configuration file");
    const std::string& file = parsed.operands.front();
    const bool with_env = parsed.values.contains("env");
    const arguments& flags = parsed.after_separator;
    arguments server_args = {"--config-file", file};
    server_args.insert(server_args.end(), flags.begin(), flags.end());
    auto [config, findings] = config::load_config(
        server_args, with_env ? config::environment_from(environ) : config::environment{});
    findings.append(config::rules::check_member(config));
    std::fputs(diag::format_text(findings, isatty(STDERR_FILENO) == 1).c_str(), stderr);
    if (findings.has("EG100")) return exit_usage;  // defaults alone would mislead
    std::fputs(emit::print_config(config).c_str(), stdout);
    return findings.has_errors() ? exit_findings : exit_ok;
}

}  // namespace eg::tools
