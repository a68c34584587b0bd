#include "daemon/traffic/health_checker.hpp"

#include "daemon/traffic/http_response_parser.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace eg::server {

namespace {

using clock_type = std::chrono::steady_clock;

// The body bytes a check keeps for its match; the rest is not read.
constexpr std::size_t max_check_body = 64 * 1024;

class socket_holder {
public:
    explicit socket_holder(int fd) : fd_(fd) {}
    ~socket_holder() {
        if (fd_ >= 0) ::close(fd_);
    }
    socket_holder(const socket_holder&) = delete;
    socket_holder& operator=(const socket_holder&) = delete;
    int fd() const { return fd_; }

private:
    int fd_;
};

// Waits for `events` on `fd` until `deadline`; false on timeout, error or stop.
bool wait_for(int fd, short events, int stop_fd, clock_type::time_point deadline) {
    for (;;) {
        const auto left =
            std::chrono::ceil<std::chrono::milliseconds>(deadline - clock_type::now());
        if (left.count() <= 0) return false;
        pollfd fds[2] = {{fd, events, 0}, {stop_fd, POLLIN, 0}};
        const int ready = ::poll(fds, 2, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0 || fds[1].revents != 0) return false;
        if (fds[0].revents != 0) return true;
    }
}

std::string url_of(const upstream_target& server) {
    return "http://" + server.host_header + server.path_prefix;
}

}  // namespace

bool check_server(const health_check_spec& spec, const upstream_target& server, int stop_fd) {
    const auto deadline = clock_type::now() + spec.timeout;
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const auto port = std::to_string(probe_port(spec, server));
    if (::getaddrinfo(server.host.c_str(), port.c_str(), &hints, &found) != 0 || found == nullptr)
        return false;
    socket_holder socket(::socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    const int connected =
        socket.fd() < 0 ? -1 : ::connect(socket.fd(), found->ai_addr, found->ai_addrlen);
    const int connect_error = errno;
    ::freeaddrinfo(found);
    if (socket.fd() < 0 || (connected != 0 && connect_error != EINPROGRESS)) return false;
    if (!wait_for(socket.fd(), POLLOUT, stop_fd, deadline)) return false;
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0)
        return false;

    const auto request = probe_request(spec, server);
    for (std::size_t sent = 0; sent < request.size();) {
        const auto n =
            ::send(socket.fd(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            if (!wait_for(socket.fd(), POLLOUT, stop_fd, deadline)) return false;
        } else {
            return false;
        }
    }

    http_response_parser parser{http_response_limits{}};
    parser.start(spec.method == "HEAD");
    std::string body;
    const auto done = [&] {
        return parser.state() == http_response_parser::progress::complete ||
               (parser.state() == http_response_parser::progress::body &&
                body.size() >= max_check_body);
    };
    char buffer[16 * 1024];
    while (!done()) {
        if (parser.state() == http_response_parser::progress::failed) return false;
        if (!wait_for(socket.fd(), POLLIN, stop_fd, deadline)) return false;
        const auto n = ::recv(socket.fd(), buffer, sizeof buffer, 0);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
            return false;
        }
        if (n == 0) {
            parser.end_of_input();
            break;
        }
        std::string_view input(buffer, static_cast<std::size_t>(n));
        while (!input.empty() && !done()) {
            const auto fed = parser.feed(input);
            input.remove_prefix(fed.used);
            body.append(fed.body.substr(0, max_check_body - std::min(max_check_body, body.size())));
            if (parser.state() == http_response_parser::progress::complete &&
                parser.head().interim()) {
                parser.start(spec.method == "HEAD");
                continue;
            }
            if (fed.used == 0) break;
        }
    }
    if (!done()) return false;
    return spec.matcher->matches(parser.head().status, parser.head().headers, body);
}

health_checker::health_checker(std::shared_ptr<const pipeline_program> program,
                               change_report report)
    : program_(std::move(program)), report_(std::move(report)) {
    if (!program_) return;
    for (std::size_t f = 0; f < program_->proxy_count(); ++f) {
        const auto& proxy = program_->proxy(f);
        for (std::size_t p = 0; p < proxy.pool_count(); ++p) {
            const auto* spec = proxy.health_check(p);
            if (spec == nullptr || proxy.server_count(p) == 0) continue;
            pools_.push_back(std::make_unique<checked_pool>(
                checked_pool{&proxy, p, health_table(proxy.server_count(p), spec->thresholds)}));
        }
    }
    if (pools_.empty()) return;
    stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    for (auto& pool : pools_)
        threads_.emplace_back([this, checked = pool.get()] { run(*checked); });
}

health_checker::~health_checker() {
    stop();
    if (stop_fd_ >= 0) ::close(stop_fd_);
}

void health_checker::stop() {
    if (stopping_.exchange(true)) return;
    if (stop_fd_ >= 0) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(stop_fd_, &one, sizeof one);
    }
    for (auto& thread : threads_)
        if (thread.joinable()) thread.join();
}

bool health_checker::pause_until(clock_type::time_point until) const {
    while (!stopping_.load()) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - clock_type::now());
        if (left.count() <= 0) return true;
        pollfd fd{stop_fd_, POLLIN, 0};
        ::poll(&fd, 1, static_cast<int>(left.count()));
    }
    return false;
}

void health_checker::run(checked_pool& checked) {
    const auto& spec = *checked.proxy->health_check(checked.pool);
    auto next = clock_type::now();
    while (pause_until(next)) {
        const auto round = clock_type::now();
        for (std::size_t i = 0; i < checked.proxy->server_count(checked.pool); ++i) {
            const auto& server = checked.proxy->server(checked.pool, i);
            const bool passed = check_server(spec, server, stop_fd_);
            if (stopping_.load()) return;
            bool changed = false;
            bool healthy = true;
            {
                std::lock_guard lock(mutex_);
                changed = checked.table.record(i, passed);
                healthy = checked.table.server(i).healthy();
            }
            if (!changed) continue;
            checked.proxy->set_healthy(checked.pool, i, healthy);
            if (report_)
                report_("server " + url_of(server) + " of pool " +
                        std::string(checked.proxy->pool_name(checked.pool)) + " is " +
                        (healthy ? "healthy again" : "unhealthy: out of the choice"));
        }
        next = round + spec.interval;
    }
}

nlohmann::json health_checker::status() const {
    std::lock_guard lock(mutex_);
    auto out = nlohmann::json::object();
    for (const auto& checked : pools_) {
        auto servers = nlohmann::json::array();
        for (std::size_t i = 0; i < checked->proxy->server_count(checked->pool); ++i) {
            const auto& health = checked->table.server(i);
            servers.push_back({{"url", url_of(checked->proxy->server(checked->pool, i))},
                               {"healthy", health.healthy()},
                               {"consecutiveFails", health.consecutive_fails()}});
        }
        out[checked->proxy->name()][std::string(checked->proxy->pool_name(checked->pool))] =
            std::move(servers);
    }
    return out;
}

}  // namespace eg::server
