// Object statuses: what a member's reporting round writes and deletes, how it is cut into
// transactions, the reporter over the in-memory etcd, and how the admin API serves the stored
// statuses.

#include "daemon/objects/object_status.hpp"
#include "daemon/admin/admin_routes.hpp"
#include "support/fake_kv.hpp"
#include "support/ready_member_backend.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

using eg::server::etcd::key_value;
using json = nlohmann::json;

key_value entry(const std::string& key, const std::string& value, std::int64_t mod_revision = 1) {
    key_value kv;
    kv.key = key;
    kv.value = value;
    kv.mod_revision = mod_revision;
    return kv;
}

std::map<std::string, key_value> objects_of(
    const std::vector<std::tuple<std::string, std::string, std::int64_t>>& objects) {
    std::map<std::string, key_value> out;
    for (const auto& [name, kind, revision] : objects) {
        const std::string key = "/config/objects/" + name;
        out[key] = entry(key, json{{"name", name}, {"kind", kind}}.dump(), revision);
    }
    return out;
}

std::map<std::string, key_value> statuses_of(const std::vector<std::string>& keys) {
    std::map<std::string, key_value> out;
    for (const auto& key : keys)
        out["/status/objects/" + key] = entry("/status/objects/" + key, R"({"revision":1})");
    return out;
}

// The operation kinds and keys of a gateway transaction body, e.g. "put /status/objects/…".
std::vector<std::string> operations_in(const json& transaction) {
    std::vector<std::string> out;
    for (const auto& operation : transaction["success"]) {
        if (operation.contains("request_put"))
            out.push_back("put " + eg::server::etcd::unbase64(
                                       operation["request_put"]["key"].get<std::string>()));
        else
            out.push_back("delete " +
                          eg::server::etcd::unbase64(
                              operation["request_delete_range"]["key"].get<std::string>()));
    }
    return out;
}

}  // namespace

TEST_CASE("object status: traffic objects report in eg-traffic-default, the others in default",
          "[object-status]") {
    CHECK(eg::server::status_namespace("HTTPServer") == "eg-traffic-default");
    CHECK(eg::server::status_namespace("Pipeline") == "eg-traffic-default");
    CHECK(eg::server::status_namespace("GRPCServer") == "eg-traffic-default");
    CHECK(eg::server::status_namespace("AutoCertManager") == "default");
    CHECK(eg::server::status_namespace("") == "default");
}

TEST_CASE("object status: a round reports the revision of every object the member holds",
          "[object-status]") {
    const auto round = eg::server::plan_status_round(
        objects_of({{"demo", "Pipeline", 17}, {"certs", "AutoCertManager", 9}}), {}, "machine-2",
        1'700'000'005);
    REQUIRE(round.puts.size() == 2);
    CHECK(round.deletes.empty());
    std::map<std::string, json> puts;
    for (const auto& [key, value] : round.puts) puts[key] = json::parse(value);
    CHECK(puts.at("/status/objects/eg-traffic-default/demo/machine-2") ==
          json{{"revision", 17}, {"timestamp", 1'700'000'005}});
    CHECK(puts.at("/status/objects/default/certs/machine-2") ==
          json{{"revision", 9}, {"timestamp", 1'700'000'005}});
}

TEST_CASE("object status: a round deletes this member's statuses of vanished objects only",
          "[object-status]") {
    const auto round = eg::server::plan_status_round(
        objects_of({{"kept", "Pipeline", 3}}),
        statuses_of({"eg-traffic-default/kept/machine-1", "eg-traffic-default/gone/machine-1",
                     "default/old/machine-1", "eg-traffic-default/gone/machine-10",
                     "eg-traffic-default/gone/machine-2", "odd/machine-1"}),
        "machine-1", 0);
    CHECK(round.deletes == std::vector<std::string>{"/status/objects/default/old/machine-1",
                                                    "/status/objects/eg-traffic-default/gone/"
                                                    "machine-1"});
    REQUIRE(round.puts.size() == 1);
    CHECK(round.puts.front().first == "/status/objects/eg-traffic-default/kept/machine-1");
}

TEST_CASE("object status: a spec that is not JSON still gets a status, in namespace default",
          "[object-status]") {
    std::map<std::string, key_value> objects{
        {"/config/objects/broken", entry("/config/objects/broken", "{not json", 4)}};
    const auto round = eg::server::plan_status_round(objects, {}, "m", 0);
    REQUIRE(round.puts.size() == 1);
    CHECK(round.puts.front().first == "/status/objects/default/broken/m");
}

TEST_CASE("object status: deletes come first, then puts, in transactions of at most the batch",
          "[object-status]") {
    eg::server::status_round round;
    for (int i = 0; i < 5; ++i)
        round.puts.emplace_back("/status/objects/default/o" + std::to_string(i) + "/m", "{}");
    round.deletes = {"/status/objects/default/x/m", "/status/objects/default/y/m",
                     "/status/objects/default/z/m"};

    const auto transactions = eg::server::status_transactions(round, 0x2a, 2);
    REQUIRE(transactions.size() == 5);  // deletes 2 + 1, puts 2 + 2 + 1
    CHECK(operations_in(transactions[0]) ==
          std::vector<std::string>{"delete /status/objects/default/x/m",
                                   "delete /status/objects/default/y/m"});
    CHECK(operations_in(transactions[1]) ==
          std::vector<std::string>{"delete /status/objects/default/z/m"});
    CHECK(operations_in(transactions[2]) ==
          std::vector<std::string>{"put /status/objects/default/o0/m",
                                   "put /status/objects/default/o1/m"});
    CHECK(operations_in(transactions[4]) ==
          std::vector<std::string>{"put /status/objects/default/o4/m"});
    for (const auto& transaction : transactions) {
        CHECK_FALSE(transaction.contains("compare"));
        for (const auto& operation : transaction["success"])
            if (operation.contains("request_put")) CHECK(operation["request_put"]["lease"] == "42");
    }
}

TEST_CASE("object status: a batch of one puts each status in its own transaction",
          "[object-status]") {
    eg::server::status_round round;
    round.puts = {{"/status/objects/default/a/m", "{}"}, {"/status/objects/default/b/m", "{}"}};
    CHECK(eg::server::status_transactions(round, 1, 1).size() == 2);
    CHECK(eg::server::status_transactions(round, 1, 20).size() == 1);
    CHECK(eg::server::status_transactions({}, 1, 20).empty());
}

namespace {

eg::server::admin_backend backend_with_statuses(
    std::optional<std::map<std::string, std::string>> statuses) {
    eg::server::admin_backend backend;
    backend.waiting_for = [] { return std::string(); };
    backend.leader_id = [] { return std::string(); };
    backend.object_specs = []() -> std::optional<std::map<std::string, std::string>> {
        return std::map<std::string, std::string>{{"demo", R"({"name":"demo","kind":"Pipeline"})"},
                                                  {"web", R"({"name":"web","kind":"HTTPServer"})"}};
    };
    eg::test::write_objects_with(backend,
                                 [](const std::string&, const std::string&, const nlohmann::json*) {
                                     return eg::server::object_write{};
                                 });
    backend.object_statuses = [statuses] { return statuses; };
    return backend;
}

const std::map<std::string, std::string> stored_statuses{
    {"eg-traffic-default/demo/machine-1", R"({"revision":5,"timestamp":100})"},
    {"eg-traffic-default/demo/machine-2", R"({"revision":4,"timestamp":100})"},
    {"eg-traffic-default/web/machine-1", R"({"revision":6,"timestamp":100})"},
    {"default/demo/machine-3", R"({"revision":5,"timestamp":100})"},
};

}  // namespace

TEST_CASE("admin routes: GET /status/objects maps <namespace>/<name>/<member> to each status",
          "[admin-routes][object-status]") {
    const eg::server::admin_routes routes(backend_with_statuses(stored_statuses));
    const auto answer = routes.handle("GET", "/apis/v2/status/objects");
    REQUIRE(answer.status == 200);
    CHECK(answer.content_type == "application/json");
    const auto body = json::parse(answer.body);
    CHECK(body.size() == 4);
    CHECK(body["eg-traffic-default/demo/machine-2"] == json{{"revision", 4}, {"timestamp", 100}});
}

TEST_CASE("admin routes: GET /status/objects/{name} keeps that object's statuses",
          "[admin-routes][object-status]") {
    const eg::server::admin_routes routes(backend_with_statuses(stored_statuses));
    auto body = json::parse(routes.handle("GET", "/apis/v2/status/objects/demo").body);
    CHECK(body.size() == 3);
    CHECK_FALSE(body.contains("eg-traffic-default/web/machine-1"));

    body = json::parse(
        routes.handle("GET", "/apis/v2/status/objects/demo?namespace=eg-traffic-default").body);
    CHECK(body.size() == 2);
    CHECK_FALSE(body.contains("default/demo/machine-3"));
}

TEST_CASE("admin routes: GET /status/objects/{name} of an object that does not exist is 404",
          "[admin-routes][object-status]") {
    const eg::server::admin_routes routes(backend_with_statuses(stored_statuses));
    const auto answer = routes.handle("GET", "/apis/v2/status/objects/missing");
    CHECK(answer.status == 404);
    CHECK(json::parse(answer.body) == json{{"code", 404}, {"message", "not found"}});
}

TEST_CASE("admin routes: /status/objects is 503 while the statuses are not known yet",
          "[admin-routes][object-status]") {
    const eg::server::admin_routes routes(backend_with_statuses(std::nullopt));
    CHECK(routes.handle("GET", "/apis/v2/status/objects").status == 503);
    CHECK(routes.handle("POST", "/apis/v2/status/objects").status == 405);
}

TEST_CASE(
    "object status: the reporter writes this member's statuses under its lease and "
    "deletes those of objects that are gone",
    "[kv][object-status]") {
    eg::test::temp_dir dir;
    eg::server::logger log((dir.path() / "stdout.log").string(), false, false);
    eg::test::fake_kv store;
    store.put("/config/objects/a", R"({"kind":"Pipeline","name":"a"})");
    store.put("/config/objects/b", R"({"kind":"AutoCertManager","name":"b"})");
    const auto old = store.grant_lease(60);
    store.put("/status/objects/default/gone/m1", "{}", old);
    store.put("/status/objects/default/gone/m2", "{}", old);
    const auto lease = store.grant_lease(60);
    eg::server::etcd::prefix_view objects(store, "/config/objects/");
    objects.start();
    REQUIRE(store.wait_until([&] { return objects.synced(); }));
    eg::server::object_status_reporter reporter(
        store, "m1", 1, [&] { return lease; }, objects, log);
    reporter.start();
    REQUIRE(store.wait_until([&] {
        return store.value_of("/status/objects/default/b/m1") &&
               !store.value_of("/status/objects/default/gone/m1");
    }));
    reporter.stop();
    const auto a = store.value_of("/status/objects/eg-traffic-default/a/m1");
    REQUIRE(a);
    CHECK(a->lease == lease);
    CHECK(json::parse(a->value)["revision"] == store.value_of("/config/objects/a")->mod_revision);
    CHECK(store.value_of("/status/objects/default/b/m1")->lease == lease);
    CHECK(store.value_of("/status/objects/default/gone/m2"));  // another member's
    // One operation a transaction: a delete, two puts (and maybe a next round's two puts).
    CHECK(store.calls("txn") >= 3);
    objects.stop();
}
