#pragma once
// admin server: carries the admin routes over HTTP or HTTPS (optionally requiring client
// certificates) on api-addr (Poco's HTTPServer), with optional HTTP basic authentication.
// Poco serves one connection per thread, so the pool is sized for many keep-alive clients at
// once. Each request gets one access-log line unless access logging is disabled.

#include "daemon/admin_routes.hpp"
#include "daemon/logger.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
class ServerSocket;
}  // namespace Net
}  // namespace Poco

namespace eg::server {

struct admin_tls {
    std::string cert_file;       // PEM
    std::string key_file;        // PEM
    std::string client_ca_file;  // PEM; set: clients must present a certificate it signed
};

struct admin_server_settings {
    std::string address;           // host:port
    int max_threads = 128;         // concurrent connections served
    logger* access_log = nullptr;  // nullptr: no access log
    std::optional<admin_tls> tls;  // set: HTTPS only
    // User name to password; not empty: every request needs HTTP basic authentication.
    std::vector<std::pair<std::string, std::string>> basic_auth;
    std::size_t max_body_bytes = 0;  // larger request bodies are refused with 413; 0: no limit
    // A listening socket inherited from the process this one upgrades (address is then only
    // informative); -1: bind address.
    int inherited_listener = -1;
};

// Requests the server is serving, shared with its handlers.
struct admin_traffic {
    std::atomic<int> in_flight{0};
    std::atomic<bool> closing{false};  // every answer closes its connection
    std::atomic<std::chrono::steady_clock::rep> last_request_end{0};
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

private:
    admin_server_settings settings_;
    const admin_routes& routes_;
    std::unique_ptr<admin_traffic> traffic_ = std::make_unique<admin_traffic>();
    std::unique_ptr<Poco::Net::ServerSocket> socket_;
    std::unique_ptr<Poco::ThreadPool> pool_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    int port_ = 0;
};

}  // namespace eg::server
