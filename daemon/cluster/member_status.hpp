#pragma once
// member status: what a member publishes about itself under /status/members/<name>, in
// upstream's JSON shape (eg/member_status.hpp): `options` with upstream's Go field names
// (secrets redacted), `lastHeartbeatTime` (RFC 3339) and, for primaries,
// `etcd{id,startTime,state}`.

#include "daemon/cluster/time_text.hpp"
#include "daemon/etcd/etcd_command.hpp"

#include <eg/effective_config.hpp>
#include <eg/member_status.hpp>
#include <eg/server_options.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>

namespace eg::server {

using json = nlohmann::ordered_json;

struct etcd_member_state {
    std::string id;          // etcd member id, lower-case hex
    std::string start_time;  // RFC 3339
    std::string state;       // "Leader" or "Follower"
};

// The `options` object: every option with an upstream field, in upstream's order
// (eg/member_status.hpp), and the absolute directories the server derives.
inline json status_options(const config::effective_config& c,
                           const std::filesystem::path& working_dir) {
    json options = status::options_json(c);
    const std::filesystem::path home = config::resolve_home(c, working_dir);
    options["AbsHomeDir"] = home.string();
    options["AbsDataDir"] = config::resolve_under_home(c.get(config::opt::data_dir), home);
    options["AbsWALDir"] = config::resolve_under_home(c.get(config::opt::wal_dir), home);
    options["AbsLogDir"] = config::resolve_under_home(c.get(config::opt::log_dir), home);
    return options;
}

// The whole status document, compact, as written to etcd.
inline std::string member_status_json(const config::effective_config& c,
                                      const std::filesystem::path& working_dir,
                                      std::chrono::system_clock::time_point heartbeat,
                                      const std::optional<etcd_member_state>& etcd) {
    json status = json::object();
    status["options"] = status_options(c, working_dir);
    status["lastHeartbeatTime"] = rfc3339(heartbeat);
    if (etcd)
        status["etcd"] = {
            {"id", etcd->id}, {"startTime", etcd->start_time}, {"state", etcd->state}};
    return status.dump();
}

}  // namespace eg::server
