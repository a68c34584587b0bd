#pragma once
// The admin API client: sends egctl's requests to the server named by the flags and the rc file,
// over HTTP or HTTPS (Poco), and words every failure as upstream egctl does. The only file of
// egctl that needs Poco is admin_client.cpp.

#include "tools/egctl/outcome.hpp"
#include "tools/egctl/rc_file.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace eg::ctl {

struct connection_settings {
    std::string server;  // --server; "" when not given
    bool force_tls = false;
    bool insecure_skip_verify = false;
    std::chrono::milliseconds timeout{10000};  // connect, send and receive, each
};

struct http_response {
    int status = 0;
    std::string body;
};

class admin_client {
public:
    // `home` is the HOME variable (the rc file is $HOME/.egctlrc); it may be null.
    admin_client(connection_settings settings, const char* home);
    ~admin_client();
    admin_client(const admin_client&) = delete;
    admin_client& operator=(const admin_client&) = delete;

    // Sends METHOD to PATH (e.g. "/apis/v2/healthz"), with `body` as application/json when it is
    // not empty: the body of a 2xx answer, or the error (rc file, TLS material, transport:
    // `Get "URL": reason`, or HTTP: "<code>: <message>").
    outcome<std::string> request(std::string_view method, std::string_view path,
                                 std::string_view body = {});

private:
    struct tls_state;
    outcome<http_response> send(std::string_view method, const std::string& url,
                                std::string_view body);

    connection_settings settings_;
    std::string home_;
    bool home_set_ = false;
    std::optional<outcome<std::optional<current_config>>> config_;  // loaded on first request
    std::unique_ptr<tls_state> tls_;  // built on the first HTTPS request
    bool ssl_initialized_ = false;
};

}  // namespace eg::ctl
