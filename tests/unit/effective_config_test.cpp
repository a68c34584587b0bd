#include <eg/config_loader.hpp>
#include <eg/effective_config.hpp>
#include <eg/print_config.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace eg::config;

TEST_CASE("effective_config: typed reads return the declared defaults", "[effective_config]") {
    const auto config = default_config();
    CHECK(config.get(opt::name) == "eg-default-name");
    CHECK(config.get(opt::cluster_role) == "primary");
    CHECK(config.get(opt::status_update_max_batch_size) == 20);
    CHECK(config.get(opt::max_call_send_msg_size).bytes == 10485760);
    CHECK(config.get(opt::cluster_request_timeout).nanoseconds == 10'000'000'000LL);
    CHECK(config.get(opt::listen_peer_urls) == string_list{"http://localhost:2380"});
    CHECK(config.get(opt::initial_cluster).empty());
    CHECK_FALSE(config.at(opt::name).is_set());
}

TEST_CASE("effective_config: describe names each kind of source", "[effective_config]") {
    CHECK(describe(value_source{}) == "default");
    CHECK(describe({source_kind::file, eg::diag::file_location{"m.yaml", 3, 5}, {}}) ==
          "file m.yaml:3:5");
    CHECK(describe({source_kind::env, eg::diag::env_location{"EASEGRESS_NAME"}, {}}) ==
          "env EASEGRESS_NAME");
    CHECK(describe({source_kind::flag, eg::diag::flag_location{"--name"}, {}}) == "flag --name");
}

TEST_CASE("print_config: writes each leaf with its source and redacts secrets", "[print_config]") {
    const std::string file =
        "name: machine-1\n"
        "basic-auth:\n"
        "  admin: s3cret-password\n"
        "cluster:\n"
        "  initial-cluster:\n"
        "  - machine-1: http://10.0.0.1:2380\n";
    auto reader = [&](const std::string&) -> std::optional<std::string> { return file; };
    const auto loaded =
        load_config({"-f", "m.yaml", "--debug"}, {{"EASEGRESS_LOG_DIR", "logs"}}, reader);
    const auto text = eg::emit::print_config(loaded.config);
    CHECK(text.find("name: machine-1  # file m.yaml:1:1\n") != std::string::npos);
    CHECK(text.find("debug: true  # flag --debug\n") != std::string::npos);
    CHECK(text.find("log-dir: logs  # env EASEGRESS_LOG_DIR\n") != std::string::npos);
    CHECK(text.find("api-addr: localhost:2381  # default\n") != std::string::npos);
    CHECK(text.find("cluster:\n") != std::string::npos);
    CHECK(
        text.find("  initial-cluster:  # file m.yaml:5:3\n    machine-1: http://10.0.0.1:2380\n") !=
        std::string::npos);
    CHECK(text.find("admin: \"<redacted>\"") != std::string::npos);
    CHECK(text.find("s3cret-password") == std::string::npos);
}
