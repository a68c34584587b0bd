#pragma once
// member runtime: one member from a checked configuration to its exit. It owns the member's
// logs, its signals and its components, runs the start-up steps in order (member_runtime.cpp
// reads top to bottom: directories and logs, pid file, admin listener, etcd or its endpoints,
// cluster-name check, views and membership, initial objects, ready), serves until a signal asks
// it to stop, and stops the components in reverse.

#include "daemon/member/member_components.hpp"
#include "daemon/member/member_logs.hpp"
#include "daemon/member/member_places.hpp"
#include "daemon/member/startup_state.hpp"
#include "daemon/process/graceful_upgrade.hpp"
#include "daemon/process/pid_file.hpp"
#include "daemon/process/signal_control.hpp"
#include "daemon/process/startup_failure.hpp"

#include <eg/config_loader.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace eg::server {

// The member's exit codes (besides 1, an invalid configuration, decided before it runs).
inline constexpr int member_exit_ok = 0;
inline constexpr int member_exit_cannot_start = 3;

class member_runtime {
public:
    // arguments: the command line (argv[0] first), to start the same again at an upgrade;
    // handover: what this process inherited when an upgrade started it.
    member_runtime(const config::effective_config& config, std::vector<std::string> arguments,
                   std::optional<upgrade_handover> handover);
    ~member_runtime();
    member_runtime(const member_runtime&) = delete;
    member_runtime& operator=(const member_runtime&) = delete;

    // Starts the member, serves until it is asked to stop, stops it. Returns the exit code;
    // why it could not start is reported on stderr (and in the log, once there is one).
    int run();

private:
    void create_directories();
    void open_logs();
    void take_signals();
    void write_pid_file();
    void start_admin_api();
    bool reach_etcd();
    bool wait_for_primaries();
    bool check_cluster_name();
    bool join_cluster();
    void become_ready();
    void serve_until_stopped();
    void stop();
    void take_over();
    std::unique_ptr<upgrade_starter> upgrade_starter_for();
    bool stopping() const;

    const config::effective_config& config_;
    const std::vector<std::string> arguments_;
    const std::optional<upgrade_handover> handover_;
    const member_places places_;
    // Declared in the order they must outlive each other: the signal thread's callbacks use
    // the logs; the components use the logs and the state.
    std::unique_ptr<member_logs> logs_;
    std::unique_ptr<signal_control> signals_;
    pid_file pid_;
    startup_state state_;
    std::unique_ptr<member_components> parts_;
    std::unique_ptr<upgrade_starter> upgrades_;
};

}  // namespace eg::server
