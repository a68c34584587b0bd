#pragma once
// proxy filter: the decisions of a Pipeline's Proxy, without its I/O (the engine connects,
// sends, reads with http_response_parser and enforces the timeouts):
//  - which pool serves a request: the candidate pools (those with a `filter`, a
//    RequestMatcher) in the order of `pools`, the first whose filter matches; else the main pool
//    (the one without `filter`);
//  - which server of the pool: the pool's load_balancer among the healthy servers (all of them
//    when the pool has no health check; a health_checker marks them, see set_healthy()); none:
//    503, result internalError;
//  - the bytes of the upstream request (request line, headers without the hop-by-hop ones, Host,
//    X-Forwarded-For, the body with Content-Length);
//  - the filter's result for the upstream's answer (failureCodes) and for each failure, with
//    the status the client then receives.
// A pool's servers are its static `servers`; when the pool gives `serverTags`, only the servers
// having any of those tags (upstream filters only registry instances so: its defect D22).
// Not here (ignored_fields() names those given): mirrorPool, serviceName, stickySession,
// memoryCache, retryPolicy/circuitBreakerPolicy, compression, mtls, maxRedirection. A pool's
// health check is read here (health_check_spec.hpp) and run by a health_checker.

#include "daemon/http/http_request_parser.hpp"
#include "daemon/traffic/health_check_spec.hpp"
#include "daemon/traffic/load_balancer.hpp"
#include "daemon/traffic/string_matcher.hpp"
#include "daemon/traffic/traffic_request.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <bitset>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace eg::server {

class spec_fields;

// One upstream server of a pool, from its `url` (http://host[:port][/path-prefix]).
struct upstream_target {
    std::string host;        // name or IP, an IPv6 literal without its brackets
    std::uint16_t port = 0;  // the URL's, else 80 (http) or 443 (https)
    bool https = false;
    std::string host_header;  // the URL's host[:port] as written ("[::1]:8080")
    std::string path_prefix;  // the URL's path, "" when none: put before each request target
    bool ip_literal = false;  // the host is an IPv4 or IPv6 address
    bool keep_host = false;
    std::uint32_t weight = 0;
    std::vector<std::string> tags;
};

// The target of an http:// or https:// URL with a host (no user info); nullopt otherwise.
std::optional<upstream_target> parse_server_url(std::string_view url);

// The results a Proxy gives (upstream's names).
namespace proxy_result {
inline constexpr std::string_view internal_error = "internalError";
inline constexpr std::string_view client_error = "clientError";
inline constexpr std::string_view server_error = "serverError";
inline constexpr std::string_view failure_code = "failureCode";
inline constexpr std::string_view timeout = "timeout";
}  // namespace proxy_result

// What went wrong with an exchange, as the engine sees it.
enum class proxy_failure {
    no_server,           // no (healthy) server in the pool
    transport,           // connect refused/reset/DNS/TLS, upstream closed before a response
    timeout,             // the pool's timeout expired (choice, send and reading the body)
    client_gone,         // the client closed its connection first
    response_too_large,  // the body beyond the pool's serverMaxBodySize
    response_malformed   // the upstream's bytes are no HTTP/1.1 response
};

// The status the client receives for a failure and the filter's result.
struct proxy_failure_answer {
    int status;
    std::string_view result;
};
proxy_failure_answer answer_for(proxy_failure failure);

// A pool's `filter`: policy general (header rules and URL rules), ipHash, headerHash or random
// with `permil`.
class request_matcher {
public:
    static request_matcher build(const nlohmann::json& spec, const std::string& path,
                                 spec_fields& fields);
    bool matches(const request_view& request, random_source& random) const;

private:
    enum class policy { general, ip_hash, header_hash, random };
    struct url_rule {
        std::vector<std::string> methods;  // empty: any
        string_matcher url;
    };
    bool headers_match(const request_view& request) const;

    policy policy_ = policy::general;
    std::vector<header_matcher> headers_;
    bool match_all_headers_ = false;
    std::vector<url_rule> urls_;
    std::uint32_t permil_ = 0;
    std::string header_hash_key_;
};

class proxy_filter {
public:
    // Never throws: what cannot be read is said by problems(). Without exactly one main pool
    // the first pool without `filter` is the main one; with none an empty main pool is added
    // (it answers 503).
    static std::unique_ptr<proxy_filter> build(const nlohmann::json& filter_spec);

    struct choice {
        std::size_t pool;
        std::optional<std::size_t> server;  // nullopt: none available -> answer_for(no_server)
    };

    // The pool, then its server among the pool's healthy servers (healthy_servers()).
    choice choose(const request_view& request, random_source& random) const;
    // The pool alone, and the server among `healthy` (ascending indices into the pool's
    // servers, health_table::healthy()).
    std::size_t choose_pool(const request_view& request, random_source& random) const;
    std::optional<std::size_t> choose_server(std::size_t pool, const request_view& request,
                                             random_source& random,
                                             std::span<const std::uint32_t> healthy) const;
    // 0 .. number of servers - 1 (every server healthy).
    std::span<const std::uint32_t> all_servers(std::size_t pool) const;
    // The servers the pool chooses from: all of them without a health check, else those marked
    // healthy (written into `scratch`, which is reused).
    std::span<const std::uint32_t> healthy_servers(std::size_t pool,
                                                   std::vector<std::uint32_t>& scratch) const;

    // The pool's health check, nullptr when it has none.
    const health_check_spec* health_check(std::size_t pool) const;
    // The health checker's verdict on a server of a checked pool (every server starts healthy).
    // Safe from any thread while requests choose: one atomic flag per server.
    void set_healthy(std::size_t pool, std::size_t server, bool healthy) const;

    const upstream_target& server(std::size_t pool, std::size_t index) const;
    std::size_t server_count(std::size_t pool) const;

    // The request for server `server` of `pool`: `request`'s method, the server's path prefix
    // followed by `target`, HTTP/1.1; `request`'s headers in order without Host, Content-Length,
    // Expect and the hop-by-hop ones (Connection and those it names, Keep-Alive, Proxy-*, TE,
    // Trailer, Transfer-Encoding, Upgrade); first a Host: the client's with keepHost, else the
    // server's with the pool's setUpstreamHost, else the client's when the server's host is an
    // IP address, else the server's (the server's also when the client sent none); with a
    // non-empty `client_ip`, X-Forwarded-For holds the client's values joined, then client_ip;
    // the body (already de-chunked) with Content-Length when there is one, when the client framed
    // one or for POST, PUT and PATCH.
    std::string upstream_request(const http_request& request, std::string_view target,
                                 std::size_t pool, std::size_t server,
                                 std::string_view client_ip) const;

    std::chrono::milliseconds timeout(std::size_t pool) const;  // 0: none
    // The largest response body: the pool's serverMaxBodySize, else the filter's; -1 (also
    // when neither sets one): no limit, the body is streamed (upstream buffers 4 MiB: D23).
    std::int64_t server_max_body_size(std::size_t pool) const;
    // "failureCode" when `status` is among the pool's failureCodes (default 500-599), else "".
    std::string_view result_for_status(std::size_t pool, int status) const;

    std::size_t pool_count() const { return pools_.size(); }
    // The filter's `name`.
    const std::string& name() const { return name_; }
    // proxy#<filter>#main, proxy#<filter>#candidate#<i> (i counts the candidate pools).
    std::string_view pool_name(std::size_t pool) const;
    std::size_t main_pool() const { return main_; }
    const balance_spec& balance(std::size_t pool) const;

    const std::vector<std::string>& problems() const { return problems_; }
    // The fields given that this filter does not act on (`mirrorPool`, `pools[1].memoryCache`,
    // ...): the engine logs them once when the object is applied.
    const std::vector<std::string>& ignored_fields() const { return ignored_; }

private:
    struct server_pool {
        std::string name;
        std::optional<request_matcher> filter;  // nullopt: the main pool
        std::vector<upstream_target> servers;
        std::vector<std::uint32_t> all;
        std::unique_ptr<load_balancer> balancer;
        std::chrono::milliseconds timeout{0};
        std::int64_t server_max_body_size = 0;
        std::bitset<600> failure_codes;
        bool set_upstream_host = false;
        std::optional<health_check_spec> health_check;
        std::unique_ptr<std::atomic<bool>[]> healthy;  // per server, with a health check
    };
    static server_pool build_pool(const nlohmann::json& spec, const std::string& path,
                                  spec_fields& fields);

    std::string name_;
    std::vector<server_pool> pools_;
    std::vector<std::size_t> candidates_;  // in order
    std::size_t main_ = 0;
    std::int64_t server_max_body_size_ = 0;
    std::vector<std::string> problems_;
    std::vector<std::string> ignored_;
};

}  // namespace eg::server
