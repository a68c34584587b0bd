// membership over the in-memory etcd: the status under the member's lease, a lost lease, the
// leader probe of a primary, purging a member.

#include "daemon/cluster/membership.hpp"
#include "support/fake_kv.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <mutex>
#include <vector>

namespace {

using eg::test::fake_kv;
namespace kv = eg::server::etcd;
using namespace std::chrono_literals;

// A membership of member m1 over the fake etcd; its status document is the etcd state it was
// given ("-" on a secondary), and every document published is remembered.
struct member_under_test {
    explicit member_under_test(fake_kv& store, std::string own_etcd = {})
        : log((dir.path() / "stdout.log").string(), false, false),
          member(
              store, settings(std::move(own_etcd)),
              [this](auto, const std::optional<eg::server::etcd_member_state>& state) {
                  std::string document = state ? state->state : "-";
                  std::lock_guard lock(mutex);
                  documents.push_back(document);
                  return document;
              },
              [] { return std::chrono::system_clock::time_point{}; }, log) {}

    static eg::server::membership_settings settings(std::string own_etcd) {
        eg::server::membership_settings settings;
        settings.name = "m1";
        settings.heartbeat = 5ms;
        settings.lease_ttl_seconds = 60;
        settings.own_etcd = std::move(own_etcd);
        settings.leader_probe = 2ms;
        return settings;
    }

    bool published(const std::string& document) {
        std::lock_guard lock(mutex);
        return std::find(documents.begin(), documents.end(), document) != documents.end();
    }

    eg::test::temp_dir dir;
    eg::server::logger log;
    std::mutex mutex;
    std::vector<std::string> documents;
    eg::server::membership member;
};

}  // namespace

TEST_CASE("membership: the heartbeat writes the member status under the member's lease",
          "[kv][membership]") {
    fake_kv store;
    member_under_test m(store);
    m.member.start();
    REQUIRE(store.wait_until([&] { return m.member.published(); }));
    const auto lease = m.member.lease();
    CHECK(lease != 0);
    CHECK(store.lease_alive(lease));
    const auto status = store.value_of("/status/members/m1");
    REQUIRE(status);
    CHECK(status->value == "-");
    CHECK(status->lease == lease);
    const auto lease_key = store.value_of("/leases/m1");
    REQUIRE(lease_key);
    CHECK(lease_key->value == kv::hex_id(lease));
    CHECK(lease_key->lease == lease);
    // Heartbeats go on: the status is written again, and the lease kept alive.
    const auto first = status->mod_revision;
    CHECK(store.wait_until(
        [&] { return store.value_of("/status/members/m1")->mod_revision > first; }));
    CHECK(store.calls("keep_alive") > 0);
    m.member.stop();
}

TEST_CASE("membership: a lost lease is replaced and the status written under the new one",
          "[kv][membership]") {
    fake_kv store;
    member_under_test m(store);
    m.member.start();
    REQUIRE(store.wait_until([&] { return m.member.published(); }));
    const auto old = m.member.lease();
    store.advance(61s);  // no keep-alive for longer than the TTL
    CHECK_FALSE(store.lease_alive(old));
    REQUIRE(store.wait_until([&] {
        const auto status = store.value_of("/status/members/m1");
        return m.member.lease() != old && status && status->lease == m.member.lease();
    }));
    const auto now = m.member.lease();
    CHECK(store.lease_alive(now));
    CHECK(store.value_of("/leases/m1")->value == kv::hex_id(now));
    m.member.stop();
}

TEST_CASE("membership: after a restart the lease the member held is used again while it lives",
          "[kv][membership]") {
    fake_kv store;
    const auto held = store.grant_lease(60);
    store.put("/leases/m1", kv::hex_id(held), held);
    member_under_test m(store);
    m.member.start();
    REQUIRE(store.wait_until([&] { return m.member.published(); }));
    CHECK(m.member.lease() == held);
    CHECK(store.calls("grant_lease") == 1);  // the test's own
    m.member.stop();
}

TEST_CASE("membership: a failing heartbeat is retried until the status is written",
          "[kv][membership]") {
    fake_kv store;
    store.fail_next(fake_kv::fault::unavailable, "put", 0, 2);
    member_under_test m(store);
    m.member.start();
    REQUIRE(store.wait_until([&] { return m.member.published(); }));
    CHECK(store.value_of("/status/members/m1"));
    CHECK(store.calls("put") >= 3);
    m.member.stop();
}

TEST_CASE(
    "membership: a primary publishes Leader or Follower from its etcd's status, and "
    "Offline while it does not answer",
    "[kv][membership]") {
    fake_kv store;
    store.set_status({0x11, 0x11, 3});
    member_under_test m(store, "http://127.0.0.1:1");
    m.member.start();
    REQUIRE(store.wait_until([&] { return m.member.published(); }));
    CHECK(m.published("Leader"));
    CHECK(m.member.leader_id() == "11");

    store.set_status({0x11, 0x22, 4});
    REQUIRE(store.wait_until([&] { return m.published("Follower"); }));
    CHECK(store.wait_until([&] { return m.member.leader_id() == "22"; }));

    store.fail_next(fake_kv::fault::unavailable, "status_of", 0, 1'000'000);
    REQUIRE(store.wait_until([&] { return m.published("Offline"); }));
    CHECK(m.member.etcd_problem().starts_with("etcd not reachable: "));
    CHECK(m.member.leader_id().empty());
    store.clear_plans();
    REQUIRE(store.wait_until([&] { return m.member.etcd_problem().empty(); }));
    CHECK(store.wait_until(
        [&] { return store.value_of("/status/members/m1")->value == "Follower"; }));
    m.member.stop();
}

TEST_CASE("membership: a secondary knows the leader from any endpoint's status",
          "[kv][membership]") {
    fake_kv store;
    store.set_status({0x11, 0, 3});
    member_under_test m(store);
    m.member.start();
    CHECK(m.member.etcd_problem() == "etcd has no leader: no quorum of primaries is reachable");
    CHECK(m.member.leader_id().empty());
    CHECK(store.calls("status_of") == 0);
    m.member.stop();
}

TEST_CASE("membership: purging a member removes its etcd membership, its lease and its keys",
          "[kv][membership]") {
    fake_kv store;
    store.set_members({{0x11, "m1", {"http://a:2380"}, {"http://a:2379"}},
                       {0x22, "m2", {"http://b:2380"}, {"http://b:2379"}}});
    const auto lease = store.grant_lease(60);
    store.put("/leases/m2", kv::hex_id(lease), lease);
    store.put("/status/members/m2", "{}", lease);
    store.put("/status/objects/default/o/m2", "{}", lease);
    member_under_test m(store);
    // The removal's answer is lost after it applied: the member list says it was.
    store.fail_next(fake_kv::fault::unknown_applied, "remove_member");
    CHECK(m.member.purge("m2") == eg::server::purge_result::purged);
    REQUIRE(store.members().size() == 1);
    CHECK(store.members()[0].name == "m1");
    CHECK_FALSE(store.lease_alive(lease));
    CHECK_FALSE(store.value_of("/leases/m2"));
    CHECK_FALSE(store.value_of("/status/members/m2"));
    CHECK_FALSE(store.value_of("/status/objects/default/o/m2"));
    CHECK(m.member.purge("m2") == eg::server::purge_result::not_found);
}
