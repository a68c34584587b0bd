#pragma once
// member status: what a member publishes about itself under /status/members/<name>, in
// upstream's JSON shape: `options` with upstream's Go field names (secrets redacted),
// `lastHeartbeatTime` (RFC 3339) and, for primaries, `etcd{id,startTime,state}`.

#include "daemon/cluster/time_text.hpp"
#include "daemon/etcd/etcd_command.hpp"

#include <eg/effective_config.hpp>
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

inline constexpr std::string_view redacted_secret = "<redacted>";

namespace detail {

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

}  // namespace detail

// The `options` object: every option with an upstream field, in upstream's order, and the
// absolute directories the server derives.
inline json status_options(const config::effective_config& c,
                           const std::filesystem::path& working_dir) {
    json options = json::object();
    for (const auto* spec : config::all_options) {
        if (spec->status_field.empty()) continue;
        const auto field = spec->status_field;
        const auto& value = c.at(*spec).value;
        if (const auto dot = field.find('.'); dot != std::string_view::npos) {
            const std::string group(field.substr(0, dot));
            if (!options.contains(group)) options[group] = json::object();
            options[group][std::string(field.substr(dot + 1))] = detail::option_json(*spec, value);
        } else {
            options[std::string(field)] = detail::option_json(*spec, value);
        }
    }
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
