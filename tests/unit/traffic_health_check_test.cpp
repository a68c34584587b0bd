// A Proxy pool's active health check: its spec read with upstream's defaults and deprecated
// places, the probe's request, and the checker against real local backends (a server that
// starts failing leaves the choice after `fails` checks and comes back after `passes`).

#include "daemon/traffic/health_check_spec.hpp"
#include "daemon/traffic/health_checker.hpp"
#include "daemon/traffic/http_response_parser.hpp"
#include "daemon/traffic/pipeline_program.hpp"
#include "daemon/traffic/proxy_filter.hpp"
#include "daemon/traffic/spec_fields.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <sys/eventfd.h>
#include <unistd.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/free_port.hpp"
#include "support/http_backend.hpp"

namespace {

using eg::server::health_check_spec;
using eg::server::upstream_target;
using nlohmann::json;
using namespace std::chrono_literals;

// Polls `condition` until it holds or `limit` passes.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        if (condition()) return true;
        std::this_thread::sleep_for(10ms);
    }
    return condition();
}

struct read_result {
    std::optional<health_check_spec> spec;
    std::vector<std::string> problems;
};

read_result read(const json& pool) {
    read_result out;
    eg::server::spec_fields fields(out.problems);
    out.spec = eg::server::read_health_check(pool, "pools[0]", fields);
    return out;
}

upstream_target server(const std::string& url) {
    auto target = eg::server::parse_server_url(url);
    REQUIRE(target);
    return *target;
}

class first_random final : public eg::server::random_source {
public:
    std::uint64_t below(std::uint64_t) override { return 0; }
};

// The servers the pool's choice can give, over a few requests (roundRobin).
std::vector<std::size_t> chosen(const eg::server::proxy_filter& proxy) {
    std::vector<eg::server::http_header> headers;
    eg::server::request_view view;
    view.method = "GET";
    view.path = "/";
    view.headers = &headers;
    first_random random;
    std::vector<std::size_t> out;
    for (int i = 0; i < 4; ++i)
        if (const auto choice = proxy.choose(view, random); choice.server)
            out.push_back(*choice.server);
    return out;
}

std::shared_ptr<const eg::server::pipeline_program> program(const std::vector<std::string>& urls,
                                                            const json& health_check) {
    json servers = json::array();
    for (const auto& url : urls) servers.push_back({{"url", url}});
    const json spec = {{"name", "p"},
                       {"kind", "Pipeline"},
                       {"filters",
                        {{{"name", "proxy"},
                          {"kind", "Proxy"},
                          {"pools", {{{"servers", servers}, {"healthCheck", health_check}}}}}}}};
    auto built = eg::server::pipeline_program::build(spec);
    INFO(built->error());
    REQUIRE(built->error().empty());
    return built;
}

bool healthy(const eg::server::health_checker& checker, std::size_t server) {
    return checker.status()["proxy"]["proxy#proxy#main"][server]["healthy"].get<bool>();
}

}  // namespace

TEST_CASE("health check spec: upstream's defaults; the probe goes to the server URL's path",
          "[traffic-health]") {
    const auto read_back = read(json::parse(R"({"healthCheck": {}})"));
    CHECK(read_back.problems.empty());
    REQUIRE(read_back.spec);
    const auto& spec = *read_back.spec;
    CHECK(spec.interval == 60s);
    CHECK(spec.timeout == 3s);
    CHECK(spec.thresholds.fails == 1);
    CHECK(spec.thresholds.passes == 1);
    CHECK(spec.method == "GET");
    CHECK(eg::server::probe_port(spec, server("http://10.0.0.1:8080/base")) == 8080);
    CHECK(eg::server::probe_port(spec, server("http://example.com")) == 80);
    CHECK(eg::server::probe_request(spec, server("http://10.0.0.1:8080/base")) ==
          "GET /base HTTP/1.1\r\nHost: 10.0.0.1:8080\r\nConnection: close\r\n\r\n");
    CHECK(eg::server::probe_request(spec, server("http://[::1]:81")) ==
          "GET / HTTP/1.1\r\nHost: [::1]:81\r\nConnection: close\r\n\r\n");
    // The default match: 200 to 399.
    CHECK(spec.matcher->matches(302, {}, ""));
    CHECK_FALSE(spec.matcher->matches(404, {}, ""));
    CHECK_FALSE(read(json::parse(R"({"servers": []})")).spec);
}

TEST_CASE("health check spec: uri before path, port, Host, headers, body and basic auth",
          "[traffic-health]") {
    const auto read_back = read(json::parse(R"({"healthCheck": {
        "interval": "50ms", "timeout": "1s", "fails": 3, "passes": 2, "port": 9000,
        "uri": "/healthz?full=1", "path": "/old", "method": "POST",
        "headers": {"host": "probe.example", "X-Probe": "yes"}, "body": "ping",
        "username": "user", "password": "secret",
        "match": {"statusCodes": [[200, 204]],
                  "headers": [{"name": "X-State", "value": "^up", "type": "regexp"}],
                  "body": {"value": "ok"}}}})"));
    INFO(read_back.problems.size());
    CHECK(read_back.problems.empty());
    REQUIRE(read_back.spec);
    const auto& spec = *read_back.spec;
    CHECK(spec.interval == 50ms);
    CHECK(spec.timeout == 1s);
    CHECK(spec.thresholds.fails == 3);
    CHECK(spec.thresholds.passes == 2);
    const auto target = server("http://10.0.0.1:8080/base");
    CHECK(eg::server::probe_port(spec, target) == 9000);
    CHECK(eg::server::probe_request(spec, target) ==
          "POST /healthz?full=1 HTTP/1.1\r\nHost: probe.example\r\nX-Probe: yes\r\n"
          "Authorization: Basic dXNlcjpzZWNyZXQ=\r\nContent-Length: 4\r\n"
          "Connection: close\r\n\r\nping");
    const std::vector<eg::server::http_field_view> up = {{"X-State", "up and running"}};
    CHECK(spec.matcher->matches(204, up, "all ok"));
    CHECK_FALSE(spec.matcher->matches(302, up, "all ok"));
    CHECK_FALSE(spec.matcher->matches(200, {}, "all ok"));
    CHECK_FALSE(spec.matcher->matches(200, up, "down"));

    // The deprecated path when uri is empty.
    const auto with_path = read(json::parse(R"({"healthCheck": {"uri": "", "path": "status"}})"));
    REQUIRE(with_path.spec);
    CHECK(eg::server::probe_request(*with_path.spec, target).starts_with("GET /status HTTP/1.1"));
}

TEST_CASE("health check spec: the deprecated loadBalance.healthCheck, when the pool has none",
          "[traffic-health]") {
    const auto deprecated = read(json::parse(
        R"({"loadBalance": {"policy": "roundRobin", "healthCheck": {"fails": 4, "uri": "/lb"}}})"));
    CHECK(deprecated.problems.empty());
    REQUIRE(deprecated.spec);
    CHECK(deprecated.spec->thresholds.fails == 4);
    const auto both = read(json::parse(
        R"({"healthCheck": {"fails": 2}, "loadBalance": {"healthCheck": {"fails": 4}}})"));
    REQUIRE(both.spec);
    CHECK(both.spec->thresholds.fails == 2);
}

TEST_CASE("health check spec: what cannot be read is a problem, never an exception",
          "[traffic-health]") {
    const auto bad = read(json::parse(R"({"healthCheck": {
        "interval": "often", "fails": "two", "port": 70000, "headers": {"X-A": 1},
        "match": {"statusCodes": [[200]], "body": {"value": "(", "type": "regexp"}}}})"));
    CHECK(bad.problems.size() == 6);
    REQUIRE(bad.spec);
    CHECK(bad.spec->interval == 60s);
    CHECK(bad.spec->thresholds.fails == 1);
    REQUIRE(bad.spec->matcher);  // the default match stands in for the refused one
    CHECK(bad.spec->matcher->matches(200, {}, ""));
    const auto not_mapping = read(json::parse(R"({"healthCheck": 5})"));
    CHECK_FALSE(not_mapping.spec);
    CHECK(not_mapping.problems.size() == 1);
    // Through the Proxy's build: a problem of the filter.
    const auto proxy = eg::server::proxy_filter::build(json::parse(
        R"({"name": "px", "kind": "Proxy", "pools": [{"servers": [{"url": "http://10.0.0.1"}],
            "healthCheck": {"match": {"headers": [{"name": "X", "value": "[", "type": "regexp"}]}}}]})"));
    CHECK(proxy->problems().size() == 1);
}

TEST_CASE("health check: the choice takes the servers marked healthy", "[traffic-health]") {
    const auto proxy = eg::server::proxy_filter::build(json::parse(
        R"({"name": "px", "kind": "Proxy", "pools": [{"servers": [{"url": "http://10.0.0.1"},
            {"url": "http://10.0.0.2"}], "healthCheck": {}}]})"));
    REQUIRE(proxy->health_check(0) != nullptr);
    CHECK(chosen(*proxy) == std::vector<std::size_t>{0, 1, 0, 1});
    proxy->set_healthy(0, 0, false);
    CHECK(chosen(*proxy) == std::vector<std::size_t>{1, 1, 1, 1});
    proxy->set_healthy(0, 1, false);
    CHECK(chosen(*proxy).empty());
    proxy->set_healthy(0, 0, true);
    CHECK(chosen(*proxy) == std::vector<std::size_t>{0, 0, 0, 0});
    // Without a health check every server is chosen whatever is marked.
    const auto unchecked = eg::server::proxy_filter::build(json::parse(
        R"({"name": "px", "kind": "Proxy", "pools": [{"servers": [{"url": "http://10.0.0.1"}]}]})"));
    CHECK(unchecked->health_check(0) == nullptr);
    unchecked->set_healthy(0, 0, false);
    CHECK(chosen(*unchecked).size() == 4);
}

TEST_CASE("health check: one check against a real backend", "[traffic-health]") {
    eg::test::http_backend backend("backend");
    const int stop_fd = ::eventfd(0, EFD_CLOEXEC);
    REQUIRE(stop_fd >= 0);
    auto spec = *read(json::parse(R"({"healthCheck": {"uri": "/health", "timeout": "5s",
        "headers": {"X-Probe": "yes"}, "match": {"body": {"value": "backend GET /health"}}}})"))
                     .spec;
    const auto target = server(backend.url());
    CHECK(eg::server::check_server(spec, target, stop_fd));
    const auto seen = backend.last_request();
    CHECK(seen.starts_with("GET /health\n"));
    CHECK(seen.find("Connection: close") != std::string::npos);
    CHECK(seen.find("X-Probe: yes") != std::string::npos);
    CHECK(seen.find("Host: 127.0.0.1:" + std::to_string(backend.port())) != std::string::npos);

    backend.set_status(503);
    CHECK_FALSE(eg::server::check_server(spec, target, stop_fd));
    backend.set_status(200);
    CHECK(eg::server::check_server(spec, target, stop_fd));
    backend.stop();  // refused
    CHECK_FALSE(eg::server::check_server(spec, target, stop_fd));
    // A stop while the check waits for an answer ends it as a failure.
    backend.start();
    const std::uint64_t one = 1;
    REQUIRE(::write(stop_fd, &one, sizeof one) == sizeof one);
    CHECK_FALSE(eg::server::check_server(spec, target, stop_fd));
    ::close(stop_fd);
}

TEST_CASE("health check: a failing server leaves the choice after fails checks, and comes back",
          "[traffic-health]") {
    eg::test::http_backend good("good");
    eg::test::http_backend flaky("flaky");
    const auto built = program({good.url(), flaky.url()},
                               json::parse(R"({"interval": "50ms", "timeout": "2s", "fails": 2,
                                               "passes": 2, "uri": "/health"})"));
    const auto& proxy = built->proxy(0);
    std::vector<std::string> reports;
    std::mutex reports_mutex;
    eg::server::health_checker checker(built, [&](const std::string& message) {
        std::lock_guard lock(reports_mutex);
        reports.push_back(message);
    });
    REQUIRE(checker.checks_anything());
    REQUIRE(eventually([&] { return flaky.answered() >= 2; }, 10s));
    CHECK(healthy(checker, 1));
    CHECK(chosen(proxy) == std::vector<std::size_t>{0, 1, 0, 1});

    flaky.set_status(500);
    REQUIRE(eventually([&] { return !healthy(checker, 1); }, 10s));
    CHECK(checker.status()["proxy"]["proxy#proxy#main"][1]["consecutiveFails"].get<int>() >= 2);
    CHECK(chosen(proxy) == std::vector<std::size_t>{0, 0, 0, 0});
    CHECK(healthy(checker, 0));

    flaky.stop();  // refused connections keep it out
    const auto answered = flaky.answered();
    flaky.start();
    flaky.set_status(200);
    REQUIRE(eventually([&] { return healthy(checker, 1); }, 10s));
    CHECK(flaky.answered() >= answered + 2);
    CHECK(chosen(proxy) == std::vector<std::size_t>{0, 1, 0, 1});
    checker.stop();
    std::lock_guard lock(reports_mutex);
    REQUIRE(reports.size() == 2);
    CHECK(reports[0].find("unhealthy") != std::string::npos);
    CHECK(reports[1].find("healthy again") != std::string::npos);
}

TEST_CASE("health check: the checker stops while a check waits for a silent server",
          "[traffic-health]") {
    // A listener that never answers: the check waits for its (long) timeout unless stopped.
    const int port = eg::test::free_port();
    const int silent = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(silent, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(silent, 4) == 0);
    const auto built = program({"http://127.0.0.1:" + std::to_string(port)},
                               json::parse(R"({"interval": "50ms", "timeout": "1h"})"));
    eg::server::health_checker checker(built);
    checker.stop();
    CHECK(healthy(checker, 0));
    ::close(silent);
}
