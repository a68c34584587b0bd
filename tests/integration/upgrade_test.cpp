// Graceful upgrade: `--signal-upgrade` makes a running member hand its admin listener over to a
// new process of its binary; requests sent all the while never fail.

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "support/file_text.hpp"
#include "support/local_cluster.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace std::chrono_literals;
using eg::test::adopted_process;
using eg::test::local_cluster;
using eg::test::read_text;

pid_t pid_in(const std::filesystem::path& pid_file) {
    const std::string text = read_text(pid_file);
    return text.empty() ? 0 : static_cast<pid_t>(std::stol(text));
}

// Requests to one admin API in a loop until stopped; every answer that is not 200, and every
// request that gets no answer, is a failure. keep_alive: one connection while the server keeps
// it; otherwise a new connection for every request.
class request_loop {
public:
    request_loop(std::string host, int port, bool keep_alive)
        : host_(std::move(host)), port_(port), keep_alive_(keep_alive) {
        thread_ = std::thread([this] { run(); });
    }
    ~request_loop() { stop(); }
    void stop() {
        stopping_ = true;
        if (thread_.joinable()) thread_.join();
    }
    int requests() const { return requests_; }
    int failures() const { return failures_; }
    std::string first_failure() const { return first_failure_; }

private:
    void run() {
        const char* paths[] = {"/apis/v2/healthz", "/apis/v2/status/members", "/apis/v2/objects"};
        std::unique_ptr<Poco::Net::HTTPClientSession> session;
        for (int i = 0; !stopping_; ++i) {
            if (!session || !keep_alive_) {
                session = std::make_unique<Poco::Net::HTTPClientSession>(host_, port_);
                session->setTimeout(Poco::Timespan(10, 0));
                session->setKeepAlive(keep_alive_);
            }
            const std::string path = paths[i % 3];
            std::string problem;
            try {
                Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                               Poco::Net::HTTPMessage::HTTP_1_1);
                request.setKeepAlive(keep_alive_);
                session->sendRequest(request);
                Poco::Net::HTTPResponse response;
                std::string body;
                Poco::StreamCopier::copyToString(session->receiveResponse(response), body);
                if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK)
                    problem = path + ": " + std::to_string(response.getStatus()) + " " + body;
            } catch (const std::exception& e) {
                problem = path + ": " + e.what();
                session.reset();
            }
            ++requests_;
            if (!problem.empty() && failures_++ == 0) first_failure_ = problem;
            std::this_thread::sleep_for(2ms);
        }
    }

    std::string host_;
    int port_;
    bool keep_alive_;
    std::atomic<bool> stopping_{false};
    std::atomic<int> requests_{0};
    std::atomic<int> failures_{0};
    std::string first_failure_;
    std::thread thread_;
};

// --signal-upgrade for member i, with its own flags.
eg::test::process_result signal_upgrade(local_cluster& cluster, int i) {
    auto args = cluster.tutorial_flags(i);
    const auto extra = cluster.test_flags(i);
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back("--signal-upgrade");
    return eg::test::run_built("easegress-server", args, {}, cluster.dir.path().string());
}

// Upgrades member i of the cluster while two request loops run against its admin API; checks
// no request failed, the pid file names the new process, the old one exited with 0.
void upgrade_under_load(local_cluster& cluster, int i, adopted_process& upgraded) {
    const std::filesystem::path pid_file =
        std::filesystem::path(cluster.home_of(i)) / "easegress.pid";
    const pid_t old_pid = cluster.process(i).pid();
    REQUIRE(pid_in(pid_file) == old_pid);
    const int port = std::stoi(cluster.member(i).api_addr().substr(10));

    request_loop fresh_connections("127.0.0.1", port, false);
    request_loop one_connection("127.0.0.1", port, true);
    std::this_thread::sleep_for(300ms);
    const auto signalled = signal_upgrade(cluster, i);
    INFO(signalled.out << signalled.err);
    REQUIRE(signalled.exit_code == 0);
    CHECK(signalled.out.find("graceful upgrade signal sent to process " +
                             std::to_string(old_pid)) != std::string::npos);

    // The old process exits by itself once the new one serves.
    const auto old_exit = cluster.process(i).wait_for(60s);
    upgraded.pid = pid_in(pid_file);
    std::this_thread::sleep_for(500ms);  // the new process alone serves for a while
    fresh_connections.stop();
    one_connection.stop();

    INFO(cluster.outputs());
    REQUIRE(old_exit.has_value());
    CHECK(*old_exit == 0);
    CHECK(upgraded.pid != old_pid);
    CHECK(eg::test::process_alive(upgraded.pid));
    INFO("first failure (new connections): " << fresh_connections.first_failure());
    INFO("first failure (one connection): " << one_connection.first_failure());
    CHECK(fresh_connections.failures() == 0);
    CHECK(one_connection.failures() == 0);
    CHECK(fresh_connections.requests() > 50);
    CHECK(one_connection.requests() > 50);
}

}  // namespace

TEST_CASE("upgrade: a primary and a secondary upgrade without one failed admin request",
          "[integration][upgrade]") {
    local_cluster cluster;
    cluster.start_all();
    REQUIRE(eg::test::wait_until([&] { return cluster.members_seen_by(1).size() == 4; }, 60s));

    adopted_process primary;
    upgrade_under_load(cluster, 1, primary);
    adopted_process secondary;
    upgrade_under_load(cluster, 4, secondary);

    // The upgraded members are members as before: listed, heartbeating, writing.
    CHECK(eg::test::wait_until(
        [&] {
            const auto rows = cluster.members_seen_by(4);
            return rows.size() == 4;
        },
        30s));
    const auto object_file = cluster.dir.path() / "server.yaml";
    { std::ofstream(object_file) << "kind: HTTPServer\nname: after-upgrade\nport: 10080\n"; }
    const auto applied = cluster.egctl(1, {"apply", "-f", object_file.string()});
    INFO(applied.out << applied.err);
    CHECK(applied.exit_code == 0);
    CHECK(eg::test::wait_until(
        [&] {
            return cluster.egctl(4, {"get", "httpserver", "after-upgrade"}).exit_code == 0;
        },
        30s));

    // And can be upgraded again.
    adopted_process again;
    const pid_t first = primary.pid;
    {
        const auto signalled = signal_upgrade(cluster, 1);
        REQUIRE(signalled.exit_code == 0);
    }
    const auto pid_file = std::filesystem::path(cluster.home_of(1)) / "easegress.pid";
    CHECK(eg::test::wait_until([&] { return pid_in(pid_file) != first; }, 60s));
    CHECK(eg::test::wait_until([&] { return !eg::test::process_alive(first); }, 30s));
    again.pid = pid_in(pid_file);
    CHECK(eg::test::wait_until([&] { return cluster.egctl(1, {"health"}).exit_code == 0; }, 30s));
}

TEST_CASE("upgrade: when the new process cannot start, the old one goes on",
          "[integration][upgrade]") {
    local_cluster cluster(1, 0);
    // Flags from a config file, so that the new process reads a file that has become invalid.
    const auto config_file = cluster.dir.path() / "machine-1.yaml";
    auto args = cluster.tutorial_flags(1);
    const auto extra = cluster.test_flags(1);
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"--config-file", config_file.string()});
    { std::ofstream(config_file) << "log-dir: logs\n"; }
    auto& process = cluster.start(1, args);
    REQUIRE(eg::test::wait_until([&] { return cluster.egctl(1, {"health"}).exit_code == 0; }, 60s));

    // Not YAML any more: the new process exits at once with a configuration error.
    { std::ofstream(config_file) << "log-dir: [logs\n"; }
    const auto signalled = signal_upgrade(cluster, 1);
    INFO(signalled.out << signalled.err);
    REQUIRE(signalled.exit_code == 0);

    const auto log_file = std::filesystem::path(cluster.home_of(1)) / "logs" / "stdout.log";
    CHECK(eg::test::wait_until(
        [&] { return read_text(log_file).find("graceful upgrade failed") != std::string::npos; },
        30s));
    INFO(read_text(log_file));
    CHECK(process.running());
    CHECK(pid_in(std::filesystem::path(cluster.home_of(1)) / "easegress.pid") == process.pid());
    // Its etcd is back: the member answers and writes.
    CHECK(eg::test::wait_until(
        [&] { return read_text(log_file).find("etcd is back") != std::string::npos; }, 30s));
    CHECK(eg::test::wait_until(
        [&] {
            return cluster.egctl(1, {"get", "member"}).exit_code == 0;
        },
        30s));
    { std::ofstream(config_file) << "log-dir: logs\n"; }
    CHECK(process.stop() == 0);
}

TEST_CASE("upgrade: --signal-upgrade without a running server is EG505, exit 1",
          "[integration][upgrade]") {
    eg::test::temp_dir dir;
    const auto result = eg::test::run_built("easegress-server",
                                            {"--home-dir", dir.path().string(), "--signal-upgrade"},
                                            {}, dir.path().string());
    CHECK(result.exit_code == 1);
    CHECK(result.err.find("EG505") != std::string::npos);
    CHECK(result.err.find("failed to read pidfile") != std::string::npos);
}

namespace {

// A stand-in for systemd's notification socket: collects what the member sends.
class notify_socket {
public:
    explicit notify_socket(const std::filesystem::path& path) : path_(path.string()) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        REQUIRE(path_.size() < sizeof(address.sun_path));
        std::memcpy(address.sun_path, path_.data(), path_.size());
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
    }
    ~notify_socket() { ::close(fd_); }
    const std::string& path() const { return path_; }

    // Waits up to `timeout` for a message containing `part`; every message seen is kept.
    bool wait_for(const std::string& part, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (true) {
            for (const auto& message : messages)
                if (message.find(part) != std::string::npos) return true;
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return false;
            pollfd ready{fd_, POLLIN, 0};
            if (::poll(&ready, 1, static_cast<int>(left.count())) <= 0) continue;
            char buffer[4096];
            const ssize_t got = ::recv(fd_, buffer, sizeof(buffer), 0);
            if (got > 0) messages.emplace_back(buffer, static_cast<std::size_t>(got));
        }
    }

    std::vector<std::string> messages;

private:
    std::string path_;
    int fd_ = -1;
};

}  // namespace

TEST_CASE("upgrade: under systemd (Type=notify) the member says READY, then hands MAINPID over",
          "[integration][upgrade]") {
    local_cluster cluster(1, 0);
    notify_socket systemd(cluster.dir.path() / "notify");
    auto args = cluster.tutorial_flags(1);
    const auto extra = cluster.test_flags(1);
    args.insert(args.end(), extra.begin(), extra.end());
    auto& process = cluster.start(1, args, {{"NOTIFY_SOCKET", systemd.path()}});

    CHECK(systemd.wait_for("READY=1", 60s));
    CHECK(systemd.wait_for("STATUS=cluster is ready", 60s));
    const auto signalled = signal_upgrade(cluster, 1);
    INFO(signalled.out << signalled.err);
    REQUIRE(signalled.exit_code == 0);
    CHECK(process.wait_for(60s) == 0);
    adopted_process upgraded;
    upgraded.pid = pid_in(std::filesystem::path(cluster.home_of(1)) / "easegress.pid");
    INFO(cluster.outputs());
    CHECK(upgraded.pid != process.pid());
    CHECK(systemd.wait_for("MAINPID=" + std::to_string(upgraded.pid), 10s));
    // The old process's STOPPING=1 comes after it handed over (systemd ignores it then).
    std::size_t mainpid_at = systemd.messages.size();
    for (std::size_t i = 0; i < systemd.messages.size(); ++i)
        if (systemd.messages[i].rfind("MAINPID=", 0) == 0) mainpid_at = i;
    for (std::size_t i = 0; i < mainpid_at; ++i) CHECK(systemd.messages[i] != "STOPPING=1");
}
