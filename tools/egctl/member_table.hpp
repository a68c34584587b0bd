#pragma once
// `egctl get member`: the member statuses served by the admin API as upstream's table
// NAME ROLE AGE STATE API-ADDR HEARTBEAT. A member silent for 3 heartbeat intervals is Offline.

#include "tools/egctl/table_format.hpp"

#include <eg/option_value.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace eg::ctl {

using clock = std::chrono::system_clock;

// "2026-04-01T10:00:05Z", "2026-04-01T10:00:05.123+08:00": the instant, or nullopt.
inline std::optional<clock::time_point> parse_rfc3339(std::string_view text) {
    std::tm t{};
    int offset_sign = 0;
    int offset_hours = 0;
    int offset_minutes = 0;
    const std::string s(text);
    int consumed = 0;
    if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &t.tm_year, &t.tm_mon, &t.tm_mday,
                    &t.tm_hour, &t.tm_min, &t.tm_sec, &consumed) != 6)
        return std::nullopt;
    std::string_view rest = std::string_view(s).substr(static_cast<std::size_t>(consumed));
    double fraction = 0;
    if (!rest.empty() && rest.front() == '.') {
        std::size_t digits = 1;
        while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
        fraction = std::stod("0" + std::string(rest.substr(0, digits)));
        rest.remove_prefix(digits);
    }
    if (rest == "Z" || rest == "z") {
        offset_sign = 0;
    } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
        offset_sign = rest[0] == '+' ? 1 : -1;
        offset_hours = std::stoi(std::string(rest.substr(1, 2)));
        offset_minutes = std::stoi(std::string(rest.substr(4, 2)));
    } else {
        return std::nullopt;
    }
    t.tm_year -= 1900;
    t.tm_mon -= 1;
    const std::time_t utc = timegm(&t);
    const auto offset = std::chrono::minutes(offset_sign * (offset_hours * 60 + offset_minutes));
    return clock::from_time_t(utc) - offset +
           std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(fraction));
}

inline std::string text_at(const nlohmann::json& object, std::string_view key) {
    const auto it = object.find(std::string(key));
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The table for a JSON array of member statuses, at `now`.
inline std::string member_table(const nlohmann::json& statuses, clock::time_point now) {
    std::vector<table_row> rows = {{"NAME", "ROLE", "AGE", "STATE", "API-ADDR", "HEARTBEAT"}};
    const auto since = [&](clock::time_point t) {
        return std::chrono::duration<double>(now - t).count();
    };
    for (const auto& status : statuses) {
        const auto options = status.value("options", nlohmann::json::object());
        const auto etcd = status.value("etcd", nlohmann::json());
        const auto heartbeat = parse_rfc3339(text_at(status, "lastHeartbeatTime"));
        double interval = 5;
        if (auto parsed = config::parse_duration(text_at(options, "MemberHeartbeatInterval"));
            std::holds_alternative<config::duration>(parsed))
            interval = static_cast<double>(std::get<config::duration>(parsed).nanoseconds) / 1e9;
        const bool offline = !heartbeat || since(*heartbeat) > 3 * interval;
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
