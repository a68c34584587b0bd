// Test support: a TCP port on 127.0.0.1 that nobody listens on right now (bind port 0, read it,
// close). Ports handed out once are not handed out again by the same test process.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <set>
#include <stdexcept>

namespace eg::test {

inline int free_port() {
    static std::mutex mutex;
    static std::set<int> given;
    std::lock_guard lock(mutex);
    for (int attempt = 0; attempt < 100; ++attempt) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
            ::close(fd);
            continue;
        }
        socklen_t length = sizeof address;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
        ::close(fd);
        const int port = ntohs(address.sin_port);
        if (given.insert(port).second) return port;
    }
    throw std::runtime_error("no free port on 127.0.0.1");
}

}  // namespace eg::test
