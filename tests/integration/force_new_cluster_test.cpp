// --force-new-cluster: a primary whose peers are gone for good becomes a one-member cluster from
// its data dir, keeping the data.

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "support/local_cluster.hpp"

namespace {

using namespace std::chrono_literals;

}  // namespace

TEST_CASE("force-new-cluster: the last primary recovers the cluster alone",
          "[integration][force-new-cluster]") {
    eg::test::local_cluster cluster(3, 0);
    cluster.start_all();
    REQUIRE(eg::test::wait_until([&] { return cluster.members_seen_by(1).size() == 3; }, 60s));
    for (int i = 1; i <= 3; ++i) CHECK(cluster.process(i).stop() == 0);

    // machine-2 and machine-3 are gone; machine-1 alone cannot reach quorum...
    auto args = cluster.tutorial_flags(1);
    const auto extra = cluster.test_flags(1);
    args.insert(args.end(), extra.begin(), extra.end());
    auto& waiting = cluster.start(1, args);
    CHECK(eg::test::wait_until(
        [&] {
            const auto health = cluster.egctl(1, {"health"});
            return health.exit_code == 1 &&
                   health.err.find("waiting for etcd machine-1") != std::string::npos;
        },
        20s));
    CHECK(waiting.stop() == 0);

    // ...until it is told to start a new cluster from its data.
    args.push_back("--force-new-cluster");
    auto& recovered = cluster.start(1, args);
    std::vector<eg::test::member_row> rows;
    const bool alone = eg::test::wait_until(
        [&] {
            rows = cluster.members_seen_by(1);
            for (const auto& r : rows)
                if (r.name == "machine-1") return r.state == "Leader";
            return false;
        },
        60s);
    INFO(cluster.outputs());
    REQUIRE(alone);
    // The statuses the others left are still there (the data survived), shown as such.
    CHECK(rows.size() == 3);
    CHECK(cluster.egctl(1, {"health"}).exit_code == 0);
    CHECK(recovered.stop() == 0);
}
