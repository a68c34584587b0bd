#include "daemon/traffic/traffic_engine.hpp"

#include "daemon/traffic/client_response.hpp"
#include "daemon/traffic/http_response_parser.hpp"
#include "daemon/traffic/load_balancer.hpp"
#include "daemon/traffic/proxy_filter.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <functional>
#include <unordered_map>

namespace eg::server {

namespace {

using clock_type = std::chrono::steady_clock;

constexpr std::size_t read_chunk = 64 * 1024;
constexpr std::size_t client_output_high_water = 256 * 1024;  // upstream reads pause above
constexpr std::size_t max_idle_per_upstream = 64;
constexpr auto head_timeout = std::chrono::seconds(60);
constexpr auto body_timeout = std::chrono::seconds(60);
constexpr auto send_timeout = std::chrono::seconds(60);
constexpr auto default_upstream_timeout = std::chrono::seconds(300);
constexpr auto address_cache_time = std::chrono::seconds(30);
constexpr auto sweep_interval = std::chrono::milliseconds(100);

void no_delay(int fd) {
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

std::string peer_address(const sockaddr_storage& peer) {
    char text[INET6_ADDRSTRLEN] = {};
    if (peer.ss_family == AF_INET) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(&peer);
        ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    } else if (peer.ss_family == AF_INET6) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&peer);
        ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
        std::string_view shown = text;
        if (shown.starts_with("::ffff:") && shown.find('.') != std::string_view::npos)
            return std::string(shown.substr(7));  // an IPv4 client of a dual-stack socket
    }
    return text;
}

struct resolved_address {
    sockaddr_storage address{};
    socklen_t length = 0;
    clock_type::time_point until;
};

// What an epoll event is about.
struct endpoint {
    enum class kind { listener, wakeup, client, upstream };
    kind what = kind::client;
    struct traffic_connection* owner = nullptr;
    struct listener_entry* listener = nullptr;
};

struct listener_entry {
    std::string server;
    int fd = -1;
    endpoint side;
    bool paused = false;  // out of descriptors: not watched until the next sweep
};

// One request in flight on a client connection.
struct exchange {
    std::shared_ptr<const traffic_snapshot> snapshot;
    std::shared_ptr<const served_server> server;
    std::shared_ptr<const pipeline_program> program;
    http_request request;
    std::string target;
    std::optional<pipeline_program::step> step;
    clock_type::time_point started;
    int status = 0;
    std::uint64_t response_bytes = 0;
    // The Proxy attempt under way.
    const proxy_filter* proxy = nullptr;
    std::size_t pool = 0;
    std::size_t server_index = 0;
    std::string upstream_key;
    std::string upstream_out;
    std::size_t upstream_sent = 0;
    clock_type::time_point deadline;
    http_response_parser response{http_response_limits{}};
    std::optional<response_relay> relay;
    bool head_sent = false;
    bool reused = false;
    bool answered = false;
    bool retried = false;
    // A Mock answer waiting for its delay.
    std::optional<clock_type::time_point> answer_at;
    std::string delayed_answer;
    bool delayed_keep_alive = true;
};

struct traffic_connection {
    traffic_connection(int client_fd, std::string peer, std::shared_ptr<const served_server> at,
                       http_limits limits)
        : fd(client_fd), peer_ip(std::move(peer)), server(std::move(at)), parser(limits) {
        client_side.owner = this;
        upstream_side.owner = this;
        upstream_side.what = endpoint::kind::upstream;
    }
    int fd;
    std::string peer_ip;
    std::shared_ptr<const served_server> server;  // as it was when the connection came
    endpoint client_side;
    endpoint upstream_side;
    std::uint32_t client_events = 0;
    std::uint32_t upstream_events = 0;
    std::string in;
    std::string out;
    std::size_t out_sent = 0;
    http_request_parser parser;
    bool continue_sent = false;
    bool client_eof = false;
    bool close_after_write = false;
    bool closed = false;
    clock_type::time_point idle_since = clock_type::now();
    clock_type::time_point head_started{};
    clock_type::time_point body_started{};
    clock_type::time_point last_sent = clock_type::now();
    std::unique_ptr<exchange> ex;
    // The upstream connection this client holds (kept across its requests while both live).
    int upstream_fd = -1;
    std::string upstream_key;
    bool upstream_connecting = false;
};

http_limits client_limits(const served_server& server) {
    http_limits limits;
    limits.max_body_bytes = server.client_max_body_size;
    limits.body_limit_name = "the HTTPServer's clientMaxBodySize";
    return limits;
}

}  // namespace

class traffic_worker {
public:
    traffic_worker(std::size_t index, logger& log)
        : index_(index),
          log_(log),
          epoll_(::epoll_create1(EPOLL_CLOEXEC)),
          wakeup_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
        wakeup_side_.what = endpoint::kind::wakeup;
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.ptr = &wakeup_side_;
        ::epoll_ctl(epoll_, EPOLL_CTL_ADD, wakeup_, &event);
    }
    ~traffic_worker() {
        for (auto& [fd, listener] : listeners_) ::close(fd);
        for (auto& [key, fds] : idle_)
            for (int fd : fds) ::close(fd);
        for (auto& [c, owned] : connections_) {
            if (!c->closed) ::close(c->fd);
            if (c->upstream_fd >= 0) ::close(c->upstream_fd);
        }
        ::close(wakeup_);
        ::close(epoll_);
    }

    // Runs `task` on the worker's thread, soon.
    void post(std::function<void()> task) {
        {
            std::lock_guard lock(mutex_);
            tasks_.push_back(std::move(task));
        }
        const std::uint64_t one = 1;
        (void)!::write(wakeup_, &one, sizeof one);
    }

    void set_snapshot(std::shared_ptr<const traffic_snapshot> snapshot) {
        snapshot_ = std::move(snapshot);
    }
    void add_listener(const std::string& server, int fd) {
        auto entry = std::make_unique<listener_entry>();
        entry->server = server;
        entry->fd = fd;
        entry->side.what = endpoint::kind::listener;
        entry->side.listener = entry.get();
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.ptr = &entry->side;
        ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event);
        listeners_[fd] = std::move(entry);
    }
    void remove_listener(int fd) {
        const auto found = listeners_.find(fd);
        if (found == listeners_.end()) return;
        ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
        ::close(fd);
        listeners_.erase(found);
    }
    // Closes the listeners and ends the loop once no exchange is in flight, or at `deadline`.
    void drain_until(clock_type::time_point deadline) {
        while (!listeners_.empty()) remove_listener(listeners_.begin()->first);
        drain_deadline_ = deadline;
    }

    void run() {
        const std::string name = "traffic-" + std::to_string(index_);
        ::pthread_setname_np(::pthread_self(), name.c_str());
        std::vector<epoll_event> events(256);
        auto next_sweep = clock_type::now() + sweep_interval;
        while (true) {
            const int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()),
                                       static_cast<int>(sweep_interval.count()));
            if (n < 0 && errno != EINTR) return;
            for (int i = 0; i < n; ++i) handle(events[i]);
            for (auto* c : closed_) connections_.erase(c);
            closed_.clear();
            const auto now = clock_type::now();
            if (now >= next_sweep) {
                sweep(now);
                next_sweep = now + sweep_interval;
            }
            if (drain_deadline_ && (now >= *drain_deadline_ || idle_everywhere())) return;
        }
    }

private:
    void handle(const epoll_event& event) {
        auto* side = static_cast<endpoint*>(event.data.ptr);
        switch (side->what) {
            case endpoint::kind::wakeup:
                return run_tasks();
            case endpoint::kind::listener:
                return accept_clients(*side->listener);
            case endpoint::kind::client:
            case endpoint::kind::upstream:
                break;
        }
        traffic_connection& c = *side->owner;
        if (c.closed) return;
        const auto flags = event.events;
        if (side->what == endpoint::kind::upstream) {
            if (flags & (EPOLLOUT | EPOLLERR)) upstream_writable(c);
            if (!c.closed && (flags & (EPOLLIN | EPOLLHUP | EPOLLERR))) upstream_readable(c);
        } else {
            if (flags & EPOLLOUT) flush_client(c);
            if (!c.closed && (flags & (EPOLLIN | EPOLLHUP | EPOLLERR))) client_readable(c);
        }
        if (!c.closed) update_interest(c);
    }

    void run_tasks() {
        std::uint64_t count = 0;
        (void)!::read(wakeup_, &count, sizeof count);
        std::deque<std::function<void()>> tasks;
        {
            std::lock_guard lock(mutex_);
            tasks.swap(tasks_);
        }
        for (auto& task : tasks) task();
    }

    bool idle_everywhere() const {
        for (const auto& [c, owned] : connections_)
            if (!c->closed && (c->ex || c->out_sent < c->out.size())) return false;
        return true;
    }

    // --- clients -------------------------------------------------------------------------

    void accept_clients(listener_entry& listener) {
        while (true) {
            sockaddr_storage peer{};
            socklen_t length = sizeof peer;
            const int fd = ::accept4(listener.fd, reinterpret_cast<sockaddr*>(&peer), &length,
                                     SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                    pause_accepting(listener);
                return;
            }
            const auto server = served(listener.server);
            if (!server) {
                ::close(fd);
                continue;
            }
            if (server->counters->connections.load(std::memory_order_relaxed) >=
                server->max_connections) {
                static constexpr std::string_view busy =
                    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                    "Content-Length: 65\r\nConnection: close\r\n\r\n"
                    "{\"code\":503,\"message\":\"the server has too many connections now\"}";
                (void)!::send(fd, busy.data(), busy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
                ::close(fd);
                continue;
            }
            server->counters->connections.fetch_add(1, std::memory_order_relaxed);
            no_delay(fd);
            auto c = std::make_unique<traffic_connection>(fd, peer_address(peer), server,
                                                          client_limits(*server));
            c->client_events = EPOLLIN;
            epoll_event event{};
            event.events = EPOLLIN;
            event.data.ptr = &c->client_side;
            ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event);
            connections_.emplace(c.get(), std::move(c));
        }
    }

    std::shared_ptr<const served_server> served(std::string_view name) const {
        if (!snapshot_) return nullptr;
        const auto found = snapshot_->servers.find(name);
        return found == snapshot_->servers.end() ? nullptr : found->second;
    }

    void client_readable(traffic_connection& c) {
        char buffer[read_chunk];
        const auto n = ::read(c.fd, buffer, sizeof buffer);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
        if (n <= 0) {
            c.client_eof = true;
            if (!c.ex) close_connection(c);
            return;
        }
        c.in.append(buffer, static_cast<std::size_t>(n));
        process_input(c);
    }

    // Reads requests out of the client's bytes while no exchange is in flight.
    void process_input(traffic_connection& c) {
        using progress = http_request_parser::progress;
        while (!c.closed && !c.ex && !c.close_after_write && !c.in.empty()) {
            const bool was_started = c.parser.started();
            const auto before = c.parser.state();
            const auto used = c.parser.feed(c.in);
            c.in.erase(0, used);
            const auto state = c.parser.state();
            const auto now = clock_type::now();
            if (!was_started && c.parser.started()) c.head_started = now;
            if (before == progress::head && state == progress::body) c.body_started = now;
            if (state == progress::failed) {
                const auto& error = c.parser.error();
                queue_client(c, local_response(failure_answer(error.status, error.message), false,
                                               1, false));
                c.close_after_write = true;
            } else if (state == progress::complete) {
                c.continue_sent = false;
                auto request = c.parser.take_request();
                c.parser.reset();
                start_exchange(c, std::move(request));
            } else {
                if (state == progress::body && c.parser.request().expects_continue &&
                    !c.continue_sent) {
                    queue_client(c, "HTTP/1.1 100 Continue\r\n\r\n");
                    c.continue_sent = true;
                }
                break;
            }
        }
        if (!c.closed && !c.ex && c.client_eof && c.out_sent == c.out.size()) close_connection(c);
    }

    // --- exchanges -----------------------------------------------------------------------

    void start_exchange(traffic_connection& c, http_request request) {
        auto ex = std::make_unique<exchange>();
        ex->started = clock_type::now();
        ex->snapshot = snapshot_;
        ex->server = served(c.server->name);
        ex->request = std::move(request);
        c.ex = std::move(ex);
        exchange& x = *c.ex;
        if (!x.server) return answer(c, failure_answer(503, "the HTTPServer is being removed"));
        const auto view = view_of(x.request, c.peer_ip);
        route_match match;
        if (x.server->routes)
            match = x.server->routes->match(view);
        else
            match.status = 404;
        if (match.status != 0) {
            static constexpr std::string_view why[] = {"no route matches the request",
                                                       "the method is not allowed here",
                                                       "the request's headers or queries do not "
                                                       "match the route",
                                                       "the client's address is not allowed"};
            const auto message = match.status == 405   ? why[1]
                                 : match.status == 400 ? why[2]
                                 : match.status == 403 ? why[3]
                                                       : why[0];
            return answer(c, failure_answer(match.status, message));
        }
        if (match.client_max_body_size > 0 &&
            x.request.body.size() > static_cast<std::uint64_t>(match.client_max_body_size))
            return answer(
                c, failure_answer(413,
                                  "the body is larger than the route's "
                                  "clientMaxBodySize (" +
                                      std::to_string(match.client_max_body_size) + " bytes)"));
        x.target = match.rewritten_target.empty() ? x.request.target : match.rewritten_target;
        if (match.set_headers != nullptr)
            for (const auto& [name, value] : *match.set_headers) set_header(x.request, name, value);
        const auto found = x.snapshot->pipelines.find(match.backend);
        if (found == x.snapshot->pipelines.end() || !found->second->error().empty())
            return answer(c, failure_answer(503, "the route's Pipeline '" + match.backend +
                                                     "' does not exist or cannot run"));
        x.program = found->second;
        run_flow(c, x.program->start());
    }

    static void set_header(http_request& request, const std::string& name,
                           const std::string& value) {
        for (auto& field : request.headers)
            if (http_text::same_text(field.name, name)) {
                field.value = value;
                return;
            }
        request.headers.push_back({name, value});
    }

    // Runs the flow from `step` until a filter answers or starts an upstream exchange.
    void run_flow(traffic_connection& c, std::optional<pipeline_program::step> step) {
        exchange& x = *c.ex;
        while (step) {
            x.step = step;
            if (step->k == pipeline_program::kind::mock) {
                const auto view = view_of(x.request, c.peer_ip);
                const auto* mocked = x.program->mock(step->filter).match(view);
                if (mocked == nullptr) {
                    step = x.program->next(*step, "");
                    continue;
                }
                if (mocked->delay.count() > 0) {
                    x.status = mocked->response.status;
                    x.delayed_keep_alive = keep_alive(c);
                    x.delayed_answer =
                        local_response(mocked->response, x.delayed_keep_alive,
                                       x.request.minor_version, x.request.method == "HEAD");
                    x.answer_at = clock_type::now() + mocked->delay;
                    return;
                }
                return answer(c, mocked->response);
            }
            x.proxy = &x.program->proxy(step->filter);
            const auto view = view_of(x.request, c.peer_ip);
            const auto choice = x.proxy->choose(view, random_);
            x.pool = choice.pool;
            if (!choice.server) {
                const auto outcome = answer_for(proxy_failure::no_server);
                if (const auto next = x.program->next(*step, outcome.result)) {
                    step = next;
                    continue;
                }
                return answer(c,
                              failure_answer(outcome.status, "no server of the pool is available"));
            }
            x.server_index = *choice.server;
            x.retried = false;
            const auto& target = x.proxy->server(x.pool, x.server_index);
            x.upstream_key = target.host + ":" + std::to_string(target.port);
            // X-Forwarded-For gets the client's address only when the server asks for it.
            x.upstream_out = x.proxy->upstream_request(
                x.request, x.target, x.pool, x.server_index,
                x.server->x_forwarded_for ? std::string_view(c.peer_ip) : std::string_view());
            const auto timeout = x.proxy->timeout(x.pool);
            x.deadline =
                clock_type::now() + (timeout.count() > 0
                                         ? std::chrono::duration_cast<clock_type::duration>(timeout)
                                         : default_upstream_timeout);
            http_response_limits limits;
            if (const auto most = x.proxy->server_max_body_size(x.pool); most > 0)
                limits.max_body_bytes = static_cast<std::uint64_t>(most);
            x.response = http_response_parser(limits);
            x.response.start(x.request.method == "HEAD");
            x.relay.reset();
            x.head_sent = false;
            return send_upstream(c);
        }
        // The flow ended without an answer.
        answer(c, local_answer{});
    }

    bool keep_alive(const traffic_connection& c) const {
        return c.ex && c.ex->request.keep_alive && c.server->keep_alive && !c.client_eof;
    }

    // Answers the exchange with an answer made here, and ends it.
    void answer(traffic_connection& c, const local_answer& response) {
        exchange& x = *c.ex;
        x.status = response.status;
        x.response_bytes = response.body.size();
        const bool keep = keep_alive(c);
        queue_client(
            c, local_response(response, keep, x.request.minor_version, x.request.method == "HEAD"));
        if (!keep) c.close_after_write = true;
        finish_exchange(c);
    }

    // An upstream failure before any byte reached the client: the flow may go on (jumpIf on
    // the result), else the failure is the answer.
    void attempt_failed(traffic_connection& c, proxy_failure failure, std::string_view message) {
        exchange& x = *c.ex;
        x.proxy = nullptr;
        const auto outcome = answer_for(failure);
        if (const auto next = x.program->next(*x.step, outcome.result)) return run_flow(c, next);
        answer(c, failure_answer(outcome.status, message));
    }

    void finish_exchange(traffic_connection& c) {
        exchange& x = *c.ex;
        const auto took =
            std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - x.started)
                .count();
        if (x.server)
            x.server->counters->statistics.record(static_cast<std::uint64_t>(took), x.status,
                                                  x.request.body.size(), x.response_bytes);
        c.ex.reset();
        c.idle_since = clock_type::now();
        flush_client(c);
        if (!c.closed) process_input(c);
    }

    // --- upstreams -----------------------------------------------------------------------

    const resolved_address* resolve(const upstream_target& target) {
        const auto key = target.host + ":" + std::to_string(target.port);
        const auto now = clock_type::now();
        auto& entry = addresses_[key];
        if (entry.length != 0 && entry.until > now) return &entry;
        entry = resolved_address{};
        std::string host = target.host;
        if (host.size() > 2 && host.front() == '[' && host.back() == ']')
            host = host.substr(1, host.size() - 2);
        addrinfo hints{};
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_NUMERICSERV;
        addrinfo* found = nullptr;
        const auto port = std::to_string(target.port);
        if (::getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || found == nullptr)
            return nullptr;
        std::memcpy(&entry.address, found->ai_addr, found->ai_addrlen);
        entry.length = found->ai_addrlen;
        entry.until = now + address_cache_time;
        ::freeaddrinfo(found);
        return &entry;
    }

    // Sends the attempt's request on the client's upstream connection when it goes to the same
    // server, else on an idle one from the pool or a new one.
    void send_upstream(traffic_connection& c) {
        exchange& x = *c.ex;
        x.upstream_sent = 0;
        x.answered = false;
        x.reused = true;
        if (c.upstream_fd >= 0 && c.upstream_key != x.upstream_key) release_upstream(c);
        if (c.upstream_fd < 0) {
            auto& idle = idle_[x.upstream_key];
            if (!idle.empty()) {
                c.upstream_fd = idle.back();
                idle.pop_back();
                c.upstream_key = x.upstream_key;
                watch_upstream(c, EPOLL_CTL_ADD);
            } else {
                x.reused = false;
                const auto* address = resolve(x.proxy->server(x.pool, x.server_index));
                if (address == nullptr)
                    return attempt_failed(c, proxy_failure::transport,
                                          "the server's host name does not resolve");
                c.upstream_fd = ::socket(address->address.ss_family,
                                         SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
                if (c.upstream_fd < 0)
                    return attempt_failed(c, proxy_failure::transport,
                                          "no socket for the upstream");
                no_delay(c.upstream_fd);
                c.upstream_key = x.upstream_key;
                const int rc =
                    ::connect(c.upstream_fd, reinterpret_cast<const sockaddr*>(&address->address),
                              address->length);
                if (rc != 0 && errno != EINPROGRESS) return upstream_failed(c);
                c.upstream_connecting = rc != 0;
                watch_upstream(c, EPOLL_CTL_ADD);
                if (c.upstream_connecting) return;
            }
        }
        write_upstream(c);
    }

    void watch_upstream(traffic_connection& c, int op) {
        c.upstream_events = EPOLLIN | EPOLLOUT;
        epoll_event event{};
        event.events = c.upstream_events;
        event.data.ptr = &c.upstream_side;
        ::epoll_ctl(epoll_, op, c.upstream_fd, &event);
    }

    // The client's upstream connection goes back to the pool (or closes when the pool is full).
    void release_upstream(traffic_connection& c) {
        if (c.upstream_fd < 0) return;
        ::epoll_ctl(epoll_, EPOLL_CTL_DEL, c.upstream_fd, nullptr);
        auto& idle = idle_[c.upstream_key];
        if (!c.upstream_connecting && idle.size() < max_idle_per_upstream)
            idle.push_back(c.upstream_fd);
        else
            ::close(c.upstream_fd);
        c.upstream_fd = -1;
        c.upstream_events = 0;
        c.upstream_connecting = false;
    }

    void drop_upstream(traffic_connection& c) {
        if (c.upstream_fd >= 0) ::close(c.upstream_fd);
        c.upstream_fd = -1;
        c.upstream_events = 0;
        c.upstream_connecting = false;
    }

    void upstream_writable(traffic_connection& c) {
        if (c.upstream_fd < 0 || !c.ex || c.ex->proxy == nullptr) return;
        if (c.upstream_connecting) {
            int error = 0;
            socklen_t length = sizeof error;
            ::getsockopt(c.upstream_fd, SOL_SOCKET, SO_ERROR, &error, &length);
            if (error != 0) return upstream_failed(c);
            c.upstream_connecting = false;
        }
        write_upstream(c);
    }

    void write_upstream(traffic_connection& c) {
        exchange& x = *c.ex;
        while (x.upstream_sent < x.upstream_out.size()) {
            const auto n = ::send(c.upstream_fd, x.upstream_out.data() + x.upstream_sent,
                                  x.upstream_out.size() - x.upstream_sent, MSG_NOSIGNAL);
            if (n < 0 && errno == EAGAIN) return;
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return upstream_failed(c);
            x.upstream_sent += static_cast<std::size_t>(n);
        }
    }

    void upstream_readable(traffic_connection& c) {
        if (c.upstream_fd < 0 || c.upstream_connecting) return;
        char buffer[read_chunk];
        const auto n = ::read(c.upstream_fd, buffer, sizeof buffer);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
        const bool attempt = c.ex && c.ex->proxy != nullptr;
        if (!attempt) return drop_upstream(c);  // closed while idle, or bytes nobody asked for
        if (n <= 0) return upstream_failed(c);
        exchange& x = *c.ex;
        x.answered = true;
        relay_bytes(c, std::string_view(buffer, static_cast<std::size_t>(n)));
    }

    // Feeds the upstream's bytes to the response parser and relays what it reads.
    void relay_bytes(traffic_connection& c, std::string_view input) {
        using progress = http_response_parser::progress;
        exchange& x = *c.ex;
        while (true) {
            const auto fed = x.response.feed(input);
            input.remove_prefix(fed.used);
            const auto state = x.response.state();
            if (state == progress::failed) {
                if (x.response.error() != http_response_error::body_too_large || x.head_sent)
                    return upstream_failed(c);
                drop_upstream(c);
                return attempt_failed(c, proxy_failure::response_too_large,
                                      "the upstream's answer is larger than the pool's "
                                      "serverMaxBodySize");
            }
            if (state != progress::head && !x.head_sent) {
                const auto& head = x.response.head();
                if (head.interim()) {  // 1xx: dropped, the final answer follows
                    x.response.start(x.request.method == "HEAD");
                    if (input.empty()) return;
                    continue;
                }
                const auto result = x.proxy->result_for_status(x.pool, head.status);
                if (!result.empty() && x.program->next(*x.step, result)) {
                    drop_upstream(c);  // its answer is replaced by what the flow does next
                    x.proxy = nullptr;
                    return run_flow(c, x.program->next(*x.step, result));
                }
                x.status = head.status;
                x.relay.emplace(x.request.minor_version >= 1, keep_alive(c));
                queue_client_quietly(c, x.relay->head(head));
                x.head_sent = true;
            }
            if (!fed.body.empty()) {
                x.response_bytes += fed.body.size();
                x.relay->body(fed.body, c.out);
            }
            if (state == progress::complete) {
                x.relay->end(c.out);
                const bool reusable = x.response.head().keep_alive && input.empty();
                if (!reusable) drop_upstream(c);
                if (!x.relay->client_keep_alive()) c.close_after_write = true;
                x.proxy = nullptr;
                return finish_exchange(c);
            }
            if (input.empty()) break;
        }
        flush_client(c);
    }

    // The upstream closed or failed. A reused connection that closed before answering is
    // retried once on a new one; a body delimited by the close ends; before any byte reached
    // the client the attempt fails with 503 serverError; after, the client connection closes.
    void upstream_failed(traffic_connection& c) {
        drop_upstream(c);
        if (!c.ex || c.ex->proxy == nullptr) return;
        exchange& x = *c.ex;
        if (x.reused && !x.answered && !x.retried) {
            x.retried = true;
            return send_upstream(c);
        }
        if (x.response.state() == http_response_parser::progress::body ||
            x.response.state() == http_response_parser::progress::head) {
            x.response.end_of_input();
            if (x.response.state() == http_response_parser::progress::complete && x.head_sent) {
                x.relay->end(c.out);
                c.close_after_write = !x.relay->client_keep_alive() || c.close_after_write;
                x.proxy = nullptr;
                return finish_exchange(c);
            }
        }
        if (!x.head_sent)
            return x.answered ? attempt_failed(c, proxy_failure::response_malformed,
                                               "the upstream's answer is not valid HTTP/1.1")
                              : attempt_failed(c, proxy_failure::transport,
                                               "the upstream cannot be reached");
        x.proxy = nullptr;
        close_connection(c);
    }

    // --- writing to the client -----------------------------------------------------------

    void queue_client(traffic_connection& c, std::string_view bytes) {
        c.out.append(bytes);
        flush_client(c);
    }
    void queue_client_quietly(traffic_connection& c, std::string_view bytes) {
        c.out.append(bytes);
    }

    void flush_client(traffic_connection& c) {
        while (c.out_sent < c.out.size()) {
            const auto n =
                ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL);
            if (n < 0 && errno == EAGAIN) return;
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return close_connection(c);
            c.out_sent += static_cast<std::size_t>(n);
            c.last_sent = clock_type::now();
        }
        c.out.clear();
        c.out_sent = 0;
        if (c.close_after_write && !c.ex) close_connection(c);
    }

    // The events each side waits for (level-triggered), changed only when they differ.
    void update_interest(traffic_connection& c) {
        std::uint32_t client = 0;
        if (!c.ex && !c.close_after_write && !c.client_eof) client |= EPOLLIN;
        if (c.out_sent < c.out.size()) client |= EPOLLOUT;
        if (client != c.client_events) {
            epoll_event event{};
            event.events = client;
            event.data.ptr = &c.client_side;
            ::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &event);
            c.client_events = client;
        }
        if (c.upstream_fd < 0) return;
        const bool attempt = c.ex && c.ex->proxy != nullptr;
        std::uint32_t upstream = 0;
        if (c.upstream_connecting || (attempt && c.ex->upstream_sent < c.ex->upstream_out.size()))
            upstream |= EPOLLOUT;
        if (c.upstream_connecting || !attempt ||
            c.out.size() - c.out_sent < client_output_high_water)
            upstream |= EPOLLIN;  // idle: EPOLLIN notices the upstream closing
        if (upstream != c.upstream_events) {
            epoll_event event{};
            event.events = upstream;
            event.data.ptr = &c.upstream_side;
            ::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.upstream_fd, &event);
            c.upstream_events = upstream;
        }
    }

    void close_connection(traffic_connection& c) {
        if (c.closed) return;
        c.closed = true;
        ::close(c.fd);
        c.server->counters->connections.fetch_sub(1, std::memory_order_relaxed);
        const bool attempt = c.ex && c.ex->proxy != nullptr;
        if (attempt) drop_upstream(c);  // an answer half read cannot serve anyone else
        release_upstream(c);
        if (c.ex && !c.ex->head_sent && c.ex->status == 0) c.ex->status = 499;
        if (c.ex && c.ex->server)
            c.ex->server->counters->statistics.record(
                static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                               clock_type::now() - c.ex->started)
                                               .count()),
                c.ex->status, c.ex->request.body.size(), c.ex->response_bytes);
        c.ex.reset();
        closed_.push_back(&c);
    }

    // --- deadlines -----------------------------------------------------------------------

    // A listener whose connection cannot be accepted for want of descriptors or memory stays
    // readable: watching it would spin. It rests until the next sweep (100 ms), when closed
    // connections may have freed some.
    void pause_accepting(listener_entry& listener) {
        if (listener.paused) return;
        const int error = errno;
        listener.paused = true;
        epoll_event event{};
        event.data.ptr = &listener.side;
        ::epoll_ctl(epoll_, EPOLL_CTL_MOD, listener.fd, &event);
        const auto now = clock_type::now();
        if (now - last_accept_warning_ >= std::chrono::seconds(10)) {
            last_accept_warning_ = now;
            log_.warn("traffic", "HTTPServer '" + listener.server +
                                     "' cannot accept connections now (" + std::strerror(error) +
                                     "); raise the descriptor limit (LimitNOFILE) or lower "
                                     "maxConnections");
        }
    }
    void resume_accepting() {
        for (auto& [fd, listener] : listeners_) {
            if (!listener->paused) continue;
            listener->paused = false;
            epoll_event event{};
            event.events = EPOLLIN;
            event.data.ptr = &listener->side;
            ::epoll_ctl(epoll_, EPOLL_CTL_MOD, fd, &event);
        }
    }

    void sweep(clock_type::time_point now) {
        using progress = http_request_parser::progress;
        resume_accepting();
        for (const auto& [pointer, owned] : connections_) {
            traffic_connection& c = *pointer;
            if (c.closed) continue;
            if (c.out_sent < c.out.size() && now - c.last_sent > send_timeout) {
                close_connection(c);
                continue;
            }
            if (c.ex) {
                exchange& x = *c.ex;
                if (x.answer_at && now >= *x.answer_at) {
                    x.answer_at.reset();
                    x.response_bytes = x.delayed_answer.size();
                    queue_client(c, x.delayed_answer);
                    if (!x.delayed_keep_alive) c.close_after_write = true;
                    finish_exchange(c);
                } else if (x.proxy != nullptr && now >= x.deadline) {
                    if (x.head_sent) {
                        close_connection(c);
                    } else {
                        drop_upstream(c);
                        attempt_failed(c, proxy_failure::timeout,
                                       "the upstream did not answer in time");
                    }
                }
                if (!c.closed) update_interest(c);
                continue;
            }
            const auto state = c.parser.state();
            const bool head_late = c.parser.started() && state == progress::head &&
                                   now - c.head_started > head_timeout;
            const bool body_late = state == progress::body && now - c.body_started > body_timeout;
            if (head_late || body_late) {
                queue_client(c, local_response(failure_answer(408, "the request took too long"),
                                               false, 1, false));
                c.close_after_write = true;
                if (!c.closed) update_interest(c);
                continue;
            }
            const auto idle_limit = c.server->keep_alive_timeout;
            if (!c.parser.started() && c.out_sent == c.out.size() && idle_limit.count() > 0 &&
                now - c.idle_since > idle_limit)
                close_connection(c);
        }
        for (auto* c : closed_) connections_.erase(c);
        closed_.clear();
    }

    std::size_t index_;
    logger& log_;
    clock_type::time_point last_accept_warning_{};
    int epoll_;
    int wakeup_;
    endpoint wakeup_side_;
    std::mutex mutex_;
    std::deque<std::function<void()>> tasks_;
    std::shared_ptr<const traffic_snapshot> snapshot_;
    std::unordered_map<int, std::unique_ptr<listener_entry>> listeners_;
    std::unordered_map<traffic_connection*, std::unique_ptr<traffic_connection>> connections_;
    std::vector<traffic_connection*> closed_;
    std::unordered_map<std::string, std::vector<int>> idle_;  // keep-alive upstreams, by host:port
    std::unordered_map<std::string, resolved_address> addresses_;
    std::optional<clock_type::time_point> drain_deadline_;
    thread_random random_;
};

namespace {

// A listening socket on address:port shared with the other workers (SO_REUSEPORT), or why not.
int reuse_port_listener(const std::string& address, int port, std::string& why) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    hints.ai_family = address.empty() ? AF_INET6 : AF_UNSPEC;
    addrinfo* found = nullptr;
    const auto service = std::to_string(port);
    const int rc =
        ::getaddrinfo(address.empty() ? nullptr : address.c_str(), service.c_str(), &hints, &found);
    if (rc != 0 || found == nullptr) {
        why = "address '" + address + "' does not resolve: " + ::gai_strerror(rc);
        return -1;
    }
    const int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        why = std::string("no socket: ") + std::strerror(errno);
        ::freeaddrinfo(found);
        return -1;
    }
    const int on = 1;
    const int off = 0;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
    if (found->ai_family == AF_INET6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    const bool bound = ::bind(fd, found->ai_addr, found->ai_addrlen) == 0;
    const int bind_errno = errno;
    ::freeaddrinfo(found);
    if (!bound || ::listen(fd, 4096) != 0) {
        const int error = bound ? errno : bind_errno;
        why = "cannot listen on " + (address.empty() ? std::string("*") : address) + ":" + service +
              ": " + std::strerror(error) +
              (error == EADDRINUSE ? " (another program holds the port without SO_REUSEPORT)" : "");
        ::close(fd);
        return -1;
    }
    return fd;
}

bool addresses_overlap(const std::string& a, const std::string& b) {
    return a.empty() || b.empty() || a == b;
}

}  // namespace

traffic_engine::traffic_engine(std::size_t workers, logger& log) : log_(log) {
    if (workers == 0) workers = 1;
    for (std::size_t i = 0; i < workers; ++i)
        workers_.push_back(std::make_unique<traffic_worker>(i, log));
}

traffic_engine::~traffic_engine() { stop(std::chrono::milliseconds(0)); }

void traffic_engine::start() {
    std::lock_guard lock(mutex_);
    if (started_) return;
    started_ = true;
    for (auto& w : workers_) threads_.emplace_back([worker = w.get()] { worker->run(); });
}

void traffic_engine::stop(std::chrono::milliseconds drain) {
    {
        std::lock_guard lock(mutex_);
        if (!started_) return;
        started_ = false;
        const auto deadline = clock_type::now() + drain;
        for (auto& w : workers_)
            w->post([worker = w.get(), deadline] { worker->drain_until(deadline); });
        listening_.clear();
    }
    for (auto& thread : threads_) thread.join();
    threads_.clear();
}

void traffic_engine::publish(std::shared_ptr<const traffic_snapshot> snapshot) {
    for (auto& w : workers_)
        w->post([worker = w.get(), snapshot] { worker->set_snapshot(snapshot); });
}

std::optional<std::string> traffic_engine::listen(const std::string& server,
                                                  const std::string& address, int port) {
    std::lock_guard lock(mutex_);
    const auto current = listening_.find(server);
    if (current != listening_.end() && current->second.address == address &&
        current->second.port == port)
        return std::nullopt;
    for (const auto& [other, where] : listening_)
        if (other != server && where.port == port && addresses_overlap(where.address, address))
            return "port " + std::to_string(port) + " is already served by HTTPServer '" + other +
                   "' on this member";
    listening fresh{address, port, {}};
    for (std::size_t i = 0; i < workers_.size(); ++i) {
        std::string why;
        const int fd = reuse_port_listener(address, port, why);
        if (fd < 0) {
            for (int opened : fresh.sockets) ::close(opened);
            return why;
        }
        fresh.sockets.push_back(fd);
    }
    std::vector<int> old;
    if (current != listening_.end()) old = current->second.sockets;
    for (std::size_t i = 0; i < workers_.size(); ++i) {
        const int fd = fresh.sockets[i];
        const int retired = i < old.size() ? old[i] : -1;
        workers_[i]->post([worker = workers_[i].get(), server, fd, retired] {
            worker->add_listener(server, fd);
            if (retired >= 0) worker->remove_listener(retired);
        });
    }
    listening_[server] = std::move(fresh);
    log_.info("traffic", "HTTPServer '" + server + "' listens on " +
                             (address.empty() ? std::string("*") : address) + ":" +
                             std::to_string(port));
    return std::nullopt;
}

void traffic_engine::close(const std::string& server) {
    std::lock_guard lock(mutex_);
    const auto found = listening_.find(server);
    if (found == listening_.end()) return;
    for (std::size_t i = 0; i < workers_.size() && i < found->second.sockets.size(); ++i)
        workers_[i]->post([worker = workers_[i].get(), fd = found->second.sockets[i]] {
            worker->remove_listener(fd);
        });
    listening_.erase(found);
    log_.info("traffic", "HTTPServer '" + server + "' no longer listens");
}

std::string traffic_engine::listening_on(const std::string& server) const {
    std::lock_guard lock(mutex_);
    const auto found = listening_.find(server);
    if (found == listening_.end()) return "";
    return (found->second.address.empty() ? std::string("*") : found->second.address) + ":" +
           std::to_string(found->second.port);
}

}  // namespace eg::server
