// The etcd a primary supervises holds no descriptor of its daemon's: not the admin API's
// listening socket, not the daemon's log files, not a descriptor the daemon itself inherited
// without close-on-exec (as from a shell or a service manager). Checked in /proc on a real
// easegress-server, for the first etcd and for the one restarted after a crash.

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "support/local_cluster.hpp"

namespace {

using namespace std::chrono_literals;
using eg::test::local_cluster;

// A process's descriptors: number -> what it refers to ("socket:[123]", a path...).
std::map<int, std::string> descriptors_of(pid_t pid) {
    std::map<int, std::string> found;
    std::error_code ec;
    const auto dir = std::filesystem::path("/proc") / std::to_string(pid) / "fd";
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const auto target = std::filesystem::read_symlink(entry.path(), ec);
        if (!ec) found[std::stoi(entry.path().filename().string())] = target.string();
    }
    return found;
}

// The child of `parent` running etcd, or 0.
pid_t etcd_child_of(pid_t parent) {
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream status(entry.path() / "status");
        std::string line;
        std::string command;
        pid_t ppid = 0;
        while (std::getline(status, line)) {
            if (line.rfind("Name:", 0) == 0) std::istringstream(line.substr(5)) >> command;
            if (line.rfind("PPid:", 0) == 0) ppid = std::stoi(line.substr(5));
        }
        if (ppid == parent && command == "etcd" && eg::test::process_alive(std::stoi(name)))
            return std::stoi(name);
    }
    return 0;
}

// "socket:[inode]" of the socket listening on 127.0.0.1:port, from the process's view of
// /proc/net/tcp; empty when there is none.
std::string listening_socket(pid_t pid, int port) {
    std::ifstream table("/proc/" + std::to_string(pid) + "/net/tcp");
    std::string line;
    std::getline(table, line);  // the header
    while (std::getline(table, line)) {
        std::istringstream fields(line);
        std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
        fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
            timeout >> inode;
        const auto colon = local.find(':');
        if (state == "0A" && colon != std::string::npos &&
            std::stoi(local.substr(colon + 1), nullptr, 16) == port)
            return "socket:[" + inode + "]";
    }
    return {};
}

// What the daemon has that etcd must not: its admin listener, its log files, the inherited file.
void check_nothing_shared(pid_t daemon, pid_t etcd, const std::set<std::string>& own) {
    const auto daemons = descriptors_of(daemon);
    std::set<std::string> held;
    for (const auto& [fd, target] : daemons) held.insert(target);
    for (const auto& target : own) {
        INFO("the daemon holds " << target);
        CHECK(held.count(target) == 1);
    }
    const auto etcds = descriptors_of(etcd);
    REQUIRE(etcds.size() > 3);  // etcd runs: its listeners, its data files
    for (const auto& [fd, target] : etcds) {
        INFO("etcd descriptor " << fd << " -> " << target);
        CHECK(own.count(target) == 0);
        // Nothing else of the daemon's either: a socket or pipe shared with it, a file it has
        // open (/dev/null and anonymous inodes, e.g. epoll, name no particular object).
        const bool names_one = target.rfind("socket:[", 0) == 0 || target.rfind("pipe:[", 0) == 0 ||
                               (target.rfind("/", 0) == 0 && target != "/dev/null");
        if (names_one) CHECK(held.count(target) == 0);
    }
}

}  // namespace

TEST_CASE("etcd holds no descriptor of its daemon, after a restart either",
          "[integration][process][supervisor]") {
    local_cluster cluster(1, 0);
    auto args = cluster.tutorial_flags(1);
    const auto extra = cluster.test_flags(1);
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"--log-dir", "logs"});
    args.insert(args.begin(), eg::test::binary_path("easegress-server"));
    // The daemon inherits a descriptor without close-on-exec, at 7.
    const auto inherited = cluster.dir.path() / "inherited-by-the-daemon";
    const int file = ::open(inherited.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    REQUIRE(file >= 0);
    eg::test::background_process server(args, {}, cluster.dir.path().string(),
                                        (cluster.dir.path() / "server.out").string(), {{7, file}});
    ::close(file);
    const auto healthy = [&] { return cluster.egctl(1, {"health"}).exit_code == 0; };
    REQUIRE(eg::test::wait_until(healthy, 60s));

    const auto logs = std::filesystem::path(cluster.home_of(1)) / "logs";
    const std::string listener = listening_socket(server.pid(), cluster.member(1).api_port);
    REQUIRE_FALSE(listener.empty());
    const std::set<std::string> own = {listener, (logs / "stdout.log").string(),
                                       (logs / "admin_api.log").string(), inherited.string()};
    const pid_t first = etcd_child_of(server.pid());
    REQUIRE(first > 0);
    check_nothing_shared(server.pid(), first, own);

    // A crashed etcd is started again, by the daemon as it is now (connections open and all).
    REQUIRE(::kill(first, SIGKILL) == 0);
    pid_t second = 0;
    REQUIRE(eg::test::wait_until(
        [&] {
            second = etcd_child_of(server.pid());
            return second > 0 && second != first && healthy();
        },
        60s));
    check_nothing_shared(server.pid(), second, own);
    CHECK(server.stop() == 0);
}
