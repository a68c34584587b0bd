#pragma once
// admin API contract: the routes of a member's admin API, as the daemon serves them and egctl
// calls them, and the error body every failed request gets. The daemon dispatches on route_id
// (a switch without default: a route added here without a handler does not compile), egctl builds
// its requests from the same table, so a route cannot exist in one and not the other.
//
// Every route is served under /apis/v2 and, for older clients, /apis/v1; a trailing "/" is
// ignored; "{name}" is one percent-encoded path segment. Errors are {"code":<status>,"message":
// "…"} (text/plain, as upstream), except an unknown path (404 "404 page not found") and a known
// path with another method (405, empty).

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace eg::admin_api {

inline constexpr std::string_view prefix = "/apis/v2";
inline constexpr std::string_view v1_prefix = "/apis/v1";

enum class route_id {
    health,
    about,
    member_list,
    member_purge,
    etcd_members,
    object_kinds,
    object_create,
    object_list,
    object_get,
    object_update,
    object_delete,
    object_status_list,
    object_status_get,
};

struct route {
    route_id id;
    std::string_view method;
    std::string_view path;   // under the prefix; "{name}" matches one segment
    std::string_view group;  // as the route list (GET /apis/v2) groups them
};

inline constexpr route routes[] = {
    {route_id::health, "GET", "/healthz", "admin"},
    {route_id::about, "GET", "/about", "admin"},
    {route_id::member_list, "GET", "/status/members", "cluster"},
    {route_id::member_purge, "DELETE", "/status/members/{name}", "cluster"},
    {route_id::etcd_members, "GET", "/status/etcd-members", "cluster"},
    {route_id::object_kinds, "GET", "/object-kinds", "objects"},
    {route_id::object_create, "POST", "/objects", "objects"},
    {route_id::object_list, "GET", "/objects", "objects"},
    {route_id::object_get, "GET", "/objects/{name}", "objects"},
    {route_id::object_update, "PUT", "/objects/{name}", "objects"},
    {route_id::object_delete, "DELETE", "/objects/{name}", "objects"},
    {route_id::object_status_list, "GET", "/status/objects", "objects"},
    {route_id::object_status_get, "GET", "/status/objects/{name}", "objects"},
};

constexpr const route& route_of(route_id id) {
    for (const auto& r : routes)
        if (r.id == id) return r;
    throw "a route_id without a route";  // NOLINT: a compile error where evaluated constantly
}

// Whether the route's path ends in a {name} segment.
constexpr bool takes_name(route_id id) { return route_of(id).path.ends_with("/{name}"); }

// Percent-encodes a path segment (a member or object name) so that it stays one segment.
inline std::string escape_segment(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
        if (keep) {
            out += c;
        } else {
            out += '%';
            out += hex[u >> 4];
            out += hex[u & 0xf];
        }
    }
    return out;
}

// The request path of a route ("/apis/v2/objects/my%20pipeline"); name is used only by a route
// that takes one.
inline std::string path_of(route_id id, std::string_view name = {}) {
    std::string_view path = route_of(id).path;
    std::string out(prefix);
    if (!takes_name(id)) return out.append(path);
    path.remove_suffix(std::string_view("{name}").size());
    return out.append(path).append(escape_segment(name));
}

// The error body: {"code":<status>,"message":"…"}. Bytes of the message that are not UTF-8 (a
// message may quote what a client sent) are replaced, never thrown on.
inline std::string error_body(int status, const std::string& message) {
    return nlohmann::ordered_json({{"code", status}, {"message", message}})
        .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace eg::admin_api
