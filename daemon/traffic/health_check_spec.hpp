#pragma once
// health check spec: a Proxy pool's `healthCheck` read into what a probe sends and how its
// answer is judged (upstream's fields and defaults), and the bytes of one probe's request.
//  - the pool's `healthCheck`, else the deprecated `loadBalance.healthCheck`;
//  - interval 60s, timeout 3s, fails 1, passes 1 (a zero or absent value takes the default);
//  - port: the server URL's unless given;
//  - the request target: `uri`, else the deprecated `path`, else the server URL's path, else "/";
//  - method GET; `headers` sent as given, a `Host` key (any case) replacing the Host, which is
//    otherwise the server URL's host[:port]; `body` with its Content-Length; `username` and
//    `password`: basic authorization; always `Connection: close` (one connection per check);
//  - match: health_match_spec (status ranges, header and body rules), compiled once.
// Reading never throws: what cannot be used is said through spec_fields' problems.

#include "daemon/traffic/health_state.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace eg::server {

class spec_fields;
struct upstream_target;

struct health_check_spec {
    std::chrono::milliseconds interval{60'000};
    std::chrono::milliseconds timeout{3'000};
    health_thresholds thresholds;
    std::uint16_t port = 0;  // 0: the server URL's
    std::string uri;         // `uri`, else `path`; "": the server URL's path, else "/"
    std::string method = "GET";
    std::string host;  // the headers' Host; "": the server URL's host[:port]
    std::vector<std::pair<std::string, std::string>> headers;  // the others, in order
    std::string body;
    std::string username;
    std::string password;
    std::shared_ptr<const check_matcher> matcher;
};

// The pool's health check (`pool` is the pool's spec, `path` its place for problems); nullopt
// when it has none.
std::optional<health_check_spec> read_health_check(const nlohmann::json& pool,
                                                   const std::string& path, spec_fields& fields);

// Where a probe of `server` goes, and the bytes of its request.
std::uint16_t probe_port(const health_check_spec& spec, const upstream_target& server);
std::string probe_request(const health_check_spec& spec, const upstream_target& server);

}  // namespace eg::server
