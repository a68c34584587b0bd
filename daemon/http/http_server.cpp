#include "daemon/http/http_server.hpp"

#include <pthread.h>

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace eg::server {

namespace {

using clock = std::chrono::steady_clock;

constexpr std::uint64_t listener_id = 0;
constexpr std::uint64_t wake_id = 1;
constexpr std::size_t read_chunk = 16 * 1024;
constexpr int accepts_per_event = 64;
constexpr int listen_backlog = 1024;
constexpr rlim_t max_descriptors = 65536;
constexpr rlim_t reserved_descriptors = 256;  // etcd clients, logs, files of the member
constexpr auto linger_time = std::chrono::seconds(2);
constexpr auto sweep_every = std::chrono::milliseconds(250);

std::string error_text(const std::string& what) { return what + ": " + std::strerror(errno); }

// "127.0.0.1:5678" or "[::1]:5678".
std::string peer_text(const sockaddr_storage& address) {
    char host[INET6_ADDRSTRLEN] = "?";
    std::string text;
    if (address.ss_family == AF_INET6) {
        const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
        ::inet_ntop(AF_INET6, &v6.sin6_addr, host, sizeof host);
        text.append("[").append(host).append("]:");
        text.append(std::to_string(ntohs(v6.sin6_port)));
        return text;
    }
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    ::inet_ntop(AF_INET, &v4.sin_addr, host, sizeof host);
    text.append(host).append(":");
    text.append(std::to_string(ntohs(v4.sin_port)));
    return text;
}

// Raises the soft descriptor limit to the hard one (at most max_descriptors); returns the soft
// limit in force.
rlim_t raise_descriptor_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
    const rlim_t wanted = std::min<rlim_t>(limit.rlim_max, max_descriptors);
    if (limit.rlim_cur < wanted) {
        limit.rlim_cur = wanted;
        if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) ::getrlimit(RLIMIT_NOFILE, &limit);
    }
    return limit.rlim_cur;
}

int listen_on(const std::string& address) {
    Poco::Net::SocketAddress where;
    try {
        where = Poco::Net::SocketAddress(address);
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot listen on " + address + ": " + e.displayText());
    }
    const int fd = ::socket(where.family() == Poco::Net::SocketAddress::IPv6 ? AF_INET6 : AF_INET,
                            SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(error_text("cannot listen on " + address));
    const int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (::bind(fd, where.addr(), where.length()) != 0 || ::listen(fd, listen_backlog) != 0) {
        const std::string why = error_text("cannot listen on " + address);
        ::close(fd);
        throw std::runtime_error(why);
    }
    return fd;
}

}  // namespace

struct http_server::connection {
    connection(std::uint64_t number, int socket, std::string from, const http_limits& limits)
        : id(number), fd(socket), peer(std::move(from)), parser(limits) {}

    enum class phase { reading, working, writing, lingering };

    std::uint64_t id;
    int fd;
    std::string peer;
    std::unique_ptr<tls_session> tls;
    http_request_parser parser;
    phase now = phase::reading;
    bool request_started = false;  // a byte of the next request (or of the handshake) came
    bool busy = false;             // counted in busy_
    bool close_after_write = false;
    std::uint32_t events = 0;    // the epoll interest set
    clock::time_point deadline;  // what happens then depends on the phase
    std::string pending_input;   // received after a complete request
    std::string output;          // to send
    std::size_t sent = 0;        // of output
};

http_server::http_server(http_server_settings settings, http_handler handler)
    : settings_(std::move(settings)), handler_(std::move(handler)) {}

http_server::~http_server() { stop(std::chrono::milliseconds(0)); }

void http_server::start() {
    const rlim_t descriptors = raise_descriptor_limit();
    connection_limit_ =
        std::min<std::size_t>(settings_.max_connections, descriptors > 2 * reserved_descriptors
                                                             ? descriptors - reserved_descriptors
                                                             : descriptors / 2);
    if (settings_.inherited_listener >= 0) {
        int accepting = 0;
        socklen_t length = sizeof accepting;
        if (::getsockopt(settings_.inherited_listener, SOL_SOCKET, SO_ACCEPTCONN, &accepting,
                         &length) != 0 ||
            accepting == 0)
            throw std::runtime_error("the inherited listener is not a listening socket");
        listener_ = settings_.inherited_listener;
        const int flags = ::fcntl(listener_, F_GETFL);
        ::fcntl(listener_, F_SETFL, flags | O_NONBLOCK);
        ::fcntl(listener_, F_SETFD, FD_CLOEXEC);
    } else {
        listener_ = listen_on(settings_.address);
    }
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    if (::getsockname(listener_, reinterpret_cast<sockaddr*>(&bound), &length) == 0)
        port_ = ntohs(bound.ss_family == AF_INET6
                          ? reinterpret_cast<const sockaddr_in6&>(bound).sin6_port
                          : reinterpret_cast<const sockaddr_in&>(bound).sin_port);

    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    spare_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (epoll_ < 0 || wake_fd_ < 0) throw std::runtime_error(error_text("cannot start the loop"));
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = listener_id;
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, listener_, &event);
    event.data.u64 = wake_id;
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_fd_, &event);
    listening_ = true;

    http_response refusal = settings_.error_answer(
        503, "too many connections: the server takes at most " + std::to_string(connection_limit_) +
                 " at once; retry later");
    refusal.headers.push_back({"Retry-After", "1"});
    refusal_wire_ = http_wire_response(refusal, false);

    for (std::size_t i = 0; i < std::max<std::size_t>(settings_.workers, 1); ++i)
        workers_.emplace_back([this] { run_worker(); });
    loop_ = std::thread([this] { run_loop(); });
}

void http_server::wake() {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
}

void http_server::stop_accepting() {
    if (closing_.exchange(true) || listener_ < 0) return;
    wake();  // the loop takes the listener out of its set
}

void http_server::drain(std::chrono::milliseconds timeout) {
    if (epoll_ < 0) return;
    const auto deadline = clock::now() + timeout;
    // Quiet: nothing under way for a while, so a client that has just connected has had time
    // to send its request.
    constexpr auto quiet_for = std::chrono::milliseconds(200);
    while (clock::now() < deadline) {
        const auto last = clock::time_point(clock::duration(last_answer_.load()));
        bool queued = false;
        {
            std::lock_guard lock(mutex_);
            queued = !jobs_.empty();
        }
        if (busy_ == 0 && !queued && clock::now() - last >= quiet_for) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

void http_server::stop(std::chrono::milliseconds drain_for) {
    if (loop_.joinable()) {
        stop_accepting();
        drain(drain_for);
        stopping_ = true;
        wake();
        loop_.join();
    }
    {
        std::lock_guard lock(mutex_);
        stopping_workers_ = true;
        jobs_.clear();  // nobody is left to answer
    }
    work_ready_.notify_all();
    for (auto& worker : workers_)
        if (worker.joinable()) worker.join();
    workers_.clear();
    for (auto& [id, c] : connections_) ::close(c->fd);
    connections_.clear();
    open_connections_ = 0;
    for (int* fd : {&listener_, &epoll_, &wake_fd_, &spare_fd_}) {
        if (*fd >= 0) ::close(*fd);
        *fd = -1;
    }
}

void http_server::run_worker() {
    ::pthread_setname_np(::pthread_self(), "admin-worker");
    while (true) {
        job work;
        {
            std::unique_lock lock(mutex_);
            work_ready_.wait(lock, [&] { return stopping_workers_ || !jobs_.empty(); });
            if (jobs_.empty()) return;
            work = std::move(jobs_.front());
            jobs_.pop_front();
        }
        const auto started = clock::now();
        http_response response;
        try {
            response = handler_(work.request, work.peer);
        } catch (const std::exception& e) {
            response = settings_.error_answer(500, e.what());
        }
        const bool keep_alive = work.request.keep_alive && !response.close && !closing_;
        const std::string wire = http_wire_response(
            response, keep_alive, work.request.minor_version, work.request.method == "HEAD");
        if (settings_.on_answer)
            settings_.on_answer(
                {work.request.method, work.request.target, work.peer, response.status,
                 work.request.body.size(), response.body.size(),
                 std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - started)});
        {
            std::lock_guard lock(mutex_);
            completions_.push_back({work.id, wire, !keep_alive});
        }
        wake();
    }
}

void http_server::run_loop() {
    ::pthread_setname_np(::pthread_self(), "admin-loop");
    std::vector<epoll_event> events(256);
    auto last_sweep = clock::now();
    while (!stopping_) {
        const int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()),
                                   static_cast<int>(sweep_every.count()));
        if (n < 0 && errno != EINTR) break;
        for (int i = 0; i < n; ++i) {
            const std::uint64_t id = events[i].data.u64;
            if (id == listener_id) {
                accept_connections();
            } else if (id == wake_id) {
                std::uint64_t count = 0;
                [[maybe_unused]] const auto got = ::read(wake_fd_, &count, sizeof count);
            } else if (const auto found = connections_.find(id); found != connections_.end()) {
                on_event(*found->second, events[i].events);
            }
        }
        deliver_completions();
        if (closing_ && listening_) {
            ::epoll_ctl(epoll_, EPOLL_CTL_DEL, listener_, nullptr);
            listening_ = false;
        }
        if (clock::now() - last_sweep >= sweep_every) {
            last_sweep = clock::now();
            check_deadlines();
        }
    }
}

void http_server::accept_connections() {
    for (int i = 0; i < accepts_per_event; ++i) {
        sockaddr_storage address{};
        socklen_t length = sizeof address;
        int fd = ::accept4(listener_, reinterpret_cast<sockaddr*>(&address), &length,
                           SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if ((errno == EMFILE || errno == ENFILE) && spare_fd_ >= 0) {
                // Out of descriptors: take the connection with the spare one, to refuse it.
                ::close(spare_fd_);
                fd = ::accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (fd >= 0) {
                    if (!settings_.tls)
                        ::send(fd, refusal_wire_.data(), refusal_wire_.size(), MSG_NOSIGNAL);
                    ::close(fd);
                }
                spare_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
                continue;
            }
            return;  // EAGAIN: none left (or another process took it)
        }
        if (connections_.size() >= connection_limit_) {
            if (!settings_.tls)
                ::send(fd, refusal_wire_.data(), refusal_wire_.size(), MSG_NOSIGNAL);
            ::close(fd);
            continue;
        }
        const int on = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        auto c = std::make_unique<connection>(next_id_++, fd, peer_text(address), settings_.limits);
        if (settings_.tls) {
            c->tls = settings_.tls->new_session();
            if (!c->tls) {
                ::close(fd);
                continue;
            }
        }
        c->deadline = clock::now() + settings_.idle_timeout;
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.u64 = c->id;
        c->events = EPOLLIN;
        if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event) != 0) {
            ::close(fd);
            continue;
        }
        connections_.emplace(c->id, std::move(c));
        ++open_connections_;
    }
}

void http_server::on_event(connection& c, std::uint32_t events) {
    if (events & (EPOLLERR | EPOLLHUP)) {
        close_connection(c.id);
        return;
    }
    if (events & EPOLLOUT) {
        const auto id = c.id;
        flush(c);
        if (!connections_.count(id)) return;
    }
    if (events & EPOLLIN) read_from(c);
}

void http_server::read_from(connection& c) {
    if (c.now != connection::phase::reading && c.now != connection::phase::lingering) return;
    char buffer[read_chunk];
    const auto n = ::recv(c.fd, buffer, sizeof buffer, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    if (n <= 0) {  // the peer is gone, or has nothing more to say
        close_connection(c.id);
        return;
    }
    if (c.now == connection::phase::lingering) return;  // read and dropped
    if (!c.request_started) {
        c.request_started = true;
        c.deadline = clock::now() + settings_.header_timeout;
    }
    std::string_view data(buffer, static_cast<std::size_t>(n));
    std::string plain;
    if (c.tls) {
        c.tls->put_received(data);
        const auto status = c.tls->read(plain);
        c.tls->take_outgoing(c.output);
        if (status != tls_session::status::ok) {
            // Whatever the session still has to say (an alert) goes out first, if it can.
            if (c.sent < c.output.size())
                ::send(c.fd, c.output.data() + c.sent, c.output.size() - c.sent, MSG_NOSIGNAL);
            close_connection(c.id);
            return;
        }
        const auto id = c.id;
        if (c.sent < c.output.size()) flush(c);  // handshake
        if (!connections_.count(id)) return;
        data = plain;
    }
    if (!data.empty()) process_input(c, data);
}

void http_server::process_input(connection& c, std::string_view data) {
    const bool was_head = c.parser.state() == http_request_parser::progress::head;
    const std::size_t used = c.parser.feed(data);
    if (c.parser.started()) set_busy(c, true);
    switch (c.parser.state()) {
        case http_request_parser::progress::head:
            return;
        case http_request_parser::progress::body:
            if (was_head) {
                c.deadline = clock::now() + settings_.body_timeout;
                if (c.parser.request().expects_continue)
                    queue_output(c, "HTTP/1.1 100 Continue\r\n\r\n", false);
            }
            return;
        case http_request_parser::progress::complete:
            c.pending_input.assign(data.substr(used));
            dispatch(c);
            return;
        case http_request_parser::progress::failed:
            answer_error(c, c.parser.error().status, c.parser.error().message);
            return;
    }
}

void http_server::dispatch(connection& c) {
    c.now = connection::phase::working;
    c.deadline = clock::time_point::max();
    update_interest(c);
    bool queued = false;
    {
        std::lock_guard lock(mutex_);
        if (jobs_.size() < settings_.max_queued) {
            jobs_.push_back({c.id, c.parser.take_request(), c.peer});
            queued = true;
        }
    }
    if (queued) {
        work_ready_.notify_one();
        return;
    }
    http_response busy =
        settings_.error_answer(503, "the server is busy: " + std::to_string(settings_.max_queued) +
                                        " requests are waiting; retry later");
    busy.headers.push_back({"Retry-After", "1"});
    const auto& request = c.parser.request();
    const bool keep_alive = request.keep_alive && !closing_;
    if (settings_.on_answer)
        settings_.on_answer({request.method, request.target, c.peer, 503, request.body.size(),
                             busy.body.size(), std::chrono::microseconds(0)});
    c.now = connection::phase::writing;
    queue_output(c, http_wire_response(busy, keep_alive, request.minor_version), !keep_alive);
}

void http_server::answer_error(connection& c, int status, const std::string& message) {
    if (c.tls && !c.tls->handshake_done()) {
        close_connection(c.id);
        return;
    }
    const auto& request = c.parser.request();
    const http_response response = settings_.error_answer(status, message);
    if (settings_.on_answer)
        settings_.on_answer({request.method.empty() ? "-" : request.method,
                             request.target.empty() ? "-" : request.target, c.peer, status,
                             request.body.size(), response.body.size(),
                             std::chrono::microseconds(0)});
    c.now = connection::phase::writing;
    c.pending_input.clear();
    queue_output(c, http_wire_response(response, false, request.minor_version), true);
}

void http_server::queue_output(connection& c, std::string_view wire, bool close) {
    if (c.tls) {
        if (c.tls->write(wire) != tls_session::status::ok) {
            close_connection(c.id);
            return;
        }
        if (close) c.tls->close();
        c.tls->take_outgoing(c.output);
    } else {
        c.output.append(wire);
    }
    if (c.now == connection::phase::writing) {
        c.close_after_write = close;
        c.deadline = clock::now() + settings_.send_timeout;
    }
    flush(c);
}

void http_server::flush(connection& c) {
    while (c.sent < c.output.size()) {
        const auto n =
            ::send(c.fd, c.output.data() + c.sent, c.output.size() - c.sent, MSG_NOSIGNAL);
        if (n > 0) {
            c.sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            if (errno == EINTR) continue;
            update_interest(c);
            return;
        }
        close_connection(c.id);
        return;
    }
    c.output.clear();
    c.sent = 0;
    if (c.now == connection::phase::writing)
        answer_done(c);
    else
        update_interest(c);
}

void http_server::answer_done(connection& c) {
    last_answer_ = clock::now().time_since_epoch().count();
    set_busy(c, false);
    c.request_started = false;
    if (c.close_after_write) {
        // The client may still be sending: read and drop for a while, so that closing does not
        // reset the connection before the client has read the answer.
        ::shutdown(c.fd, SHUT_WR);
        c.now = connection::phase::lingering;
        c.deadline = clock::now() + linger_time;
        update_interest(c);
        return;
    }
    c.now = connection::phase::reading;
    c.parser.reset();
    c.deadline = clock::now() + settings_.idle_timeout;
    update_interest(c);
    if (!c.pending_input.empty()) {
        const std::string next = std::move(c.pending_input);
        c.pending_input.clear();
        c.request_started = true;
        c.deadline = clock::now() + settings_.header_timeout;
        process_input(c, next);
    }
}

void http_server::set_busy(connection& c, bool busy) {
    if (c.busy == busy) return;
    c.busy = busy;
    busy ? ++busy_ : --busy_;
}

void http_server::update_interest(connection& c) {
    std::uint32_t wanted = 0;
    if (c.now == connection::phase::reading || c.now == connection::phase::lingering)
        wanted |= EPOLLIN;
    if (c.sent < c.output.size()) wanted |= EPOLLOUT;
    if (wanted == c.events) return;
    epoll_event event{};
    event.events = wanted;
    event.data.u64 = c.id;
    ::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &event);
    c.events = wanted;
}

void http_server::close_connection(std::uint64_t id) {
    const auto found = connections_.find(id);
    if (found == connections_.end()) return;
    set_busy(*found->second, false);
    ::close(found->second->fd);  // also leaves the epoll set
    connections_.erase(found);
    --open_connections_;
}

void http_server::check_deadlines() {
    const auto now = clock::now();
    std::vector<std::uint64_t> due;
    for (const auto& [id, c] : connections_)
        if (c->deadline <= now) due.push_back(id);
    for (const auto id : due) {
        const auto found = connections_.find(id);
        if (found == connections_.end()) continue;
        connection& c = *found->second;
        const bool answerable = c.now == connection::phase::reading && c.request_started &&
                                (!c.tls || c.tls->handshake_done()) && c.parser.started();
        if (!answerable) {
            close_connection(id);
            continue;
        }
        const auto seconds = [](std::chrono::milliseconds t) {
            const auto tenths = (t.count() + 50) / 100;
            std::string text = std::to_string(tenths / 10);
            if (tenths % 10 != 0) text.append(".").append(std::to_string(tenths % 10));
            return text.append(" s");
        };
        if (c.parser.state() == http_request_parser::progress::head)
            answer_error(c, 408,
                         "the request line and headers did not arrive within " +
                             seconds(settings_.header_timeout));
        else
            answer_error(
                c, 408,
                "the request body did not arrive within " + seconds(settings_.body_timeout));
    }
}

void http_server::deliver_completions() {
    std::vector<completion> done;
    {
        std::lock_guard lock(mutex_);
        done.swap(completions_);
    }
    for (auto& answer : done) {
        const auto found = connections_.find(answer.id);
        if (found == connections_.end()) continue;  // the client went away meanwhile
        connection& c = *found->second;
        c.now = connection::phase::writing;
        queue_output(c, answer.wire, answer.close);
    }
}

}  // namespace eg::server
