#pragma once
// service manager: systemd's notification protocol (sd_notify), without libsystemd. When the
// member runs as a `Type=notify` unit, $NOTIFY_SOCKET names a datagram socket; messages are
// newline-separated assignments:
//  - READY=1 once the admin API answers (start-up then goes on, visible in STATUS= and /healthz,
//    and a primary waiting for its peers is never killed for a start timeout);
//  - STATUS=<text> for what start-up waits for, then "cluster is ready";
//  - MAINPID=<pid> from the old process when an upgraded one takes over, so that systemd follows
//    the new process instead of stopping the unit when the old one exits;
//  - STOPPING=1 at a graceful stop.
// Without $NOTIFY_SOCKET every call does nothing.

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace eg::server {

// Sends `message` to the service manager; false when there is none or it cannot be reached.
inline bool notify_service_manager(const std::string& message) {
    const char* socket_path = std::getenv("NOTIFY_SOCKET");
    if (socket_path == nullptr || socket_path[0] == '\0') return false;
    const std::string path(socket_path);
    if ((path[0] != '/' && path[0] != '@') || path.size() >= sizeof(sockaddr_un::sun_path))
        return false;
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.data(), path.size());
    if (path[0] == '@') address.sun_path[0] = '\0';  // an abstract socket
    const socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    const bool sent = ::sendto(fd, message.data(), message.size(), MSG_NOSIGNAL,
                               reinterpret_cast<const sockaddr*>(&address),
                               length) == static_cast<ssize_t>(message.size());
    ::close(fd);
    return sent;
}

}  // namespace eg::server
