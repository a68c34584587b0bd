#include "tools/egctl/member_commands.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "support/fake_admin_api.hpp"

using eg::ctl::command_result;
using eg::ctl::output_format;
using eg::ctl::request_function;

namespace {

using fake_server = eg::test::fake_admin_api;
using eg::test::check_failure;

const std::string members_body =
    R"([{"options":{"Name":"machine-1","ClusterRole":"primary","APIAddr":"10.0.0.1:2381"},)"
    R"("lastHeartbeatTime":"2026-04-01T10:09:57Z",)"
    R"("etcd":{"id":"1","startTime":"2026-04-01T10:00:00Z","state":"Leader"}},)"
    R"({"options":{"Name":"machine-4","ClusterRole":"secondary","APIAddr":"localhost:2381"},)"
    R"("lastHeartbeatTime":"2026-04-01T10:09:57Z"}])";

const auto now = *eg::ctl::parse_rfc3339("2026-04-01T10:10:00Z");

fake_server cluster() {
    fake_server server;
    server.answers.emplace("GET /apis/v2/status/members", members_body);
    return server;
}

}  // namespace

TEST_CASE("egctl get member: the table of all members, in server order", "[egctl]") {
    auto server = cluster();
    const auto r =
        eg::ctl::get_member(server.function(), std::nullopt, output_format::standard, now);
    CHECK_FALSE(r.error);
    CHECK(r.out ==
          "NAME\t\tROLE\t\tAGE\t\tSTATE\tAPI-ADDR\tHEARTBEAT\t\n"
          "machine-1\tprimary\t\t10m\t\tLeader\t10.0.0.1:2381\t3s ago\t\t\n"
          "machine-4\tsecondary\tunknown\t\t\tlocalhost:2381\t3s ago\t\t\n");
    CHECK(server.lines() == std::vector<std::string>{"GET /apis/v2/status/members"});
}

TEST_CASE("egctl get member NAME: only that row; an absent name is an error", "[egctl]") {
    auto server = cluster();
    const auto one =
        eg::ctl::get_member(server.function(), "machine-4", output_format::standard, now);
    CHECK(one.out ==
          "NAME\t\tROLE\t\tAGE\t\tSTATE\tAPI-ADDR\tHEARTBEAT\t\n"
          "machine-4\tsecondary\tunknown\t\t\tlocalhost:2381\t3s ago\t\t\n");
    const auto none = eg::ctl::get_member(server.function(), "nope", output_format::standard, now);
    CHECK(none.out.empty());
    check_failure(none, "get Member nope failed, member nope not found");
}

TEST_CASE("egctl get member -o json/yaml: the whole list even with a name", "[egctl]") {
    auto server = cluster();
    const auto as_json =
        eg::ctl::get_member(server.function(), "machine-4", output_format::json, now);
    CHECK_FALSE(as_json.error);
    CHECK(as_json.out.starts_with("[\n  {\n    \"options\": {\n      \"Name\": \"machine-1\","));
    CHECK(as_json.out.ends_with("}\n]"));
    const auto as_yaml = eg::ctl::get_member(server.function(), "nope", output_format::yaml, now);
    CHECK_FALSE(as_yaml.error);
    CHECK(as_yaml.out.starts_with("- etcd:\n    id: \"1\"\n"));
    CHECK(as_yaml.out.find("      Name: machine-4\n") == std::string::npos);
    CHECK(as_yaml.out.find("    Name: machine-4\n") != std::string::npos);
}

TEST_CASE("egctl get member: failures name the action", "[egctl]") {
    fake_server down;
    down.answers.emplace(
        "GET /apis/v2/status/members",
        eg::ctl::outcome<std::string>::failure(
            "Get \"http://127.0.0.1:2381/apis/v2/status/members\": connection refused"));
    check_failure(eg::ctl::get_member(down.function(), std::nullopt, output_format::standard, now),
                  "get all Member failed, Get \"http://127.0.0.1:2381/apis/v2/status/members\": "
                  "connection refused");
    check_failure(eg::ctl::get_member(down.function(), "m1", output_format::json, now),
                  "get Member m1 failed, Get \"http://127.0.0.1:2381/apis/v2/status/members\": "
                  "connection refused");

    fake_server odd;
    odd.answers.emplace("GET /apis/v2/status/members", std::string(R"({"a":1})"));
    check_failure(eg::ctl::get_member(odd.function(), std::nullopt, output_format::standard, now),
                  "get all Member failed, json: cannot unmarshal object into Go value of type "
                  "[]*cluster.MemberStatus");
}

TEST_CASE("egctl get member: a malformed status never aborts egctl", "[egctl]") {
    fake_server odd;
    odd.answers.emplace(
        "GET /apis/v2/status/members",
        std::string(R"([{"options":{"Name":"m"},"lastHeartbeatTime":"2026-04-01T10:00:05+ab:cd"},)"
                    R"({"options":null,"etcd":{"startTime":7}}])"));
    command_result r;
    REQUIRE_NOTHROW(
        r = eg::ctl::get_member(odd.function(), std::nullopt, output_format::standard, now));
    CHECK((r.error || r.out.starts_with("NAME")));
}

TEST_CASE("egctl describe member: description, filter and errors", "[egctl]") {
    auto server = cluster();
    const auto one =
        eg::ctl::describe_member(server.function(), "machine-4", output_format::standard);
    CHECK(one.out ==
          "Name: machine-4\nLastHeartbeatTime: \"2026-04-01T10:09:57Z\"\n\nEtcd: null\n\n"
          "APIAddr: localhost:2381\nClusterRole: secondary\n");
    check_failure(eg::ctl::describe_member(server.function(), "x", output_format::standard),
                  "describe Member x failed, member x not found");
    const auto all =
        eg::ctl::describe_member(server.function(), std::nullopt, output_format::standard);
    CHECK(all.out.find("\n\n---\n\nName: machine-4\n") != std::string::npos);

    fake_server odd;
    odd.answers.emplace("GET /apis/v2/status/members", std::string("[1]"));
    check_failure(eg::ctl::describe_member(odd.function(), std::nullopt, output_format::standard),
                  "get members failed: json: cannot unmarshal number into Go value of type "
                  "cluster.MemberStatus");
    fake_server down;
    check_failure(eg::ctl::describe_member(down.function(), std::nullopt, output_format::yaml),
                  "describe all Member failed, 404: not found");
}

TEST_CASE("egctl delete member: purges each name in turn, stops at a failure", "[egctl]") {
    fake_server server;
    server.answers.emplace("DELETE /apis/v2/status/members/machine-3", std::string());
    const auto r =
        eg::ctl::delete_members(server.function(), {"machine-3", "machine-9", "machine-5"});
    CHECK(r.out == "purge Member machine-3 successfully\n");
    check_failure(r, "purge Member machine-9 failed, 404: not found");
    CHECK(server.lines() == std::vector<std::string>{"DELETE /apis/v2/status/members/machine-3",
                                                     "DELETE /apis/v2/status/members/machine-9"});
}

TEST_CASE("egctl health: OK, or the server's reason", "[egctl]") {
    fake_server up;
    up.answers.emplace("GET /apis/v2/healthz", std::string());
    CHECK(eg::ctl::health(up.function(), output_format::standard).out == "OK\n");
    CHECK(eg::ctl::health(up.function(), output_format::json).out == "{\n  \"message\": \"OK\"\n}");
    CHECK(eg::ctl::health(up.function(), output_format::yaml).out == "message: OK\n");

    fake_server forming;
    forming.answers.emplace("GET /apis/v2/healthz", eg::ctl::outcome<std::string>::failure(
                                                        "503: waiting for the cluster to form"));
    const auto r = eg::ctl::health(forming.function(), output_format::standard);
    CHECK(r.out.empty());
    check_failure(r, "503: waiting for the cluster to form");
}

TEST_CASE("egctl resources: member and its aliases only", "[egctl]") {
    for (const char* word : {"member", "Member", "m", "mem", "members"})
        CHECK(*eg::ctl::resource_kind(word) == "Member");
    CHECK(eg::ctl::resource_kind("MEMBER").error() == "unknown resource: MEMBER");
    CHECK(eg::ctl::resource_kind("pipeline").error() == "unknown resource: pipeline");
}
