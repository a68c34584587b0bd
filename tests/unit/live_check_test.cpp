// The live check (eg/live_check.hpp): a running cluster, as the admin API serves it, against its
// description. The running side is built the way members publish it (status::options_json of a
// configuration), then changed the way a drifted cluster would be.

#include <eg/live_check.hpp>

#include <catch2/catch.hpp>

#include "support/config_inputs.hpp"
#include "support/diagnostic_checks.hpp"

namespace {

namespace diag = eg::diag;
namespace live = eg::live;
namespace status = eg::status;
using eg::test::codes;
using eg::test::only;
using eg::test::with_code;
using json = nlohmann::json;
using codes_t = std::vector<std::string>;
using Catch::Matchers::Contains;

constexpr const char* description_path = "cluster.yaml";

// The tutorial's cluster: three primaries and a secondary on three hosts.
constexpr const char* tutorial =
    "cluster-name: tutorial\n"
    "members:\n"
    "  - name: machine-1\n"
    "    role: primary\n"
    "    host: 10.0.0.1\n"
    "  - name: machine-2\n"
    "    role: primary\n"
    "    host: 10.0.0.2\n"
    "  - name: machine-3\n"
    "    role: primary\n"
    "    host: 10.0.0.3\n"
    "    options:\n"
    "      basic-auth:\n"
    "        admin: secret\n"
    "  - name: machine-4\n"
    "    role: secondary\n"
    "    host: 10.0.0.4\n";

std::vector<eg::topology::member_view> described() {
    return eg::description::members_of(
        eg::test::read_clean_description(tutorial, description_path));
}

const diag::location cluster_place = diag::file_location{description_path, 1, 1};

std::string rfc3339(status::clock::time_point at) {
    const auto t = status::clock::to_time_t(at);
    std::tm utc{};
    gmtime_r(&t, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

// A running cluster exactly as described: every member alive, every primary a voting etcd
// member, machine-1 the leader.
struct running_cluster {
    std::vector<eg::topology::member_view> members = described();
    status::clock::time_point now = status::clock::now();
    json statuses = json::array();
    json etcd_members = json::array();
    std::string leader = "1";

    running_cluster() {
        int id = 0;
        for (const auto& m : members) {
            const auto name = m.config.get(eg::config::opt::name);
            json s = {{"options", json::parse(status::options_json(m.config).dump())},
                      {"lastHeartbeatTime", rfc3339(now)}};
            if (m.config.get(eg::config::opt::cluster_role) != "primary") {
                statuses.push_back(s);
                continue;
            }
            ++id;
            s["etcd"] = {{"id", std::to_string(id)}, {"state", id == 1 ? "Leader" : "Follower"}};
            statuses.push_back(s);
            etcd_members.push_back(
                {{"id", std::to_string(id)},
                 {"name", name},
                 {"peerURLs", m.config.get(eg::config::opt::initial_advertise_peer_urls)},
                 {"clientURLs", m.config.get(eg::config::opt::advertise_client_urls)},
                 {"isLearner", false}});
        }
    }

    json& status_of(const std::string& name) {
        for (auto& s : statuses)
            if (s["options"]["Name"] == name) return s;
        FAIL("no status of " << name);
        return statuses[0];
    }
    void silence(const std::string& name, std::chrono::seconds ago) {
        status_of(name)["lastHeartbeatTime"] = rfc3339(now - ago);
    }

    live::cluster_state state() const {
        live::cluster_state s;
        s.members = statuses;
        s.etcd = json{{"leader", leader}, {"members", etcd_members}};
        s.now = now;
        return s;
    }
    diag::diagnostics check() const {
        auto found = live::check_cluster(members, state(), cluster_place);
        eg::test::log_diagnostics("live", found);
        return found;
    }
};

TEST_CASE("live check: a cluster that runs as described gives only its quorum margin", "[live]") {
    const running_cluster cluster;
    const auto margin = only(cluster.check(), "EG708");
    CHECK(margin.level == diag::severity::note);
    CHECK(margin.message ==
          "3 voting member(s), 3 running, leader machine-1, quorum 2: 1 may fail");
}

TEST_CASE("live check: secrets are compared redacted, never in clear", "[live]") {
    running_cluster cluster;
    // The member publishes <redacted> for its password; the description's own is redacted alike.
    CHECK(cluster.status_of("machine-3")["options"]["BasicAuth"]["admin"] == "<redacted>");
    only(cluster.check(), "EG708");
    for (const auto& d : cluster.check()) CHECK_THAT(d.message, !Contains("secret"));
}

TEST_CASE(
    "live check: an option that runs differently names its path, both values and where "
    "the description says it",
    "[live]") {
    running_cluster cluster;
    cluster.status_of("machine-2")["options"]["Debug"] = true;
    cluster.status_of("machine-4")["options"]["APIAddr"] = "10.0.0.4:9999";
    const auto found = cluster.check();
    CHECK(codes(found) == codes_t{"EG704", "EG704", "EG708"});
    const auto debug = *with_code(found, "EG704").at(0);
    CHECK(debug.level == diag::severity::error);
    CHECK(debug.path == "debug");
    CHECK(debug.message == "machine-2 runs with debug true; its description says false");
    const auto api = *with_code(found, "EG704").at(1);
    CHECK(api.path == "api-addr");
    CHECK(api.message ==
          "machine-4 runs with api-addr \"10.0.0.4:9999\"; its description says "
          "\"10.0.0.4:2381\"");
    // Derived from the member's host in the description: found there.
    CHECK_THAT(diag::location_text(api.where), Contains(description_path));
}

TEST_CASE(
    "live check: an option a member does not publish is not compared, nor how it was "
    "started (config-file)",
    "[live]") {
    running_cluster cluster;
    cluster.status_of("machine-1")["options"].erase("Debug");
    cluster.status_of("machine-2")["options"]["ConfigFile"] = "generated/machine-2.yaml";
    only(cluster.check(), "EG708");
}

TEST_CASE(
    "live check: a described member that does not run is missing, a running one not "
    "described is reported with its role",
    "[live]") {
    running_cluster cluster;
    auto& statuses = cluster.statuses;
    statuses.erase(statuses.begin() + 3);  // machine-4, the secondary
    json stranger = {{"options", {{"Name", "machine-9"}, {"ClusterRole", "secondary"}}},
                     {"lastHeartbeatTime", rfc3339(cluster.now)}};
    statuses.push_back(stranger);
    const auto found = cluster.check();
    CHECK(codes(found) == codes_t{"EG701", "EG702", "EG708"});
    CHECK(with_code(found, "EG701").at(0)->message ==
          "machine-4 is described but no running member has that name");
    CHECK(with_code(found, "EG702").at(0)->message ==
          "secondary machine-9 runs but is not described");
    CHECK(with_code(found, "EG702").at(0)->level == diag::severity::warning);
}

TEST_CASE("live check: a silent primary is Offline and leaves no margin", "[live]") {
    running_cluster cluster;
    // Silent for more than three heartbeats (5 s each, as published).
    cluster.silence("machine-3", std::chrono::seconds(16));
    const auto found = cluster.check();
    CHECK(codes(found) == codes_t{"EG703", "EG709"});
    CHECK_THAT(with_code(found, "EG703").at(0)->message,
               Contains("machine-3 is Offline (last heartbeat ") && Contains(", 16 s ago)"));
    CHECK(with_code(found, "EG709").at(0)->message ==
          "3 voting member(s), 2 running, leader machine-1, quorum 2: 0 may fail");
}

TEST_CASE("live check: a member silent for less than three heartbeats is alive", "[live]") {
    running_cluster cluster;
    cluster.silence("machine-3", std::chrono::seconds(14));
    only(cluster.check(), "EG708");
}

TEST_CASE("live check: two Offline primaries of three, or no leader, lose the quorum", "[live]") {
    SECTION("two Offline") {
        running_cluster cluster;
        cluster.silence("machine-2", std::chrono::seconds(60));
        cluster.silence("machine-3", std::chrono::seconds(60));
        const auto found = cluster.check();
        CHECK(codes(found) == codes_t{"EG703", "EG703", "EG710"});
        CHECK(with_code(found, "EG710").at(0)->message ==
              "3 voting member(s), 1 running: quorum is 2; writes fail");
    }
    SECTION("no leader") {
        running_cluster cluster;
        cluster.leader = "0";
        const auto lost = only(cluster.check(), "EG710");
        CHECK(lost.message == "3 voting member(s), 3 running, no leader: quorum is 2; writes fail");
    }
}

TEST_CASE("live check: etcd's membership against the primaries", "[live]") {
    running_cluster cluster;
    SECTION("an etcd member added for a primary that never started") {
        cluster.etcd_members.push_back({{"id", "9"},
                                        {"name", ""},
                                        {"peerURLs", {"http://10.0.0.5:2380"}},
                                        {"isLearner", false}});
        const auto found = cluster.check();
        // Four voting members, three running: quorum 3, nothing may fail.
        CHECK(codes(found) == codes_t{"EG705", "EG709"});
        CHECK(with_code(found, "EG705").at(0)->message ==
              "etcd member 9 (never started) with peer URLs http://10.0.0.5:2380 has no running "
              "member");
    }
    SECTION("peer URLs that differ from the description") {
        cluster.etcd_members[1]["peerURLs"] = {"http://10.0.0.22:2380"};
        const auto found = cluster.check();
        CHECK(codes(found) == codes_t{"EG706", "EG708"});
        const auto& differ = *with_code(found, "EG706").at(0);
        CHECK(differ.path == "cluster.initial-advertise-peer-urls");
        CHECK(differ.message ==
              "etcd knows machine-2 by peer URLs http://10.0.0.22:2380; its description "
              "advertises http://10.0.0.2:2380");
    }
    SECTION("a learner does not vote") {
        cluster.etcd_members[2]["isLearner"] = true;
        const auto found = cluster.check();
        CHECK(codes(found) == codes_t{"EG707", "EG709"});
        CHECK(with_code(found, "EG709").at(0)->message ==
              "2 voting member(s), 2 running, leader machine-1, quorum 2: 0 may fail");
    }
    SECTION("a running primary that etcd does not know") {
        cluster.etcd_members.erase(cluster.etcd_members.begin() + 2);
        const auto found = cluster.check();
        CHECK(codes(found) == codes_t{"EG712", "EG709"});
        CHECK(with_code(found, "EG712").at(0)->message ==
              "primary machine-3 runs but is not a member of etcd");
    }
    SECTION("etcd's membership not served") {
        auto state = cluster.state();
        state.etcd.reset();
        state.etcd_problem = "404 Not Found";
        const auto unreadable =
            only(live::check_cluster(cluster.members, state, cluster_place), "EG700");
        CHECK(unreadable.message == "etcd's membership cannot be read: 404 Not Found");
    }
}

TEST_CASE("live check: a running cluster that answers nonsense is no crash", "[live]") {
    const running_cluster cluster;
    for (const auto& members : {json(nullptr), json::object(), json::array({1, "x", nullptr}),
                                json::array({json{{"options", 5}}})}) {
        live::cluster_state state;
        state.members = members;
        state.etcd = json{{"leader", 7}, {"members", {{{"id", 1}, {"name", nullptr}}}}};
        const auto found = live::check_cluster(cluster.members, state, cluster_place);
        // Every described member is missing; the cluster has no leader.
        CHECK(with_code(found, "EG701").size() == 4);
        CHECK(with_code(found, "EG710").size() == 1);
    }
}

TEST_CASE("stale_objects: members behind the newest revision of an object, among the alive",
          "[live]") {
    const json statuses = {
        {"default/web/machine-1", {{"revision", 7}}},
        {"default/web/machine-2", {{"revision", 5}}},
        {"default/web/machine-3", {{"revision", 7}}},
        {"default/web/machine-9", {{"revision", 1}}},  // gone: its status waits for its lease
        {"default/api/machine-1", {{"revision", 3}}},
        {"default/api/machine-2", {{"revision", 3}}},
        {"default/odd/machine-1", {{"revision", "7"}}},
        {"no-slash", {{"revision", 1}}},
    };
    const auto stale = live::stale_objects(statuses, {"machine-1", "machine-2", "machine-3"});
    REQUIRE(stale.size() == 1);
    const auto& s = *stale.begin();
    CHECK(s.object == "default/web");
    CHECK(s.member == "machine-2");
    CHECK(s.revision == 5);
    CHECK(s.newest == 7);

    const auto found = live::stale_findings(stale, cluster_place);
    const auto finding = only(found, "EG711");
    CHECK(finding.message ==
          "machine-2 runs default/web at revision 5; other members run revision 7");
    CHECK(live::stale_objects(json::array(), {"machine-1"}).empty());
}

TEST_CASE("parse_rfc3339: an offset that is not digits is no time, not an exception", "[live]") {
    CHECK_FALSE(status::parse_rfc3339("2026-01-01T00:00:00+ab:cd"));
    CHECK_FALSE(status::parse_rfc3339("2026-01-01T00:00:00-1x:00"));
    CHECK(status::parse_rfc3339("2026-01-01T00:00:00+01:30"));
}

TEST_CASE("alive_members: the members that are not Offline", "[live]") {
    running_cluster cluster;
    cluster.silence("machine-2", std::chrono::seconds(60));
    CHECK(live::alive_members(cluster.state()) ==
          std::set<std::string>{"machine-1", "machine-3", "machine-4"});
}

}  // namespace
