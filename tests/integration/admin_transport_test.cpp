// The admin API's transport (admin_server on http_server) with routes over a fake member: slow,
// idle and hostile clients do not starve it, every bound answers {code,message}, basic auth,
// the access log and stop_accepting behave as before. Real sockets on 127.0.0.1; deadlines
// here are only generous bounds for a correct server, never measurements.

#include "daemon/admin/admin_routes.hpp"
#include "daemon/admin/admin_server.hpp"
#include "support/file_text.hpp"
#include "support/ready_member_backend.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

// A member that is ready, knows no members or objects yet and writes none.
eg::server::admin_backend ready_backend() {
    eg::server::admin_backend backend;
    backend.waiting_for = [] { return std::string(); };
    backend.member_statuses = [] { return std::optional<std::vector<std::string>>(); };
    backend.leader_id = [] { return std::string(); };
    backend.purge = [](const std::string&) { return false; };
    backend.config_version = [] { return std::string("7"); };
    backend.object_specs = [] { return std::optional<std::map<std::string, std::string>>(); };
    eg::test::write_objects_with(
        backend, [](const std::string&, const std::string&, const nlohmann::json*) {
            return eg::server::object_write{eg::server::object_write::refused, 0, "read-only", 0};
        });
    return backend;
}

// One TCP connection to the server, with blocking reads bounded by a deadline.
class raw_client {
public:
    explicit raw_client(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<std::uint16_t>(port));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    }
    ~raw_client() { ::close(fd_); }
    raw_client(const raw_client&) = delete;
    raw_client& operator=(const raw_client&) = delete;

    bool connected() const { return connected_; }
    bool send(const std::string& bytes) {
        return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
               static_cast<ssize_t>(bytes.size());
    }
    // Reads until `done(received)` or the peer closes or `within` passes; true when done.
    template <typename Done>
    bool read_until(Done done, std::chrono::milliseconds within) {
        const auto deadline = clock_type::now() + within;
        while (!done(received_)) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
            if (left.count() <= 0) return false;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
            char buffer[8192];
            const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n <= 0) {
                closed_ = true;
                return done(received_);
            }
            received_.append(buffer, static_cast<std::size_t>(n));
        }
        return true;
    }
    // Whether the server closes the connection within `within`.
    bool closed_within(std::chrono::milliseconds within) {
        read_until([this](const std::string&) { return closed_; }, within);
        return closed_;
    }
    std::string& received() { return received_; }

private:
    int fd_ = -1;
    bool connected_ = false;
    bool closed_ = false;
    std::string received_;
};

struct answer {
    int status = 0;
    std::string head;
    std::string body;
};

// The first complete answer in `bytes` (Content-Length framed), removed from it; nullopt when
// there is none yet.
std::optional<answer> take_answer(std::string& bytes) {
    const auto head_end = bytes.find("\r\n\r\n");
    if (head_end == std::string::npos || !bytes.starts_with("HTTP/1.1 ")) return std::nullopt;
    answer a;
    a.head = bytes.substr(0, head_end + 2);
    a.status = std::stoi(bytes.substr(9, 3));
    std::size_t length = 0;
    const auto at = a.head.find("\r\nContent-Length: ");
    if (at != std::string::npos) length = std::stoul(a.head.substr(at + 18));
    if (bytes.size() < head_end + 4 + length) return std::nullopt;
    a.body = bytes.substr(head_end + 4, length);
    bytes.erase(0, head_end + 4 + length);
    return a;
}

// Sends `request` on a new connection and reads one answer (within 10 s).
std::optional<answer> ask(int port, const std::string& request, raw_client* keep = nullptr) {
    std::unique_ptr<raw_client> own;
    if (keep == nullptr) {
        own = std::make_unique<raw_client>(port);
        keep = own.get();
    }
    if (!keep->connected() || !keep->send(request)) return std::nullopt;
    std::string copy;
    keep->read_until(
        [&](const std::string& bytes) {
            copy = bytes;
            return take_answer(copy).has_value();
        },
        10s);
    return take_answer(keep->received());
}

// The answer is {"code":status,"message":"<text containing words>"}.
void check_json_error(const std::optional<answer>& a, int status, const std::string& words) {
    REQUIRE(a.has_value());
    INFO(a->head << a->body);
    CHECK(a->status == status);
    const auto body = nlohmann::json::parse(a->body, nullptr, false);
    REQUIRE(body.is_object());
    CHECK(body.size() == 2);
    CHECK(body.value("code", 0) == status);
    REQUIRE(body.contains("message"));
    CHECK(body["message"].get<std::string>().find(words) != std::string::npos);
}

// An admin server on an ephemeral port of 127.0.0.1, stopped at the end.
struct running_server {
    explicit running_server(eg::server::admin_server_settings settings,
                            eg::server::admin_backend backend = ready_backend())
        : routes(std::move(backend)) {
        settings.address = "127.0.0.1:0";
        server = std::make_unique<eg::server::admin_server>(std::move(settings), routes);
        server->start();
    }
    int port() const { return server->port(); }

    eg::server::admin_routes routes;
    std::unique_ptr<eg::server::admin_server> server;
};

const std::string healthz = "GET /apis/v2/healthz HTTP/1.1\r\nHost: t\r\n\r\n";

}  // namespace

TEST_CASE("admin transport: /healthz answers while many idle and slow clients are connected",
          "[integration][admin-transport]") {
    eg::server::admin_server_settings settings;
    settings.max_threads = 4;
    running_server running(settings);
    // More connections than a thread-per-connection server has threads, doing nothing...
    std::vector<std::unique_ptr<raw_client>> crowd;
    for (int i = 0; i < 300; ++i) crowd.push_back(std::make_unique<raw_client>(running.port()));
    // ...or sending a header byte now and then.
    for (int i = 0; i < 50; ++i) {
        crowd.push_back(std::make_unique<raw_client>(running.port()));
        crowd.back()->send("GET /apis/v2/healthz HT");
    }
    for (const auto& c : crowd) REQUIRE(c->connected());
    for (int i = 0; i < 3; ++i) {
        const auto a = ask(running.port(), healthz);
        REQUIRE(a.has_value());
        CHECK(a->status == 200);
        CHECK(a->head.find("\r\nX-Config-Version: 7\r\n") != std::string::npos);
    }
    CHECK(running.server->connections() >= 350);
}

TEST_CASE("admin transport: a slow-header client is cut off with 408 as its total time passes",
          "[integration][admin-transport]") {
    eg::server::admin_server_settings settings;
    settings.header_timeout = 1s;
    running_server running(settings);
    raw_client slow(running.port());
    REQUIRE(slow.send("GET /apis/v2/healthz HTTP/1.1\r\n"));
    // One byte every 200 ms: each arrives well within any per-byte timeout, the total does not.
    std::string answered;
    for (int i = 0; i < 100 && answered.empty(); ++i) {
        slow.send("X");
        slow.read_until([](const std::string& b) { return !b.empty(); }, 200ms);
        answered = slow.received();
    }
    std::string bytes = slow.received();
    slow.read_until(
        [&](const std::string& b) {
            bytes = b;
            return take_answer(bytes).has_value();
        },
        10s);
    check_json_error(take_answer(slow.received()), 408,
                     "the request line and headers did not arrive within 1 s");
    CHECK(slow.closed_within(10s));
}

TEST_CASE("admin transport: a body that does not arrive in time is 408",
          "[integration][admin-transport]") {
    eg::server::admin_server_settings settings;
    settings.body_timeout = 1s;
    running_server running(settings);
    raw_client client(running.port());
    const auto a = ask(running.port(),
                       "PUT /apis/v2/objects/x HTTP/1.1\r\nContent-Length: 10\r\n\r\nab", &client);
    check_json_error(a, 408, "the request body did not arrive within 1 s");
    CHECK(client.closed_within(10s));
}

TEST_CASE("admin transport: what is not a request the server takes is answered at once, in JSON",
          "[integration][admin-transport]") {
    eg::server::admin_server_settings settings;
    settings.max_body_bytes = 1000;
    running_server running(settings);
    const int port = running.port();
    check_json_error(ask(port, "POST /apis/v2/objects HTTP/1.1\r\nHost: t\r\n\r\n"), 411,
                     "Content-Length");
    check_json_error(ask(port, "PUT /apis/v2/objects/a HTTP/1.1\r\n\r\n"), 411, "Content-Length");
    check_json_error(ask(port, "hello there\r\n"), 400, "HTTP/1.1");
    check_json_error(ask(port, std::string("\x16\x03\x01\x02\x00\x01\x00", 7)), 400, "HTTP/1.1");
    check_json_error(ask(port, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), 505, "HTTP/2.0");
    check_json_error(ask(port, "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n"), 414,
                     "longer than 8192 bytes");
    check_json_error(ask(port, "GET / HTTP/1.1\r\nBig: " + std::string(17000, 'b') + "\r\n\r\n"),
                     431, "larger than 16384 bytes");
    std::string many = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < 101; ++i) many.append("H").append(std::to_string(i)).append(": v\r\n");
    check_json_error(ask(port, many + "\r\n"), 431, "more than 100 header fields");
    check_json_error(ask(port,
                         "POST /apis/v2/objects HTTP/1.1\r\n"
                         "Content-Length: 99999999999999999999\r\n\r\n"),
                     413, "larger than 1000 bytes (max-call-send-msg-size)");
    check_json_error(ask(port, "POST /apis/v2/objects HTTP/1.1\r\nContent-Length: 1001\r\n\r\n"),
                     413, "larger than 1000 bytes");
    check_json_error(ask(port,
                         "POST /apis/v2/objects HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                         "\r\n3e9\r\n" +
                             std::string(1001, 'x')),
                     413, "larger than 1000 bytes");
    check_json_error(ask(port, "POST /apis/v2/objects HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"),
                     501, "gzip");
    // A request the routes answer, after all that.
    const auto ok = ask(port, healthz);
    REQUIRE(ok.has_value());
    CHECK(ok->status == 200);
}

TEST_CASE("admin transport: keep-alive, pipelining, chunked bodies, 100-continue and HEAD",
          "[integration][admin-transport]") {
    running_server running({});
    const int port = running.port();
    raw_client client(port);
    REQUIRE(client.send(healthz + "GET /apis/v2/nothing HTTP/1.1\r\n\r\n" + healthz));
    client.read_until(
        [](const std::string& b) {
            std::string copy = b;
            int n = 0;
            while (take_answer(copy)) ++n;
            return n == 3;
        },
        10s);
    const auto first = take_answer(client.received());
    const auto second = take_answer(client.received());
    const auto third = take_answer(client.received());
    REQUIRE(first);
    REQUIRE(second);
    REQUIRE(third);
    CHECK(first->status == 200);
    CHECK(second->status == 404);
    CHECK(third->status == 200);
    CHECK(first->head.find("Connection: close") == std::string::npos);

    // A chunked body reaches the routes whole (here: an object without a kind).
    check_json_error(ask(port,
                         "POST /apis/v2/objects HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                         "\r\n5\r\nname:\r\n3\r\n ab\r\n0\r\n\r\n"),
                     400, "kind");

    raw_client expecting(port);
    REQUIRE(
        expecting.send("POST /apis/v2/objects HTTP/1.1\r\nContent-Length: 7\r\n"
                       "Expect: 100-continue\r\n\r\n"));
    CHECK(expecting.read_until(
        [](const std::string& b) { return b.find("HTTP/1.1 100 Continue\r\n\r\n") == 0; }, 10s));
    expecting.received().clear();
    const auto after = ask(port, "name: a", &expecting);
    REQUIRE(after);
    CHECK(after->status == 400);

    raw_client head(port);
    REQUIRE(head.send("HEAD /apis/v2/healthz HTTP/1.1\r\n\r\n" + healthz));
    CHECK(head.read_until(
        [](const std::string& b) {
            return b.find("HTTP/1.1 405") == 0 && b.find("HTTP/1.1 200", 1) != std::string::npos;
        },
        10s));
}

TEST_CASE("admin transport: idle connections are closed after the idle timeout",
          "[integration][admin-transport]") {
    eg::server::admin_server_settings settings;
    settings.idle_timeout = 500ms;
    running_server running(settings);
    raw_client fresh(running.port());
    CHECK(fresh.closed_within(10s));
    CHECK(fresh.received().empty());
    raw_client kept(running.port());
    const auto a = ask(running.port(), healthz, &kept);
    REQUIRE(a);
    CHECK(a->status == 200);
    CHECK(kept.closed_within(10s));
}

TEST_CASE("admin transport: beyond the connection limit, 503 at once",
          "[integration][admin-transport]") {
    eg::server::admin_server_settings settings;
    settings.max_connections = 5;
    running_server running(settings);
    std::vector<std::unique_ptr<raw_client>> taken;
    for (int i = 0; i < 5; ++i) taken.push_back(std::make_unique<raw_client>(running.port()));
    // The fifth is accepted once the loop has seen them all.
    REQUIRE(ask(running.port(), healthz, taken.back().get()));
    raw_client refused(running.port());
    refused.closed_within(10s);
    check_json_error(take_answer(refused.received()), 503, "too many connections");
    taken.clear();
}

TEST_CASE("admin transport: beyond the request queue, 503 at once",
          "[integration][admin-transport]") {
    // /healthz holds the only worker until released.
    struct gate {
        std::mutex mutex;
        std::condition_variable changed;
        int entered = 0;
        bool open = false;
    };
    auto g = std::make_shared<gate>();
    auto backend = ready_backend();
    backend.waiting_for = [g] {
        std::unique_lock lock(g->mutex);
        ++g->entered;
        g->changed.notify_all();
        g->changed.wait(lock, [&] { return g->open; });
        return std::string();
    };
    eg::server::admin_server_settings settings;
    settings.max_threads = 1;
    settings.max_queued = 1;
    running_server running(settings, backend);
    raw_client working(running.port());
    REQUIRE(working.send(healthz));
    {
        std::unique_lock lock(g->mutex);
        REQUIRE(g->changed.wait_for(lock, 10s, [&] { return g->entered == 1; }));
    }
    raw_client queued(running.port());
    REQUIRE(queued.send(healthz));
    std::this_thread::sleep_for(300ms);  // taken by the loop and queued
    check_json_error(ask(running.port(), healthz), 503, "busy");
    {
        std::lock_guard lock(g->mutex);
        g->open = true;
    }
    g->changed.notify_all();
    const auto first = ask(running.port(), "", &working);
    const auto second = ask(running.port(), "", &queued);
    REQUIRE(first);
    REQUIRE(second);
    CHECK(first->status == 200);
    CHECK(second->status == 200);
}

TEST_CASE("admin transport: basic auth, the access log, and closing after stop_accepting",
          "[integration][admin-transport]") {
    eg::test::temp_dir dir;
    const auto log_path = dir.path() / "access.log";
    auto log = std::make_unique<eg::server::logger>(log_path.string(), false, false);
    eg::server::admin_server_settings settings;
    settings.basic_auth = {{"admin", "s3cret"}};
    settings.access_log = log.get();
    running_server running(settings);
    const int port = running.port();

    const auto refused = ask(port, healthz);
    check_json_error(refused, 401, "basic auth failed");
    CHECK(refused->head.find("\r\nWWW-Authenticate: Basic realm=\"easegress-basic-auth\"\r\n") !=
          std::string::npos);
    // admin:wrong, then admin:s3cret
    check_json_error(ask(port,
                         "GET /apis/v2/healthz HTTP/1.1\r\n"
                         "Authorization: Basic YWRtaW46d3Jvbmc=\r\n\r\n"),
                     401, "basic auth failed");
    const std::string authorized =
        "GET /apis/v2/healthz HTTP/1.1\r\nAuthorization: Basic YWRtaW46czNjcmV0\r\n\r\n";
    raw_client kept(port);
    const auto ok = ask(port, authorized, &kept);
    REQUIRE(ok);
    CHECK(ok->status == 200);
    CHECK(ok->head.find("Connection: close") == std::string::npos);

    // Stopping: the next answer closes its connection, and no new connection is accepted.
    running.server->stop_accepting();
    const auto last = ask(port, authorized, &kept);
    REQUIRE(last);
    CHECK(last->status == 200);
    CHECK(last->head.find("\r\nConnection: close\r\n") != std::string::npos);
    CHECK(kept.closed_within(10s));
    running.server->stop();

    const std::string logged = eg::test::read_text(log_path);
    INFO(logged);
    CHECK(logged.find("GET 127.0.0.1:") != std::string::npos);
    CHECK(logged.find(" /apis/v2/healthz 401 rx:0B tx:") != std::string::npos);
    CHECK(logged.find(" /apis/v2/healthz 200 rx:0B tx:0B process:") != std::string::npos);
}
