#include "daemon/traffic/pipeline_program.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <random>
#include <string>
#include <vector>

namespace {

using eg::server::pipeline_program;
using nlohmann::json;

// The aliases of the steps run when each filter (by name) returns the result given in
// `results` ("" when not given).
std::vector<std::string> walk(const pipeline_program& program,
                              const std::map<std::string, std::string>& results = {}) {
    std::vector<std::string> ran;
    auto step = program.start();
    while (step && ran.size() < 100) {
        ran.push_back(program.alias(*step));
        const auto found = results.find(program.filter_name(*step));
        step = program.next(*step, found == results.end() ? "" : found->second);
    }
    return ran;
}

std::shared_ptr<const pipeline_program> program(const char* text) {
    auto built = pipeline_program::build(json::parse(text));
    INFO(built->error());
    CHECK(built->error().empty());
    return built;
}

const char* two_filters = R"(
    {"name": "p", "kind": "Pipeline", "filters": [
        {"name": "mock", "kind": "Mock", "rules": [{"match": {"path": "/m"}, "code": 200}]},
        {"name": "proxy", "kind": "Proxy", "pools": [{"servers": [{"url": "http://10.0.0.1"}]}]}
    ]})";

}  // namespace

TEST_CASE("pipeline program: without a flow every filter runs once, in order",
          "[traffic-pipeline]") {
    const auto p = program(two_filters);
    REQUIRE(p->mock_count() == 1);
    REQUIRE(p->proxy_count() == 1);
    CHECK(walk(*p) == std::vector<std::string>{"mock", "proxy"});
    const auto first = p->start();
    REQUIRE(first);
    CHECK(first->k == pipeline_program::kind::mock);
    CHECK(first->filter == 0);
    const auto second = p->next(*first, "");
    REQUIRE(second);
    CHECK(second->k == pipeline_program::kind::proxy);
    CHECK(second->filter == 0);
    CHECK_FALSE(p->next(*second, ""));
    // A non-empty result without a jumpIf ends the pipeline (upstream's implicit END).
    CHECK(walk(*p, {{"mock", "mocked"}}) == std::vector<std::string>{"mock"});
    // The filters are the built ones.
    eg::server::request_view request;
    request.path = "/m";
    REQUIRE(p->mock(first->filter).match(request) != nullptr);
    CHECK(p->proxy(second->filter).pool_name(0) == "proxy#proxy#main");
}

TEST_CASE("pipeline program: jumpIf jumps forward on a result, END ends", "[traffic-pipeline]") {
    const auto p = program(R"({"filters": [
        {"name": "mock", "kind": "Mock", "rules": []},
        {"name": "proxy", "kind": "Proxy", "pools": [{"servers": [{"url": "http://10.0.0.1"}]}]},
        {"name": "fallback", "kind": "Proxy", "pools": [{"servers": [{"url": "http://10.0.0.2"}]}]},
        {"name": "last", "kind": "Mock", "rules": []}],
      "flow": [
        {"filter": "mock", "jumpIf": {"mocked": "END"}},
        {"filter": "proxy", "jumpIf": {"serverError": "fallback", "timeout": "END",
                                       "failureCode": "tail"}},
        {"filter": "last", "alias": "middle"},
        {"filter": "fallback"},
        {"filter": "last", "alias": "tail"}
      ]})");
    CHECK(p->flow_size() == 5);
    CHECK(walk(*p) == std::vector<std::string>{"mock", "proxy", "middle", "fallback", "tail"});
    CHECK(walk(*p, {{"mock", "mocked"}}) == std::vector<std::string>{"mock"});
    CHECK(walk(*p, {{"proxy", "serverError"}}) ==
          std::vector<std::string>{"mock", "proxy", "fallback", "tail"});
    CHECK(walk(*p, {{"proxy", "timeout"}}) == std::vector<std::string>{"mock", "proxy"});
    CHECK(walk(*p, {{"proxy", "failureCode"}}) ==
          std::vector<std::string>{"mock", "proxy", "tail"});
    // A result the step does not jump on ends the pipeline.
    CHECK(walk(*p, {{"proxy", "internalError"}}) == std::vector<std::string>{"mock", "proxy"});
    // The same filter at two steps is one instance.
    auto step = p->start();
    std::vector<std::size_t> last_filters;
    while (step) {
        if (p->filter_name(*step) == "last") last_filters.push_back(step->filter);
        step = p->next(*step, "");
    }
    CHECK(last_filters == std::vector<std::size_t>{1, 1});
}

TEST_CASE("pipeline program: a jumpIf on \"\" jumps on success; a step END ends",
          "[traffic-pipeline]") {
    const auto p = program(R"({"filters": [
        {"name": "a", "kind": "Mock", "rules": []},
        {"name": "b", "kind": "Mock", "rules": []},
        {"name": "c", "kind": "Mock", "rules": []}],
      "flow": [{"filter": "a", "jumpIf": {"": "c"}}, {"filter": "b"}, {"filter": "c"},
               {"filter": "END"}, {"filter": "b", "alias": "never"}]})");
    CHECK(walk(*p) == std::vector<std::string>{"a", "c"});
    CHECK(walk(*p, {{"a", "mocked"}}) == std::vector<std::string>{"a"});
    const auto ends_first = program(R"({"filters": [{"name": "a", "kind": "Mock"}],
                                        "flow": [{"filter": "END"}, {"filter": "a"}]})");
    CHECK_FALSE(ends_first->start());
    const auto empty = program(R"({"filters": []})");
    CHECK_FALSE(empty->start());
}

TEST_CASE("pipeline program: an unsupported filter kind is reported and nothing runs",
          "[traffic-pipeline]") {
    const auto p = pipeline_program::build(json::parse(R"({"filters": [
        {"name": "validator", "kind": "Validator", "headers": {"X-Id": {"values": ["a"]}}},
        {"name": "mock", "kind": "Mock", "rules": []}],
      "flow": [{"filter": "validator", "jumpIf": {"invalid": "END"}}, {"filter": "mock"}]})"));
    CHECK(p->error().find("filter 'validator' of kind 'Validator'") != std::string::npos);
    CHECK(p->error().find("not supported") != std::string::npos);
    CHECK_FALSE(p->start());
}

TEST_CASE("pipeline program: flows that the checks refuse are errors, not crashes",
          "[traffic-pipeline]") {
    const std::vector<std::pair<const char*, const char*>> cases = {
        {R"({"filters": [{"name": "a", "kind": "Mock"}], "flow": [{"filter": "b"}]})",
         "flow[0].filter: 'b' is no filter"},
        {R"({"filters": [{"name": "a", "kind": "Mock"}],
             "flow": [{"filter": "a", "alias": "x"}, {"filter": "a", "jumpIf": {"mocked": "x"}}]})",
         "flow[1].jumpIf.mocked: target 'x' is no later step"},
        {R"({"filters": [{"name": "a", "kind": "Mock"}, {"name": "a", "kind": "Mock"}]})",
         "filters[1].name: 'a' cannot name a filter"},
        {R"({"filters": [{"name": "END", "kind": "Mock"}]})", "filters[0].name: 'END'"},
        {R"({"flow": []})", "filters: is missing"},
        {R"({"filters": [{"name": "a", "kind": "Proxy", "pools": []}]})",
         "filters[0]: pools: no pool without filter"},
        {R"({"filters": [{"name": "a", "kind": "Mock", "rules": [{"code": 1}]}]})",
         "filters[0]: rules[0].code: is out of range"},
        {R"([])", "the Pipeline's spec is not a mapping"},
    };
    for (const auto& [text, expected] : cases) {
        INFO(text);
        const auto p = pipeline_program::build(json::parse(text));
        CHECK(p->error().find(expected) != std::string::npos);
        CHECK_FALSE(p->start());
    }
}

TEST_CASE("pipeline program: no JSON makes the build throw or a walk go astray",
          "[traffic-pipeline]") {
    const json base = json::parse(R"({"name": "p", "kind": "Pipeline",
      "filters": [
        {"name": "mock", "kind": "Mock", "rules": [
            {"match": {"path": "/m", "headers": {"X": {"regex": "a+"}}, "matchAllHeaders": true},
             "code": 200, "headers": {"A": "b"}, "body": "x", "delay": "10ms"}]},
        {"name": "proxy", "kind": "Proxy", "serverMaxBodySize": 10, "pools": [
            {"servers": [{"url": "http://10.0.0.1:80/p", "weight": 1, "tags": ["t"]}],
             "loadBalance": {"policy": "weightedRandom"}, "timeout": "1s",
             "failureCodes": [500]},
            {"filter": {"policy": "general", "headers": {"X": {"exact": "1"}},
                        "urls": [{"methods": ["GET"], "url": {"prefix": "/"}}]},
             "servers": [{"url": "https://[::1]"}]}]}],
      "flow": [{"filter": "mock", "jumpIf": {"mocked": "END"}}, {"filter": "proxy"}]})");
    // Every value of the spec, in turn, replaced by values of every JSON type.
    const std::vector<json> replacements = {nullptr,
                                            true,
                                            -1,
                                            0,
                                            70000,
                                            1.5,
                                            "",
                                            "END",
                                            "x",
                                            json::array(),
                                            json::object(),
                                            json::array({1, "a", nullptr}),
                                            json::object({{"a", 1}})};
    std::vector<json::json_pointer> pointers;
    const auto flat = base.flatten();
    for (auto it = flat.begin(); it != flat.end(); ++it) {
        json::json_pointer pointer(it.key());
        while (!pointer.empty()) {
            pointers.push_back(pointer);
            pointer = pointer.parent_pointer();
        }
    }
    std::size_t builds = 0;
    eg::server::request_view request;
    request.method = "GET";
    request.path = "/m";
    for (const auto& pointer : pointers)
        for (const auto& replacement : replacements) {
            json spec = base;
            spec[pointer] = replacement;
            std::shared_ptr<const pipeline_program> p;
            REQUIRE_NOTHROW(p = pipeline_program::build(spec));
            ++builds;
            auto step = p->start();
            std::size_t steps = 0;
            while (step) {
                REQUIRE(++steps <= p->flow_size());
                if (step->k == pipeline_program::kind::mock)
                    (void)p->mock(step->filter).match(request);
                step = p->next(*step, "");
            }
        }
    CHECK(builds == pointers.size() * replacements.size());
    for (const auto* text : {"null", "0", "\"x\"", "[]", "{}", R"({"filters": 1})",
                             R"({"filters": [1, null, []], "flow": 3})",
                             R"({"filters": [{"name": 1, "kind": []}], "flow": [1, []]})",
                             R"({"filters": [{"name": "a", "kind": "Mock"}],
                                 "flow": [{"filter": "a", "jumpIf": {"mocked": 1}}]})",
                             R"({"filters": [{"name": "a", "kind": "Mock"}],
                                 "flow": [{"filter": "a", "jumpIf": []}]})"}) {
        INFO(text);
        std::shared_ptr<const pipeline_program> p;
        REQUIRE_NOTHROW(p = pipeline_program::build(json::parse(text)));
        CHECK_FALSE(p->error().empty());
        CHECK_FALSE(p->start());
    }
}
