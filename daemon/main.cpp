// easegress-server: one member of an Easegress cluster.
//
// Exit codes: 0 success or graceful stop; 1 invalid configuration; 3 the member cannot start;
// 255 stopped at once by a second SIGINT/SIGTERM.

#include "daemon/admin/admin_tls.hpp"
#include "daemon/etcd/etcd_member.hpp"
#include "daemon/member/member_runtime.hpp"
#include "daemon/process/graceful_upgrade.hpp"
#include "daemon/process/signal_control.hpp"

#include <eg/config_loader.hpp>
#include <eg/diagnostic_catalogue.hpp>
#include <eg/diagnostic_format.hpp>
#include <eg/help_text.hpp>
#include <eg/host_checks.hpp>
#include <eg/input_limits.hpp>
#include <eg/member_paths.hpp>
#include <eg/member_rules.hpp>
#include <eg/print_config.hpp>

#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

namespace opt = eg::config::opt;
using namespace std::chrono_literals;

constexpr int exit_ok = eg::server::member_exit_ok;
constexpr int exit_invalid_config = 1;
constexpr int exit_cannot_start = eg::server::member_exit_cannot_start;

void report(const eg::diag::diagnostics& findings) {
    const std::string text = eg::diag::format_text(findings, isatty(STDERR_FILENO) == 1);
    std::fputs(text.c_str(), stderr);
}

// --signal-upgrade: SIGUSR2 to the server named in this home dir's pid file.
int signal_running_server(const eg::config::effective_config& config,
                          const eg::diag::diagnostics& findings) {
    report(findings);
    const std::string pid_path = eg::server::member_places(config).pid_path;
    pid_t signalled = 0;
    if (const auto problem = eg::server::signal_upgrade(pid_path, signalled); !problem.empty()) {
        const std::string home_dir = eg::config::option_path(opt::home_dir.spec);
        eg::diag::diagnostics failed;
        failed.add(
            eg::diag::make(eg::diag::code("upgrade-signal-failed"), home_dir,
                           config.at(opt::home_dir).source.where, problem,
                           "start the server first, or give the " + home_dir + " it runs with"));
        report(failed);
        return exit_invalid_config;
    }
    std::printf("graceful upgrade signal sent to process %d\n", static_cast<int>(signalled));
    return exit_ok;
}

// About to run: the machine must fit too (ports free, data dir ours, files readable, etcd and
// the TLS module there).
eg::diag::diagnostics host_findings(const eg::config::effective_config& config,
                                    const std::optional<eg::server::upgrade_handover>& handover) {
    eg::diag::diagnostics findings;
    eg::diag::diagnostics host;
    eg::host::check_member_on_host(config, host);
    for (const auto& finding : host) {
        // After an upgrade the admin API's port is the inherited listener's: in use, by us.
        if (handover && finding.code == eg::diag::code("port-in-use").code &&
            finding.path == opt::api_addr.spec.yaml_path)
            continue;
        findings.add(finding);
    }
    if (config.get(opt::cluster_role) == "primary" && !config.get(opt::use_standalone_etcd)) {
        const char* path = std::getenv("PATH");
        if (eg::server::find_executable(config.get(opt::etcd_binary),
                                        path != nullptr ? path : "/usr/bin:/bin")
                .empty())
            findings.add(eg::server::etcd_not_found(config));
    }
    if (config.get(opt::tls)) {
        try {
            eg::server::admin_tls_listener();
        } catch (const std::exception& e) {
            const std::string tls = eg::config::option_path(opt::tls.spec);
            findings.add(eg::diag::make(eg::diag::code("tls-support-missing"), tls,
                                        config.at(opt::tls).source.where, e.what(),
                                        "install easegress-server with its lib/eg/" +
                                            std::string(eg::server::admin_tls_module_name) +
                                            ", or serve the admin API without " + tls));
        }
    }
    return findings;
}

}  // namespace

int main(int argc, char** argv) {
    // Few malloc arenas: the admin API's many connection threads would each get one otherwise.
    ::mallopt(M_ARENA_MAX, 2);
    eg::server::signal_control::block_signals();
    const auto handover = eg::server::inherited_upgrade();
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
    const bool invalid = findings.has_errors();

    if (config.get(opt::print_config) && !findings.has("EG100")) {
        report(findings);
        std::fputs(eg::emit::print_config(config).c_str(), stdout);
        return invalid ? exit_invalid_config : exit_ok;
    }
    if (invalid || config.get(opt::check_config)) {
        report(findings);
        if (invalid) return exit_invalid_config;
        std::printf("configuration is valid: %zu warning(s), %zu note(s)\n",
                    findings.count(eg::diag::severity::warning),
                    findings.count(eg::diag::severity::note));
        return exit_ok;
    }

    if (config.get(opt::signal_upgrade)) return signal_running_server(config, findings);

    findings.append(host_findings(config, handover));
    report(findings);
    if (findings.has_errors()) return exit_cannot_start;
    try {
        eg::server::member_runtime member(config, std::vector<std::string>(argv, argv + argc),
                                          handover);
        return member.run();
    } catch (const std::exception& e) {
        // What no start-up step foresees (e.g. no descriptor left for the signal thread).
        std::fprintf(stderr, "easegress-server: cannot run the member: %s\n", e.what());
        return exit_cannot_start;
    }
}
