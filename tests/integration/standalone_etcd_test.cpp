// use-standalone-etcd: a member of an etcd cluster it does not run, given by that etcd's client
// URLs.

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "support/local_cluster.hpp"

namespace {

using namespace std::chrono_literals;

}  // namespace

TEST_CASE("standalone etcd: a member uses an etcd it does not run", "[integration][standalone]") {
    eg::test::local_cluster cluster(0, 1);
    const int client_port = eg::test::free_port();
    const int peer_port = eg::test::free_port();
    const std::string client = "http://127.0.0.1:" + std::to_string(client_port);
    const std::string peer = "http://127.0.0.1:" + std::to_string(peer_port);
    eg::test::background_process etcd(
        {"/usr/bin/etcd", "--name", "external", "--data-dir",
         (cluster.dir.path() / "external-etcd").string(), "--listen-client-urls", client,
         "--advertise-client-urls", client, "--listen-peer-urls", peer,
         "--initial-advertise-peer-urls", peer, "--initial-cluster", "external=" + peer,
         "--heartbeat-interval", "10", "--election-timeout", "100"},
        {}, cluster.dir.path().string(), (cluster.dir.path() / "external-etcd.out").string());

    auto& member = cluster.start(
        1, {"--name", "machine-1", "--cluster-name", "multi-node-cluster", "--cluster-role",
            "secondary", "--use-standalone-etcd", "--primary-listen-peer-urls", client,
            "--api-addr", cluster.member(1).api_addr(), "--home-dir", cluster.home_of(1),
            "--member-heartbeat-interval", "1s"});
    std::vector<eg::test::member_row> rows;
    const bool listed = eg::test::wait_until(
        [&] {
            rows = cluster.members_seen_by(1);
            return rows.size() == 1 && rows.front().name == "machine-1" &&
                   rows.front().role == "secondary";
        },
        30s);
    INFO(cluster.outputs() << etcd.output().substr(0, 2000));
    REQUIRE(listed);
    // It runs no etcd of its own: the only etcd is the external one.
    CHECK(eg::test::processes_with("--config-file " + cluster.home_of(1)).empty());
    CHECK(member.running());

    // It published the cluster name there, as the first member of that etcd.
    const auto raw = cluster.egctl(1, {"get", "member", "-o", "json"});
    CHECK(raw.out.find("\"UseStandaloneEtcd\": true") != std::string::npos);
    CHECK(member.stop() == 0);
    CHECK(etcd.running());
}
