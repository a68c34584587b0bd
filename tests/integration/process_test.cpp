// The member as a process: pid file, log files, SIGHUP, graceful and immediate stops.

#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "support/file_text.hpp"
#include "support/local_cluster.hpp"

namespace {

using namespace std::chrono_literals;
using eg::test::local_cluster;
using eg::test::read_text;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Member 1 of a one-primary cluster with its logs in <home>/logs, ready.
eg::test::background_process& start_ready(local_cluster& cluster,
                                          std::vector<std::string> more = {}) {
    auto args = cluster.tutorial_flags(1);
    const auto extra = cluster.test_flags(1);
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), more.begin(), more.end());
    auto& process = cluster.start(1, args);
    const bool ready =
        eg::test::wait_until([&] { return cluster.egctl(1, {"health"}).exit_code == 0; }, 60s);
    INFO(cluster.outputs());
    REQUIRE(ready);
    return process;
}

}  // namespace

TEST_CASE("process: pid file, log files, SIGHUP reopens them, SIGTERM stops cleanly",
          "[integration][process]") {
    local_cluster cluster(1, 0);
    auto& process = start_ready(cluster, {"--log-dir", "logs"});
    const std::filesystem::path home = cluster.home_of(1);
    const auto logs = home / "logs";

    // The pid, without a newline.
    CHECK(read_text(home / "easegress.pid") == std::to_string(process.pid()));

    CHECK(contains(read_text(logs / "stdout.log"), "cluster is ready"));
    CHECK(contains(read_text(logs / "etcd_server.log"), "\"msg\":"));
    REQUIRE(cluster.egctl(1, {"get", "member"}).exit_code == 0);
    CHECK(eg::test::wait_until(
        [&] { return contains(read_text(logs / "admin_api.log"), "/apis/v2/status/members 200"); },
        5s));
    // The system log is copied to stderr; the access log is not.
    CHECK(contains(process.output(), "cluster is ready"));
    CHECK_FALSE(contains(process.output(), "/apis/v2/status/members 200"));

    // Rotation: move the files away, SIGHUP, the server writes new ones.
    std::filesystem::rename(logs / "stdout.log", logs / "stdout.log.1");
    std::filesystem::rename(logs / "admin_api.log", logs / "admin_api.log.1");
    process.signal(SIGHUP);
    CHECK(eg::test::wait_until(
        [&] { return contains(read_text(logs / "stdout.log"), "log files reopened"); }, 5s));
    CHECK(process.running());
    REQUIRE(cluster.egctl(1, {"health"}).exit_code == 0);
    CHECK(eg::test::wait_until(
        [&] { return contains(read_text(logs / "admin_api.log"), "/apis/v2/healthz 200"); }, 5s));

    CHECK(process.stop() == 0);
    CHECK_FALSE(std::filesystem::exists(home / "easegress.pid"));
    CHECK(contains(read_text(logs / "stdout.log"), "term signal received, closing easegress"));
    CHECK(eg::test::processes_with(home.string()).empty());
}

TEST_CASE("process: a second SIGTERM during the graceful stop exits at once with 255",
          "[integration][process]") {
    local_cluster cluster(1, 0);
    auto& process = start_ready(cluster);
    const std::string home = cluster.home_of(1);
    process.signal(SIGTERM);
    // The graceful stop waits for etcd to stop, which takes etcd a second or so.
    std::this_thread::sleep_for(100ms);
    REQUIRE(process.running());
    process.signal(SIGTERM);
    const auto code = process.wait_for(20s);
    INFO(process.output());
    CHECK(code == 255);
    CHECK(contains(process.output(), "closing easegress immediately"));
    // etcd dies with the daemon (parent-death signal).
    CHECK(eg::test::wait_until([&] { return eg::test::processes_with(home).empty(); }, 5s));
}

TEST_CASE("process: --debug logs the member's debug lines", "[integration][process]") {
    local_cluster cluster(1, 0);
    auto& process = start_ready(cluster, {"--debug"});
    // The endpoint refresh and leader probe report at debug level only when something fails;
    // with --debug the level is shown in the start-up lines at least.
    CHECK(contains(process.output(), "\tDEBUG\t"));
}

TEST_CASE("process: --disable-access writes no access log", "[integration][process]") {
    local_cluster cluster(1, 0);
    start_ready(cluster, {"--log-dir", "logs", "--disable-access"});
    const std::filesystem::path logs = std::filesystem::path(cluster.home_of(1)) / "logs";
    REQUIRE(cluster.egctl(1, {"get", "member"}).exit_code == 0);
    CHECK(std::filesystem::exists(logs / "stdout.log"));
    CHECK_FALSE(std::filesystem::exists(logs / "admin_api.log"));
}

namespace {

// What a sanitizer (or the C++ runtime) prints when the member misbehaves.
bool reports_a_fault(const std::string& output) {
    return contains(output, "AddressSanitizer") || contains(output, "LeakSanitizer") ||
           contains(output, "runtime error:") || contains(output, "terminate called");
}

void signal_storm(eg::test::background_process& process, int signal_number, int count) {
    for (int i = 0; i < count && process.running(); ++i) {
        process.signal(signal_number);
        std::this_thread::sleep_for(1ms);
    }
}

// SIGTERM, then storms of signals (signal, count) while the member stops; its exit code, and
// its output checked for sanitizer reports.
std::optional<int> stop_under_storms(eg::test::background_process& process,
                                     std::initializer_list<std::pair<int, int>> storms) {
    process.signal(SIGTERM);
    for (const auto& [signal_number, count] : storms) signal_storm(process, signal_number, count);
    const auto code = process.wait_for(30s);
    INFO(process.output());
    CHECK_FALSE(reports_a_fault(process.output()));
    return code;
}

}  // namespace

TEST_CASE("process: SIGHUP and SIGUSR2 storms during start-up and the graceful stop are harmless",
          "[integration][process][signals]") {
    local_cluster cluster(1, 0);
    auto args = cluster.tutorial_flags(1);
    const auto extra = cluster.test_flags(1);
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"--log-dir", "logs"});
    auto& process = cluster.start(1, args);
    // During start-up (once the pid file says the signals are the member's: before, SIGHUP
    // would end the process as it ends any): every SIGHUP reopens the logs while etcd starts.
    const auto pid_file = std::filesystem::path(cluster.home_of(1)) / "easegress.pid";
    REQUIRE(eg::test::wait_until([&] { return std::filesystem::exists(pid_file); }, 20s));
    signal_storm(process, SIGHUP, 200);
    REQUIRE(eg::test::wait_until([&] { return cluster.egctl(1, {"health"}).exit_code == 0; }, 60s));
    // During the stop: log reopenings and upgrade requests while the components go away.
    CHECK(stop_under_storms(process, {{SIGHUP, 300}, {SIGUSR2, 50}}) == 0);
    CHECK(contains(read_text(std::filesystem::path(cluster.home_of(1)) / "logs" / "stdout.log"),
                   "easegress stopped"));
}

TEST_CASE("process: a SIGTERM storm during the graceful stop exits at once, cleanly",
          "[integration][process][signals]") {
    local_cluster cluster(1, 0);
    auto& process = start_ready(cluster);
    // The second SIGTERM comes a millisecond after the first, long before the graceful stop (which
    // waits for etcd) can end; the SIGHUPs after it find the process gone or exiting.
    CHECK(stop_under_storms(process, {{SIGTERM, 100}, {SIGHUP, 100}}) == 255);
}
