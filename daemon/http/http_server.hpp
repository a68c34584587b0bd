#pragma once
// http server: HTTP/1.1 (plain or TLS) on one event-loop thread (epoll), with the request
// handlers on a bounded pool of worker threads. The loop accepts, reads, parses
// (http_request_parser) and writes without ever blocking; only complete requests reach a
// worker, so clients that are slow, idle or hostile cost a connection slot and a few bytes, never
// a thread. What a client sees at each bound (every error answer made by `error_answer`):
//  - request line + headers larger than limits.max_head_bytes: 431; target longer than
//    limits.max_target_bytes: 414; more than limits.max_header_count headers: 431;
//  - head not complete header_timeout after its first byte (total, not per byte): 408;
//  - body not complete body_timeout after the head: 408;
//  - body larger than limits.max_body_bytes: 413 as soon as Content-Length (or a chunk size)
//    says so; POST/PUT/PATCH without a length: 411; not HTTP/1.x: 400 (505 for another
//    version, the HTTP/2 preface included); all of these close the connection;
//  - no request under way for idle_timeout (a new connection included): closed, no answer;
//  - an answer not taken by the client within send_timeout: closed;
//  - more than max_connections connections: a canned 503 (plain HTTP) and closed at once;
//  - more than max_queued complete requests waiting for a worker: 503 at once.
// RLIMIT_NOFILE's soft limit is raised to the hard one (at most 65536) at start, and
// max_connections is kept below it.

#include "daemon/http/http_request_parser.hpp"
#include "daemon/http/http_response.hpp"
#include "daemon/http/tls_session.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace eg::server {

// One answer, as the access log tells of it.
struct http_exchange {
    std::string method;  // "-" when the request line was not understood
    std::string target;  // "-" likewise
    std::string peer;    // address:port
    int status = 0;
    std::size_t received = 0;  // body bytes
    std::size_t sent = 0;      // body bytes
    std::chrono::microseconds took{0};
};

struct http_server_settings {
    std::string address;          // host:port
    int inherited_listener = -1;  // a listening socket to serve instead of binding address
    http_limits limits;
    std::chrono::milliseconds header_timeout{10'000};
    std::chrono::milliseconds body_timeout{30'000};
    std::chrono::milliseconds idle_timeout{5'000};
    std::chrono::milliseconds send_timeout{30'000};
    std::size_t max_connections = 4096;
    std::size_t workers = 16;
    std::size_t max_queued = 1024;
    std::shared_ptr<tls_server_context> tls;  // set: every connection is TLS
    // The answer to an error the server finds itself (status, message).
    std::function<http_response(int, const std::string&)> error_answer;
    std::function<void(const http_exchange&)> on_answer;  // optional; any thread
};

// Answers a complete request; runs on a worker thread. `peer` is address:port.
using http_handler = std::function<http_response(const http_request&, const std::string& peer)>;

class http_server {
public:
    http_server(http_server_settings settings, http_handler handler);
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    // Listens (or takes the inherited listener) and starts the loop and the workers; throws
    // std::runtime_error saying why it cannot.
    void start();
    // Stops accepting, waits for the requests under way (at most `drain_for`), stops.
    void stop(std::chrono::milliseconds drain_for);
    int port() const { return port_; }
    int listener_fd() const { return listener_; }
    // Accepts no more connections (the listener stays open), and every answer from now on
    // closes its connection.
    void stop_accepting();
    bool closing() const { return closing_; }
    // Waits until no request is under way or waits for a worker, and none was for a moment; at
    // most `timeout`.
    void drain(std::chrono::milliseconds timeout);
    // Connections open now (for tests and measurements).
    std::size_t connections() const { return open_connections_; }
    // The connection limit in force (max_connections, below RLIMIT_NOFILE).
    std::size_t connection_limit() const { return connection_limit_; }

private:
    struct connection;
    struct job {
        std::uint64_t id;
        http_request request;
        std::string peer;
    };
    struct completion {
        std::uint64_t id;
        std::string wire;
        bool close;
    };

    void run_loop();
    void run_worker();
    void accept_connections();
    void on_event(connection& c, std::uint32_t events);
    void read_from(connection& c);
    void process_input(connection& c, std::string_view data);
    void dispatch(connection& c);
    void answer_error(connection& c, int status, const std::string& message);
    void queue_output(connection& c, std::string_view wire, bool close);
    void flush(connection& c);
    void answer_done(connection& c);
    void set_busy(connection& c, bool busy);
    void update_interest(connection& c);
    void close_connection(std::uint64_t id);
    void check_deadlines();
    void deliver_completions();
    void wake();

    http_server_settings settings_;
    http_handler handler_;
    int listener_ = -1;
    int port_ = 0;
    int epoll_ = -1;
    int wake_fd_ = -1;
    int spare_fd_ = -1;  // given up for a moment to refuse a connection when out of descriptors
    std::size_t connection_limit_ = 0;
    std::string refusal_wire_;  // the canned 503 beyond the connection limit
    bool listening_ = false;    // the listener is in the epoll set (loop thread only)

    std::unordered_map<std::uint64_t, std::unique_ptr<connection>> connections_;
    std::uint64_t next_id_ = 2;  // 0: listener, 1: wake-up

    std::mutex mutex_;  // guards jobs_, completions_, stopping_workers_
    std::condition_variable work_ready_;
    std::deque<job> jobs_;
    std::vector<completion> completions_;
    bool stopping_workers_ = false;

    std::atomic<bool> closing_{false};
    std::atomic<bool> stopping_{false};
    std::atomic<int> busy_{0};  // connections with a request under way
    std::atomic<std::size_t> open_connections_{0};
    std::atomic<std::chrono::steady_clock::rep> last_answer_{0};
    std::thread loop_;
    std::vector<std::thread> workers_;
};

}  // namespace eg::server
