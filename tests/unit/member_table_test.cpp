#include "tools/egctl/member_table.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using eg::ctl::member_table;
using eg::ctl::parse_rfc3339;

namespace {

nlohmann::json member(const std::string& name, const std::string& role, const std::string& api,
                      const std::string& heartbeat, const nlohmann::json& etcd) {
    nlohmann::json status = {{"options", {{"Name", name}, {"ClusterRole", role}, {"APIAddr", api}}},
                             {"lastHeartbeatTime", heartbeat}};
    if (!etcd.is_null()) status["etcd"] = etcd;
    return status;
}

}  // namespace

TEST_CASE("parse_rfc3339: reads UTC, offsets and fractions", "[egctl]") {
    const auto utc = parse_rfc3339("2026-04-01T10:00:05Z");
    REQUIRE(utc);
    CHECK(std::chrono::system_clock::to_time_t(*utc) == 1775037605);
    CHECK(parse_rfc3339("2026-04-01T18:00:05+08:00") == utc);
    CHECK(parse_rfc3339("2026-04-01T10:00:05.000Z") == utc);
    CHECK_FALSE(parse_rfc3339("yesterday"));
    CHECK_FALSE(parse_rfc3339("2026-04-01T10:00:05"));
}

TEST_CASE("member_table: prints the tutorial's table with upstream's bytes", "[egctl]") {
    const auto now = *parse_rfc3339("2026-04-01T10:10:00Z");
    const nlohmann::json statuses = nlohmann::json::array(
        {member("machine-1", "primary", "10.0.0.1:2381", "2026-04-01T10:09:57Z",
                {{"id", "1"}, {"startTime", "2026-04-01T10:00:00Z"}, {"state", "Leader"}}),
         member("machine-2", "primary", "10.0.0.2:2381", "2026-04-01T10:09:56Z",
                {{"id", "2"}, {"startTime", "2026-04-01T10:00:00Z"}, {"state", "Follower"}}),
         member("machine-4", "secondary", "localhost:2381", "2026-04-01T10:09:57Z", nullptr)});
    CHECK(member_table(statuses, now) ==
          "NAME\t\tROLE\t\tAGE\t\tSTATE\t\tAPI-ADDR\tHEARTBEAT\t\n"
          "machine-1\tprimary\t\t10m\t\tLeader\t\t10.0.0.1:2381\t3s ago\t\t\n"
          "machine-2\tprimary\t\t10m\t\tFollower\t10.0.0.2:2381\t4s ago\t\t\n"
          "machine-4\tsecondary\tunknown\t\t\t\tlocalhost:2381\t3s ago\t\t\n");
}

TEST_CASE("member_table: shows a member silent for 3 heartbeat intervals as Offline", "[egctl]") {
    const auto now = *parse_rfc3339("2026-04-01T10:10:00Z");
    auto stale = member("machine-3", "primary", "10.0.0.3:2381", "2026-04-01T10:09:44Z",
                        {{"id", "3"}, {"startTime", "2026-04-01T10:00:00Z"}, {"state", "Leader"}});
    auto fresh_fast =
        member("machine-5", "secondary", "10.0.0.5:2381", "2026-04-01T10:09:58Z", nullptr);
    fresh_fast["options"]["MemberHeartbeatInterval"] = "500ms";  // 2 s is 4 intervals here
    const auto table = member_table(nlohmann::json::array({stale, fresh_fast}), now);
    CHECK(table.find("machine-3\tprimary\t\t10m\t\tOffline\t") != std::string::npos);
    CHECK(table.find("machine-5\tsecondary\tunknown\t\tOffline\t") != std::string::npos);
    const auto on_time = member("machine-6", "secondary", "10.0.0.6:2381", "2026-04-01T10:09:50Z",
                                nullptr);  // 10 s < 3 x 5 s
    CHECK(member_table(nlohmann::json::array({on_time}), now).find("Offline") == std::string::npos);
}
