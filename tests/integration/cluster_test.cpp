// The tutorial's cluster for real: three primaries running Debian's etcd and a secondary, all on
// 127.0.0.1 with free ports, checked with the real egctl.

#include <signal.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "support/local_cluster.hpp"

namespace {

using namespace std::chrono_literals;
using eg::test::local_cluster;
using eg::test::member_row;

std::size_t count_state(const std::vector<member_row>& rows, const std::string& state) {
    return static_cast<std::size_t>(
        std::count_if(rows.begin(), rows.end(), [&](const auto& r) { return r.state == state; }));
}

const member_row* row_of(const std::vector<member_row>& rows, const std::string& name) {
    for (const auto& r : rows)
        if (r.name == name) return &r;
    return nullptr;
}

// 4 rows: 3 primaries (1 Leader, 2 Followers) and the secondary with an empty STATE.
bool tutorial_table(const std::vector<member_row>& rows) {
    if (rows.size() != 4 || count_state(rows, "Leader") != 1 || count_state(rows, "Follower") != 2)
        return false;
    const auto* secondary = row_of(rows, "machine-4");
    return secondary != nullptr && secondary->role == "secondary" && secondary->state.empty() &&
           secondary->age == "unknown";
}

// The etcd process a member's daemon runs (found by its data dir).
std::vector<pid_t> etcd_of(local_cluster& cluster, int i) {
    return eg::test::processes_with("--config-file " + cluster.home_of(i) + "/");
}

}  // namespace

TEST_CASE("cluster: the tutorial's cluster from its flags lists 4 members, 1 Leader",
          "[integration][cluster]") {
    local_cluster cluster;
    cluster.start_all();
    std::vector<member_row> rows;
    const bool formed = eg::test::wait_until(
        [&] { return tutorial_table(rows = cluster.members_seen_by(1)); }, 60s);
    INFO(cluster.outputs());
    REQUIRE(formed);
    for (const auto& r : rows) {
        INFO("row " << r.name);
        CHECK(r.heartbeat.size() > 4);
        CHECK(r.heartbeat.substr(r.heartbeat.size() - 4) == " ago");
        if (r.role == "primary") CHECK(r.age != "unknown");
    }
    CHECK(row_of(rows, "machine-2")->api_addr == cluster.member(2).api_addr());

    // Every member serves the same view, the secondary included.
    CHECK(eg::test::wait_until([&] { return tutorial_table(cluster.members_seen_by(4)); }, 10s));
    const auto health = cluster.egctl(4, {"health"});
    CHECK(health.exit_code == 0);
    CHECK(health.out == "OK\n");

    // Raw statuses: upstream's field names, secrets never published.
    const auto raw = cluster.egctl(2, {"get", "member", "-o", "json"});
    CHECK(raw.exit_code == 0);
    CHECK(raw.out.find("\"lastHeartbeatTime\"") != std::string::npos);
    CHECK(raw.out.find("\"ClusterRole\": \"secondary\"") != std::string::npos);

    const auto described = cluster.egctl(1, {"describe", "member", "machine-4"});
    CHECK(described.exit_code == 0);
    CHECK(described.out.rfind("Name: machine-4\n", 0) == 0);
    CHECK(described.out.find("Etcd: null") != std::string::npos);
    CHECK(described.out.find("ClusterRole: secondary") != std::string::npos);
    const auto missing = cluster.egctl(1, {"get", "member", "machine-9"});
    CHECK(missing.exit_code == 1);
    CHECK(missing.err.find("member machine-9 not found") != std::string::npos);

    // A graceful stop leaves no process behind.
    for (int i = 1; i <= 4; ++i) CHECK(cluster.process(i).stop() == 0);
    for (int i = 1; i <= 3; ++i) CHECK(etcd_of(cluster, i).empty());
}

TEST_CASE("cluster: the same cluster from YAML written by eg-config generate",
          "[integration][cluster]") {
    local_cluster cluster;
    std::string description = "cluster-name: multi-node-cluster\nmembers:\n";
    for (int i = 1; i <= 4; ++i) {
        const auto& m = cluster.member(i);
        description += "  - name: " + m.name +
                       "\n    role: " + (m.primary ? "primary" : "secondary") +
                       "\n    host: 127.0.0.1\n    api-port: " + std::to_string(m.api_port) +
                       "\n    home-dir: " + cluster.home_of(i) + "\n";
        if (m.primary)
            description += "    peer-port: " + std::to_string(m.peer_port) +
                           "\n    client-port: " + std::to_string(m.client_port) + "\n";
    }
    cluster.dir.write("cluster.yaml", description);
    const auto generated =
        eg::test::run_built("eg-config", {"generate", "cluster.yaml", "-o", "generated"}, {},
                            cluster.dir.path().string());
    INFO("eg-config generate:\n" << generated.out << generated.err << "\n" << description);
    REQUIRE(generated.exit_code == 0);
    for (int i = 1; i <= 4; ++i) {
        auto args = std::vector<std::string>{
            "--config-file",
            (cluster.dir.path() / "generated" / (cluster.member(i).name + ".yaml")).string()};
        const auto extra = cluster.test_flags(i);
        args.insert(args.end(), extra.begin() + 2, extra.end());  // home-dir comes from the file
        cluster.start(i, args);
    }
    const bool formed =
        eg::test::wait_until([&] { return tutorial_table(cluster.members_seen_by(3)); }, 60s);
    INFO(cluster.outputs());
    CHECK(formed);
}

TEST_CASE("cluster: losing the leader: a new Leader, the dead one Offline, purge, rejoin",
          "[integration][cluster][failover]") {
    local_cluster cluster;
    cluster.start_all();
    std::vector<member_row> rows;
    REQUIRE(eg::test::wait_until([&] { return tutorial_table(rows = cluster.members_seen_by(4)); },
                                 60s));
    int leader = 0;
    for (int i = 1; i <= 3; ++i)
        if (row_of(rows, cluster.member(i).name)->state == "Leader") leader = i;
    REQUIRE(leader != 0);
    const std::string leader_name = cluster.member(leader).name;
    const auto leader_etcd = etcd_of(cluster, leader);
    REQUIRE(leader_etcd.size() == 1);

    // SIGKILL of the daemon: its etcd goes with it, within 2 s.
    cluster.process(leader).signal(SIGKILL);
    CHECK(eg::test::wait_until([&] { return !eg::test::process_alive(leader_etcd.front()); }, 2s,
                               20ms));

    const int survivor = leader == 1 ? 2 : 1;
    auto new_leader = [&](const std::vector<member_row>& seen) {
        const auto* old = row_of(seen, leader_name);
        return count_state(seen, "Leader") == 1 && old != nullptr && old->state != "Leader";
    };
    CHECK(eg::test::wait_until([&] { return new_leader(rows = cluster.members_seen_by(survivor)); },
                               20s));
    // Silent for 3 heartbeat intervals: Offline.
    CHECK(eg::test::wait_until(
        [&] {
            rows = cluster.members_seen_by(survivor);
            const auto* old = row_of(rows, leader_name);
            return old != nullptr && old->state == "Offline";
        },
        20s));

    const auto purged = cluster.egctl(survivor, {"delete", "member", leader_name});
    INFO(purged.err << cluster.outputs());
    CHECK(purged.exit_code == 0);
    CHECK(purged.out == "purge Member " + leader_name + " successfully\n");
    CHECK(eg::test::wait_until(
        [&] {
            rows = cluster.members_seen_by(survivor);
            return rows.size() == 3 && row_of(rows, leader_name) == nullptr;
        },
        10s));
    const auto again = cluster.egctl(survivor, {"delete", "member", leader_name});
    CHECK(again.exit_code == 1);
    CHECK(again.err.find("404") != std::string::npos);

    // Restarted with its old data dir, the purged primary joins the cluster again.
    cluster.start(leader);
    const bool rejoined = eg::test::wait_until(
        [&] { return tutorial_table(rows = cluster.members_seen_by(survivor)); }, 60s);
    std::string table;
    for (const auto& r : rows) table += r.name + " " + r.role + " " + r.state + "\n";
    INFO("members:\n" << table << cluster.outputs());
    CHECK(rejoined);
}

TEST_CASE("cluster: a killed etcd is restarted and the member is healthy again",
          "[integration][cluster][supervisor]") {
    local_cluster cluster(3, 0);
    cluster.start_all();
    auto three = [&] {
        const auto rows = cluster.members_seen_by(2);
        return rows.size() == 3 && count_state(rows, "Leader") == 1 &&
               count_state(rows, "Follower") == 2;
    };
    REQUIRE(eg::test::wait_until(three, 60s));
    const auto before = etcd_of(cluster, 2);
    REQUIRE(before.size() == 1);
    ::kill(before.front(), SIGKILL);
    CHECK(eg::test::wait_until(
        [&] {
            const auto now = etcd_of(cluster, 2);
            return now.size() == 1 && now.front() != before.front();
        },
        15s));
    CHECK(cluster.process(2).running());
    CHECK(eg::test::wait_until(three, 30s));
    CHECK(eg::test::wait_until([&] { return cluster.egctl(2, {"health"}).exit_code == 0; }, 10s));
}

TEST_CASE("cluster: a secondary whose first primary is down still joins",
          "[integration][cluster][secondary]") {
    local_cluster cluster;
    for (int i = 1; i <= 3; ++i) cluster.start(i);
    REQUIRE(eg::test::wait_until([&] { return cluster.members_seen_by(2).size() == 3; }, 60s));
    CHECK(cluster.process(1).stop() == 0);

    auto args = cluster.tutorial_flags(4);
    const auto peers = cluster.member(1).peer_url() + "," + cluster.member(2).peer_url() + "," +
                       cluster.member(3).peer_url();
    for (std::size_t k = 0; k + 1 < args.size(); ++k)
        if (args[k] == "--primary-listen-peer-urls") args[k + 1] = peers;
    const auto extra = cluster.test_flags(4);
    args.insert(args.end(), extra.begin(), extra.end());
    cluster.start(4, args);
    const bool joined = eg::test::wait_until(
        [&] {
            const auto rows = cluster.members_seen_by(4);
            const auto* me = row_of(rows, "machine-4");
            return me != nullptr && me->role == "secondary" && rows.size() == 4;
        },
        30s);
    INFO(cluster.outputs());
    CHECK(joined);
    CHECK(cluster.egctl(4, {"health"}).exit_code == 0);
}
