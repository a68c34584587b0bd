#pragma once
// Where egctl sends a request and how it words what went wrong, as upstream egctl does:
// the server is the --server flag, else the rc file's current cluster, else localhost:2381;
// HTTPS when forced or when the rc file has a CA or a client certificate; an HTTP request that
// an HTTPS server refuses is sent again over HTTPS; an HTTP error is "<code>: <message>".

#include "tools/egctl/rc_file.hpp"

#include <eg/admin_api.hpp>
#include <eg/input_limits.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace eg::ctl {

inline constexpr std::string_view default_server = "localhost:2381";
// The admin API's paths, from the contract the daemon serves (include/eg/admin_api.hpp).
using admin_api::route_id;
inline const std::string health_path = admin_api::path_of(route_id::health);
inline const std::string members_path = admin_api::path_of(route_id::member_list);
inline const std::string object_kinds_path = admin_api::path_of(route_id::object_kinds);
inline const std::string objects_path = admin_api::path_of(route_id::object_list);
inline const std::string object_statuses_path = admin_api::path_of(route_id::object_status_list);
inline constexpr std::string_view http_scheme = "http://";
inline constexpr std::string_view https_scheme = "https://";

// The full URL of `path` (e.g. "/apis/v2/healthz"). `flag_server` is --server ("" when not
// given); `rc` the current config of the rc file, when there is one.
inline std::string make_url(std::string_view flag_server, const current_config* rc, bool force_tls,
                            std::string_view path) {
    std::string server(default_server);
    if (rc && !rc->cluster.server.empty()) server = rc->cluster.server;
    if (!flag_server.empty()) server = std::string(flag_server);
    const bool https = force_tls || (rc && rc->use_https());
    if (server.starts_with(https_scheme)) return server + std::string(path);
    if (server.starts_with(http_scheme)) server.erase(0, http_scheme.size());
    return std::string(https ? https_scheme : http_scheme) + server + std::string(path);
}

inline std::string member_path(std::string_view name) {
    return admin_api::path_of(route_id::member_purge, name);
}

inline std::string object_path(std::string_view name) {
    return admin_api::path_of(route_id::object_get, name);
}

// What Go's HTTP server answers a plain HTTP request made to its HTTPS port.
inline constexpr std::string_view https_only_reply =
    "Client sent an HTTP request to an HTTPS server";

// Whether an answer to a request for `url` asks for the same request over HTTPS.
inline bool should_retry_over_https(std::string_view url, int status, std::string_view body) {
    return url.starts_with(http_scheme) && status == 400 &&
           body.find(https_only_reply) != std::string_view::npos;
}

inline std::string as_https(std::string_view url) {
    return std::string(https_scheme) + std::string(url.substr(http_scheme.size()));
}

inline bool successful_status(int status) { return status >= 200 && status < 300; }

// The error for an unsuccessful answer: "<code>: <message>" from a JSON body
// {"code":N,"message":"..."}; "0: <body>" when the body is not such an object.
inline std::string api_error_message(std::string_view body) {
    // Bounded: a reply nested thousands deep would overflow the stack when destroyed.
    if (limits::json_nesting_problem(body)) return "0: " + std::string(body);
    const auto parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) return "0: " + std::string(body);
    long long code = 0;
    std::string message;
    if (const auto it = parsed.find("code"); it != parsed.end()) {
        if (it->is_number_integer())
            code = it->get<long long>();
        else if (!it->is_null())
            return "0: " + std::string(body);
    }
    if (const auto it = parsed.find("message"); it != parsed.end()) {
        if (it->is_string())
            message = it->get<std::string>();
        else if (!it->is_null())
            return std::to_string(code) + ": " + std::string(body);
    }
    return std::to_string(code) + ": " + message;
}

// "GET" -> "Get": the method as Go's HTTP client names it in errors.
inline std::string go_method_name(std::string_view method) {
    std::string out(method);
    for (std::size_t i = 1; i < out.size(); ++i)
        if (out[i] >= 'A' && out[i] <= 'Z') out[i] += 'a' - 'A';
    return out;
}

// `Get "http://host:2381/apis/v2/healthz": connection refused`.
inline std::string transport_error(std::string_view method, std::string_view url,
                                   std::string_view reason) {
    return go_method_name(method) + " \"" + std::string(url) + "\": " + std::string(reason);
}

}  // namespace eg::ctl
