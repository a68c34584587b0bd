#include "tools/egctl/describe_format.hpp"
#include "tools/egctl/json_output.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iterator>
#include <string>

#include "support/golden.hpp"
#include "support/process.hpp"

using eg::ctl::describe_entry;
using eg::ctl::describe_members;
using json = nlohmann::ordered_json;

namespace {

// The tutorial cluster's member statuses as the admin API serves them (compact JSON, server
// order): two primaries with their etcd block and a secondary without one.
std::string members_body() {
    std::ifstream in(eg::test::source_path("tests/golden/egctl/members.json"), std::ios::binary);
    REQUIRE(in);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("egctl describe member: the tutorial cluster, as upstream lays it out", "[egctl]") {
    eg::test::check_golden("egctl/describe_members.txt",
                           describe_members(json::parse(members_body())));
}

TEST_CASE("egctl describe member: fronts, blank lines and separators", "[egctl]") {
    const auto statuses = json::parse(R"([
        {"options":{"Name":"b","ClusterRole":"secondary","APIAddr":"h:2"},
         "lastHeartbeatTime":"2026-04-01T10:00:00Z"},
        {"options":{"Name":"a","ClusterRole":"primary"},"lastHeartbeatTime":"2026-04-01T10:00:00Z",
         "etcd":{"id":"1","startTime":"2026-04-01T09:00:00Z","state":"Leader"}}])");
    CHECK(describe_members(statuses) ==
          "Name: b\n"
          "LastHeartbeatTime: \"2026-04-01T10:00:00Z\"\n"
          "\n"
          "Etcd: null\n"
          "\n"
          "APIAddr: h:2\n"
          "ClusterRole: secondary\n"
          "\n\n---\n\n"
          "Name: a\n"
          "LastHeartbeatTime: \"2026-04-01T10:00:00Z\"\n"
          "\n"
          "Etcd:\n"
          "=====\n"
          "  id: \"1\"\n"
          "  startTime: \"2026-04-01T09:00:00Z\"\n"
          "  state: Leader\n"
          "\n"
          "ClusterRole: primary\n");
}

TEST_CASE("egctl describe member: one member has no separator", "[egctl]") {
    const auto statuses = json::parse(R"([{"options":{"Name":"a"},"lastHeartbeatTime":""}])");
    CHECK(describe_members(statuses) == "Name: a\nLastHeartbeatTime: \"\"\n\nEtcd: null\n\n");
}

TEST_CASE("egctl describe member: values longer than 49 bytes are cut", "[egctl]") {
    const std::string fifty(50, 'x');
    CHECK(describe_entry("Dir", json(fifty.substr(1))) == "Dir: " + fifty.substr(1) + "\n");
    CHECK(describe_entry("Dir", json(fifty + "yz")) == "Dir: " + fifty + "...\n");
    // A one-item list is one line too; a multi-line value is never cut and its rule is as
    // long as "Key:".
    CHECK(describe_entry("tags", json::array({fifty + "yz"})) ==
          "Tags: - " + fifty.substr(2) + "...\n");
    CHECK(describe_entry("tags", json::array({fifty + "yz", "b"})) ==
          "Tags:\n=====\n  - " + fifty + "yz\n  - b\n");
}

TEST_CASE("egctl get member -o yaml/json: the whole list, converted", "[egctl]") {
    const auto body = members_body();
    eg::test::check_golden("egctl/members.yaml",
                           *eg::ctl::format_body(body, eg::ctl::output_format::yaml));
    eg::test::check_golden("egctl/members.pretty.json",
                           *eg::ctl::format_body(body, eg::ctl::output_format::json));
}
