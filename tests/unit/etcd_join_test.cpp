// A primary's start-up decisions: whether it joins the running cluster, and adding it to the
// membership when its answer may be lost (over the in-memory etcd).

#include "daemon/etcd/etcd_member.hpp"
#include "support/fake_kv.hpp"

#include <catch2/catch.hpp>

#include <atomic>

namespace {

using eg::server::join_plan;
using eg::test::fake_kv;
namespace kv = eg::server::etcd;
using namespace std::chrono_literals;

const std::vector<std::string> own_peers{"http://c:2380"};

std::vector<kv::member> running() {
    return {{0x1, "a", {"http://a:2380"}, {"http://a:2379"}},
            {0x2, "b", {"http://b:2380"}, {"http://b:2379"}}};
}

}  // namespace

TEST_CASE("start-up: a primary starts as configured, as a member, or joins", "[kv][startup]") {
    CHECK(eg::server::plan_join({}, "c", own_peers) == join_plan::as_configured);
    auto members = running();
    CHECK(eg::server::plan_join(members, "c", own_peers) == join_plan::join_add);
    CHECK(eg::server::plan_join(members, "a", {"http://a:2380"}) == join_plan::member);
    members.push_back({0x3, "", {"http://c:2380"}, {}});  // added earlier, not started
    CHECK(eg::server::plan_join(members, "c", own_peers) == join_plan::join_listed);
    CHECK(eg::server::joining_cluster(members, "c", own_peers) ==
          "a=http://a:2380,b=http://b:2380,c=http://c:2380");
}

TEST_CASE("start-up: adding a primary to the running cluster", "[kv][startup]") {
    fake_kv store;
    store.set_members(running());
    std::atomic<bool> stopping = false;
    std::vector<std::string> waits;
    auto waiting = [&](const std::string& text) { waits.push_back(text); };
    const auto later = std::chrono::steady_clock::now() + 20s;

    SECTION("added at once") {
        CHECK(eg::server::add_member_to(store, own_peers, later, stopping, waiting, 1ms));
        CHECK(eg::server::listed_unstarted(store, own_peers));
        CHECK(waits.empty());
    }
    SECTION("its answer lost after it applied: listed, not added twice") {
        store.fail_next(fake_kv::fault::unknown_applied, "add_member");
        CHECK_FALSE(eg::server::add_member_to(store, own_peers, later, stopping, waiting, 1ms));
        CHECK(store.members().size() == 3);
        CHECK(store.calls("add_member") == 1);
    }
    SECTION("refused while the cluster cannot take it (503), then added") {
        store.fail_next(fake_kv::fault::unavailable, "add_member", 0, 2);
        CHECK(eg::server::add_member_to(store, own_peers, later, stopping, waiting, 1ms));
        CHECK(waits.size() == 2);
        CHECK(waits[0].starts_with("waiting for the cluster to accept a new member: "));
        CHECK(store.members().size() == 3);
    }
    SECTION("still refused at the deadline, or when stopping: an error") {
        store.fail_next(fake_kv::fault::unavailable, "add_member", 0, 1'000'000);
        const auto past = std::chrono::steady_clock::now() - 1s;
        CHECK_THROWS_AS(eg::server::add_member_to(store, own_peers, past, stopping, waiting, 1ms),
                        kv::error);
        stopping = true;
        CHECK_THROWS_AS(eg::server::add_member_to(store, own_peers, later, stopping, waiting, 1ms),
                        kv::error);
        CHECK(store.members().size() == 2);
    }
    SECTION("its peer URL belongs to a started member: an error at once") {
        auto members = running();
        members.push_back({0x3, "old", {"http://c:2380"}, {"http://c:2379"}});
        store.set_members(members);
        CHECK_THROWS_AS(eg::server::add_member_to(store, own_peers, later, stopping, waiting, 1ms),
                        kv::error);
        CHECK_FALSE(eg::server::listed_unstarted(store, own_peers));
        CHECK(waits.empty());
    }
}
