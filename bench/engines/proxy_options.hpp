#pragma once
// The command line both prototypes take: --listen PORT --upstream HOST:PORT [--threads N].

#include <netinet/in.h>

#include <optional>
#include <string>

namespace eg::bench {

struct proxy_options {
    int listen_port = 0;
    sockaddr_in upstream{};
    int threads = 1;
};

// The options, or nullopt after printing the usage to stderr.
std::optional<proxy_options> parse_proxy_options(int argc, char** argv);

// A non-blocking listening socket on 0.0.0.0:port with SO_REUSEPORT, or -1 (errno set).
int reuse_port_listener(int port);

}  // namespace eg::bench
