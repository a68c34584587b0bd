// The in-memory etcd of the unit tests (tests/support/fake_kv.hpp) keeps etcd's semantics:
// revisions, versions, leases, transactions, history, watches and injected faults.

#include "support/fake_kv.hpp"

#include <catch2/catch.hpp>

namespace {

using eg::test::fake_kv;
using json = nlohmann::json;
namespace kv = eg::server::etcd;

json compare(const std::string& key, const char* target, const char* field, std::int64_t n) {
    return {{"key", kv::base64(key)},
            {"target", target},
            {"result", "EQUAL"},
            {field, std::to_string(n)}};
}

json put_request(const std::string& key, const std::string& value) {
    return {{"request_put", {{"key", kv::base64(key)}, {"value", kv::base64(value)}}}};
}

}  // namespace

TEST_CASE("fake etcd: one revision for the store, create/mod revision and version per key",
          "[kv][fake-kv]") {
    fake_kv store;
    CHECK(store.revision() == 1);
    CHECK(store.put("/a", "1") == 2);
    CHECK(store.put("/b", "1") == 3);
    CHECK(store.put("/a", "2") == 4);
    const auto a = store.get("/a");
    REQUIRE(a.kvs.size() == 1);
    CHECK(a.revision == 4);
    CHECK(a.kvs[0].value == "2");
    CHECK(a.kvs[0].create_revision == 2);
    CHECK(a.kvs[0].mod_revision == 4);
    CHECK(a.kvs[0].version == 2);
    CHECK(store.erase("/missing") == 0);
    CHECK(store.revision() == 4);  // nothing deleted: no new revision
    CHECK(store.erase("/a") == 1);
    CHECK(store.revision() == 5);
    CHECK(store.put("/a", "3") == 6);
    CHECK(store.get("/a").kvs[0].create_revision == 6);  // a new life of the key
    CHECK(store.get("/a").kvs[0].version == 1);
}

TEST_CASE("fake etcd: a prefix read returns the keys under it, in order", "[kv][fake-kv]") {
    fake_kv store;
    store.put("/p/b", "2");
    store.put("/p/a", "1");
    store.put("/pq", "x");
    store.put("/o", "y");
    const auto read = store.get_prefix("/p/");
    REQUIRE(read.kvs.size() == 2);
    CHECK(read.kvs[0].key == "/p/a");
    CHECK(read.kvs[1].key == "/p/b");
    CHECK(store.get_prefix("").kvs.size() == 4);
}

TEST_CASE("fake etcd: put_if_absent creates once", "[kv][fake-kv]") {
    fake_kv store;
    CHECK(store.put_if_absent("/k", "first"));
    CHECK_FALSE(store.put_if_absent("/k", "second"));
    CHECK(store.get("/k").kvs[0].value == "first");
}

TEST_CASE("fake etcd: a transaction compares, then applies one branch at one revision",
          "[kv][fake-kv]") {
    fake_kv store;
    store.put("/v", "1");  // revision 2
    const json body = {
        {"compare", json::array({compare("/v", "MOD", "mod_revision", 2),
                                 compare("/o", "CREATE", "create_revision", 0)})},
        {"success", json::array({put_request("/o", "x"), put_request("/v", "2")})},
        {"failure", json::array({{{"request_range", {{"key", kv::base64("/v")}}}}})}};
    const auto answer = store.txn(body, kv::kv_store::repeat::unsafe, std::nullopt);
    CHECK(answer.value("succeeded", false));
    CHECK(kv::as_i64(answer["header"], "revision") == 3);
    CHECK(store.get("/o").kvs[0].mod_revision == 3);
    CHECK(store.get("/v").kvs[0].mod_revision == 3);

    const auto again = store.txn(body, kv::kv_store::repeat::unsafe, std::nullopt);
    CHECK_FALSE(again.value("succeeded", false));
    CHECK(store.revision() == 3);
    const auto kvs = again["responses"][0]["response_range"]["kvs"];
    REQUIRE(kvs.size() == 1);
    CHECK(kv::key_value_from(kvs[0]).value == "2");
}

TEST_CASE("fake etcd: value and version compares; a value compare on a missing key fails",
          "[kv][fake-kv]") {
    fake_kv store;
    store.put("/k", "v");
    auto holds = [&](const json& c) {
        return store.txn({{"compare", json::array({c})}}, kv::kv_store::repeat::safe, std::nullopt)
            .value("succeeded", false);
    };
    CHECK(holds({{"key", kv::base64("/k")}, {"target", "VALUE"}, {"value", kv::base64("v")}}));
    CHECK_FALSE(
        holds({{"key", kv::base64("/k")}, {"target", "VALUE"}, {"value", kv::base64("w")}}));
    CHECK_FALSE(holds({{"key", kv::base64("/none")}, {"target", "VALUE"}, {"value", ""}}));
    CHECK(holds(compare("/k", "VERSION", "version", 1)));
    CHECK(holds(compare("/none", "VERSION", "version", 0)));
    CHECK(holds({{"key", kv::base64("/k")},
                 {"target", "MOD"},
                 {"result", "GREATER"},
                 {"mod_revision", "1"}}));
}

TEST_CASE("fake etcd: a put under an unknown lease is refused; an expired lease deletes its keys",
          "[kv][fake-kv]") {
    fake_kv store;
    CHECK_THROWS_AS(store.put("/k", "v", 42), kv::error);
    const auto lease = store.grant_lease(10);
    store.put("/leased", "v", lease);
    store.put("/kept", "v");
    store.advance(std::chrono::seconds(6));
    CHECK(store.keep_alive(lease) == 10);  // renewed: 10 s from now
    store.advance(std::chrono::seconds(6));
    CHECK(store.value_of("/leased"));
    store.advance(std::chrono::seconds(4));
    CHECK_FALSE(store.value_of("/leased"));
    CHECK(store.value_of("/kept"));
    CHECK(store.keep_alive(lease) == 0);
    CHECK_FALSE(store.lease_alive(lease));
}

TEST_CASE("fake etcd: a key is read as it was at a revision, until compacted", "[kv][fake-kv]") {
    fake_kv store;
    store.put("/k", "1");  // 2
    store.put("/k", "2");  // 3
    store.erase("/k");     // 4
    CHECK(store.get_at("/k", 2)->value == "1");
    CHECK(store.get_at("/k", 3)->value == "2");
    CHECK_FALSE(store.get_at("/k", 4));
    CHECK_FALSE(store.get_at("/k", 1));
    CHECK_THROWS_AS(store.get_at("/k", 9), kv::error);
    store.compact(3);
    CHECK_THROWS_AS(store.get_at("/k", 2), kv::error);
    CHECK(store.get_at("/k", 3)->value == "2");
}

TEST_CASE("fake etcd: a watch sends each revision's events under its prefix, in order",
          "[kv][fake-kv]") {
    fake_kv store;
    store.put("/p/a", "1");  // 2
    store.put("/q", "x");    // 3
    store.txn({{"success", json::array({put_request("/p/b", "2"), put_request("/p/c", "3")})}},
              kv::kv_store::repeat::unsafe, std::nullopt);  // 4
    store.erase("/p/a");                                    // 5
    const auto watch = store.watch({"/p/", 2, {}, 0});
    auto first = watch->next();
    CHECK(first.what == kv::watch_update::kind::events);
    REQUIRE(first.events.size() == 1);
    CHECK(first.events[0].kv.key == "/p/a");
    auto second = watch->next();
    REQUIRE(second.events.size() == 2);
    CHECK(second.events[0].kv.key == "/p/b");
    CHECK(second.events[1].kv.mod_revision == 4);
    auto third = watch->next();
    REQUIRE(third.events.size() == 1);
    CHECK(third.events[0].deleted);
    CHECK(third.events[0].kv.mod_revision == 5);
    store.notify_progress();
    auto progress = watch->next();
    CHECK(progress.what == kv::watch_update::kind::progress);
    CHECK(progress.revision == 5);
    store.end_watches();
    CHECK(watch->next().what == kv::watch_update::kind::ended);
    CHECK(store.watch_starts() == std::vector<std::int64_t>{2});
}

TEST_CASE("fake etcd: a watch from a compacted revision says so; an aborted one throws",
          "[kv][fake-kv]") {
    fake_kv store;
    store.put("/p/a", "1");
    store.put("/p/a", "2");
    store.compact(3);
    CHECK(store.watch({"/p/", 2, {}, 0})->next().what == kv::watch_update::kind::compacted);
    const auto watch = store.watch({"/p/", 4, {}, 0});
    watch->abort();
    CHECK_THROWS_AS(watch->next(), kv::error);
}

TEST_CASE("fake etcd: injected faults: unavailable, outcome unknown applied or not",
          "[kv][fake-kv]") {
    fake_kv store;
    store.fail_next(fake_kv::fault::unavailable, "put");
    try {
        store.put("/k", "1");
        FAIL("no fault");
    } catch (const kv::error& e) {
        CHECK(e.unavailable());
        CHECK_FALSE(e.outcome_unknown());
    }
    CHECK_FALSE(store.value_of("/k"));

    store.fail_next(fake_kv::fault::unknown_applied, "put");
    try {
        store.put("/k", "2");
        FAIL("no fault");
    } catch (const kv::error& e) {
        CHECK(e.outcome_unknown());
    }
    CHECK(store.value_of("/k")->value == "2");

    store.fail_next(fake_kv::fault::unknown_unapplied, "put", 1);
    store.put("/k", "3");  // skipped: passes
    CHECK_THROWS_AS(store.put("/k", "4"), kv::error);
    CHECK(store.value_of("/k")->value == "3");
    CHECK(store.calls("put") == 4);
}

TEST_CASE("fake etcd: members are added unstarted and removed", "[kv][fake-kv]") {
    fake_kv store;
    store.set_members({{1, "a", {"http://a:2380"}, {"http://a:2379"}}});
    CHECK_THROWS_AS(store.add_member({"http://a:2380"}), kv::error);
    const auto id = store.add_member({"http://b:2380"});
    REQUIRE(store.members().size() == 2);
    CHECK(store.members()[1].name.empty());
    store.remove_member(id);
    CHECK(store.members().size() == 1);
    CHECK_THROWS_AS(store.remove_member(id), kv::error);
}
