#include "daemon/etcd/etcd_supervisor.hpp"
#include "daemon/etcd/etcd_command.hpp"

#include <eg/config_loader.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "support/free_port.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace std::chrono_literals;

using eg::test::free_port;

std::string etcd_binary() {
    for (const char* candidate : {"/usr/bin/etcd", "/usr/local/bin/etcd"})
        if (::access(candidate, X_OK) == 0) return candidate;
    FAIL("etcd is not installed; run .ci/setup (Debian package etcd-server)");
    return {};
}

// A one-member primary on free loopback ports, its etcd config file written in `dir`.
struct single_member {
    int client_port = free_port();
    int peer_port = free_port();
    std::string client_url = "http://127.0.0.1:" + std::to_string(client_port);
    std::string config_file;

    explicit single_member(const eg::test::temp_dir& dir) {
        const std::string peer = "http://127.0.0.1:" + std::to_string(peer_port);
        auto loaded = eg::config::load_config(
            {"--name", "solo", "--home-dir", dir.path().string(), "--listen-peer-urls", peer,
             "--initial-advertise-peer-urls", peer, "--listen-client-urls", client_url,
             "--advertise-client-urls", client_url, "--etcd-heartbeat-interval", "10ms",
             "--etcd-election-timeout", "100ms"},
            {});
        REQUIRE_FALSE(loaded.diagnostics.has_errors());
        const auto etcd = eg::server::etcd_configuration_for(loaded.config, dir.path());
        config_file = (dir.path() / "etcd.yaml").string();
        std::ofstream(config_file) << eg::server::etcd_config_file(etcd);
    }

    eg::server::etcd_launch launch(const eg::test::temp_dir& dir) const {
        eg::server::etcd_launch l;
        l.binary = etcd_binary();
        l.arguments = {"--config-file", config_file};
        l.environment = {"PATH=/usr/bin:/bin"};
        l.output_file = (dir.path() / "etcd.log").string();
        l.first_backoff = 50ms;
        return l;
    }

    bool healthy() const {
        eg::test::run_options options;
        options.timeout = 3000ms;
        const auto r = eg::test::run_process(
            {"curl", "-s", "--max-time", "1", client_url + "/health"}, options);
        return r.out.find("\"health\":\"true\"") != std::string::npos;
    }

    bool wait_healthy(std::chrono::milliseconds deadline = 15000ms) const {
        const auto until = std::chrono::steady_clock::now() + deadline;
        while (std::chrono::steady_clock::now() < until) {
            if (healthy()) return true;
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }
};

// Alive and not a zombie.
bool running(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return false;
    const auto close = line.rfind(')');
    return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

bool gone_within(pid_t pid, std::chrono::milliseconds deadline) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
        if (!running(pid)) return true;
        std::this_thread::sleep_for(20ms);
    }
    return !running(pid);
}

}  // namespace

TEST_CASE("etcd_supervisor: starts etcd healthy and stops it with its process group",
          "[supervisor][etcd]") {
    eg::test::temp_dir dir;
    single_member member(dir);
    eg::server::etcd_supervisor supervisor(member.launch(dir), {});
    REQUIRE(supervisor.start());
    const pid_t pid = supervisor.pid();
    REQUIRE(pid > 0);
    REQUIRE(member.wait_healthy());
    supervisor.stop();
    CHECK(gone_within(pid, 1000ms));
    CHECK_FALSE(member.healthy());
}

TEST_CASE("etcd_supervisor: restarts etcd after it is killed, and it is healthy again",
          "[supervisor][etcd]") {
    eg::test::temp_dir dir;
    single_member member(dir);
    eg::server::etcd_supervisor supervisor(member.launch(dir), {});
    REQUIRE(supervisor.start());
    REQUIRE(member.wait_healthy());
    const pid_t first = supervisor.pid();
    ::kill(first, SIGKILL);
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < until &&
           (supervisor.pid() == 0 || supervisor.pid() == first))
        std::this_thread::sleep_for(20ms);
    CHECK(supervisor.pid() != first);
    CHECK(supervisor.restarts() == 1);
    CHECK(member.wait_healthy());
}

TEST_CASE("etcd_supervisor: refuses a binary that cannot run, saying why", "[supervisor]") {
    eg::test::temp_dir dir;
    eg::server::etcd_launch launch;
    launch.binary = (dir.path() / "no-such-etcd").string();
    std::string said;
    eg::server::etcd_supervisor supervisor(launch, [&](const std::string& e) { said += e; });
    CHECK_FALSE(supervisor.start());
    CHECK(said.find("cannot run") != std::string::npos);
    CHECK(said.find("no-such-etcd") != std::string::npos);
}

TEST_CASE("etcd_supervisor: etcd dies within 2 s when its daemon is SIGKILLed",
          "[supervisor][etcd]") {
    eg::test::temp_dir dir;
    single_member member(dir);
    int report[2];
    REQUIRE(::pipe(report) == 0);
    const pid_t daemon = ::fork();
    if (daemon == 0) {  // stands in for easegress-server: supervises etcd, then waits
        ::close(report[0]);
        eg::server::etcd_supervisor supervisor(member.launch(dir), {});
        pid_t etcd = supervisor.start() ? supervisor.pid() : 0;
        if (::write(report[1], &etcd, sizeof etcd) != sizeof etcd) ::_exit(1);
        while (true) ::pause();
    }
    ::close(report[1]);
    pid_t etcd = 0;
    REQUIRE(::read(report[0], &etcd, sizeof etcd) == sizeof etcd);
    ::close(report[0]);
    REQUIRE(etcd > 0);
    CHECK(member.wait_healthy());
    ::kill(daemon, SIGKILL);
    ::waitpid(daemon, nullptr, 0);
    CHECK(gone_within(etcd, 2000ms));
    if (running(etcd)) ::kill(etcd, SIGKILL);  // never leave it behind, even on failure
}
