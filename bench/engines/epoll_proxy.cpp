// Prototype A of the traffic engine: an HTTP/1.1 reverse proxy on hand-written epoll
// (level-triggered). Each worker thread has its own epoll loop, its own SO_REUSEPORT listener
// and its own pool of keep-alive upstream connections. An upstream connection stays with its
// client connection while both keep alive (no epoll_ctl per request) and goes back to the pool
// when the client leaves. Framing: bench/engines/proxy_exchange.
#include "bench/engines/proxy_exchange.hpp"
#include "bench/engines/proxy_options.hpp"

#include <fcntl.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

namespace eg::bench {

namespace {

constexpr std::size_t read_chunk = 64 * 1024;
constexpr std::size_t client_output_high_water = 256 * 1024;  // upstream reads pause above
constexpr std::size_t max_idle_upstreams = 512;

struct connection;

// What an epoll event is about: a listener, or one side of a client connection.
struct endpoint {
    connection* owner = nullptr;
    bool upstream = false;
};

struct connection {
    explicit connection(int client_fd) : fd(client_fd), parser(proxy_request_limits()) {
        client_side.owner = this;
        upstream_side.owner = this;
        upstream_side.upstream = true;
    }
    int fd;
    endpoint client_side;
    endpoint upstream_side;
    std::uint32_t client_events = 0;
    std::uint32_t upstream_events = 0;
    std::string in;
    std::string out;
    std::size_t out_sent = 0;
    server::http_request_parser parser;
    bool continue_sent = false;
    bool client_eof = false;
    bool close_after_write = false;
    bool closed = false;
    // The exchange in flight.
    std::optional<response_relay> relay;
    std::string upstream_out;
    std::size_t upstream_sent = 0;
    int upstream_fd = -1;
    bool upstream_connecting = false;
    bool upstream_reused = false;
    bool upstream_answered = false;
    bool retried = false;
};

void no_delay(int fd) {
    const int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

class worker {
public:
    worker(const proxy_options& options, int listener)
        : upstream_(options.upstream), listener_(listener), epoll_(epoll_create1(EPOLL_CLOEXEC)) {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.ptr = &listener_side_;
        epoll_ctl(epoll_, EPOLL_CTL_ADD, listener_, &event);
    }

    void run() {
        std::vector<epoll_event> events(256);
        while (true) {
            const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), -1);
            if (n < 0 && errno != EINTR) return;
            for (int i = 0; i < n; ++i) {
                auto* side = static_cast<endpoint*>(events[i].data.ptr);
                if (side == &listener_side_) {
                    accept_clients();
                    continue;
                }
                connection& c = *side->owner;
                if (c.closed) continue;
                const auto flags = events[i].events;
                if (side->upstream) {
                    if (flags & (EPOLLOUT | EPOLLERR)) upstream_writable(c);
                    if (!c.closed && (flags & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                        upstream_readable(c);
                } else {
                    if (flags & EPOLLOUT) flush_client(c);
                    if (!c.closed && (flags & (EPOLLIN | EPOLLHUP | EPOLLERR))) client_readable(c);
                }
                if (!c.closed) update_interest(c);
            }
            for (auto* c : closed_) connections_.erase(c);
            closed_.clear();
        }
    }

private:
    void accept_clients() {
        while (true) {
            const int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) return;
            no_delay(fd);
            auto c = std::make_unique<connection>(fd);
            c->client_events = EPOLLIN;
            epoll_event event{};
            event.events = EPOLLIN;
            event.data.ptr = &c->client_side;
            epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event);
            connections_.emplace(c.get(), std::move(c));
        }
    }

    void client_readable(connection& c) {
        char buffer[read_chunk];
        const auto n = read(c.fd, buffer, sizeof buffer);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            c.client_eof = true;
            if (!c.relay) close_connection(c);
            return;
        }
        if (n > 0) c.in.append(buffer, static_cast<std::size_t>(n));
        process_input(c);
    }

    // Reads requests out of the client's bytes while no exchange is in flight.
    void process_input(connection& c) {
        while (!c.closed && !c.relay && !c.close_after_write && !c.in.empty()) {
            const auto used = c.parser.feed(c.in);
            c.in.erase(0, used);
            const auto state = c.parser.state();
            if (state == server::http_request_parser::progress::failed) {
                const auto& error = c.parser.error();
                queue_client(c, proxy_error_response(error.status, error.message, false));
                c.close_after_write = true;
            } else if (state == server::http_request_parser::progress::complete) {
                c.continue_sent = false;
                auto request = c.parser.take_request();
                c.parser.reset();
                start_exchange(c, request);
            } else {
                if (state == server::http_request_parser::progress::body &&
                    c.parser.request().expects_continue && !c.continue_sent) {
                    queue_client(c, std::string(continue_response()));
                    c.continue_sent = true;
                }
                break;
            }
        }
        if (!c.closed && !c.relay && c.client_eof && c.out_sent == c.out.size())
            close_connection(c);
    }

    void start_exchange(connection& c, const server::http_request& request) {
        c.relay.emplace(request.method == "HEAD", request.keep_alive);
        c.upstream_out = upstream_request(request);
        c.retried = false;
        send_upstream(c);
    }

    // Sends the exchange's request on the client's upstream connection, one from the pool or a
    // new one.
    void send_upstream(connection& c) {
        c.upstream_sent = 0;
        c.upstream_answered = false;
        c.upstream_reused = true;
        if (c.upstream_fd < 0 && !idle_.empty()) {
            c.upstream_fd = idle_.back();
            idle_.pop_back();
            watch_upstream(c, EPOLL_CTL_ADD);
        } else if (c.upstream_fd < 0) {
            c.upstream_reused = false;
            c.upstream_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (c.upstream_fd < 0) return upstream_failed(c);
            no_delay(c.upstream_fd);
            const int rc = connect(c.upstream_fd, reinterpret_cast<const sockaddr*>(&upstream_),
                                   sizeof upstream_);
            if (rc != 0 && errno != EINPROGRESS) return upstream_failed(c);
            c.upstream_connecting = rc != 0;
            watch_upstream(c, EPOLL_CTL_ADD);
            if (c.upstream_connecting) return;
        }
        write_upstream(c);
    }

    void watch_upstream(connection& c, int op) {
        c.upstream_events = EPOLLIN | EPOLLOUT;
        epoll_event event{};
        event.events = c.upstream_events;
        event.data.ptr = &c.upstream_side;
        epoll_ctl(epoll_, op, c.upstream_fd, &event);
    }

    void upstream_writable(connection& c) {
        if (c.upstream_fd < 0) return;
        if (c.upstream_connecting) {
            int error = 0;
            socklen_t length = sizeof error;
            getsockopt(c.upstream_fd, SOL_SOCKET, SO_ERROR, &error, &length);
            if (error != 0) return upstream_failed(c);
            c.upstream_connecting = false;
        }
        write_upstream(c);
    }

    void write_upstream(connection& c) {
        while (c.upstream_sent < c.upstream_out.size()) {
            const auto n = send(c.upstream_fd, c.upstream_out.data() + c.upstream_sent,
                                c.upstream_out.size() - c.upstream_sent, MSG_NOSIGNAL);
            if (n < 0 && errno == EAGAIN) return;
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return upstream_failed(c);
            c.upstream_sent += static_cast<std::size_t>(n);
        }
    }

    void upstream_readable(connection& c) {
        if (c.upstream_fd < 0 || c.upstream_connecting) return;
        char buffer[read_chunk];
        const auto n = read(c.upstream_fd, buffer, sizeof buffer);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
        if (n <= 0 || !c.relay) {  // closed (or bytes nobody asked for)
            if (!c.relay) return drop_upstream(c);
            return upstream_failed(c);
        }
        c.upstream_answered = true;
        c.relay->feed(std::string_view(buffer, static_cast<std::size_t>(n)), c.out);
        if (c.relay->failed()) return upstream_failed(c);
        flush_client(c);
        if (!c.closed && c.relay->complete()) finish_exchange(c);
    }

    // The upstream closed or failed. A reused connection that closed before answering is
    // retried once on a new one; a response delimited by the close ends; otherwise 502, or
    // the client connection closes when part of the response is already sent.
    void upstream_failed(connection& c) {
        const bool can_retry = c.upstream_reused && !c.upstream_answered && !c.retried;
        drop_upstream(c);
        if (!c.relay) return;
        if (can_retry) {
            c.retried = true;
            return send_upstream(c);
        }
        c.relay->upstream_closed();
        if (c.relay->complete()) {
            finish_exchange(c);
        } else if (!c.relay->started()) {
            c.relay.reset();
            queue_client(c, proxy_error_response(502, "the upstream failed", false));
            c.close_after_write = true;
        } else {
            close_connection(c);
        }
    }

    void drop_upstream(connection& c) {
        if (c.upstream_fd >= 0) close(c.upstream_fd);
        c.upstream_fd = -1;
        c.upstream_events = 0;
        c.upstream_connecting = false;
    }

    void finish_exchange(connection& c) {
        if (!c.relay->upstream_reusable()) drop_upstream(c);
        if (!c.relay->client_keep_alive()) c.close_after_write = true;
        c.relay.reset();
        flush_client(c);
        if (!c.closed) process_input(c);
    }

    void queue_client(connection& c, const std::string& bytes) {
        c.out.append(bytes);
        flush_client(c);
    }

    void flush_client(connection& c) {
        while (c.out_sent < c.out.size()) {
            const auto n =
                send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL);
            if (n < 0 && errno == EAGAIN) return;
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return close_connection(c);
            c.out_sent += static_cast<std::size_t>(n);
        }
        c.out.clear();
        c.out_sent = 0;
        if (c.close_after_write && !c.relay) close_connection(c);
    }

    // The events each side waits for (level-triggered): changed only when they differ.
    void update_interest(connection& c) {
        std::uint32_t client = 0;
        if (!c.relay && !c.close_after_write && !c.client_eof) client |= EPOLLIN;
        if (c.out_sent < c.out.size()) client |= EPOLLOUT;
        if (client != c.client_events) {
            epoll_event event{};
            event.events = client;
            event.data.ptr = &c.client_side;
            epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &event);
            c.client_events = client;
        }
        if (c.upstream_fd < 0) return;
        std::uint32_t upstream = 0;
        if (c.upstream_connecting || c.upstream_sent < c.upstream_out.size()) upstream |= EPOLLOUT;
        if (c.upstream_connecting || !c.relay ||
            c.out.size() - c.out_sent < client_output_high_water)
            upstream |= EPOLLIN;  // idle: EPOLLIN notices the upstream closing
        if (upstream != c.upstream_events) {
            epoll_event event{};
            event.events = upstream;
            event.data.ptr = &c.upstream_side;
            epoll_ctl(epoll_, EPOLL_CTL_MOD, c.upstream_fd, &event);
            c.upstream_events = upstream;
        }
    }

    void close_connection(connection& c) {
        if (c.closed) return;
        c.closed = true;
        close(c.fd);
        if (c.upstream_fd >= 0 && !c.relay && idle_.size() < max_idle_upstreams) {
            epoll_ctl(epoll_, EPOLL_CTL_DEL, c.upstream_fd, nullptr);
            idle_.push_back(c.upstream_fd);
            c.upstream_fd = -1;
        }
        drop_upstream(c);
        closed_.push_back(&c);
    }

    sockaddr_in upstream_;
    int listener_;
    int epoll_;
    endpoint listener_side_;
    std::unordered_map<connection*, std::unique_ptr<connection>> connections_;
    std::vector<connection*> closed_;
    std::vector<int> idle_;  // keep-alive upstream connections no client holds
};

}  // namespace

}  // namespace eg::bench

int main(int argc, char** argv) {
    const auto options = eg::bench::parse_proxy_options(argc, argv);
    if (!options) return 2;
    std::signal(SIGPIPE, SIG_IGN);
    std::vector<std::thread> threads;
    for (int i = 0; i < options->threads; ++i) {
        const int listener = eg::bench::reuse_port_listener(options->listen_port);
        if (listener < 0) {
            std::perror("listen");
            return 1;
        }
        threads.emplace_back([&options, listener] {
            eg::bench::worker worker(*options, listener);
            worker.run();
        });
    }
    for (auto& thread : threads) thread.join();
    return 0;
}
