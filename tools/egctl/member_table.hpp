#pragma once
// `egctl get member`: the member statuses served by the admin API as upstream's table
// NAME ROLE AGE STATE API-ADDR HEARTBEAT. A member silent for 3 heartbeat intervals is Offline
// (eg/member_status.hpp).

#include "tools/egctl/table_format.hpp"

#include <eg/member_status.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace eg::ctl {

using clock = std::chrono::system_clock;

using status::parse_rfc3339;
using status::text_at;

// The table for a JSON array of member statuses, at `now`.
inline std::string member_table(const nlohmann::json& statuses, clock::time_point now) {
    std::vector<table_row> rows = {{"NAME", "ROLE", "AGE", "STATE", "API-ADDR", "HEARTBEAT"}};
    const auto since = [&](clock::time_point t) {
        return std::chrono::duration<double>(now - t).count();
    };
    for (const auto& member : statuses) {
        const auto options = member.value("options", nlohmann::json::object());
        const auto etcd = member.value("etcd", nlohmann::json());
        const auto heartbeat = status::last_heartbeat(member);
        const bool offline = status::silent(member, now);
        std::string age = "unknown";
        std::string state;
        if (etcd.is_object()) {
            if (auto started = parse_rfc3339(text_at(etcd, "startTime")))
                age = human_duration(since(*started));
            state = text_at(etcd, "state");
        }
        if (offline) state = "Offline";
        rows.push_back({text_at(options, "Name"), text_at(options, "ClusterRole"), age, state,
                        text_at(options, "APIAddr"),
                        heartbeat ? human_duration(since(*heartbeat)) + " ago" : "unknown"});
    }
    return tab_table(rows);
}

}  // namespace eg::ctl
