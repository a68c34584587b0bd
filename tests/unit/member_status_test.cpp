#include "daemon/cluster/member_status.hpp"

#include <eg/config_loader.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/config_inputs.hpp"

using eg::server::member_status_json;

namespace {

eg::config::effective_config tutorial_machine_1() {
    const auto file = eg::test::tutorial_primary_file(1);
    auto r = eg::config::load_config({"-f", "m.yaml", "--api-addr", "10.0.0.1:2381"}, {},
                                     [&](const std::string&) { return file; });
    REQUIRE_FALSE(r.diagnostics.has_errors());
    return r.config;
}

std::chrono::system_clock::time_point at(std::time_t seconds) {
    return std::chrono::system_clock::from_time_t(seconds);
}

}  // namespace

TEST_CASE("member_status_json: carries upstream's field names in upstream's order",
          "[member_status]") {
    const auto status = nlohmann::ordered_json::parse(member_status_json(
        tutorial_machine_1(), "/srv/eg", at(1775037605),
        eg::server::etcd_member_state{"8e9e05c52164694d", "2026-04-01T09:50:00Z", "Leader"}));
    const auto& options = status["options"];
    std::vector<std::string> keys;
    for (const auto& [key, value] : options.items()) keys.push_back(key);
    REQUIRE(keys.size() > 10);
    CHECK(keys.front() == "ShowVersion");  // the whole struct, command-line fields too
    CHECK(options["ConfigFile"] == "m.yaml");
    CHECK(options["Name"] == "machine-1");
    CHECK(options["APIAddr"] == "10.0.0.1:2381");
    CHECK(options["ClusterRole"] == "primary");
    CHECK(options["ClusterRequestTimeout"] == "10s");
    CHECK(options["Cluster"]["InitialCluster"]["machine-2"] == "http://10.0.0.2:2380");
    CHECK(options["Cluster"]["ListenPeerURLs"] == nlohmann::json::array({"http://10.0.0.1:2380"}));
    CHECK(options["Cluster"]["MaxCallSendMsgSize"] == 10485760);
    CHECK(options["StatusUpdateMaxBatchSize"] == 20);
    CHECK(options["AbsHomeDir"] == "/srv/eg");
    CHECK(options["AbsDataDir"] == "/srv/eg/data");
    CHECK(options["BasicAuth"].is_null());
    CHECK(status["lastHeartbeatTime"] == "2026-04-01T10:00:05Z");
    CHECK(status["etcd"]["id"] == "8e9e05c52164694d");
    CHECK(status["etcd"]["state"] == "Leader");
}

TEST_CASE("member_status_json: never publishes a secret", "[member_status]") {
    const std::string file = "name: a\nbasic-auth:\n  admin: s3cret-password\n";
    auto r =
        eg::config::load_config({"-f", "m.yaml"}, {}, [&](const std::string&) { return file; });
    const auto text = member_status_json(r.config, "/w", at(0), std::nullopt);
    CHECK(text.find("s3cret-password") == std::string::npos);
    const auto status = nlohmann::json::parse(text);
    CHECK(status["options"]["BasicAuth"]["admin"] == "<redacted>");
    CHECK_FALSE(status.contains("etcd"));
}
