#include "daemon/traffic/health_state.hpp"
#include "daemon/traffic/http_response_parser.hpp"

#include <catch2/catch.hpp>

#include <vector>

namespace {

using eg::server::check_matcher;
using eg::server::health_match_spec;
using eg::server::health_table;
using eg::server::http_field_view;
using eg::server::server_health;
using eg::server::text_match_type;

}  // namespace

TEST_CASE("health state: fails failures in a row take a server out, passes bring it back",
          "[traffic-health]") {
    const eg::server::health_thresholds thresholds{3, 2};
    server_health health;
    CHECK(health.healthy());
    CHECK_FALSE(health.record(false, thresholds));
    CHECK_FALSE(health.record(false, thresholds));
    CHECK_FALSE(health.record(true, thresholds));  // a success resets the failures
    CHECK_FALSE(health.record(false, thresholds));
    CHECK_FALSE(health.record(false, thresholds));
    CHECK(health.healthy());
    CHECK(health.record(false, thresholds));
    CHECK_FALSE(health.healthy());
    CHECK(health.consecutive_fails() == 3);
    CHECK_FALSE(health.record(false, thresholds));
    CHECK_FALSE(health.record(true, thresholds));
    CHECK_FALSE(health.record(false, thresholds));  // a failure resets the successes
    CHECK_FALSE(health.record(true, thresholds));
    CHECK(health.record(true, thresholds));
    CHECK(health.healthy());
    CHECK(health.consecutive_passes() == 2);
}

TEST_CASE("health state: upstream's defaults (1 and 1) switch at the first result",
          "[traffic-health]") {
    server_health health;
    CHECK(health.record(false, {}));
    CHECK_FALSE(health.healthy());
    CHECK(health.record(true, {}));
    CHECK(health.healthy());
}

TEST_CASE("health state: the table lists the healthy servers in order", "[traffic-health]") {
    health_table table(4, {1, 2});
    CHECK(table.healthy() == std::vector<std::uint32_t>{0, 1, 2, 3});
    CHECK(table.record(2, false));
    CHECK_FALSE(table.record(2, false));
    CHECK(table.record(0, false));
    CHECK(table.healthy() == std::vector<std::uint32_t>{1, 3});
    CHECK_FALSE(table.record(2, true));
    CHECK(table.record(2, true));
    CHECK(table.healthy() == std::vector<std::uint32_t>{1, 2, 3});
    CHECK_FALSE(table.server(0).healthy());
}

TEST_CASE("health state: by default a check passes on statuses 200 to 399", "[traffic-health]") {
    auto [matcher, errors] = check_matcher::compile({});
    REQUIRE(errors.empty());
    REQUIRE(matcher);
    CHECK(matcher->matches(200, {}, ""));
    CHECK(matcher->matches(399, {}, ""));
    CHECK_FALSE(matcher->matches(199, {}, ""));
    CHECK_FALSE(matcher->matches(404, {}, ""));
    CHECK_FALSE(matcher->matches(500, {}, ""));
}

TEST_CASE("health state: status ranges, header and body rules all must match", "[traffic-health]") {
    health_match_spec spec;
    spec.status_codes = {{200, 200}, {418, 418}};
    spec.headers = {{"X-Ready", "yes", text_match_type::exact},
                    {"Server", "^nginx/1\\.[0-9]+", text_match_type::regexp}};
    spec.body = {{"\"status\":\\s*\"(up|ok)\"", text_match_type::regexp}};
    auto [matcher, errors] = check_matcher::compile(spec);
    REQUIRE(errors.empty());
    const std::vector<http_field_view> good{{"x-ready", "yes"}, {"server", "nginx/1.25"}};
    CHECK(matcher->matches(200, good, R"({"status": "up"})"));
    CHECK(matcher->matches(418, good, R"({"status":"ok"})"));
    CHECK_FALSE(matcher->matches(201, good, R"({"status": "up"})"));
    CHECK_FALSE(matcher->matches(200, good, R"({"status": "down"})"));
    CHECK_FALSE(matcher->matches(200, {{"x-ready", "yes!"}, {"server", "nginx/1.25"}},
                                 R"({"status": "up"})"));
    CHECK_FALSE(matcher->matches(200, {{"server", "nginx/1.25"}}, R"({"status": "up"})"));
    CHECK_FALSE(matcher->matches(200, {{"x-ready", "yes"}, {"server", "apache nginx/1.2"}},
                                 R"({"status": "up"})"));

    health_match_spec contains;
    contains.body = {{"healthy", text_match_type::contains}};
    auto [plain, plain_errors] = check_matcher::compile(contains);
    REQUIRE(plain_errors.empty());
    CHECK(plain->matches(204, {}, "all healthy here"));
    CHECK_FALSE(plain->matches(204, {}, "unhealth"));
}

TEST_CASE("health state: a bad match spec is refused with every reason", "[traffic-health]") {
    health_match_spec spec;
    spec.status_codes = {{500, 200}};
    spec.headers = {{"Bad Name", "x", text_match_type::exact},
                    {"X", "(unclosed", text_match_type::regexp},
                    {"Y", "v", text_match_type::contains}};
    spec.body = {{"a", text_match_type::exact}, {"b", text_match_type::contains}};
    auto [matcher, errors] = check_matcher::compile(spec);
    CHECK_FALSE(matcher);
    REQUIRE(errors.size() == 6);
    CHECK(errors[0].find("statusCodes") != std::string::npos);
    CHECK(errors[1] == "headers[0]: invalid header name");
    CHECK(errors[2].find("headers[1]: invalid regexp \"(unclosed\"") == 0);
    CHECK(errors[3] == "headers[2]: type must be exact or regexp");
    CHECK(errors[4] == "body: one rule at most");
    CHECK(errors[5] == "body: type must be contains or regexp");
}
