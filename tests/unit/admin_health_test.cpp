// /healthz and the served member list when a member's etcd is down: the admin routes with the
// member behind them given as plain functions.

#include "daemon/admin/admin_routes.hpp"
#include "daemon/cluster/membership.hpp"
#include "support/ready_member_backend.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace {

using eg::server::admin_backend;
using eg::server::admin_routes;
using json = nlohmann::json;

using eg::test::ready_member_backend;

std::string primary_status(const std::string& name, const std::string& etcd_id,
                           const std::string& state) {
    return json{
        {"options", {{"Name", name}, {"ClusterRole", "primary"}}},
        {"lastHeartbeatTime", "2026-04-01T10:00:05Z"},
        {"etcd", {{"id", etcd_id}, {"startTime", "2026-04-01T09:50:00Z"}, {"state", state}}}}
        .dump();
}

}  // namespace

TEST_CASE("admin health: healthz is 503 {code,message} with the reason while etcd is down",
          "[admin-routes]") {
    auto backend = ready_member_backend();
    std::string problem = "etcd is restarting after it was killed by signal 9; next start in 0.4 s";
    backend.health_problem = [&] { return problem; };
    const admin_routes routes(backend);
    const auto down = routes.handle("GET", "/apis/v2/healthz");
    CHECK(down.status == 503);
    const auto body = json::parse(down.body, nullptr, false);
    CHECK(body == json{{"code", 503}, {"message", problem}});
    problem.clear();
    CHECK(routes.handle("GET", "/apis/v2/healthz").status == 200);
    CHECK(routes.handle("GET", "/apis/v2/healthz").body.empty());
}

TEST_CASE("admin health: start-up's wait is said before an etcd problem", "[admin-routes]") {
    auto backend = ready_member_backend();
    backend.waiting_for = [] { return std::string("waiting for etcd machine-1 to start"); };
    backend.health_problem = [] { return std::string("etcd not reachable: refused"); };
    const auto answer = admin_routes(backend).handle("GET", "/apis/v2/healthz");
    CHECK(answer.status == 503);
    CHECK(answer.body.find("waiting for etcd machine-1 to start") != std::string::npos);
}

TEST_CASE("admin health: a member published Offline stays Offline in the served list",
          "[admin-routes]") {
    // The leader is known: Leader/Follower are set from it, but an etcd that does not answer is
    // not made a Follower.
    const auto list = json::parse(eg::server::member_list_json(
        {primary_status("machine-1", "a1", "Leader"), primary_status("machine-2", "b2", "Leader"),
         primary_status("machine-3", "c3", std::string(eg::server::etcd_offline_state))},
        "b2"));
    REQUIRE(list.size() == 3);
    CHECK(list[0]["etcd"]["state"] == "Follower");
    CHECK(list[1]["etcd"]["state"] == "Leader");
    CHECK(list[2]["etcd"]["state"] == "Offline");
}
