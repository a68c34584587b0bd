#include "bench/engines/proxy_options.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <string_view>

namespace eg::bench {

namespace {

bool parse_int(std::string_view text, int& value) {
    return !text.empty() && std::from_chars(text.data(), text.data() + text.size(), value).ptr ==
                                text.data() + text.size();
}

}  // namespace

std::optional<proxy_options> parse_proxy_options(int argc, char** argv) {
    proxy_options options;
    bool have_upstream = false;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view flag = argv[i];
        const std::string_view value = argv[i + 1];
        if (flag == "--listen" && parse_int(value, options.listen_port)) continue;
        if (flag == "--threads" && parse_int(value, options.threads) && options.threads > 0)
            continue;
        if (flag == "--upstream") {
            const auto colon = value.rfind(':');
            int port = 0;
            const std::string host(value.substr(0, colon));
            if (colon != std::string_view::npos && parse_int(value.substr(colon + 1), port) &&
                inet_pton(AF_INET, host.c_str(), &options.upstream.sin_addr) == 1) {
                options.upstream.sin_family = AF_INET;
                options.upstream.sin_port = htons(static_cast<std::uint16_t>(port));
                have_upstream = true;
                continue;
            }
        }
        std::fprintf(stderr, "bad option %s %s\n", argv[i], argv[i + 1]);
        have_upstream = false;
        break;
    }
    if (argc % 2 == 0 || !have_upstream || options.listen_port <= 0) {
        std::fprintf(stderr, "usage: %s --listen PORT --upstream IPV4:PORT [--threads N]\n",
                     argv[0]);
        return std::nullopt;
    }
    return options;
}

int reuse_port_listener(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    const int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        listen(fd, 1024) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

}  // namespace eg::bench
