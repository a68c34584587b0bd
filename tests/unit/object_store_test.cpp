// The object store: the createdAt stamp objects are stored with; its compare-and-swap writes
// over the in-memory etcd, with concurrent changes and answers lost.

#include "daemon/objects/object_store.hpp"
#include "daemon/cluster/time_text.hpp"
#include "support/fake_kv.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <regex>
#include <string>

using json = nlohmann::json;

TEST_CASE("object store: a created object is stamped with createdAt unless it has one",
          "[object-store]") {
    const json spec = {{"kind", "HTTPServer"}, {"name", "demo"}, {"port", 10080}};
    const auto stamped = eg::server::with_created_at(spec, "2026-04-01T09:10:00Z");
    CHECK(stamped["createdAt"] == "2026-04-01T09:10:00Z");
    CHECK(stamped["port"] == 10080);

    json given = spec;
    given["createdAt"] = "2020-01-01T00:00:00Z";
    CHECK(eg::server::with_created_at(given, "2026-04-01T09:10:00Z")["createdAt"] ==
          "2020-01-01T00:00:00Z");
    // No time to keep (an object stored before createdAt was set): none is made up.
    CHECK_FALSE(eg::server::with_created_at(spec, "").contains("createdAt"));
}

TEST_CASE("object store: createdAt is UTC in RFC 3339 to the second", "[object-store]") {
    CHECK(std::regex_match(eg::server::rfc3339(std::chrono::system_clock::now()),
                           std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)")));
}

namespace {

using eg::server::object_write;
using eg::test::fake_kv;

json pipeline(const std::string& name) {
    return {{"kind", "Pipeline"}, {"name", name}, {"filters", json::array()}};
}

std::string config_version(const fake_kv& store) {
    const auto version = store.value_of(eg::server::config_version_key);
    return version ? version->value : "absent";
}

}  // namespace

TEST_CASE(
    "object store: create, update and delete each bump /config/version in the same "
    "transaction",
    "[kv][object-store]") {
    fake_kv store;
    eg::server::object_store objects(store);
    const auto created = objects.create(pipeline("p"));
    REQUIRE(created.result == object_write::done);
    CHECK(created.version == 1);
    CHECK(config_version(store) == "1");
    const auto stored = store.value_of("/config/objects/p");
    REQUIRE(stored);
    CHECK(created.revision == stored->mod_revision);
    CHECK(store.value_of(eg::server::config_version_key)->mod_revision == stored->mod_revision);

    auto changed = pipeline("p");
    changed["filters"] = json::array({{{"name", "f"}, {"kind", "Proxy"}}});
    const auto updated = objects.update("p", changed);
    REQUIRE(updated.result == object_write::done);
    CHECK(updated.version == 2);
    const auto after = json::parse(store.value_of("/config/objects/p")->value);
    CHECK(after["filters"].size() == 1);
    CHECK(after["createdAt"] == json::parse(stored->value)["createdAt"]);  // kept

    const auto removed = objects.remove("p");
    REQUIRE(removed.result == object_write::done);
    CHECK(removed.version == 3);
    CHECK_FALSE(store.value_of("/config/objects/p"));
    CHECK(config_version(store) == "3");
}

TEST_CASE(
    "object store: a duplicate create, a change of a missing object and a change of kind "
    "are refused without writing",
    "[kv][object-store]") {
    fake_kv store;
    eg::server::object_store objects(store);
    REQUIRE(objects.create(pipeline("p")).result == object_write::done);
    const auto revision = store.revision();
    const auto again = objects.create(pipeline("p"));
    CHECK(again.result == object_write::exists);
    CHECK(again.why == "conflict name: p");
    CHECK(objects.update("q", pipeline("q")).result == object_write::not_found);
    CHECK(objects.remove("q").result == object_write::not_found);
    json server = {{"kind", "HTTPServer"}, {"name", "p"}, {"port", 80}, {"rules", json::array()}};
    const auto kind = objects.update("p", server);
    CHECK(kind.result == object_write::refused);
    CHECK(kind.why == "different kinds: Pipeline, HTTPServer");
    CHECK(store.revision() == revision);
    CHECK(config_version(store) == "1");
}

TEST_CASE(
    "object store: a change that lost a race with another one starts over from the new "
    "state, also when its own answer was lost and it had not applied",
    "[kv][object-store]") {
    const bool answer_lost = GENERATE(false, true);
    fake_kv store;
    eg::server::object_store objects(store);
    eg::server::object_store other(store);
    // Before this create's compare-and-swap (or, when the answer of that one is lost, before
    // the read that settles it), another member creates q.
    if (answer_lost) store.fail_next(fake_kv::fault::unknown_unapplied, "txn", 1);
    store.before_next(
        "txn", [&] { REQUIRE(other.create(pipeline("q")).version == 1); }, answer_lost ? 2 : 1);
    const auto created = objects.create(pipeline("p"));
    REQUIRE(created.result == object_write::done);
    CHECK(created.version == 2);
    CHECK(config_version(store) == "2");
    CHECK(store.value_of("/config/objects/p")->version == 1);
    CHECK(store.value_of("/config/objects/q"));
}

TEST_CASE(
    "object store: a change whose answer was lost is acknowledged once, whether it had "
    "applied (settled by reading back) or not (sent again with the same comparison)",
    "[kv][object-store]") {
    const auto lost = GENERATE(fake_kv::fault::unknown_applied, fake_kv::fault::unknown_unapplied);
    fake_kv store;
    eg::server::object_store objects(store);
    // The first transaction reads, the second is the compare-and-swap.
    store.fail_next(lost, "txn", 1);
    const auto created = objects.create(pipeline("p"));
    REQUIRE(created.result == object_write::done);  // not "exists": it was this change
    CHECK(created.version == 1);
    CHECK(config_version(store) == "1");
    const auto stored = store.value_of("/config/objects/p");
    CHECK(stored->version == 1);
    CHECK(created.revision == stored->mod_revision);
}

TEST_CASE("object store: a lost answer is settled even after later changes of other objects",
          "[kv][object-store]") {
    fake_kv store;
    eg::server::object_store objects(store);
    eg::server::object_store other(store);
    REQUIRE(objects.create(pipeline("p")).result == object_write::done);
    store.fail_next(fake_kv::fault::unknown_applied, "txn", 1);
    // Before the read that settles it, two other changes move the config version on.
    store.before_next(
        "txn",
        [&] {
            REQUIRE(other.create(pipeline("q")).result == object_write::done);
            REQUIRE(other.create(pipeline("r")).result == object_write::done);
        },
        2);
    const auto removed = objects.remove("p");
    REQUIRE(removed.result == object_write::done);
    CHECK(removed.version == 2);  // the change right after the state it compared with
    CHECK(config_version(store) == "4");
    CHECK_FALSE(store.value_of("/config/objects/p"));
    CHECK(store.calls("get_at") > 0);
}

TEST_CASE("object store: an unsure change is settled before the attempts run out",
          "[kv][object-store]") {
    fake_kv store;
    eg::server::object_store objects(store);
    // Every compare-and-swap answer is lost: 19 did not apply, the 20th did. Reads and swaps
    // alternate, so the swaps are the even calls.
    for (int swap = 0; swap < 19; ++swap)
        store.fail_next(fake_kv::fault::unknown_unapplied, "txn", 2 * swap + 1);
    store.fail_next(fake_kv::fault::unknown_applied, "txn", 39);
    const auto created = objects.create(pipeline("p"));
    CHECK(created.result == object_write::done);
    CHECK(created.version == 1);
    CHECK(store.value_of("/config/objects/p")->version == 1);
}

TEST_CASE("object store: a change still unsure at the request timeout is an error, not a success",
          "[kv][object-store]") {
    fake_kv store(std::chrono::milliseconds(50));
    eg::server::object_store objects(store);
    store.fail_next(fake_kv::fault::unknown_unapplied, "txn", 1, 1'000'000);
    try {
        objects.create(pipeline("p"));
        FAIL("no error");
    } catch (const eg::server::etcd::error& e) {
        CHECK(e.http_status() == 503);
        CHECK(std::string(e.what()).find("was sent but not answered") != std::string::npos);
    }
    CHECK_FALSE(store.value_of("/config/objects/p"));
}
