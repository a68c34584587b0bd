// easegress-server: one member of an Easegress cluster.
//
// Exit codes: 0 success; 1 invalid configuration; 3 the member cannot start.

#include <eg/config_loader.hpp>
#include <eg/diagnostic_format.hpp>
#include <eg/help_text.hpp>
#include <eg/member_rules.hpp>
#include <eg/print_config.hpp>

#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

extern char** environ;

namespace {

constexpr int exit_ok = 0;
constexpr int exit_invalid_config = 1;
constexpr int exit_cannot_start = 3;

void report(const eg::diag::diagnostics& findings) {
    const std::string text = eg::diag::format_text(findings, isatty(STDERR_FILENO) == 1);
    std::fputs(text.c_str(), stderr);
}

}  // namespace

int main(int argc, char** argv) {
    namespace opt = eg::config::opt;
    const std::vector<std::string> args(argv + 1, argv + argc);
    auto [config, findings] = eg::config::load_config(args, eg::config::environment_from(environ));

    if (config.get(opt::help)) {
        std::fputs(eg::emit::help_text().c_str(), stdout);
        return exit_ok;
    }
    if (config.get(opt::version)) {
        std::printf("Easegress %s\n", EG_VERSION);
        return exit_ok;
    }

    findings.append(eg::config::rules::check_member(config));
    report(findings);
    const bool invalid = findings.has_errors();

    if (config.get(opt::print_config) && !findings.has("EG100")) {
        std::fputs(eg::emit::print_config(config).c_str(), stdout);
        return invalid ? exit_invalid_config : exit_ok;
    }
    if (invalid) return exit_invalid_config;
    if (config.get(opt::check_config)) {
        std::printf("configuration is valid: %zu warning(s), %zu note(s)\n",
                    findings.count(eg::diag::severity::warning),
                    findings.count(eg::diag::severity::note));
        return exit_ok;
    }
    eg::diag::diagnostics refusal;
    refusal.add(eg::diag::make(eg::diag::code("start-not-available"), "", {},
                               "this build of easegress-server cannot start cluster members yet",
                               "use --check-config or --print-config to validate a configuration"));
    report(refusal);
    return exit_cannot_start;
}
