// The etcd client and the prefix view against real etcd (Debian's /usr/bin/etcd) on loopback:
// one-member and three-member clusters with fast raft timers, on free ports, each member a child
// process of the test that is SIGKILLed and reaped when the test ends (or dies with it).

#include "daemon/etcd/etcd_client.hpp"
#include "daemon/etcd/prefix_view.hpp"

#include <Poco/SHA1Engine.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/background_process.hpp"
#include "support/free_port.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace std::chrono_literals;
namespace etcd = eg::server::etcd;
using eg::test::free_port;

constexpr auto call_timeout = 5000ms;

std::string etcd_binary() {
    for (const char* candidate : {"/usr/bin/etcd", "/usr/local/bin/etcd"})
        if (::access(candidate, X_OK) == 0) return candidate;
    FAIL("etcd is not installed; run .ci/setup (Debian package etcd-server)");
    return {};
}

std::string loopback(int port) { return "http://127.0.0.1:" + std::to_string(port); }

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds deadline,
                std::chrono::milliseconds every = 20ms) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
        if (condition()) return true;
        std::this_thread::sleep_for(every);
    }
    return condition();
}

// etcd's member id for a new cluster: the first 8 bytes (big-endian) of
// sha1(sorted peer URLs ‖ cluster token).
std::uint64_t member_id_for(const std::string& peer_url, const std::string& token) {
    Poco::SHA1Engine sha1;
    sha1.update(peer_url);
    sha1.update(token);
    const auto& digest = sha1.digest();
    std::uint64_t id = 0;
    for (int i = 0; i < 8; ++i) id = (id << 8) | digest[static_cast<std::size_t>(i)];
    return id;
}

struct etcd_node {
    std::string name;
    int client_port = free_port();
    int peer_port = free_port();
    std::string client_url = loopback(client_port);
    std::string peer_url = loopback(peer_port);
    std::uint64_t expected_id = 0;
    std::string log_file;
    std::unique_ptr<eg::test::background_process> process;

    // SIGKILL and reap.
    void kill() {
        if (!process) return;
        process->signal(SIGKILL);
        process->wait_for(10s);
        process.reset();
    }
    bool running() const { return process != nullptr; }
};

// A cluster of `size` members started together (initial-cluster-state new). The cluster token is
// chosen so that at least one member id is above INT64_MAX.
class etcd_cluster {
public:
    explicit etcd_cluster(int size) {
        for (int i = 0; i < size; ++i) {
            auto node = std::make_unique<etcd_node>();
            node->name = "m" + std::to_string(i + 1);
            node->log_file = (dir_.path() / (node->name + ".log")).string();
            nodes_.push_back(std::move(node));
        }
        for (int attempt = 0;; ++attempt) {
            token_ = "eg-etcd-client-test-" + std::to_string(attempt);
            bool above = false;
            for (auto& node : nodes_) {
                node->expected_id = member_id_for(node->peer_url, token_);
                above = above || node->expected_id > static_cast<std::uint64_t>(
                                                         std::numeric_limits<std::int64_t>::max());
            }
            if (above) break;
        }
        std::string initial;
        for (const auto& node : nodes_)
            initial += (initial.empty() ? "" : ",") + node->name + "=" + node->peer_url;
        for (auto& node : nodes_) {
            const std::vector<std::string> argv = {etcd_binary(),
                                                   "--name",
                                                   node->name,
                                                   "--data-dir",
                                                   (dir_.path() / (node->name + ".etcd")).string(),
                                                   "--listen-client-urls",
                                                   node->client_url,
                                                   "--advertise-client-urls",
                                                   node->client_url,
                                                   "--listen-peer-urls",
                                                   node->peer_url,
                                                   "--initial-advertise-peer-urls",
                                                   node->peer_url,
                                                   "--initial-cluster",
                                                   initial,
                                                   "--initial-cluster-state",
                                                   "new",
                                                   "--initial-cluster-token",
                                                   token_,
                                                   "--heartbeat-interval",
                                                   "10",
                                                   "--election-timeout",
                                                   "100",
                                                   "--pre-vote",
                                                   "--logger",
                                                   "zap",
                                                   "--log-outputs",
                                                   "stderr"};
            node->process = std::make_unique<eg::test::background_process>(
                argv, std::map<std::string, std::string>{}, dir_.path().string(), node->log_file);
        }
    }
    ~etcd_cluster() {
        for (auto& node : nodes_) node->kill();
    }
    etcd_cluster(const etcd_cluster&) = delete;
    etcd_cluster& operator=(const etcd_cluster&) = delete;

    etcd_node& node(std::size_t i) { return *nodes_.at(i); }
    std::size_t size() const { return nodes_.size(); }

    std::vector<std::string> client_urls() const {
        std::vector<std::string> urls;
        for (const auto& node : nodes_) urls.push_back(node->client_url);
        return urls;
    }

    // Every running member says it is healthy (it has a leader).
    bool wait_healthy(std::chrono::milliseconds deadline = 30s) const {
        return wait_until(
            [&] {
                for (const auto& node : nodes_)
                    if (node->running() && !etcd::healthy(node->client_url, 1000ms)) return false;
                return true;
            },
            deadline, 50ms);
    }

    // The last lines of each member's log, for failure messages.
    std::string logs() const {
        std::string text;
        for (const auto& node : nodes_) {
            if (!node->process) continue;
            std::string out = node->process->output();
            if (out.size() > 3000) out = "…" + out.substr(out.size() - 3000);
            text += "---- " + node->name + " (" + node->client_url + ")\n" + out;
        }
        return text;
    }

private:
    eg::test::temp_dir dir_;
    std::string token_;
    std::vector<std::unique_ptr<etcd_node>> nodes_;
};

// A started, healthy cluster, or the test stops with the members' logs.
#define REQUIRE_HEALTHY(cluster)                        \
    do {                                                \
        const bool healthy_ = (cluster).wait_healthy(); \
        INFO((cluster).logs());                         \
        REQUIRE(healthy_);                              \
    } while (false)

// A TCP socket listening on 127.0.0.1 at a port the kernel chose; sets port.
int loopback_listen(int backlog, int& port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(fd, backlog) == 0);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
    return fd;
}

// An HTTP request read from fd: the head and a body of Content-Length bytes; empty when the
// peer goes quiet for timeout_ms or closes first.
std::string read_http_request(int fd, int timeout_ms) {
    std::string request;
    char buffer[4096];
    std::size_t wanted = std::string::npos;
    while (request.size() < wanted) {
        pollfd c{fd, POLLIN, 0};
        if (::poll(&c, 1, timeout_ms) <= 0) return {};
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) return {};
        request.append(buffer, static_cast<std::size_t>(n));
        const auto head_end = request.find("\r\n\r\n");
        if (head_end == std::string::npos || wanted != std::string::npos) continue;
        std::size_t length = 0;
        const auto at = request.find("Content-Length: ");
        if (at != std::string::npos && at < head_end) length = std::stoul(request.substr(at + 16));
        wanted = head_end + 4 + length;
    }
    return request;
}

// A loopback listener whose connections are given to `handle`, one at a time, on a thread of
// its own, until it is destroyed.
class loopback_server {
public:
    explicit loopback_server(std::function<void(int client)> handle)
        : handle_(std::move(handle)), fd_(loopback_listen(16, port_)) {
        thread_ = std::thread([this] {
            while (!stopping_) {
                pollfd p{fd_, POLLIN, 0};
                if (::poll(&p, 1, 20) <= 0) continue;
                const int client = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
                if (client >= 0) handle_(client);
            }
        });
    }
    ~loopback_server() {
        stop();
        ::close(fd_);
    }
    // Stops accepting; returns once no connection is being handled.
    void stop() {
        stopping_ = true;
        if (thread_.joinable()) thread_.join();
    }
    loopback_server(const loopback_server&) = delete;
    loopback_server& operator=(const loopback_server&) = delete;
    std::string url() const { return loopback(port_); }

private:
    std::function<void(int)> handle_;
    int port_ = 0;
    int fd_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

// A loopback TCP listener that never accepts: connections complete (backlog) and then hear
// nothing. accept_pending() counts (and closes) the connections made to it so far.
class silent_listener {
public:
    silent_listener() : fd_(loopback_listen(64, port_)) {
        ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
    }
    ~silent_listener() {
        for (int fd : accepted_) ::close(fd);
        ::close(fd_);
    }
    silent_listener(const silent_listener&) = delete;
    silent_listener& operator=(const silent_listener&) = delete;

    std::string url() const { return loopback(port_); }
    int accept_pending() {
        int count = 0;
        while (true) {
            const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) return count;
            accepted_.push_back(fd);
            ++count;
        }
    }

private:
    int port_ = 0;
    int fd_;
    std::vector<int> accepted_;
};

// A loopback HTTP endpoint that answers every request with the same response (as the gateway of
// a member without quorum answers 503), then closes the connection.
class fixed_answer_server {
public:
    explicit fixed_answer_server(std::string response)
        : response_(std::move(response)), server_([this](int client) { answer(client); }) {}

    std::string url() const { return server_.url(); }
    int requests() const { return requests_.load(); }

private:
    void answer(int client) {
        read_http_request(client, 2000);
        ++requests_;
        const char* data = response_.data();
        std::size_t left = response_.size();
        while (left > 0) {
            const ssize_t n = ::write(client, data, left);
            if (n <= 0) break;
            data += n;
            left -= static_cast<std::size_t>(n);
        }
        ::close(client);
    }

    std::string response_;
    std::atomic<int> requests_{0};
    loopback_server server_;  // last: it calls answer() until destroyed
};

// A loopback HTTP endpoint that passes each request on to an etcd client URL and waits for
// etcd's answer, but never passes the answer back: the request is applied, its answer is lost
// (as when a member applies a request and then the connection to it breaks).
class answer_losing_proxy {
public:
    explicit answer_losing_proxy(int upstream_port)
        : upstream_port_(upstream_port), server_([this](int client) { pass_on(client); }) {}
    ~answer_losing_proxy() {
        server_.stop();
        for (int fd : held_) ::close(fd);
    }
    answer_losing_proxy(const answer_losing_proxy&) = delete;
    answer_losing_proxy& operator=(const answer_losing_proxy&) = delete;

    std::string url() const { return server_.url(); }
    // Requests etcd answered (and whose answers were dropped).
    int applied() const { return applied_.load(); }

private:
    void pass_on(int client) {
        held_.push_back(client);  // kept open, never answered
        const std::string request = read_http_request(client, 5000);
        if (request.empty()) return;
        const int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(static_cast<std::uint16_t>(upstream_port_));
        if (::connect(upstream, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
            ::write(upstream, request.data(), request.size()) ==
                static_cast<ssize_t>(request.size())) {
            pollfd u{upstream, POLLIN, 0};
            char buffer[4096];
            // (The client's status probes of an endpoint that does not answer are not counted.)
            if (::poll(&u, 1, 10000) > 0 && ::read(upstream, buffer, sizeof buffer) > 0 &&
                request.rfind("POST /v3/maintenance/status", 0) != 0)
                ++applied_;
        }
        ::close(upstream);
    }

    int upstream_port_;
    std::vector<int> held_;
    std::atomic<int> applied_{0};
    loopback_server server_;  // last: it calls pass_on() until destroyed
};

const std::string no_leader_503 = [] {
    const std::string body =
        R"({"error":"etcdserver: no leader","code":14,"message":"etcdserver: no leader"})";
    return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
           "Content-Length: " +
           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}();

// Runs f on a thread of its own; false when it has not returned within deadline (the thread is
// then left behind, holding what f holds, so that the test can fail instead of hanging).
bool returns_within(std::function<void()> f, std::chrono::milliseconds deadline) {
    auto done = std::make_shared<std::promise<void>>();
    auto future = done->get_future();
    std::thread([f = std::move(f), done] {
        f();
        done->set_value();
    }).detach();
    return future.wait_for(deadline) == std::future_status::ready;
}

std::set<std::uint64_t> ids_of(const std::vector<etcd::member>& members) {
    std::set<std::uint64_t> ids;
    for (const auto& m : members) ids.insert(m.id);
    return ids;
}

std::vector<std::string> keys_of(const std::map<std::string, etcd::key_value>& entries) {
    std::vector<std::string> keys;
    for (const auto& [key, kv] : entries) keys.push_back(key);
    return keys;
}

// The leader every running member agrees on (0 while they do not agree).
std::uint64_t agreed_leader(etcd::client& client, etcd_cluster& cluster) {
    std::uint64_t leader = 0;
    for (std::size_t i = 0; i < cluster.size(); ++i) {
        if (!cluster.node(i).running()) continue;
        try {
            const auto status = client.status_of(cluster.node(i).client_url);
            if (status.leader == 0 || (leader != 0 && status.leader != leader)) return 0;
            leader = status.leader;
        } catch (const etcd::error&) {
            return 0;
        }
    }
    return leader;
}

// Retries f until it does not throw etcd::error, within deadline; false if it never succeeded.
bool succeeds_within(const std::function<void()>& f, std::chrono::milliseconds deadline,
                     std::string& last_error) {
    return wait_until(
        [&] {
            try {
                f();
                return true;
            } catch (const etcd::error& e) {
                last_error = e.what();
                return false;
            }
        },
        deadline, 50ms);
}

}  // namespace

// ---- key-value ---------------------------------------------------------------------------

TEST_CASE("etcd client: put and get round-trip binary keys and values",
          "[integration][etcd-client]") {
    etcd_cluster cluster(1);
    REQUIRE_HEALTHY(cluster);
    etcd::client client(cluster.client_urls(), call_timeout);

    const std::string key("/bin/\0\xff\x01key", 11);
    std::string value;
    for (int i = 0; i < 256; ++i) value += static_cast<char>(255 - i);
    const auto revision = client.put(key, value);
    CHECK(revision > 0);

    const auto read = client.get(key);
    REQUIRE(read.kvs.size() == 1);
    CHECK(read.kvs[0].key == key);
    CHECK(read.kvs[0].value == value);
    CHECK(read.kvs[0].mod_revision == revision);
    CHECK(read.kvs[0].create_revision == revision);
    CHECK(read.kvs[0].version == 1);
    CHECK(read.kvs[0].lease == 0);
    CHECK(read.revision >= revision);

    // The key is exact: its prefix and the key without the '\0' are other keys.
    CHECK(client.get(std::string("/bin/", 5)).kvs.empty());
    CHECK(client.get("/bin/\xff\x01key").kvs.empty());

    // Overwrite, and an empty value.
    const auto second = client.put(key, "");
    CHECK(second > revision);
    const auto again = client.get(key);
    REQUIRE(again.kvs.size() == 1);
    CHECK(again.kvs[0].value.empty());
    CHECK(again.kvs[0].version == 2);
    CHECK(again.kvs[0].create_revision == revision);

    CHECK(client.get("/no/such/key").kvs.empty());
}

TEST_CASE("etcd client: get_prefix returns exactly the keys with the prefix",
          "[integration][etcd-client]") {
    etcd_cluster cluster(1);
    REQUIRE_HEALTHY(cluster);
    etcd::client client(cluster.client_urls(), call_timeout);

    const std::string prefix("/p\xff/", 4);
    const std::vector<std::string> inside = {prefix, prefix + "a", prefix + "b/c",
                                             prefix + std::string("\0", 1),
                                             prefix + std::string("\xff\xff", 2)};
    const std::vector<std::string> outside = {"/p",
                                              std::string("/p\xff", 3),
                                              std::string("/p\xff.", 4),
                                              std::string("/p\xff", 3) + "0",
                                              "/p/a",
                                              std::string("/p\xfe/a", 5),
                                              std::string("/q\0/", 4),
                                              "/"};
    for (const auto& key : inside) client.put(key, "in:" + key);
    for (const auto& key : outside) client.put(key, "out:" + key);

    const auto read = client.get_prefix(prefix);
    std::vector<std::string> keys;
    for (const auto& kv : read.kvs) {
        keys.push_back(kv.key);
        CHECK(kv.value == "in:" + kv.key);
    }
    auto expected = inside;
    std::sort(expected.begin(), expected.end());
    CHECK(keys == expected);  // etcd answers in key order
    CHECK(read.revision >= static_cast<std::int64_t>(inside.size() + outside.size()) + 1);

    CHECK(client.get_prefix("/nothing/here/").kvs.empty());
}

TEST_CASE("etcd client: put_if_absent creates once, erase deletes", "[integration][etcd-client]") {
    etcd_cluster cluster(1);
    REQUIRE_HEALTHY(cluster);
    etcd::client client(cluster.client_urls(), call_timeout);

    CHECK(client.put_if_absent("/once", "first"));
    CHECK_FALSE(client.put_if_absent("/once", "second"));
    auto read = client.get("/once");
    REQUIRE(read.kvs.size() == 1);
    CHECK(read.kvs[0].value == "first");

    CHECK(client.erase("/once") == 1);
    CHECK(client.get("/once").kvs.empty());
    CHECK(client.erase("/once") == 0);
    // Absent again: it can be created again.
    CHECK(client.put_if_absent("/once", "third"));
    read = client.get("/once");
    REQUIRE(read.kvs.size() == 1);
    CHECK(read.kvs[0].value == "third");
    // erase is of one key, not of a prefix.
    client.put("/once/child", "x");
    CHECK(client.erase("/once") == 1);
    CHECK(client.get("/once/child").kvs.size() == 1);
}

TEST_CASE("etcd client: a key under a lease goes with the lease", "[integration][etcd-client]") {
    etcd_cluster cluster(1);
    REQUIRE_HEALTHY(cluster);
    etcd::client client(cluster.client_urls(), call_timeout);

    const auto lease = client.grant_lease(60);
    REQUIRE(lease != 0);
    const auto other = client.grant_lease(60);
    CHECK(other != lease);
    client.put("/leased/put", "p", lease);
    CHECK(client.put_if_absent("/leased/txn", "t", lease));
    client.put("/leased/other", "o", other);

    const auto read = client.get("/leased/put");
    REQUIRE(read.kvs.size() == 1);
    CHECK(read.kvs[0].lease == lease);
    REQUIRE(client.get("/leased/txn").kvs.size() == 1);
    CHECK(client.get("/leased/txn").kvs[0].lease == lease);

    const auto ttl = client.keep_alive(lease);
    CHECK(ttl > 0);
    CHECK(ttl <= 60);

    client.revoke_lease(lease);
    CHECK(client.get("/leased/put").kvs.empty());
    CHECK(client.get("/leased/txn").kvs.empty());
    CHECK(client.get("/leased/other").kvs.size() == 1);  // another lease's key stays

    CHECK(client.keep_alive(lease) == 0);
    CHECK_NOTHROW(client.revoke_lease(lease));  // revoking a gone lease is not an error
    CHECK(client.keep_alive(other) > 0);
}

TEST_CASE("etcd client: an error of the request is thrown, not tried elsewhere",
          "[integration][etcd-client]") {
    etcd_cluster cluster(1);
    REQUIRE_HEALTHY(cluster);
    fixed_answer_server second(no_leader_503);
    etcd::client client({cluster.node(0).client_url, second.url()}, call_timeout);

    // A put under a lease that does not exist: etcd says "requested lease not found".
    try {
        client.put("/k", "v", 1234567);
        FAIL("put under an unknown lease did not throw");
    } catch (const etcd::error& e) {
        INFO(e.what());
        CHECK_FALSE(e.unavailable());
        CHECK(e.http_status() != 200);
        CHECK(std::string(e.what()).find("lease not found") != std::string::npos);
    }
    CHECK(second.requests() == 0);
    CHECK(client.get("/k").kvs.empty());
}

TEST_CASE("etcd client: put_if_absent does not answer 'not created' for a key it created",
          "[integration][etcd-client]") {
    // The first endpoint applies the transaction but its answer is lost; the client goes on to
    // the next endpoint. Whatever it then answers, "false" (someone else's key) is wrong: the
    // key is this call's. true, or an error saying the outcome is unknown, would be right.
    etcd_cluster cluster(1);
    REQUIRE_HEALTHY(cluster);
    answer_losing_proxy proxy(cluster.node(0).client_port);
    etcd::client client({proxy.url(), cluster.node(0).client_url}, 1000ms);

    std::optional<bool> created;
    std::string error;
    try {
        created = client.put_if_absent("/created-once", "mine");
    } catch (const etcd::error& e) {
        error = e.what();
    }
    REQUIRE(proxy.applied() == 1);
    const auto read = client.get("/created-once");
    REQUIRE(read.kvs.size() == 1);
    REQUIRE(read.kvs[0].value == "mine");
    REQUIRE(read.kvs[0].version == 1);  // created once, by this call
    INFO("put_if_absent answered " << (created ? (*created ? "true" : "false") : "an error: ")
                                   << error);
    CHECK_FALSE((created.has_value() && !*created));
}

TEST_CASE("etcd client: keep_alive on a member without quorum throws, it does not say 'gone'",
          "[integration][etcd-client]") {
    etcd_cluster cluster(3);
    REQUIRE_HEALTHY(cluster);
    etcd::client client(cluster.client_urls(), call_timeout);
    const auto lease = client.grant_lease(60);
    REQUIRE(client.keep_alive(lease) > 0);

    cluster.node(1).kill();
    cluster.node(2).kill();
    const std::string last = cluster.node(0).client_url;
    // Wait until the one left knows it has no leader.
    REQUIRE(wait_until(
        [&] {
            try {
                return client.status_of(last).leader == 0;
            } catch (const etcd::error&) {
                return false;
            }
        },
        30s));
    etcd::client alone({last}, call_timeout);
    std::optional<std::int64_t> ttl;
    std::string error;
    bool unavailable = false;
    try {
        ttl = alone.keep_alive(lease);
    } catch (const etcd::error& e) {
        error = e.what();
        unavailable = e.unavailable();
    }
    INFO("keep_alive answered " << (ttl ? std::to_string(*ttl) : "an error: " + error));
    CHECK_FALSE((ttl.has_value() && *ttl == 0));  // the lease exists: it is not "gone"
    if (!ttl) CHECK(unavailable);
}

// ---- cluster -----------------------------------------------------------------------------

TEST_CASE("etcd client: members, members_from_peer and status_of on a 3-member cluster",
          "[integration][etcd-client]") {
    etcd_cluster cluster(3);
    REQUIRE_HEALTHY(cluster);
    etcd::client client(cluster.client_urls(), call_timeout);

    std::set<std::uint64_t> expected_ids;
    bool above_int64 = false;
    for (std::size_t i = 0; i < cluster.size(); ++i) {
        expected_ids.insert(cluster.node(i).expected_id);
        above_int64 =
            above_int64 || cluster.node(i).expected_id >
                               static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    }
    REQUIRE(above_int64);  // the cluster token was chosen so

    const auto members = client.members();
    REQUIRE(members.size() == 3);
    CHECK(ids_of(members) == expected_ids);
    for (std::size_t i = 0; i < cluster.size(); ++i) {
        const auto& node = cluster.node(i);
        const auto it = std::find_if(members.begin(), members.end(),
                                     [&](const auto& m) { return m.name == node.name; });
        REQUIRE(it != members.end());
        INFO("member " << node.name);
        CHECK(it->id == node.expected_id);
        CHECK(it->client_urls == std::vector<std::string>{node.client_url});
        CHECK(it->peer_urls == std::vector<std::string>{node.peer_url});
    }

    // The peer listener's list: the same members (its ids are JSON numbers, not strings).
    for (std::size_t i = 0; i < cluster.size(); ++i) {
        const auto from_peer = etcd::members_from_peer(cluster.node(i).peer_url, call_timeout);
        INFO("peer " << cluster.node(i).peer_url);
        CHECK(ids_of(from_peer) == ids_of(members));
        for (const auto& m : from_peer) {
            const auto it = std::find_if(members.begin(), members.end(),
                                         [&](const auto& n) { return n.id == m.id; });
            REQUIRE(it != members.end());
            CHECK(m.name == it->name);
            CHECK(m.client_urls == it->client_urls);
            CHECK(m.peer_urls == it->peer_urls);
        }
    }
    CHECK_THROWS_AS(etcd::members_from_peer(loopback(free_port()), call_timeout), etcd::error);

    // Each member reports itself, and they agree on a leader that is one of them.
    std::uint64_t leader = 0;
    REQUIRE(wait_until([&] { return (leader = agreed_leader(client, cluster)) != 0; }, 20s));
    CHECK(expected_ids.count(leader) == 1);
    for (std::size_t i = 0; i < cluster.size(); ++i) {
        const auto status = client.status_of(cluster.node(i).client_url);
        INFO("member " << cluster.node(i).name);
        CHECK(status.member_id == cluster.node(i).expected_id);
        CHECK(status.raft_term > 0);
    }
    CHECK_THROWS_AS(client.status_of(loopback(free_port())), etcd::error);

    CHECK(etcd::healthy(cluster.node(0).client_url, call_timeout));
    CHECK_FALSE(etcd::healthy(loopback(free_port()), call_timeout));

    // A member added (never started) is listed without a name, then removed. etcd refuses to
    // add one until its members have been connected for a while: retried within a deadline.
    // An add or remove whose answer was lost may still have been applied (the client tries the
    // next endpoint after a timeout), so a retry first looks whether it is done already.
    const std::string peer = loopback(free_port());
    const auto listed = [&]() -> std::uint64_t {
        for (const auto& m : client.members())
            if (m.peer_urls == std::vector<std::string>{peer}) return m.id;
        return 0;
    };
    std::uint64_t added_id = 0;
    std::string last_error;
    const bool added = succeeds_within(
        [&] {
            if ((added_id = listed()) == 0) added_id = client.add_member({peer});
        },
        60s, last_error);
    INFO("last error: " << last_error);
    INFO(cluster.logs());
    REQUIRE(added);
    CHECK(added_id != 0);
    auto now = client.members();
    REQUIRE(now.size() == 4);
    const auto it =
        std::find_if(now.begin(), now.end(), [&](const auto& m) { return m.id == added_id; });
    REQUIRE(it != now.end());
    CHECK(it->name.empty());
    CHECK(it->peer_urls == std::vector<std::string>{peer});
    CHECK(it->client_urls.empty());
    CHECK(ids_of(etcd::members_from_peer(cluster.node(0).peer_url, call_timeout)).count(added_id) ==
          1);

    const bool removed = succeeds_within(
        [&] {
            if (listed() != 0) client.remove_member(added_id);
        },
        60s, last_error);
    INFO("last error: " << last_error);
    REQUIRE(removed);
    CHECK(ids_of(client.members()) == expected_ids);
}

// ---- fail-over -----------------------------------------------------------------------------

TEST_CASE("etcd client: a dead endpoint before a live one is skipped",
          "[integration][etcd-client]") {
    etcd_cluster cluster(1);
    REQUIRE_HEALTHY(cluster);
    const std::string dead = loopback(free_port());
    etcd::client client({dead, cluster.node(0).client_url}, call_timeout);

    CHECK(client.put("/failover", "1") > 0);
    const auto read = client.get("/failover");
    REQUIRE(read.kvs.size() == 1);
    CHECK(read.kvs[0].value == "1");
    CHECK(client.endpoints() == std::vector<std::string>{dead, cluster.node(0).client_url});
}

TEST_CASE("etcd client: an endpoint that never answers is left after the timeout, then avoided",
          "[integration][etcd-client]") {
    etcd_cluster cluster(1);
    REQUIRE_HEALTHY(cluster);
    silent_listener silent;
    etcd::client client({silent.url(), cluster.node(0).client_url}, 500ms);

    CHECK(client.put("/silent", "1") > 0);
    CHECK(silent.accept_pending() >= 1);  // it was tried first
    // The endpoint that answered is preferred: the silent one is not tried again.
    for (int i = 0; i < 5; ++i) CHECK(client.get("/silent").kvs.size() == 1);
    CHECK(silent.accept_pending() == 0);
}

TEST_CASE("etcd client: an endpoint that answers 503 is skipped", "[integration][etcd-client]") {
    etcd_cluster cluster(1);
    REQUIRE_HEALTHY(cluster);
    fixed_answer_server no_quorum(no_leader_503);
    etcd::client client({no_quorum.url(), cluster.node(0).client_url}, call_timeout);

    CHECK(client.put("/503", "1") > 0);
    CHECK(no_quorum.requests() >= 1);
    const auto read = client.get("/503");
    REQUIRE(read.kvs.size() == 1);
    CHECK(read.kvs[0].value == "1");

    // Alone, it is an unavailable cluster.
    etcd::client alone({no_quorum.url()}, call_timeout);
    try {
        alone.get("/503");
        FAIL("a client whose only endpoint answers 503 did not throw");
    } catch (const etcd::error& e) {
        INFO(e.what());
        CHECK(e.unavailable());
        CHECK(std::string(e.what()).find("no leader") != std::string::npos);
    }
}

TEST_CASE("etcd client: with every endpoint dead a call throws unavailable, without hanging",
          "[integration][etcd-client]") {
    // Refused connections, and a listener that accepts but never answers.
    auto silent = std::make_shared<silent_listener>();
    auto client = std::make_shared<etcd::client>(
        std::vector<std::string>{loopback(free_port()), silent->url(), loopback(free_port())},
        500ms);
    auto outcome = std::make_shared<std::string>();
    const bool returned = returns_within(
        [client, silent, outcome] {
            try {
                client->get("/anything");
                *outcome = "answered";
            } catch (const etcd::error& e) {
                *outcome = e.unavailable() ? "unavailable" : std::string("error: ") + e.what();
            } catch (const std::exception& e) {
                *outcome = std::string("other exception: ") + e.what();
            }
        },
        60s);
    REQUIRE(returned);
    CHECK(*outcome == "unavailable");

    etcd::client none({}, 500ms);
    try {
        none.get("/anything");
        FAIL("a client without endpoints did not throw");
    } catch (const etcd::error& e) {
        CHECK(e.unavailable());
    }
}

TEST_CASE("etcd client: with the leader's member killed the client answers through the others",
          "[integration][etcd-client]") {
    etcd_cluster cluster(3);
    REQUIRE_HEALTHY(cluster);
    etcd::client client(cluster.client_urls(), call_timeout);

    std::uint64_t leader = 0;
    REQUIRE(wait_until([&] { return (leader = agreed_leader(client, cluster)) != 0; }, 20s));
    std::size_t leader_index = cluster.size();
    for (std::size_t i = 0; i < cluster.size(); ++i)
        if (cluster.node(i).expected_id == leader) leader_index = i;
    REQUIRE(leader_index < cluster.size());

    // The leader first, and it answered last: it is the preferred endpoint.
    std::vector<std::string> endpoints = {cluster.node(leader_index).client_url};
    for (std::size_t i = 0; i < cluster.size(); ++i)
        if (i != leader_index) endpoints.push_back(cluster.node(i).client_url);
    client.set_endpoints(endpoints);
    client.put("/before", "1");

    cluster.node(leader_index).kill();
    std::string last_error;
    const bool wrote = succeeds_within([&] { client.put("/after", "2"); }, 30s, last_error);
    INFO("last error: " << last_error);
    INFO(cluster.logs());
    REQUIRE(wrote);
    const auto read = client.get_prefix("/");
    REQUIRE(read.kvs.size() == 2);
    CHECK(read.kvs[0].value == "2");  // "/after" < "/before"
    CHECK(read.kvs[1].value == "1");
    CHECK(client.members().size() == 3);  // killed, still a member
    // A new leader, one of the others.
    std::uint64_t new_leader = 0;
    CHECK(wait_until([&] { return (new_leader = agreed_leader(client, cluster)) != 0; }, 20s));
    CHECK(new_leader != leader);
}

// ---- prefix view -------------------------------------------------------------------------

TEST_CASE("etcd client: prefix_view reads its prefix, then follows puts and deletes",
          "[integration][etcd-client][prefix-view]") {
    etcd_cluster cluster(1);
    REQUIRE_HEALTHY(cluster);
    etcd::client client(cluster.client_urls(), call_timeout);
    etcd::client writer(cluster.client_urls(), call_timeout);
    writer.put("/view/a", "1");
    writer.put("/view", "not in it");
    writer.put("/viewx/a", "not in it");
    writer.put("/vie", "not in it");

    std::atomic<int> changes{0};
    std::mutex troubles_mutex;
    std::vector<std::string> troubles;
    etcd::prefix_view view(
        client, "/view/", [&] { ++changes; },
        [&](const std::string& text) {
            std::lock_guard lock(troubles_mutex);
            troubles.push_back(text);
        });
    CHECK_FALSE(view.synced());
    view.start();
    REQUIRE(wait_until([&] { return view.synced(); }, 20s));
    CHECK(keys_of(view.snapshot()) == std::vector<std::string>{"/view/a"});
    CHECK(view.snapshot().at("/view/a").value == "1");
    CHECK(wait_until([&] { return changes.load() >= 1; }, 10s));

    const auto put_b = writer.put("/view/b", std::string("\0b", 2));
    REQUIRE(view.wait_for_revision(put_b, 20s));
    auto snapshot = view.snapshot();
    CHECK(keys_of(snapshot) == std::vector<std::string>{"/view/a", "/view/b"});
    CHECK(snapshot.at("/view/b").value == std::string("\0b", 2));
    CHECK(snapshot.at("/view/b").mod_revision == put_b);

    const auto put_a = writer.put("/view/a", "2");
    REQUIRE(view.wait_for_revision(put_a, 20s));
    CHECK(view.snapshot().at("/view/a").value == "2");
    CHECK(view.snapshot().at("/view/a").version == 2);

    REQUIRE(writer.erase("/view/a") == 1);
    const auto after_erase = writer.get("/view/a").revision;
    REQUIRE(view.wait_for_revision(after_erase, 20s));
    CHECK(keys_of(view.snapshot()) == std::vector<std::string>{"/view/b"});
    CHECK(view.revision() >= after_erase);

    // Keys outside the prefix never show up; a revision not reached is waited for in vain.
    writer.put("/viewy", "outside");
    const auto outside = writer.put("/view0", "outside");
    CHECK_FALSE(view.wait_for_revision(outside + 100, 300ms));
    CHECK(keys_of(view.snapshot()) == std::vector<std::string>{"/view/b"});

    const auto put_c = writer.put("/view/c", "3");
    REQUIRE(view.wait_for_revision(put_c, 20s));
    CHECK(keys_of(view.snapshot()) == std::vector<std::string>{"/view/b", "/view/c"});
    // read + 4 changes; the callback runs after waiters are woken, hence waited for.
    CHECK(wait_until([&] { return changes.load() >= 5; }, 10s));
    {
        std::lock_guard lock(troubles_mutex);
        CHECK(troubles.empty());
    }

    view.stop();
    CHECK_FALSE(view.wait_for_revision(put_c, 1000ms));  // stopped: no waiting
}

TEST_CASE("etcd client: prefix_view keeps following after the member it streams from is killed",
          "[integration][etcd-client][prefix-view]") {
    etcd_cluster cluster(3);
    REQUIRE_HEALTHY(cluster);
    // The view streams from the first endpoint it is given, the writer uses the others.
    etcd::client client(cluster.client_urls(), call_timeout);
    etcd::client writer({cluster.node(1).client_url, cluster.node(2).client_url}, call_timeout);
    std::atomic<int> troubles{0};
    etcd::prefix_view view(
        client, "/members/", {}, [&](const std::string&) { ++troubles; }, 2000ms);
    view.start();
    REQUIRE(wait_until([&] { return view.synced(); }, 20s));
    const auto first = writer.put("/members/one", "1");
    REQUIRE(view.wait_for_revision(first, 20s));

    cluster.node(0).kill();
    std::string last_error;
    std::int64_t second = 0;
    REQUIRE(succeeds_within([&] { second = writer.put("/members/two", "2"); }, 30s, last_error));
    REQUIRE(writer.erase("/members/one") == 1);
    const auto third = writer.put("/members/three", "3");

    const bool followed = view.wait_for_revision(third, 30s);
    INFO(cluster.logs());
    REQUIRE(followed);
    const auto snapshot = view.snapshot();
    CHECK(keys_of(snapshot) == std::vector<std::string>{"/members/three", "/members/two"});
    CHECK(snapshot.at("/members/two").mod_revision == second);
    CHECK(troubles.load() >= 1);  // the broken stream was reported
}

TEST_CASE("etcd client: prefix_view re-reads its prefix after the history it missed was compacted",
          "[integration][etcd-client][prefix-view]") {
    etcd_cluster cluster(1);
    REQUIRE_HEALTHY(cluster);
    const std::string live = cluster.node(0).client_url;
    etcd::client client({live}, call_timeout);
    etcd::client writer({live}, call_timeout);
    writer.put("/c/gone", "1");
    writer.put("/c/kept", "1");

    const auto compact = [&] {
        const auto revision = writer.get("/").revision;
        writer.call("/v3/kv/compaction",
                    {{"revision", std::to_string(revision)}, {"physical", true}});
        return revision;
    };

    SECTION("while it runs: its stream moved to a dead endpoint, then back") {
        std::mutex mutex;
        std::vector<std::string> troubles;
        const std::string dead = loopback(free_port());
        // A short idle: the quiet stream is re-established often, on the endpoints of now.
        etcd::prefix_view view(
            client, "/c/", {},
            [&](const std::string& text) {
                std::lock_guard lock(mutex);
                troubles.push_back(text);
            },
            200ms);
        view.start();
        REQUIRE(wait_until([&] { return view.synced(); }, 20s));
        CHECK(keys_of(view.snapshot()) == std::vector<std::string>{"/c/gone", "/c/kept"});

        client.set_endpoints({dead});
        const auto port = dead.substr(dead.rfind(':'));
        REQUIRE(wait_until(
            [&] {
                std::lock_guard lock(mutex);
                return std::any_of(troubles.begin(), troubles.end(), [&](const auto& t) {
                    return t.find(port) != std::string::npos;
                });
            },
            20s));
        // Meanwhile: changes it does not see, and their history compacted away.
        REQUIRE(writer.erase("/c/gone") == 1);
        writer.put("/c/new", "2");
        writer.put("/c/kept", "2");
        const auto compacted = compact();

        client.set_endpoints({live});
        const bool recovered = view.wait_for_revision(compacted, 30s);
        {
            std::lock_guard lock(mutex);
            std::string text;
            for (const auto& t : troubles) text += t + "\n";
            INFO("troubles:\n" << text);
            REQUIRE(recovered);
        }
        auto snapshot = view.snapshot();
        CHECK(keys_of(snapshot) == std::vector<std::string>{"/c/kept", "/c/new"});
        CHECK(snapshot.at("/c/kept").value == "2");

        // And it follows from there.
        const auto later = writer.put("/c/later", "3");
        REQUIRE(view.wait_for_revision(later, 20s));
        CHECK(keys_of(view.snapshot()) ==
              std::vector<std::string>{"/c/kept", "/c/later", "/c/new"});
    }

    SECTION("while it is stopped, then started again") {
        etcd::prefix_view view(client, "/c/");
        view.start();
        REQUIRE(wait_until([&] { return view.synced(); }, 20s));
        view.stop();

        REQUIRE(writer.erase("/c/gone") == 1);
        writer.put("/c/new", "2");
        const auto compacted = compact();

        view.start();
        REQUIRE(view.wait_for_revision(compacted, 20s));
        CHECK(keys_of(view.snapshot()) == std::vector<std::string>{"/c/kept", "/c/new"});
        const auto later = writer.put("/c/later", "3");
        REQUIRE(view.wait_for_revision(later, 20s));
        CHECK(keys_of(view.snapshot()) ==
              std::vector<std::string>{"/c/kept", "/c/later", "/c/new"});
    }
}
