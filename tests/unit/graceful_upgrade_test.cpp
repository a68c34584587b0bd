// Graceful upgrade, the parts that need no running member: reading the pid file for
// --signal-upgrade, the hand-over variables, and starting the new binary.

#include "daemon/process/graceful_upgrade.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

TEST_CASE("graceful upgrade: --signal-upgrade needs a pid file naming a live process",
          "[graceful-upgrade]") {
    eg::test::temp_dir dir;
    pid_t signalled = 0;

    const auto missing =
        eg::server::signal_upgrade((dir.path() / "easegress.pid").string(), signalled);
    CHECK(missing.find("failed to read pidfile") != std::string::npos);

    const auto garbage =
        eg::server::signal_upgrade(dir.write("garbage.pid", "12x").string(), signalled);
    CHECK(garbage.find("\"12x\" is not a process id") != std::string::npos);
    CHECK(eg::server::signal_upgrade(dir.write("newline.pid", "123\n").string(), signalled) != "");
    CHECK(eg::server::signal_upgrade(dir.write("empty.pid", "").string(), signalled) != "");
    CHECK(eg::server::signal_upgrade(dir.write("init.pid", "1").string(), signalled) != "");

    // A process that has exited: kill finds none.
    const pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    ::waitpid(child, nullptr, 0);
    const auto gone = eg::server::signal_upgrade(
        dir.write("gone.pid", std::to_string(child)).string(), signalled);
    CHECK(gone.find("failed to send signal to " + std::to_string(child)) != std::string::npos);
    CHECK(signalled == 0);
}

TEST_CASE(
    "graceful upgrade: the hand-over is taken only when both variables are set, and "
    "they are removed either way",
    "[graceful-upgrade]") {
    ::setenv(eg::server::listen_fds_variable, "1", 1);
    CHECK_FALSE(eg::server::inherited_upgrade().has_value());
    CHECK(std::getenv(eg::server::listen_fds_variable) == nullptr);

    ::setenv(eg::server::upgrade_parent_variable, "not-a-pid", 1);
    ::setenv(eg::server::listen_fds_variable, "1", 1);
    CHECK_FALSE(eg::server::inherited_upgrade().has_value());
    CHECK(std::getenv(eg::server::upgrade_parent_variable) == nullptr);
}

TEST_CASE("graceful upgrade: own_executable is this binary", "[graceful-upgrade]") {
    const auto path = eg::server::own_executable();
    CHECK(path.find("unit_tests") != std::string::npos);
    CHECK(path.find("(deleted)") == std::string::npos);
}

TEST_CASE("graceful upgrade: a binary that cannot run is reported, nothing is left running",
          "[graceful-upgrade]") {
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(listener >= 0);
    std::string error;
    const pid_t child = eg::server::start_upgraded("/nonexistent/easegress-server",
                                                   {"easegress-server"}, listener, error);
    ::close(listener);
    CHECK(child == -1);
    CHECK(error == "cannot run /nonexistent/easegress-server: No such file or directory");
}

TEST_CASE(
    "graceful upgrade: the new process gets the listener as descriptor 3 and the "
    "hand-over variables",
    "[graceful-upgrade]") {
    eg::test::temp_dir dir;
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(listener >= 0);
    const auto report = dir.path() / "seen";
    std::string error;
    // The shell reports what it inherited: descriptor 3 open, the variables.
    const pid_t child = eg::server::start_upgraded(
        "/bin/sh",
        {"sh", "-c",
         "{ [ -e /proc/self/fd/3 ] && echo fd3; echo \"$LISTEN_FDS $EG_UPGRADE_PARENT_PID\"; } > " +
             report.string()},
        listener, error);
    ::close(listener);
    REQUIRE(child > 0);
    int status = 0;
    ::waitpid(child, &status, 0);
    CHECK(WIFEXITED(status));
    std::ifstream in(report);
    std::string first, second;
    std::getline(in, first);
    std::getline(in, second);
    CHECK(first == "fd3");
    CHECK(second == "1 " + std::to_string(::getpid()));
}

namespace {

// An upgrade_starter running `script` with sh instead of the server binary; counts failures.
struct starter_under_test {
    explicit starter_under_test(const std::string& script,
                                std::chrono::milliseconds within = std::chrono::seconds(30))
        : log((dir.path() / "log").string(), false, false),
          listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)),
          starter({"sh", "-c", script},
                  {.refusal = [] { return std::string(); },
                   .listener_fd = [this] { return listener; },
                   .before_start = [this] { ++released; },
                   .after_failure = [this] { ++failures; },
                   .successor = [this](pid_t pid) { successor = pid; }},
                  stopping, log, within, "/bin/sh") {}
    ~starter_under_test() {
        stopping = true;
        ::close(listener);
    }
    bool wait_for_failure() {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (failures == 0 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        return failures > 0;
    }
    std::string logged() const {
        std::ifstream in(dir.path() / "log");
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

    eg::test::temp_dir dir;
    eg::server::logger log;
    int listener;
    std::atomic<bool> stopping{false};
    std::atomic<int> released{0};
    std::atomic<int> failures{0};
    std::atomic<pid_t> successor{-1};
    eg::server::upgrade_starter starter;
};

}  // namespace

TEST_CASE("graceful upgrade: a new process that exits before taking over gives everything back",
          "[graceful-upgrade]") {
    starter_under_test test("exit 3");
    test.starter.request();
    REQUIRE(test.wait_for_failure());
    CHECK(test.released == 1);
    CHECK(test.successor == 0);  // the takeover is no longer expected from anyone
    CHECK(test.logged().find("graceful upgrade failed: the new process exited with code 3 before "
                             "taking over; this process goes on") != std::string::npos);
    // Another upgrade may be asked for afterwards.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (test.starter.running() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK_FALSE(test.starter.running());
}

TEST_CASE("graceful upgrade: a new process that does not take over in time is stopped",
          "[graceful-upgrade]") {
    starter_under_test test("exec sleep 30", std::chrono::milliseconds(300));
    test.starter.request();
    REQUIRE(test.wait_for_failure());
    CHECK(test.logged().find("did not take over within 300 ms and was stopped") !=
          std::string::npos);
    CHECK(test.successor == 0);
}

TEST_CASE("graceful upgrade: while one upgrade is under way another is refused",
          "[graceful-upgrade]") {
    starter_under_test test("exec sleep 30");
    test.starter.request();
    test.starter.request();
    CHECK(test.logged().find("but an upgrade is under way") != std::string::npos);
    // The new process is known once started; then this process is told to stop (as when the
    // new one took over), and the starter stops watching it.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (test.successor <= 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const pid_t child = test.successor;
    REQUIRE(child > 0);
    CHECK(test.released == 1);
    test.stopping = true;
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
}

TEST_CASE("graceful upgrade: a pid file naming another program's process signals nothing",
          "[graceful-upgrade]") {
    eg::test::temp_dir dir;
    // A process that is not easegress-server (nor this test binary): sleep.
    const pid_t other = ::fork();
    if (other == 0) {
        ::execl("/bin/sleep", "sleep", "30", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    REQUIRE(other > 0);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (eg::server::executable_of(other).find("sleep") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    pid_t signalled = 0;
    const auto refused = eg::server::signal_upgrade(
        dir.write("other.pid", std::to_string(other)).string(), signalled);
    CHECK(refused.find("sleep, not unit_tests; nothing was signalled") != std::string::npos);
    CHECK(signalled == 0);
    int status = 0;
    CHECK(::waitpid(other, &status, WNOHANG) == 0);  // still running: not signalled
    ::kill(other, SIGKILL);
    ::waitpid(other, nullptr, 0);
}
