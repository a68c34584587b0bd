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
    std::string file;
    bool with_env = false;
    arguments flags;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--") {
            flags.assign(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
            break;
        }
        if (args[i] == "--env")
            with_env = true;
        else if (!args[i].empty() && args[i][0] == '-')
            return usage_error("print: unknown option '" + args[i] + "'; server flags go after --");
        else if (file.empty())
            file = args[i];
        else
            return usage_error("print: one file at a time");
    }
    if (file.empty()) return usage_error("print: give the member's configuration file");
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
