#pragma once
// member logs: the system log (<log-dir>/stdout.log, copied to stderr; stdout without a log
// dir) and the admin API's access log (<log-dir>/admin_api.log, none with disable-access-log).
// Both reopen on SIGHUP, for log rotation.

#include "daemon/member/member_places.hpp"
#include "daemon/process/logger.hpp"

#include <eg/config_loader.hpp>

#include <memory>
#include <string>

namespace eg::server {

struct member_logs {
    member_logs(const config::effective_config& config, const member_places& places)
        : system(places.system_log(), config.get(config::opt::debug)) {
        if (!config.get(config::opt::disable_access_log))
            access = std::make_unique<logger>(places.access_log(), false, false);
    }

    // Whether every log file could be opened.
    bool ok() const { return system.ok() && (!access || access->ok()); }

    void reopen() {
        system.reopen();
        if (access) access->reopen();
    }

    logger system;
    std::unique_ptr<logger> access;  // nullptr: no access log
};

}  // namespace eg::server
