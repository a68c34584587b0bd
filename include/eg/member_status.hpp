#pragma once
// member status: the document each member publishes about itself under /status/members/<name>,
// as the admin API serves it (GET /apis/v2/status/members), in upstream's JSON shape:
//   {"options": {<upstream's Go field names>}, "lastHeartbeatTime": "<RFC 3339>",
//    "etcd": {"id", "startTime", "state"}}   (etcd: primaries only)
// The member writes it (daemon/cluster/member_status.hpp); egctl's member table and
// `eg-config check --live` read it. Both sides derive the options from the option declarations
// here, so a value published and a value described compare as equal JSON.

#include <eg/effective_config.hpp>
#include <eg/option_value.hpp>
#include <eg/server_options.hpp>

#include <nlohmann/json.hpp>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace eg::status {

using json = nlohmann::ordered_json;
using clock = std::chrono::system_clock;

// What a secret option's value is published as (an empty secret stays empty).
inline constexpr std::string_view redacted_secret = "<redacted>";

// One option's value as published: strings, booleans, integers, sizes in bytes, durations as
// text ("5s"), lists and maps; a secret's text replaced by redacted_secret.
inline json option_json(const config::option_spec& spec, const config::option_value& value) {
    using namespace config;
    if (const auto* text = std::get_if<std::string>(&value))
        return spec.secret && !text->empty() ? json(redacted_secret) : json(*text);
    if (const auto* flag = std::get_if<bool>(&value)) return *flag;
    if (const auto* number = std::get_if<std::int64_t>(&value)) return *number;
    if (const auto* size = std::get_if<byte_size>(&value)) return size->bytes;
    if (const auto* d = std::get_if<duration>(&value)) return format_duration(*d);
    if (const auto* list = std::get_if<string_list>(&value)) return *list;
    const auto& pairs = std::get<string_pairs>(value);
    if (spec.secret && pairs.empty()) return nullptr;
    json object = json::object();
    for (const auto& [k, v] : pairs) object[k] = spec.secret ? json(redacted_secret) : json(v);
    return object;
}

// The JSON pointer of an option in the `options` object ("/Cluster/InitialCluster"); empty for
// an option that is not published.
inline std::string option_pointer(const config::option_spec& spec) {
    if (spec.status_field.empty()) return {};
    std::string pointer = "/" + std::string(spec.status_field);
    for (auto& c : pointer)
        if (c == '.') c = '/';
    return pointer;
}

// The `options` object of a configuration: every option with an upstream field, in upstream's
// order (the member adds the absolute directories it derives).
inline json options_json(const config::effective_config& c) {
    json options = json::object();
    for (const auto* spec : config::all_options) {
        const auto pointer = option_pointer(*spec);
        if (pointer.empty()) continue;
        options[json::json_pointer(pointer)] = option_json(*spec, c.at(*spec).value);
    }
    return options;
}

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
    } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
               std::isdigit(static_cast<unsigned char>(rest[1])) &&
               std::isdigit(static_cast<unsigned char>(rest[2])) &&
               std::isdigit(static_cast<unsigned char>(rest[4])) &&
               std::isdigit(static_cast<unsigned char>(rest[5]))) {
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

// The reading side takes either JSON flavour (nlohmann::json or ordered_json).
template <class Json>
std::string text_at(const Json& object, std::string_view key) {
    if (!object.is_object()) return {};
    const auto it = object.find(std::string(key));
    return it != object.end() && it->is_string() ? it->template get<std::string>() : std::string();
}

// A member silent for this many of its heartbeat intervals is Offline.
inline constexpr int silent_heartbeats_offline = 3;

// The member's heartbeat interval in seconds, as it publishes it (5 when it does not say).
template <class Json>
double heartbeat_seconds(const Json& status) {
    const auto options = status.is_object() ? status.value("options", Json::object()) : Json();
    if (auto parsed = config::parse_duration(text_at(options, "MemberHeartbeatInterval"));
        std::holds_alternative<config::duration>(parsed))
        return static_cast<double>(std::get<config::duration>(parsed).nanoseconds) / 1e9;
    return 5;
}

// The last heartbeat, or nullopt when the status has none that reads.
template <class Json>
std::optional<clock::time_point> last_heartbeat(const Json& status) {
    return parse_rfc3339(text_at(status, "lastHeartbeatTime"));
}

// Whether the member has been silent for silent_heartbeats_offline intervals at `now`.
template <class Json>
bool silent(const Json& status, clock::time_point now) {
    const auto heartbeat = last_heartbeat(status);
    return !heartbeat || std::chrono::duration<double>(now - *heartbeat).count() >
                             silent_heartbeats_offline * heartbeat_seconds(status);
}

// The member's state: "Offline" when silent or when its etcd does not answer, else the etcd
// state a primary publishes ("Leader", "Follower"); empty for a secondary that is alive.
template <class Json>
std::string state_of(const Json& status, clock::time_point now) {
    if (silent(status, now)) return "Offline";
    return status.is_object() ? text_at(status.value("etcd", Json()), "state") : std::string();
}

}  // namespace eg::status
