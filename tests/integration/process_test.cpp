// The member as a process: pid file, log files, SIGHUP, graceful and immediate stops.

#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
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
