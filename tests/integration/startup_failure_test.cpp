// Start-ups that cannot work end with a clear diagnostic and a non-zero exit, and leave no
// process behind.

#include <eg/host_checks.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/local_cluster.hpp"

namespace {

using namespace std::chrono_literals;
using eg::test::local_cluster;

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
}

// Runs member i to its end (at most `limit`), returning its exit code and output.
std::pair<int, std::string> run_to_exit(local_cluster& cluster, int i,
                                        std::vector<std::string> args = {},
                                        std::chrono::seconds limit = 60s) {
    auto& process = cluster.start(i, std::move(args));
    const auto code = process.wait_for(limit);
    return {code.value_or(-1), process.output()};
}

// A socket listening on 127.0.0.1:port while it lives.
struct listener {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    explicit listener(int port) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(static_cast<uint16_t>(port));
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(::listen(fd, 1) == 0);
    }
    ~listener() { ::close(fd); }
};

}  // namespace

TEST_CASE("start-up: a port already taken is EG400, exit 3", "[integration][startup]") {
    local_cluster cluster(1, 0);
    listener taken(cluster.member(1).client_port);
    const auto [code, output] = run_to_exit(cluster, 1);
    INFO(output);
    CHECK(code == 3);
    CHECK(count_of(output, "[EG400]") == 1);
    CHECK(count_of(output, std::to_string(cluster.member(1).client_port)) >= 1);
}

TEST_CASE("start-up: a data dir of another cluster is EG403, exit 3", "[integration][startup]") {
    local_cluster cluster(1, 0);
    cluster.dir.write("machine-1/data/" + std::string(eg::host::cluster_marker), "other-cluster\n");
    const auto [code, output] = run_to_exit(cluster, 1);
    INFO(output);
    CHECK(code == 3);
    CHECK(count_of(output, "[EG403]") == 1);
    CHECK(count_of(output, "other-cluster") >= 1);
}

TEST_CASE("start-up: a name missing from initial-cluster is EG207, exit 1",
          "[integration][startup]") {
    local_cluster cluster(1, 0);
    auto args = cluster.tutorial_flags(1);
    for (std::size_t k = 0; k + 1 < args.size(); ++k)
        if (args[k] == "--name") args[k + 1] = "machine-9";
    const auto [code, output] = run_to_exit(cluster, 1, args);
    INFO(output);
    CHECK(code == 1);
    CHECK(count_of(output, "[EG207]") == 1);
}

TEST_CASE("start-up: etcd missing is EG500, exit 3", "[integration][startup]") {
    local_cluster cluster(1, 0);
    auto args = cluster.tutorial_flags(1);
    args.insert(args.end(), {"--etcd-binary", "etcd-not-installed-here"});
    const auto [code, output] = run_to_exit(cluster, 1, args);
    INFO(output);
    CHECK(code == 3);
    CHECK(count_of(output, "[EG500]") == 1);
    CHECK(count_of(output, "etcd-server") >= 1);
}

TEST_CASE("start-up: an etcd that keeps exiting is EG501, exit 3", "[integration][startup]") {
    local_cluster cluster(1, 0);
    auto args = cluster.tutorial_flags(1);
    const auto extra = cluster.test_flags(1);
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"--etcd-binary", "/bin/false"});
    const auto [code, output] = run_to_exit(cluster, 1, args);
    INFO(output);
    CHECK(code == 3);
    CHECK(count_of(output, "[EG501]") == 1);
    CHECK(eg::test::processes_with(cluster.home_of(1)).empty());
}

TEST_CASE("start-up: a secondary of another cluster name is EG502, exit 3",
          "[integration][startup]") {
    local_cluster cluster(1, 1);
    cluster.start(1);
    REQUIRE(eg::test::wait_until([&] { return cluster.members_seen_by(1).size() == 1; }, 60s));
    auto args = cluster.tutorial_flags(2);
    for (std::size_t k = 0; k + 1 < args.size(); ++k)
        if (args[k] == "--cluster-name") args[k + 1] = "another-cluster";
    const auto extra = cluster.test_flags(2);
    args.insert(args.end(), extra.begin(), extra.end());
    const auto [code, output] = run_to_exit(cluster, 2, args);
    INFO(output);
    CHECK(code == 3);
    CHECK(count_of(output, "[EG502]") == 1);
    CHECK(count_of(output, "local(another-cluster) != existed(multi-node-cluster)") >= 1);
}

TEST_CASE("start-up: a primary that cannot be added to a cluster without quorum is EG504",
          "[integration][startup]") {
    // machine-1..3 form a cluster; machine-2 and 3 stop; machine-4, a new primary, asks
    // machine-1 (alive, without quorum) to add it.
    local_cluster cluster(3, 0);
    for (int i = 1; i <= 3; ++i) cluster.start(i);
    cluster.members.push_back({"machine-4", true});
    REQUIRE(eg::test::wait_until([&] { return cluster.members_seen_by(1).size() == 3; }, 60s));
    CHECK(cluster.process(2).stop() == 0);
    CHECK(cluster.process(3).stop() == 0);
    auto args = cluster.tutorial_flags(4);
    const auto extra = cluster.test_flags(4);
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"--cluster-request-timeout", "1s"});
    const auto [code, output] = run_to_exit(cluster, 4, args);
    INFO(output);
    CHECK(code == 3);
    CHECK(count_of(output, "[EG504]") == 1);
}

TEST_CASE(
    "start-up: tls without the TLS module next to the binary is EG506, exit 3, nothing "
    "written",
    "[integration][startup]") {
    local_cluster cluster(1, 0);
    // A copy of the binary without its lib/eg beside it.
    const auto bin = cluster.dir.path() / "bare" / "bin";
    std::filesystem::create_directories(bin);
    std::filesystem::copy_file(eg::test::binary_path("easegress-server"), bin / "easegress-server");
    std::filesystem::permissions(bin / "easegress-server", std::filesystem::perms::owner_all);
    cluster.dir.write("cert.pem", "not used: the module is missing first\n");
    auto args = cluster.tutorial_flags(1);
    const auto home = cluster.dir.path() / "home-of-bare";
    args.insert(args.begin(), (bin / "easegress-server").string());
    args.insert(args.end(), {"--home-dir", home.string(), "--tls", "--cert-file",
                             (cluster.dir.path() / "cert.pem").string(), "--key-file",
                             (cluster.dir.path() / "cert.pem").string()});
    eg::test::run_options options;
    options.timeout = 30s;
    const auto result = eg::test::run_to_end(args, options);
    INFO(result.out << result.err);
    CHECK(result.exit_code == 3);
    CHECK(count_of(result.err, "[EG506]") == 1);
    CHECK(count_of(result.err, "eg_admin_tls.so") >= 1);
    CHECK_FALSE(std::filesystem::exists(home));
}
