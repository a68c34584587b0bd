#pragma once
// admin server: carries the admin routes over HTTP or HTTPS (optionally requiring client
// certificates) on api-addr, with optional HTTP basic authentication. The transport is
// http_server: one event-loop thread for every connection and a bounded pool of workers for the
// routes, so idle, slow or hostile clients cannot starve it (see http_server.hpp for every bound
// and what a client sees there). Every error is {"code":N,"message":"..."}. Each answer gets one
// access-log line unless access logging is disabled.

#include "daemon/admin/admin_routes.hpp"
#include "daemon/http/http_server.hpp"
#include "daemon/process/logger.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace eg::server {

struct admin_tls {
    std::string cert_file;       // PEM
    std::string key_file;        // PEM
    std::string client_ca_file;  // PEM; set: clients must present a certificate it signed
};

struct admin_server_settings {
    std::string address;           // host:port
    int max_threads = 16;          // route handlers running at once (worker threads)
    logger* access_log = nullptr;  // nullptr: no access log
    std::optional<admin_tls> tls;  // set: HTTPS only
    // User name to password; not empty: every request needs HTTP basic authentication.
    std::vector<std::pair<std::string, std::string>> basic_auth;
    std::size_t max_body_bytes = 0;  // larger request bodies are refused with 413; 0: no limit
    // A listening socket inherited from the process this one upgrades (address is then only
    // informative); -1: bind address.
    int inherited_listener = -1;
    // Bounds of the transport (what a client sees at each: http_server.hpp).
    std::size_t max_head_bytes = 16 * 1024;            // request line + headers: 431
    std::size_t max_target_bytes = 8 * 1024;           // request target: 414
    std::size_t max_header_count = 100;                // 431
    std::chrono::milliseconds header_timeout{10'000};  // total, from the first byte: 408
    std::chrono::milliseconds body_timeout{30'000};    // total, after the headers: 408
    std::chrono::milliseconds idle_timeout{5'000};     // no request under way: closed
    std::chrono::milliseconds send_timeout{30'000};    // answer not taken: closed
    std::size_t max_connections = 4096;                // beyond: 503 and closed
    std::size_t max_queued = 1024;  // complete requests waiting for a worker; beyond: 503
};

class admin_server {
public:
    admin_server(admin_server_settings settings, const admin_routes& routes);
    ~admin_server();
    admin_server(const admin_server&) = delete;
    admin_server& operator=(const admin_server&) = delete;

    // Binds and starts serving; throws std::runtime_error with the reason when it cannot bind.
    void start();
    // Stops accepting, finishes the requests under way (at most 5 s), stops.
    void stop();
    // The port actually bound (useful with port 0).
    int port() const;

    // The listening socket's descriptor (to hand over to an upgraded process); -1 when stopped.
    int listener_fd() const;
    // Accepts no more connections on the listener from now on, and closes every connection
    // after its next answer; the listener itself stays open wherever it was handed over.
    void stop_accepting();
    // Waits until no request is being served or waits to be, at most `timeout`.
    void drain(std::chrono::milliseconds timeout);

    // Connections open now, and the limit in force (for tests and measurements).
    std::size_t connections() const;
    std::size_t connection_limit() const;

private:
    http_response answer(const http_request& request) const;

    admin_server_settings settings_;
    const admin_routes& routes_;
    std::unique_ptr<http_server> server_;
};

}  // namespace eg::server
