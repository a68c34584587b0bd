#pragma once
// admin server: carries the admin routes over HTTP or HTTPS (optionally requiring client
// certificates) on api-addr (Poco's HTTPServer), with optional HTTP basic authentication.
// Poco serves one connection per thread, so the pool is sized for many keep-alive clients at
// once. Each request gets one access-log line unless access logging is disabled.

#include "daemon/admin_routes.hpp"
#include "daemon/logger.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
}
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
};

class admin_server {
public:
    admin_server(admin_server_settings settings, const admin_routes& routes);
    ~admin_server();
    admin_server(const admin_server&) = delete;
    admin_server& operator=(const admin_server&) = delete;

    // Binds and starts serving; throws std::runtime_error with the reason when it cannot bind.
    void start();
    void stop();
    // The port actually bound (useful with port 0).
    int port() const;

private:
    admin_server_settings settings_;
    const admin_routes& routes_;
    std::unique_ptr<Poco::ThreadPool> pool_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    int port_ = 0;
};

}  // namespace eg::server
