#include "tools/egctl/object_commands.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "support/fake_admin_api.hpp"
#include "support/golden.hpp"

using eg::ctl::command_result;
using eg::ctl::output_format;
using eg::ctl::request_function;
using result = eg::ctl::outcome<std::string>;

namespace {

using fake_server = eg::test::fake_admin_api;
using eg::test::check_failure;

using lines = std::vector<std::string>;

const auto now = *eg::ctl::parse_rfc3339("2026-04-01T10:10:00Z");

const std::string kinds_body = R"(["HTTPServer","Pipeline"])";

// Not sorted by name on purpose: egctl sorts.
const std::string objects_body =
    R"([{"name":"pipeline-demo","kind":"Pipeline","createdAt":"2026-04-01T10:00:00Z",)"
    R"("flow":[{"filter":"proxy"}],"filters":[{"name":"proxy","kind":"Proxy",)"
    R"("pools":[{"servers":[{"url":"http://127.0.0.1:9095"}]}]}]},)"
    R"({"name":"demo","kind":"HTTPServer","createdAt":"2026-04-01T09:10:00Z","port":10080,)"
    R"("keepAlive":true,"rules":[{"paths":[{"pathPrefix":"/pipeline","backend":"pipeline-demo"}]}]},)"
    R"({"name":"api","kind":"HTTPServer","port":10081}])";

const std::string demo_body =
    R"({"name":"demo","kind":"HTTPServer","createdAt":"2026-04-01T09:10:00Z","port":10080,)"
    R"("keepAlive":true,"rules":[{"paths":[{"pathPrefix":"/pipeline","backend":"pipeline-demo"}]}]})";

const std::string statuses_body =
    R"({"default/demo/machine-2":{"health":"ok"},)"
    R"("default/demo/machine-1":{"spec":{"name":"demo"},"status":{"health":"ok","m1":1}},)"
    R"("eg-system/demo/machine-1":{"hidden":true},)"
    R"("default/pipeline-demo/machine-1":{"spec":{},"status":{"p":1}}})";

const std::string members_body =
    R"([{"options":{"Name":"machine-1","ClusterRole":"primary","APIAddr":"10.0.0.1:2381"},)"
    R"("lastHeartbeatTime":"2026-04-01T10:09:57Z",)"
    R"("etcd":{"id":"1","startTime":"2026-04-01T10:00:00Z","state":"Leader"}}])";

fake_server cluster() {
    fake_server server;
    server.answers.emplace("GET /apis/v2/object-kinds", kinds_body);
    server.answers.emplace("GET /apis/v2/objects", objects_body);
    server.answers.emplace("GET /apis/v2/objects/demo", demo_body);
    server.answers.emplace("GET /apis/v2/objects/pipeline-demo",
                           nlohmann::json::parse(objects_body)[0].dump());
    server.answers.emplace("GET /apis/v2/status/objects", statuses_body);
    server.answers.emplace("GET /apis/v2/status/members", members_body);
    return server;
}

}  // namespace

TEST_CASE("egctl kinds: any case, optionally plural; members without asking", "[egctl]") {
    const std::vector<std::string> kinds = {"HTTPServer", "Pipeline", "GlobalFilter"};
    CHECK(*eg::ctl::match_object_kind(kinds, "httpserver") == "HTTPServer");
    CHECK(*eg::ctl::match_object_kind(kinds, "HTTPServers") == "HTTPServer");
    CHECK(*eg::ctl::match_object_kind(kinds, "PIPELINE") == "Pipeline");
    CHECK(*eg::ctl::match_object_kind(kinds, "globalfilters") == "GlobalFilter");
    CHECK_FALSE(eg::ctl::match_object_kind(kinds, "httpserverss"));
    CHECK_FALSE(eg::ctl::match_object_kind(kinds, "pipe"));
    CHECK_FALSE(eg::ctl::match_object_kind(kinds, "s"));

    auto server = cluster();
    CHECK(*eg::ctl::resolve_resource(server.function(), "httpservers") == "HTTPServer");
    CHECK(eg::ctl::resolve_resource(server.function(), "proxy").error() ==
          "unknown resource: proxy");
    CHECK(server.lines() == lines{"GET /apis/v2/object-kinds", "GET /apis/v2/object-kinds"});
    server.requests.clear();
    CHECK(*eg::ctl::resolve_resource(server.function(), "mem") == "Member");
    CHECK(server.requests.empty());

    fake_server down;
    down.answers.emplace("GET /apis/v2/object-kinds",
                         result::failure("Get \"http://h:2381/apis/v2/object-kinds\": EOF"));
    CHECK(eg::ctl::resolve_resource(down.function(), "pipeline").error() ==
          "Get \"http://h:2381/apis/v2/object-kinds\": EOF");
    fake_server odd;
    odd.answers.emplace("GET /apis/v2/object-kinds", std::string(R"({"kinds":[]})"));
    CHECK(eg::ctl::object_kinds(odd.function()).error() ==
          "json: cannot unmarshal object into Go value of type []string");
}

TEST_CASE("egctl create -f: POSTs each document as JSON, in order", "[egctl]") {
    fake_server server;
    server.answers.emplace("POST /apis/v2/objects", std::string());
    const auto r = eg::ctl::create_objects(server.function(), R"(kind: HTTPServer
name: demo
port: 10080
keepAlive: true
https: false
maxConnections: 10240
rules:
  - paths:
    - pathPrefix: /pipeline
      backend: pipeline-demo
---
---
name: pipeline-demo
kind: Pipeline
flow:
- filter: proxy
)");
    CHECK_FALSE(r.error);
    CHECK(r.out ==
          "create HTTPServer demo successfully\ncreate Pipeline pipeline-demo successfully\n");
    REQUIRE(server.requests.size() == 2);
    CHECK(server.requests[0].method == "POST");
    CHECK(server.requests[0].path == "/apis/v2/objects");
    // Keys in byte order, as the member stores them.
    CHECK(server.requests[0].body ==
          R"({"https":false,"keepAlive":true,"kind":"HTTPServer","maxConnections":10240,)"
          R"("name":"demo","port":10080,"rules":[{"paths":[{"backend":"pipeline-demo",)"
          R"("pathPrefix":"/pipeline"}]}]})");
    CHECK(server.requests[1].body ==
          R"({"flow":[{"filter":"proxy"}],"kind":"Pipeline","name":"pipeline-demo"})");
}

TEST_CASE("egctl create -f: stops at the first failure; a bad file sends nothing", "[egctl]") {
    fake_server server;
    server.answers.emplace("POST /apis/v2/objects", result::failure("409: conflict name: demo"));
    const auto conflict = eg::ctl::create_objects(
        server.function(), "kind: HTTPServer\nname: demo\n---\nkind: Pipeline\nname: p\n");
    CHECK(conflict.out.empty());
    check_failure(conflict, "create HTTPServer demo failed, 409: conflict name: demo");
    CHECK(server.requests.size() == 1);

    server.answers.insert_or_assign(
        "POST /apis/v2/objects",
        result::failure("400: kind Nope not found, known kinds: HTTPServer, Pipeline"));
    const auto unknown = eg::ctl::create_objects(server.function(), "kind: Nope\nname: x\n");
    check_failure(unknown,
                  "create Nope x failed, 400: kind Nope not found, known kinds: HTTPServer, "
                  "Pipeline");

    server.requests.clear();
    const auto no_kind = eg::ctl::create_objects(server.function(),
                                                 "kind: HTTPServer\nname: demo\n---\nname: lost\n");
    check_failure(no_kind, "kind is empty: name: lost\n");
    CHECK(server.requests.empty());
}

TEST_CASE("egctl apply -f: updates what exists, creates what is not found", "[egctl]") {
    auto server = cluster();
    server.answers.emplace("PUT /apis/v2/objects/demo", std::string());
    server.answers.emplace("POST /apis/v2/objects", std::string());
    const auto r = eg::ctl::apply_objects(
        server.function(),
        "kind: HTTPServer\nname: demo\nport: 10081\n---\nkind: Pipeline\nname: new-one\n");
    CHECK_FALSE(r.error);
    CHECK(r.out == "update HTTPServer demo successfully\ncreate Pipeline new-one successfully\n");
    CHECK(server.lines() == lines{"GET /apis/v2/objects/demo", "PUT /apis/v2/objects/demo",
                                  "GET /apis/v2/objects/new-one", "POST /apis/v2/objects"});
    CHECK(server.requests[1].body == R"({"kind":"HTTPServer","name":"demo","port":10081})");
    CHECK(server.requests[3].body == R"({"kind":"Pipeline","name":"new-one"})");
}

TEST_CASE("egctl apply -f: failures name the action", "[egctl]") {
    auto server = cluster();
    server.answers.emplace("PUT /apis/v2/objects/demo",
                           result::failure("400: different kinds: HTTPServer, Pipeline"));
    check_failure(eg::ctl::apply_objects(server.function(), "kind: Pipeline\nname: demo\n"),
                  "update Pipeline demo failed, 400: different kinds: HTTPServer, Pipeline");
    server.answers.emplace("POST /apis/v2/objects",
                           result::failure("400: kind X not found, known kinds: HTTPServer, "
                                           "Pipeline"));
    check_failure(eg::ctl::apply_objects(server.function(), "kind: X\nname: x\n"),
                  "create X x failed, 400: kind X not found, known kinds: HTTPServer, Pipeline");

    // Only a 404 means "absent": any other failure of the GET stops before anything is sent.
    fake_server down;
    down.answers.emplace("GET /apis/v2/objects/demo", result::failure("503: not ready"));
    check_failure(eg::ctl::apply_objects(down.function(), "kind: HTTPServer\nname: demo\n"),
                  "apply HTTPServer demo failed, 503: not ready");
    CHECK(down.lines() == lines{"GET /apis/v2/objects/demo"});
    check_failure(eg::ctl::apply_objects(down.function(), "name: demo\n"),
                  "kind is empty: name: demo\n");
}

TEST_CASE("egctl get <kind>: the objects of that kind, sorted by name, with their age", "[egctl]") {
    auto server = cluster();
    const auto r = eg::ctl::get_objects(server.function(), "HTTPServer", std::nullopt,
                                        output_format::standard, now);
    CHECK_FALSE(r.error);
    CHECK(r.out ==
          "NAME\tKIND\t\tAGE\t\t\n"
          "api\tHTTPServer\tunknown\t\t\n"
          "demo\tHTTPServer\t1h\t\t\n");
    CHECK(server.lines() == lines{"GET /apis/v2/objects"});

    fake_server empty;
    empty.answers.emplace("GET /apis/v2/objects", std::string("[]"));
    CHECK(eg::ctl::get_objects(empty.function(), "Pipeline", std::nullopt, output_format::standard,
                               now)
              .out == "NAME\tKIND\tAGE\t\n");
}

TEST_CASE("egctl get <kind> <name>: that object, if it is of that kind", "[egctl]") {
    auto server = cluster();
    const auto one =
        eg::ctl::get_objects(server.function(), "HTTPServer", "demo", output_format::standard, now);
    CHECK(one.out == "NAME\tKIND\t\tAGE\t\ndemo\tHTTPServer\t1h\t\n");
    CHECK(server.lines() == lines{"GET /apis/v2/objects/demo"});
    check_failure(
        eg::ctl::get_objects(server.function(), "Pipeline", "demo", output_format::standard, now),
        "get Pipeline demo failed, no such Pipeline demo");
    check_failure(
        eg::ctl::get_objects(server.function(), "Pipeline", "gone", output_format::yaml, now),
        "get Pipeline gone failed, 404: not found");
    fake_server odd;
    odd.answers.emplace("GET /apis/v2/objects", std::string(R"({"name":"x"})"));
    check_failure(eg::ctl::get_objects(odd.function(), "Pipeline", std::nullopt,
                                       output_format::standard, now),
                  "get all Pipeline failed, json: cannot unmarshal object into Go value of type "
                  "[]*supervisor.MetaSpec");
}

TEST_CASE("egctl get <kind> -o json|yaml: the specs of that kind, keys sorted", "[egctl]") {
    auto server = cluster();
    const auto as_json = eg::ctl::get_objects(server.function(), "HTTPServer", std::nullopt,
                                              output_format::json, now);
    CHECK_FALSE(as_json.error);
    CHECK(as_json.out ==
          "[\n  {\n    \"kind\": \"HTTPServer\",\n    \"name\": \"api\",\n    \"port\": 10081\n  },"
          "\n  {\n    \"createdAt\": \"2026-04-01T09:10:00Z\",\n    \"keepAlive\": true,\n"
          "    \"kind\": \"HTTPServer\",\n    \"name\": \"demo\",\n    \"port\": 10080,\n"
          "    \"rules\": [\n      {\n        \"paths\": [\n          {\n"
          "            \"backend\": \"pipeline-demo\",\n            \"pathPrefix\": \"/pipeline\"\n"
          "          }\n        ]\n      }\n    ]\n  }\n]");
    const auto as_yaml =
        eg::ctl::get_objects(server.function(), "Pipeline", std::nullopt, output_format::yaml, now);
    CHECK(as_yaml.out ==
          "- createdAt: \"2026-04-01T10:00:00Z\"\n"
          "  filters:\n"
          "    - kind: Proxy\n"
          "      name: proxy\n"
          "      pools:\n"
          "        - servers:\n"
          "            - url: http://127.0.0.1:9095\n"
          "  flow:\n"
          "    - filter: proxy\n"
          "  kind: Pipeline\n"
          "  name: pipeline-demo\n");
    // With a name: the body as the server sent it.
    const auto named =
        eg::ctl::get_objects(server.function(), "HTTPServer", "demo", output_format::json, now);
    CHECK(named.out.starts_with("{\n  \"name\": \"demo\",\n  \"kind\": \"HTTPServer\",\n"));
    fake_server empty;
    empty.answers.emplace("GET /apis/v2/objects", std::string("[]"));
    CHECK(eg::ctl::get_objects(empty.function(), "Pipeline", std::nullopt, output_format::json, now)
              .out == "[]");
}

TEST_CASE("egctl describe <kind> <name>: the spec in 2-space YAML, then each member's status",
          "[egctl]") {
    auto server = cluster();
    const auto r =
        eg::ctl::describe_objects(server.function(), "HTTPServer", "demo", output_format::standard);
    CHECK_FALSE(r.error);
    CHECK(r.out ==
          "Name: demo\n"
          "Kind: HTTPServer\n"
          "Rules:\n"
          "======\n"
          "  - paths:\n"
          "    - backend: pipeline-demo\n"
          "      pathPrefix: /pipeline\n"
          "\n"
          "CreatedAt: \"2026-04-01T09:10:00Z\"\n"
          "KeepAlive: true\n"
          "Port: 10080\n"
          "\n"
          "AllStatus:\n"
          "==========\n"
          "  - Node: machine-1\n"
          "    Status:\n"
          "      health: ok\n"
          "      m1: 1\n"
          "  - Node: machine-2\n"
          "    Status:\n"
          "      health: ok\n");
    CHECK(server.lines() == lines{"GET /apis/v2/objects/demo", "GET /apis/v2/status/objects"});
}

TEST_CASE("egctl describe <kind>: every object of the kind; no status is null", "[egctl]") {
    auto server = cluster();
    server.answers.insert_or_assign("GET /apis/v2/status/objects", std::string("{}"));
    const auto r = eg::ctl::describe_objects(server.function(), "Pipeline", std::nullopt,
                                             output_format::standard);
    CHECK(r.out ==
          "Name: pipeline-demo\n"
          "Kind: Pipeline\n"
          "Flow: - filter: proxy\n"  // one line of YAML stays on the key's line, as upstream
          "\n"
          "Filters:\n"
          "========\n"
          "  - kind: Proxy\n"
          "    name: proxy\n"
          "    pools:\n"
          "    - servers:\n"
          "      - url: http://127.0.0.1:9095\n"
          "\n"
          "CreatedAt: \"2026-04-01T10:00:00Z\"\n"
          "\n"
          "AllStatus: null\n");
    const auto all = eg::ctl::describe_objects(server.function(), "HTTPServer", std::nullopt,
                                               output_format::standard);
    CHECK(
        all.out.starts_with("Name: api\nKind: HTTPServer\nPort: 10081\n\nAllStatus: null\n"
                            "\n\n---\n\nName: demo\n"));
    const auto as_json =
        eg::ctl::describe_objects(server.function(), "HTTPServer", "demo", output_format::json);
    CHECK(as_json.out.starts_with("[\n  {\n    \"allStatus\": null,\n    \"createdAt\""));
}

TEST_CASE("egctl describe: failures name the action", "[egctl]") {
    auto server = cluster();
    check_failure(
        eg::ctl::describe_objects(server.function(), "Pipeline", "demo", output_format::standard),
        "describe Pipeline demo failed, no such Pipeline demo");
    server.answers.insert_or_assign("GET /apis/v2/status/objects",
                                    result::failure("500: status unavailable"));
    check_failure(eg::ctl::describe_objects(server.function(), "HTTPServer", std::nullopt,
                                            output_format::standard),
                  "describe all HTTPServer failed, 500: status unavailable");
    server.answers.insert_or_assign("GET /apis/v2/status/objects",
                                    std::string(R"({"demo/machine-1":{}})"));
    check_failure(
        eg::ctl::describe_objects(server.function(), "HTTPServer", "demo", output_format::standard),
        "describe HTTPServer demo failed, invalid status key");
}

TEST_CASE("egctl delete <kind> <name>...: only objects of that kind, in turn", "[egctl]") {
    auto server = cluster();
    server.answers.emplace("DELETE /apis/v2/objects/demo", std::string());
    server.answers.emplace("DELETE /apis/v2/objects/api", std::string());
    const auto r = eg::ctl::delete_objects(server.function(), "HTTPServer", {"demo"}, false);
    CHECK_FALSE(r.error);
    CHECK(r.out == "delete HTTPServer demo successfully\n");
    CHECK(server.lines() == lines{"GET /apis/v2/objects", "DELETE /apis/v2/objects/demo"});

    server.requests.clear();
    const auto mixed = eg::ctl::delete_objects(server.function(), "HTTPServer",
                                               {"api", "pipeline-demo", "demo"}, false);
    CHECK(mixed.out == "delete HTTPServer api successfully\n");
    check_failure(mixed,
                  "delete HTTPServer api, pipeline-demo, demo failed, no such HTTPServer "
                  "pipeline-demo");
    CHECK(server.lines() == lines{"GET /apis/v2/objects", "DELETE /apis/v2/objects/api"});
}

TEST_CASE("egctl delete <kind> --all: every object of that kind", "[egctl]") {
    auto server = cluster();
    server.answers.emplace("DELETE /apis/v2/objects/api", std::string());
    server.answers.emplace("DELETE /apis/v2/objects/demo", result::failure("404: not found"));
    const auto r = eg::ctl::delete_objects(server.function(), "HTTPServer", {}, true);
    CHECK(r.out == "delete HTTPServer api successfully\n");
    check_failure(r, "delete all HTTPServer failed, 404: not found");
    CHECK(server.lines() == lines{"GET /apis/v2/objects", "DELETE /apis/v2/objects/api",
                                  "DELETE /apis/v2/objects/demo"});

    fake_server empty;
    empty.answers.emplace("GET /apis/v2/objects", std::string("[]"));
    const auto none = eg::ctl::delete_objects(empty.function(), "Pipeline", {}, true);
    CHECK_FALSE(none.error);
    CHECK(none.out.empty());
    fake_server down;
    check_failure(eg::ctl::delete_objects(down.function(), "Pipeline", {"p"}, false),
                  "delete Pipeline p failed, 404: not found");
}

TEST_CASE("egctl delete: names with URL characters stay one path segment", "[egctl]") {
    fake_server server;
    server.answers.emplace("GET /apis/v2/objects",
                           std::string(R"([{"name":"a b/c","kind":"Pipeline"}])"));
    server.answers.emplace("DELETE /apis/v2/objects/a%20b%2Fc", std::string());
    const auto r = eg::ctl::delete_objects(server.function(), "Pipeline", {"a b/c"}, false);
    CHECK_FALSE(r.error);
    CHECK(r.out == "delete Pipeline a b/c successfully\n");
}

TEST_CASE("egctl get all: objects, a blank line, members, a blank line", "[egctl]") {
    auto server = cluster();
    const auto r = eg::ctl::get_all(server.function(), output_format::standard, now);
    CHECK_FALSE(r.error);
    eg::test::check_golden("egctl/get_all.txt", r.out);

    const auto as_json = eg::ctl::get_all(server.function(), output_format::json, now);
    CHECK(as_json.out.starts_with("[\n  {\n    \"name\": \"pipeline-demo\""));
    CHECK(
        as_json.out.ends_with("}\n]\n[\n  {\n    \"options\": {\n      \"Name\": \"machine-1\","
                              "\n      \"ClusterRole\": \"primary\",\n      \"APIAddr\": "
                              "\"10.0.0.1:2381\"\n    },\n    \"lastHeartbeatTime\": "
                              "\"2026-04-01T10:09:57Z\",\n    \"etcd\": {\n      \"id\": \"1\","
                              "\n      \"startTime\": \"2026-04-01T10:00:00Z\",\n      "
                              "\"state\": \"Leader\"\n    }\n  }\n]\n"));
}

TEST_CASE("egctl get all: a failing part is left out, the errors are joined", "[egctl]") {
    auto server = cluster();
    server.answers.insert_or_assign("GET /apis/v2/objects", result::failure("500: boom"));
    const auto r = eg::ctl::get_all(server.function(), output_format::standard, now);
    CHECK(r.out.starts_with("NAME\t\tROLE\t"));
    check_failure(r, "get resource failed, 500: boom");

    fake_server down;
    check_failure(eg::ctl::get_all(down.function(), output_format::standard, now),
                  "get resource failed, 404: not found\nget all Member failed, 404: not found");
}
