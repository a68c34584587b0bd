#include "daemon/traffic/mock_filter.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace {

using eg::server::http_header;
using eg::server::mock_filter;
using eg::server::request_view;
using nlohmann::json;

// A GET of `target` with `headers`, kept alive as long as the view.
struct test_request {
    std::vector<http_header> headers;
    std::string target;
    request_view view() const {
        request_view v;
        v.method = "GET";
        const auto question = std::string_view(target).find('?');
        v.path = std::string_view(target).substr(0, question);
        v.headers = &headers;
        v.client_ip = "10.0.0.1";
        return v;
    }
};

// The status the mock answers for `target` with `headers`, 0 when no rule matches.
int status_of(const mock_filter& mock, std::string target, std::vector<http_header> headers = {}) {
    const test_request request{std::move(headers), std::move(target)};
    const auto* answer = mock.match(request.view());
    return answer == nullptr ? 0 : answer->response.status;
}

}  // namespace

TEST_CASE("mock filter: the first matching rule gives status, headers, body and delay",
          "[traffic-mock]") {
    const auto mock = mock_filter::build(json::parse(R"({
        "name": "mock", "kind": "Mock",
        "rules": [
            {"match": {"path": "/users/1"}, "code": 200,
             "headers": {"Content-Type": "application/json", "X-Mock": "yes"},
             "body": "{\"name\": \"alice\"}", "delay": "100ms"},
            {"match": {"pathPrefix": "/users/"}, "code": 404, "body": "no such user"},
            {"match": {"pathPrefix": "/users/1"}, "code": 500}
        ]})"));
    REQUIRE(mock->problems().empty());
    REQUIRE(mock->rule_count() == 3);
    const test_request request{{}, "/users/1?x=1"};
    const auto* answer = mock->match(request.view());
    REQUIRE(answer != nullptr);
    CHECK(answer->response.status == 200);
    CHECK(answer->response.headers == std::vector<std::pair<std::string, std::string>>{
                                          {"Content-Type", "application/json"}, {"X-Mock", "yes"}});
    CHECK(answer->response.body == R"({"name": "alice"})");
    CHECK(answer->delay == std::chrono::milliseconds(100));
    // The exact path does not match /users/10, the prefix rule does (before the third rule).
    const test_request other{{}, "/users/10"};
    const auto* second = mock->match(other.view());
    REQUIRE(second != nullptr);
    CHECK(second->response.status == 404);
    CHECK(second->response.body == "no such user");
    CHECK(second->delay == std::chrono::milliseconds(0));
    CHECK(status_of(*mock, "/orders") == 0);
    CHECK(mock_filter::mocked == "mocked");
}

TEST_CASE("mock filter: path or pathPrefix, either one; neither matches every path",
          "[traffic-mock]") {
    const auto both = mock_filter::build(json::parse(R"({"rules": [
        {"match": {"path": "/exact", "pathPrefix": "/pre"}, "code": 201}]})"));
    CHECK(status_of(*both, "/exact") == 201);
    CHECK(status_of(*both, "/prefix") == 201);
    CHECK(status_of(*both, "/exactly") == 0);
    CHECK(status_of(*both, "/") == 0);
    const auto any = mock_filter::build(json::parse(R"({"rules": [{"code": 202}]})"));
    CHECK(status_of(*any, "/") == 202);
    CHECK(status_of(*any, "/anything/at/all") == 202);
    const auto empty_match =
        mock_filter::build(json::parse(R"({"rules": [{"match": {}, "code": 203}]})"));
    CHECK(status_of(*empty_match, "/x") == 203);
}

TEST_CASE("mock filter: an absent header satisfies only an empty rule, a present one fails it",
          "[traffic-mock]") {
    const auto mock = mock_filter::build(json::parse(R"({"rules": [
        {"match": {"headers": {"X-Absent": {"empty": true}}}, "code": 200}]})"));
    CHECK(status_of(*mock, "/") == 200);
    CHECK(status_of(*mock, "/", {{"X-Absent", ""}}) == 0);
    CHECK(status_of(*mock, "/", {{"x-absent", "v"}}) == 0);
    CHECK(status_of(*mock, "/", {{"X-Other", "v"}}) == 200);
}

TEST_CASE("mock filter: a header rule holds when any value of the header matches",
          "[traffic-mock]") {
    const auto mock = mock_filter::build(json::parse(R"({"rules": [
        {"match": {"headers": {"X-Env": {"exact": "test"}}}, "code": 200}]})"));
    CHECK(status_of(*mock, "/", {{"X-Env", "test"}}) == 200);
    CHECK(status_of(*mock, "/", {{"X-Env", "prod"}, {"x-env", "test"}}) == 200);
    CHECK(status_of(*mock, "/", {{"X-Env", "testing"}}) == 0);
    CHECK(status_of(*mock, "/") == 0);
}

TEST_CASE("mock filter: exact, prefix and an unanchored regex are alternatives", "[traffic-mock]") {
    const auto mock = mock_filter::build(json::parse(R"({"rules": [
        {"match": {"headers": {"X-V": {"exact": "a", "prefix": "pre", "regex": "[0-9]{3}"}}},
         "code": 200}]})"));
    REQUIRE(mock->problems().empty());
    CHECK(status_of(*mock, "/", {{"X-V", "a"}}) == 200);
    CHECK(status_of(*mock, "/", {{"X-V", "prefix"}}) == 200);
    CHECK(status_of(*mock, "/", {{"X-V", "ab123cd"}}) == 200);
    CHECK(status_of(*mock, "/", {{"X-V", "ab12cd"}}) == 0);
    CHECK(status_of(*mock, "/", {{"X-V", "b"}}) == 0);
}

TEST_CASE("mock filter: matchAllHeaders false needs one header rule, true needs all",
          "[traffic-mock]") {
    const char* rules = R"({"rules": [{"match": {"matchAllHeaders": %s,
        "headers": {"X-A": {"exact": "1"}, "X-B": {"exact": "2"}}}, "code": 200}]})";
    char any_text[512];
    char all_text[512];
    std::snprintf(any_text, sizeof any_text, rules, "false");
    std::snprintf(all_text, sizeof all_text, rules, "true");
    const auto any = mock_filter::build(json::parse(any_text));
    const auto all = mock_filter::build(json::parse(all_text));
    CHECK(status_of(*any, "/", {{"X-A", "1"}}) == 200);
    CHECK(status_of(*any, "/", {{"X-B", "2"}}) == 200);
    CHECK(status_of(*any, "/", {{"X-A", "2"}}) == 0);
    CHECK(status_of(*all, "/", {{"X-A", "1"}}) == 0);
    CHECK(status_of(*all, "/", {{"X-A", "1"}, {"X-B", "2"}}) == 200);
    CHECK(status_of(*all, "/", {{"X-A", "1"}, {"X-B", "3"}}) == 0);
    // Path and headers together: both must hold.
    const auto path_and_header = mock_filter::build(json::parse(R"({"rules": [
        {"match": {"path": "/p", "headers": {"X-A": {"exact": "1"}}}, "code": 200}]})"));
    CHECK(status_of(*path_and_header, "/p", {{"X-A", "1"}}) == 200);
    CHECK(status_of(*path_and_header, "/q", {{"X-A", "1"}}) == 0);
    CHECK(status_of(*path_and_header, "/p") == 0);
}

TEST_CASE("mock filter: a request without headers is matched without reading them",
          "[traffic-mock]") {
    const auto mock = mock_filter::build(json::parse(R"({"rules": [
        {"match": {"headers": {"X-A": {"empty": true}}}, "code": 204}]})"));
    request_view bare;
    bare.path = "/";
    const auto* answer = mock->match(bare);
    REQUIRE(answer != nullptr);
    CHECK(answer->response.status == 204);
}

TEST_CASE("mock filter: what the build cannot read is a problem, never a crash", "[traffic-mock]") {
    const auto bad_regex = mock_filter::build(json::parse(R"({"rules": [
        {"match": {"headers": {"X-A": {"regex": "(unclosed"}}}, "code": 200}]})"));
    REQUIRE(bad_regex->problems().size() == 1);
    CHECK(bad_regex->problems()[0].find("rules[0].match.headers.X-A.regex") == 0);
    CHECK(status_of(*bad_regex, "/", {{"X-A", "(unclosed"}}) == 0);

    const auto wrong_types = mock_filter::build(json::parse(R"({"rules": [
        {"match": {"path": 5, "headers": []}, "code": "200", "headers": {"A": 1},
         "body": {}, "delay": "soon"}, 7, null]})"));
    CHECK(wrong_types->problems().size() == 8);
    CHECK(wrong_types->rule_count() == 1);
    CHECK(status_of(*wrong_types, "/") == 200);  // what could be read: any path, code 200

    const auto out_of_range =
        mock_filter::build(json::parse(R"({"rules": [{"code": 700}, {"code": 99}]})"));
    CHECK(out_of_range->problems().size() == 2);

    for (const auto* text :
         {"null", "[]", "\"Mock\"", "12", "{}", R"({"rules": {}})", R"({"rules": [[]]})",
          R"({"rules": [{"match": []}]})", R"({"rules": [{"match": {"headers": {"A": []}}}]})",
          R"({"rules": [{"delay": "-5s", "code": 200}]})"}) {
        INFO(text);
        std::unique_ptr<mock_filter> mock;
        REQUIRE_NOTHROW(mock = mock_filter::build(json::parse(text)));
        REQUIRE(mock != nullptr);
        CHECK_NOTHROW(status_of(*mock, "/", {{"A", "b"}}));
    }
    const auto negative =
        mock_filter::build(json::parse(R"({"rules": [{"delay": "-5s", "code": 200}]})"));
    REQUIRE(negative->problems().empty());
    CHECK(negative->match(test_request{{}, "/"}.view())->delay == std::chrono::milliseconds(0));
}
