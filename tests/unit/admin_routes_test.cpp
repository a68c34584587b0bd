// The admin API's routing with the member behind it given as plain functions (admin_backend is
// the component's interface); and the pure helpers of the etcd client and cluster endpoints.

#include "daemon/admin/admin_routes.hpp"
#include "daemon/etcd/cluster_endpoints.hpp"
#include "daemon/etcd/etcd_client.hpp"
#include "support/ready_member_backend.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using eg::server::admin_backend;
using eg::server::admin_routes;
using eg::server::api_response;
using json = nlohmann::json;

using eg::test::ready_member_backend;

api_response get(const admin_backend& backend, const std::string& target) {
    return admin_routes(backend).handle("GET", target);
}

json parsed(const api_response& response) {
    INFO("body: " << response.body);
    const auto body = json::parse(response.body, nullptr, false);
    REQUIRE_FALSE(body.is_discarded());
    return body;
}

// A status document as members publish it; etcd_id empty: a secondary (no etcd part).
std::string status_of(const std::string& name, const std::string& etcd_id = "",
                      const std::string& state = "") {
    json status = {
        {"options", {{"Name", name}, {"ClusterRole", etcd_id.empty() ? "secondary" : "primary"}}},
        {"lastHeartbeatTime", "2026-04-01T10:00:05Z"}};
    if (!etcd_id.empty())
        status["etcd"] = {{"id", etcd_id}, {"startTime", "2026-04-01T09:50:00Z"}, {"state", state}};
    return status.dump();
}

std::vector<std::string> names_in(const json& list) {
    std::vector<std::string> names;
    for (const auto& status : list) names.push_back(status["options"]["Name"]);
    return names;
}

// name → etcd.state ("" for a member without an etcd part).
std::string state_of(const json& list, const std::string& name) {
    for (const auto& status : list)
        if (status["options"]["Name"] == name)
            return status.contains("etcd") ? status["etcd"]["state"].get<std::string>() : "";
    FAIL("no member " << name << " in " << list.dump());
    return {};
}

eg::server::etcd::member started(std::uint64_t id, const std::string& name,
                                 std::vector<std::string> client_urls) {
    eg::server::etcd::member m;
    m.id = id;
    m.name = name;
    m.peer_urls = {"http://10.0.0." + std::to_string(id) + ":2380"};
    m.client_urls = std::move(client_urls);
    return m;
}

}  // namespace

// ---- admin routes -------------------------------------------------------------------------

TEST_CASE("admin routes: healthz is 200 with an empty body when the member is ready",
          "[admin-routes]") {
    const auto response = get(ready_member_backend(), "/apis/v2/healthz");
    CHECK(response.status == 200);
    CHECK(response.body.empty());
}

TEST_CASE("admin routes: healthz is 503 saying what start-up waits for", "[admin-routes]") {
    auto backend = ready_member_backend();
    backend.waiting_for = [] { return std::string("waiting for etcd machine-1 to start"); };
    const auto response = get(backend, "/apis/v2/healthz");
    CHECK(response.status == 503);
    CHECK(response.body == R"({"code":503,"message":"waiting for etcd machine-1 to start"})");
}

TEST_CASE("admin routes: every route is served under /apis/v1 as under /apis/v2",
          "[admin-routes]") {
    auto backend = ready_member_backend();
    backend.waiting_for = [] { return std::string("waiting for X"); };
    const auto v1 = get(backend, "/apis/v1/healthz");
    const auto v2 = get(backend, "/apis/v2/healthz");
    CHECK(v1.status == 503);
    CHECK(v1.body == R"({"code":503,"message":"waiting for X"})");
    CHECK(v1.body == v2.body);
    CHECK(get(ready_member_backend(), "/apis/v1/healthz").status == 200);
    CHECK(get(ready_member_backend(), "/apis/v1/status/members").status == 200);
    CHECK(get(ready_member_backend(), "/apis/v1").status == 200);
}

TEST_CASE("admin routes: a trailing slash and a query string are ignored", "[admin-routes]") {
    const auto backend = ready_member_backend();
    CHECK(get(backend, "/apis/v2/healthz/").status == 200);
    CHECK(get(backend, "/apis/v2/healthz?verbose=1").status == 200);
    CHECK(get(backend, "/apis/v2/status/members/").status == 200);
    CHECK(get(backend, "/apis/v2/").status == 200);
    CHECK(get(backend, "/apis/v2/").body == get(backend, "/apis/v2").body);
}

TEST_CASE("admin routes: an unknown path is 404 '404 page not found'", "[admin-routes]") {
    const auto backend = ready_member_backend();
    for (const std::string target :
         {"/apis/v2/nothing", "/apis/v2/healthzz", "/apis/v3/healthz", "/apis/v2x/healthz",
          "/healthz", "/", "", "/apis", "/apis/v2/status", "/apis/v2/status/members/a/b"}) {
        INFO("target: " << target);
        const auto response = get(backend, target);
        CHECK(response.status == 404);
        CHECK(response.body == "404 page not found\n");
    }
    CHECK(admin_routes(backend).handle("DELETE", "/apis/v2/nothing").status == 404);
}

TEST_CASE("admin routes: a known path with another method is 405 with an empty body",
          "[admin-routes]") {
    bool purged = false;
    auto backend = ready_member_backend();
    backend.purge = [&](const std::string&) { return purged = true; };
    const admin_routes routes(backend);
    for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
             {"POST", "/apis/v2/healthz"},
             {"DELETE", "/apis/v2/healthz"},
             {"PUT", "/apis/v1/about"},
             {"DELETE", "/apis/v2/status/members"},
             {"GET", "/apis/v2/status/members/machine-1"},
             {"PUT", "/apis/v2/status/members/machine-1"},
             {"POST", "/apis/v2"}}) {
        INFO(method << " " << target);
        const auto response = routes.handle(method, target);
        CHECK(response.status == 405);
        CHECK(response.body.empty());
    }
    CHECK_FALSE(purged);
}

TEST_CASE("admin routes: GET /apis/v2 lists the routes by group", "[admin-routes]") {
    const auto response = get(ready_member_backend(), "/apis/v2");
    REQUIRE(response.status == 200);
    const auto groups = parsed(response);
    REQUIRE(groups.is_array());
    std::vector<std::string> names;
    std::vector<std::string> routes;
    for (const auto& group : groups) {
        names.push_back(group["Group"]);
        for (const auto& entry : group["Entries"])
            routes.push_back(group["Group"].get<std::string>() + " " +
                             entry["method"].get<std::string>() + " " +
                             entry["path"].get<std::string>());
    }
    CHECK(names == std::vector<std::string>{"admin", "cluster", "objects"});
    CHECK(routes == std::vector<std::string>{
                        "admin GET /healthz", "admin GET /about", "cluster GET /status/members",
                        "cluster DELETE /status/members/{name}", "cluster GET /status/etcd-members",
                        "objects GET /object-kinds", "objects POST /objects",
                        "objects GET /objects", "objects GET /objects/{name}",
                        "objects PUT /objects/{name}", "objects DELETE /objects/{name}",
                        "objects GET /status/objects", "objects GET /status/objects/{name}"});
}

TEST_CASE("admin routes: objects are validated before anything is written", "[admin-routes]") {
    int writes = 0;
    auto backend = ready_member_backend();
    backend.object_specs = []() -> std::optional<std::map<std::string, std::string>> {
        return std::map<std::string, std::string>{
            {"p", R"({"kind":"Pipeline","name":"p","filters":[]})"},
            {"a", R"({"kind":"HTTPServer","name":"a","port":80})"}};
    };
    eg::test::write_objects_with(
        backend, [&](const std::string& method, const std::string&, const nlohmann::json*) {
            ++writes;
            return eg::server::object_write{method == "POST" ? eg::server::object_write::done
                                                             : eg::server::object_write::not_found,
                                            5, ""};
        });
    const admin_routes routes(backend);
    auto post = [&](const std::string& body) {
        return routes.handle("POST", "/apis/v2/objects", body);
    };

    CHECK(post("not json").status == 400);
    CHECK(post(R"({"name":"x"})").body == R"({"code":400,"message":"kind is required"})");
    CHECK(post(R"({"kind":"HTTPServer","name":"no spaces"})").status == 400);
    CHECK(post(R"({"kind":"HTTPServer","name":"x","port":70000})").status == 400);
    CHECK(post(R"({"kind":"Pipeline","name":"x","filters":[{"name":"f","kind":"K"}],)"
               R"("flow":[{"filter":"g"}]})")
              .status == 400);
    CHECK(writes == 0);
    const auto created = post(R"({"kind":"HTTPServer","name":"x","port":8080})");
    CHECK(created.status == 201);
    CHECK(created.config_version == "5");
    CHECK(writes == 1);
    CHECK(routes.handle("DELETE", "/apis/v2/objects/x").status == 404);

    // Reads come from the view: sorted by name; one by name; 404 for others.
    const auto list = parsed(routes.handle("GET", "/apis/v2/objects"));
    REQUIRE(list.size() == 2);
    CHECK(list[0]["name"] == "a");
    CHECK(parsed(routes.handle("GET", "/apis/v2/objects/p"))["kind"] == "Pipeline");
    CHECK(routes.handle("GET", "/apis/v2/objects/zz").status == 404);
    CHECK(parsed(routes.handle("GET", "/apis/v2/object-kinds")) ==
          json::array({"HTTPServer", "Pipeline"}));
}

TEST_CASE("admin routes: about is the copyright text", "[admin-routes]") {
    const auto response = get(ready_member_backend(), "/apis/v2/about");
    CHECK(response.status == 200);
    CHECK(response.body.find("The Easegress Authors. All rights reserved.") != std::string::npos);
    CHECK(response.content_type == "text/plain; charset=utf-8");
}

TEST_CASE("admin routes: /status/members is sorted by options.Name", "[admin-routes]") {
    auto backend = ready_member_backend();
    backend.member_statuses = []() -> std::optional<std::vector<std::string>> {
        return std::vector<std::string>{
            status_of("machine-3", "c3", "Follower"), status_of("machine-10"),
            status_of("machine-1", "c1", "Leader"), status_of("machine-2", "c2", "Follower")};
    };
    const auto response = get(backend, "/apis/v2/status/members");
    REQUIRE(response.status == 200);
    const auto list = parsed(response);
    CHECK(names_in(list) ==
          std::vector<std::string>{"machine-1", "machine-10", "machine-2", "machine-3"});
    // Everything else is served as stored.
    CHECK(list[0]["lastHeartbeatTime"] == "2026-04-01T10:00:05Z");
    CHECK(list[0]["etcd"]["id"] == "c1");
    CHECK(list[1]["options"]["ClusterRole"] == "secondary");
}

TEST_CASE("admin routes: /status/members states the current etcd leader, not a stale one",
          "[admin-routes]") {
    std::string leader = "c2";
    auto backend = ready_member_backend();
    // machine-1 was the leader when it last wrote its status, then stopped; c2 leads now.
    backend.member_statuses = []() -> std::optional<std::vector<std::string>> {
        return std::vector<std::string>{
            status_of("machine-1", "c1", "Leader"), status_of("machine-2", "c2", "Follower"),
            status_of("machine-3", "c3", "Follower"), status_of("machine-4")};
    };
    backend.leader_id = [&] { return leader; };

    SECTION("the stored Leader that is not the leader is a Follower; the leader is Leader") {
        const auto list = parsed(get(backend, "/apis/v2/status/members"));
        CHECK(state_of(list, "machine-1") == "Follower");
        CHECK(state_of(list, "machine-2") == "Leader");
        CHECK(state_of(list, "machine-3") == "Follower");
        CHECK(state_of(list, "machine-4").empty());
        CHECK_FALSE(list[3].contains("etcd"));  // a secondary gets no etcd part
    }
    SECTION("an unknown leader leaves the stored states as they are") {
        leader.clear();
        const auto list = parsed(get(backend, "/apis/v2/status/members"));
        CHECK(state_of(list, "machine-1") == "Leader");
        CHECK(state_of(list, "machine-2") == "Follower");
        CHECK(state_of(list, "machine-3") == "Follower");
        CHECK(state_of(list, "machine-4").empty());
    }
}

TEST_CASE("admin routes: member_list_json skips documents that are not JSON objects",
          "[admin-routes]") {
    const auto list = json::parse(eg::server::member_list_json(
        {"not json", "[1,2]", status_of("machine-2", "c2", "Leader"), "{}"}, "c2"));
    REQUIRE(list.size() == 2);
    CHECK(list[0] == json::object());  // no options.Name: sorts first
    CHECK(list[1]["etcd"]["state"] == "Leader");
}

TEST_CASE("admin routes: /status/members is 503 while the statuses are not known yet",
          "[admin-routes]") {
    auto backend = ready_member_backend();
    backend.member_statuses = []() -> std::optional<std::vector<std::string>> {
        return std::nullopt;
    };
    SECTION("saying what start-up waits for") {
        backend.waiting_for = [] { return std::string("waiting for etcd"); };
        const auto response = get(backend, "/apis/v2/status/members");
        CHECK(response.status == 503);
        CHECK(response.body == R"({"code":503,"message":"waiting for etcd"})");
    }
    SECTION("when ready but not synced yet") {
        const auto response = get(backend, "/apis/v2/status/members");
        CHECK(response.status == 503);
        const auto body = parsed(response);
        CHECK(body["code"] == 503);
        CHECK_FALSE(body["message"].get<std::string>().empty());
    }
}

TEST_CASE("admin routes: a backend that throws gives 503 with its message", "[admin-routes]") {
    auto backend = ready_member_backend();
    backend.member_statuses = []() -> std::optional<std::vector<std::string>> {
        throw std::runtime_error("etcd is gone");
    };
    const auto response = get(backend, "/apis/v2/status/members");
    CHECK(response.status == 503);
    CHECK(response.body == R"({"code":503,"message":"etcd is gone"})");
}

TEST_CASE("admin routes: DELETE /status/members/{name} purges that member", "[admin-routes]") {
    std::vector<std::string> asked;
    bool result = true;
    auto backend = ready_member_backend();
    backend.purge = [&](const std::string& name) {
        asked.push_back(name);
        return result;
    };
    const admin_routes routes(backend);

    SECTION("200 with an empty body when it existed") {
        const auto response = routes.handle("DELETE", "/apis/v2/status/members/machine-1");
        CHECK(response.status == 200);
        CHECK(response.body.empty());
        CHECK(asked == std::vector<std::string>{"machine-1"});
    }
    SECTION("404 not found when it did not") {
        result = false;
        const auto response = routes.handle("DELETE", "/apis/v1/status/members/machine-1/");
        CHECK(response.status == 404);
        CHECK(response.body == R"({"code":404,"message":"not found"})");
        CHECK(asked == std::vector<std::string>{"machine-1"});
    }
    SECTION("a percent-encoded name is decoded") {
        CHECK(routes.handle("DELETE", "/apis/v2/status/members/machine%2D1").status == 200);
        CHECK(routes.handle("DELETE", "/apis/v2/status/members/a%20b%2fc").status == 200);
        CHECK(routes.handle("DELETE", "/apis/v2/status/members/100%25").status == 200);
        CHECK(asked == std::vector<std::string>{"machine-1", "a b/c", "100%"});
    }
}

TEST_CASE("admin routes: a purge that throws is 503 'purge member <name> failed: …'",
          "[admin-routes]") {
    auto backend = ready_member_backend();
    backend.purge = [](const std::string&) -> bool {
        throw std::runtime_error("etcdserver: no leader");
    };
    const auto response =
        admin_routes(backend).handle("DELETE", "/apis/v2/status/members/machine%2D1");
    CHECK(response.status == 503);
    CHECK(response.body ==
          R"({"code":503,"message":"purge member machine-1 failed: etcdserver: no leader"})");
}

TEST_CASE("admin routes: error_response is {code, message}", "[admin-routes]") {
    const auto response = eg::server::error_response(418, "a \"quoted\" teapot");
    CHECK(response.status == 418);
    CHECK(json::parse(response.body) == json{{"code", 418}, {"message", "a \"quoted\" teapot"}});
}

// ---- cluster endpoints ----------------------------------------------------------------------

TEST_CASE("cluster endpoints: client_urls_of lists started members' client URLs",
          "[cluster-endpoints]") {
    using eg::server::client_urls_of;
    const std::vector<eg::server::etcd::member> members = {
        started(1, "machine-1", {"http://10.0.0.1:2379", "http://10.0.1.1:2379"}),
        started(2, "", {}),  // added, not started yet
        started(3, "", {"http://10.0.0.3:2379"}),
        started(4, "machine-2", {"http://10.0.0.2:2379", "http://10.0.0.1:2379"}),
    };
    SECTION("in member order, unstarted ones skipped, without duplicates") {
        CHECK(client_urls_of(members, {}) == std::vector<std::string>{"http://10.0.0.1:2379",
                                                                      "http://10.0.1.1:2379",
                                                                      "http://10.0.0.2:2379"});
    }
    SECTION("the given ones first, not repeated") {
        CHECK(client_urls_of(members, {"http://10.0.0.2:2379", "http://127.0.0.1:2379"}) ==
              std::vector<std::string>{"http://10.0.0.2:2379", "http://127.0.0.1:2379",
                                       "http://10.0.0.1:2379", "http://10.0.1.1:2379"});
    }
    SECTION("no members: only the given ones") {
        CHECK(client_urls_of({}, {"http://a:1"}) == std::vector<std::string>{"http://a:1"});
        CHECK(client_urls_of({}, {}).empty());
    }
}

// ---- etcd client: pure helpers --------------------------------------------------------------

TEST_CASE("etcd client: base64 encodes without line breaks and unbase64 inverts it",
          "[etcd-client]") {
    using eg::server::etcd::base64;
    using eg::server::etcd::unbase64;
    CHECK(base64("") == "");
    CHECK(base64("f") == "Zg==");
    CHECK(base64("fo") == "Zm8=");
    CHECK(base64("foobar") == "Zm9vYmFy");
    CHECK(base64(std::string("\0\xff", 2)) == "AP8=");
    CHECK(unbase64("Zm9vYmFy") == "foobar");
    CHECK(unbase64("AP8=") == std::string("\0\xff", 2));
    CHECK(unbase64("") == "");

    std::string every_byte;
    for (int i = 0; i < 256; ++i) every_byte += static_cast<char>(i);
    every_byte += every_byte;  // long enough for a line break if there were one
    const auto text = base64(every_byte);
    CHECK(text.find_first_of("\r\n") == std::string::npos);
    CHECK(text.size() == (every_byte.size() + 2) / 3 * 4);
    CHECK(unbase64(text) == every_byte);
}

TEST_CASE("etcd client: prefix_end is the first key after every key with the prefix",
          "[etcd-client]") {
    using eg::server::etcd::prefix_end;
    CHECK(prefix_end("/status/members/") == "/status/members0");
    CHECK(prefix_end("a") == "b");
    CHECK(prefix_end(std::string("a\xff", 2)) == "b");
    CHECK(prefix_end(std::string("a\xfe", 2)) == std::string("a\xff", 2));
    CHECK(prefix_end(std::string("\x01\xff\xff", 3)) == "\x02");
    CHECK(prefix_end(std::string("\xff\xff", 2)) == std::string(1, '\0'));  // every key
    CHECK(prefix_end("") == std::string(1, '\0'));
}

TEST_CASE("etcd client: as_u64 and as_i64 read gateway numbers in string and number form",
          "[etcd-client]") {
    using eg::server::etcd::as_i64;
    using eg::server::etcd::as_u64;
    const std::uint64_t big = 18136004425889994302ULL;
    REQUIRE(big > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()));

    CHECK(as_u64(json::parse(R"({"ID":"18136004425889994302"})"), "ID") == big);
    CHECK(as_u64(json::parse(R"({"id":18136004425889994302})"), "id") == big);
    CHECK(as_u64(json::parse(R"({"ID":"18446744073709551615"})"), "ID") ==
          std::numeric_limits<std::uint64_t>::max());
    CHECK(as_u64(json::parse(R"({"ID":"42"})"), "ID") == 42);
    CHECK(as_u64(json::parse(R"({"ID":42})"), "ID") == 42);
    CHECK(as_u64(json::parse(R"({"other":"42"})"), "ID") == 0);  // absent means zero
    CHECK(as_u64(json::parse(R"([1])"), "ID") == 0);

    CHECK(as_i64(json::parse(R"({"revision":"9223372036854775807"})"), "revision") ==
          std::numeric_limits<std::int64_t>::max());
    CHECK(as_i64(json::parse(R"({"revision":"17"})"), "revision") == 17);
    CHECK(as_i64(json::parse(R"({"TTL":-1})"), "TTL") == -1);
    CHECK(as_i64(json::parse(R"({"TTL":"-1"})"), "TTL") == -1);
    CHECK(as_i64(json::parse(R"({})"), "TTL") == 0);
}

TEST_CASE("etcd client: key_value_from decodes a gateway key-value", "[etcd-client]") {
    const auto kv = eg::server::etcd::key_value_from(
        json::parse(R"({"key":"L2EvAP8=","value":"AP8K","create_revision":"5","mod_revision":"7",)"
                    R"("version":"3","lease":"18136004425889994302"})"));
    CHECK(kv.key == std::string("/a/\0\xff", 5));
    CHECK(kv.value == std::string("\0\xff\n", 3));
    CHECK(kv.create_revision == 5);
    CHECK(kv.mod_revision == 7);
    CHECK(kv.version == 3);
    CHECK(kv.lease == 18136004425889994302ULL);
    // An empty value is left out by the gateway.
    const auto empty = eg::server::etcd::key_value_from(json::parse(R"({"key":"YQ=="})"));
    CHECK(empty.key == "a");
    CHECK(empty.value.empty());
    CHECK(empty.lease == 0);
}

TEST_CASE("etcd client: hex_id is etcd's lower-case hex member id, unpadded", "[etcd-client]") {
    using eg::server::etcd::hex_id;
    CHECK(hex_id(18136004425889994302ULL) == "fbb007efca15d63e");
    CHECK(hex_id(0x8e9e05c52164694dULL) == "8e9e05c52164694d");
    CHECK(hex_id(std::numeric_limits<std::uint64_t>::max()) == "ffffffffffffffff");
    CHECK(hex_id(0x1a) == "1a");
    CHECK(hex_id(0) == "0");
}

TEST_CASE("etcd client: error says whether another endpoint is worth trying", "[etcd-client]") {
    using eg::server::etcd::error;
    CHECK(error("unreachable").unavailable());
    CHECK(error("no leader", 503, 14).unavailable());
    CHECK_FALSE(error("bad request", 400, 3).unavailable());
    CHECK(error("lease not found", 404, 5).not_found());
    CHECK_FALSE(error("lease not found", 404, 5).unavailable());
    CHECK(error("x", 503, 14).grpc_code() == 14);
}

TEST_CASE("admin routes: the member list is rendered again only when the statuses or leader change",
          "[admin-routes]") {
    int reads = 0;
    std::int64_t version = 7;
    std::string leader = "c1";
    std::string state_of_one = "Leader";
    auto backend = ready_member_backend();
    backend.member_statuses = [&]() -> std::optional<std::vector<std::string>> {
        ++reads;
        return std::vector<std::string>{status_of("machine-1", "c1", state_of_one),
                                        status_of("machine-2", "c2", "Follower")};
    };
    backend.leader_id = [&] { return leader; };
    backend.statuses_version = [&] { return version; };
    const admin_routes routes(backend);

    const auto first = routes.handle("GET", "/apis/v2/status/members");
    CHECK(routes.handle("GET", "/apis/v2/status/members").body == first.body);
    CHECK(reads == 1);

    version = 8;  // the view moved on
    routes.handle("GET", "/apis/v2/status/members");
    CHECK(reads == 2);

    leader = "c2";  // a new leader: the states are served anew
    const auto after = parsed(routes.handle("GET", "/apis/v2/status/members"));
    CHECK(reads == 3);
    CHECK(state_of(after, "machine-2") == "Leader");
    CHECK(state_of(after, "machine-1") == "Follower");
}

TEST_CASE("admin routes: object bodies may be YAML", "[admin-routes]") {
    nlohmann::json written;
    auto backend = ready_member_backend();
    backend.object_specs = []() -> std::optional<std::map<std::string, std::string>> {
        return std::map<std::string, std::string>{};
    };
    eg::test::write_objects_with(
        backend, [&](const std::string&, const std::string&, const nlohmann::json* spec) {
            written = *spec;
            return eg::server::object_write{eg::server::object_write::done, 1, ""};
        });
    const admin_routes routes(backend);
    const auto created = routes.handle("POST", "/apis/v2/objects",
                                       "kind: HTTPServer\nname: from-yaml\nport: 10080\nhttps: "
                                       "false\nrules:\n  - host: \"8080\"\n");
    CHECK(created.status == 201);
    CHECK(written["port"] == 10080);
    CHECK(written["https"] == false);
    CHECK(written["rules"][0]["host"] == "8080");  // quoted: stays a string
    const auto broken = routes.handle("POST", "/apis/v2/objects", "kind: [unclosed\n");
    CHECK(broken.status == 400);
    CHECK(routes.handle("POST", "/apis/v2/objects", "- a list\n").status == 400);
}

TEST_CASE("admin routes: every answer carries the config version", "[admin-routes]") {
    auto backend = ready_member_backend();
    backend.config_version = [] { return std::string("42"); };
    const admin_routes routes(backend);
    CHECK(routes.handle("GET", "/apis/v2/healthz").config_version == "42");
    CHECK(routes.handle("GET", "/nowhere").config_version == "42");
    CHECK(routes.handle("POST", "/apis/v2/healthz").config_version == "42");
}

TEST_CASE(
    "admin API contract: every route egctl may call is served, and the route list is the "
    "contract's",
    "[admin-routes][contract]") {
    auto backend = ready_member_backend();
    backend.object_specs = []() -> std::optional<std::map<std::string, std::string>> {
        return std::map<std::string, std::string>{{"x", R"({"kind":"Pipeline","name":"x"})"}};
    };
    backend.object_statuses = []() -> std::optional<std::map<std::string, std::string>> {
        return std::map<std::string, std::string>{};
    };
    eg::test::write_objects_with(
        backend, [](const std::string&, const std::string&, const nlohmann::json*) {
            return eg::server::object_write{eg::server::object_write::done, 1, ""};
        });
    const admin_routes routes(backend);
    const std::string body = R"({"kind":"Pipeline","name":"x","filters":[]})";
    for (const auto& route : eg::admin_api::routes) {
        const std::string path = eg::admin_api::path_of(route.id, "x");
        INFO(route.method << " " << path);
        const auto answer = routes.handle(std::string(route.method), path, body);
        CHECK(answer.body != "404 page not found\n");  // 404 "not found" of a purge is served
        CHECK(answer.status != 405);
        CHECK(answer.status < 500);
    }
    // The list served at /apis/v2 names each route of the contract once.
    const auto listed = nlohmann::json::parse(routes.handle("GET", "/apis/v2").body);
    std::size_t entries = 0;
    for (const auto& group : listed)
        for (const auto& entry : group["Entries"]) {
            ++entries;
            const auto path = entry["path"].get<std::string>();
            const auto method = entry["method"].get<std::string>();
            CHECK(std::count_if(
                      std::begin(eg::admin_api::routes), std::end(eg::admin_api::routes),
                      [&](const auto& r) { return r.path == path && r.method == method; }) == 1);
        }
    CHECK(entries == std::size(eg::admin_api::routes));
}

TEST_CASE("admin API contract: paths escape the name as one segment", "[admin-routes][contract]") {
    using eg::admin_api::route_id;
    CHECK(eg::admin_api::path_of(route_id::health) == "/apis/v2/healthz");
    CHECK(eg::admin_api::path_of(route_id::object_get, "a b/c") == "/apis/v2/objects/a%20b%2Fc");
    CHECK(eg::admin_api::path_of(route_id::member_purge, "machine-4") ==
          "/apis/v2/status/members/machine-4");
    CHECK(eg::admin_api::error_body(400, "bad \xff") ==
          "{\"code\":400,\"message\":\"bad \xEF\xBF\xBD\"}");
}
