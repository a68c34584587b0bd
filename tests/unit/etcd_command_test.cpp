#include "daemon/etcd/etcd_command.hpp"

#include <eg/config_loader.hpp>

#include <catch2/catch.hpp>

#include "support/config_inputs.hpp"
#include "support/golden.hpp"

using namespace eg::config;
using eg::server::etcd_config_file;
using eg::server::etcd_configuration_for;

namespace {

effective_config loaded(const std::vector<std::string>& args) {
    auto result = load_config(args, {});
    REQUIRE_FALSE(result.diagnostics.has_errors());
    return result.config;
}

}  // namespace

TEST_CASE("etcd_configuration_for: maps a tutorial primary to its etcd settings", "[etcd]") {
    const auto c =
        loaded({"--name", "machine-1", "--cluster-name", "multi-node-cluster",
                "--initial-advertise-peer-urls", "http://10.0.0.1:2380", "--listen-peer-urls",
                "http://10.0.0.1:2380", "--listen-client-urls", "http://10.0.0.1:2379",
                "--advertise-client-urls", "http://10.0.0.1:2379", "--initial-cluster",
                "machine-1=http://10.0.0.1:2380,machine-2=http://10.0.0.2:2380,"
                "machine-3=http://10.0.0.3:2380"});
    const auto e = etcd_configuration_for(c, "/srv/eg");
    CHECK(e.name == "machine-1");
    CHECK(e.data_dir == "/srv/eg/data");
    CHECK(e.wal_dir.empty());
    CHECK(e.initial_cluster ==
          "machine-1=http://10.0.0.1:2380,machine-2=http://10.0.0.2:2380,"
          "machine-3=http://10.0.0.3:2380");
    CHECK(e.initial_cluster_token == "multi-node-cluster");
    CHECK(e.initial_cluster_state == "new");
    CHECK_FALSE(e.force_new_cluster);
    CHECK(e.max_request_bytes == 10485760);
    CHECK(e.heartbeat_interval_ms == 100);
    CHECK(e.election_timeout_ms == 1000);
    CHECK(e.pre_vote);
    eg::test::check_golden("etcd/tutorial-machine-1.yaml", etcd_config_file(e));
}

TEST_CASE("etcd_configuration_for: resolves directories as upstream does", "[etcd]") {
    CHECK(etcd_configuration_for(loaded({"--home-dir", "eg", "--wal-dir", "wal"}), "/w").wal_dir ==
          "/w/eg/wal");
    CHECK(
        etcd_configuration_for(loaded({"--home-dir", "/abs", "--data-dir", "/d"}), "/w").data_dir ==
        "/d");
    CHECK(etcd_configuration_for(loaded({"--home-dir", "./", "--data-dir", "data/"}), "/w")
              .data_dir == "/w/data");
}

TEST_CASE("etcd_configuration_for: takes the state, the timers, the size and the recovery flag",
          "[etcd]") {
    const auto e = etcd_configuration_for(
        loaded({"--state-flag", "existing", "--force-new-cluster", "--etcd-heartbeat-interval",
                "10ms", "--etcd-election-timeout", "100ms", "--max-call-send-msg-size", "4MiB"}),
        "/w");
    CHECK(e.initial_cluster_state == "existing");
    CHECK(e.force_new_cluster);
    CHECK(e.heartbeat_interval_ms == 10);
    CHECK(e.election_timeout_ms == 100);
    CHECK(e.max_request_bytes == 4 * 1024 * 1024);
    const auto text = etcd_config_file(e);
    CHECK(text.find("force-new-cluster: true\n") != std::string::npos);
    CHECK(text.find("initial-cluster-state: existing\n") != std::string::npos);
}

TEST_CASE("etcd_configuration_for: an empty initial-cluster means this member alone", "[etcd]") {
    const auto e = etcd_configuration_for(
        loaded({"--name", "solo", "--initial-advertise-peer-urls", "http://127.0.0.1:23801",
                "--listen-peer-urls", "http://127.0.0.1:23801"}),
        "/w");
    CHECK(e.initial_cluster == "solo=http://127.0.0.1:23801");
}
