// The traffic plane on real members: objects applied with egctl make every member listen on the
// HTTPServer's port and carry requests through the Pipeline to real backends (Poco HTTP servers
// in the test process), with Mock answers, routing failures, a Proxy failure falling back to a
// Mock through jumpIf, a backend that stops, updates without restart and deletion, and a pool's
// health check taking a stopped backend out of the choice and bringing it back.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <string>

#include "support/admin_request.hpp"
#include "support/free_port.hpp"
#include "support/http_backend.hpp"
#include "support/local_cluster.hpp"

namespace {

using namespace std::chrono_literals;
using eg::test::http_answer;
using eg::test::local_cluster;

http_answer traffic_request(local_cluster& cluster, int port, const std::string& path,
                            const std::string& method = "GET",
                            const std::vector<std::string>& headers = {}) {
    return eg::test::curl_request(method, "http://127.0.0.1:" + std::to_string(port) + path, "",
                                  cluster.dir.path() / "traffic-body", headers);
}

std::string objects_text(int port, const eg::test::http_backend& a, const eg::test::http_backend& b,
                         int dead_port) {
    const auto p = std::to_string(port);
    return "kind: HTTPServer\nname: demo-server\nport: " + p +
           "\nkeepAlive: true\nhttps: false\n"
           "rules:\n"
           "  - paths:\n"
           "    - pathPrefix: /api\n      methods: [GET, POST]\n      backend: demo-pipeline\n"
           "    - path: /mock\n      backend: mock-pipeline\n"
           "    - path: /fallback\n      backend: fallback-pipeline\n"
           "    - path: /nowhere\n      backend: missing-pipeline\n"
           "---\n"
           "name: demo-pipeline\nkind: Pipeline\nflow:\n  - filter: proxy\nfilters:\n"
           "  - name: proxy\n    kind: Proxy\n    pools:\n    - servers:\n"
           "      - url: " +
           a.url() + "\n      - url: " + b.url() +
           "\n      loadBalance:\n        policy: roundRobin\n"
           "---\n"
           "name: mock-pipeline\nkind: Pipeline\nfilters:\n"
           "  - name: mock\n    kind: Mock\n    rules:\n"
           "    - match:\n        path: /mock\n      code: 202\n"
           "      headers:\n        X-Mocked: \"yes\"\n      body: mocked body\n"
           "---\n"
           "name: fallback-pipeline\nkind: Pipeline\nflow:\n"
           "  - filter: proxy\n    jumpIf:\n      serverError: mock\n"
           "  - filter: END\n  - filter: mock\nfilters:\n"
           "  - name: proxy\n    kind: Proxy\n    pools:\n    - servers:\n"
           "      - url: http://127.0.0.1:" +
           std::to_string(dead_port) +
           "\n"
           "  - name: mock\n    kind: Mock\n    rules:\n"
           "    - code: 200\n      body: fallback answer\n";
}

}  // namespace

TEST_CASE("traffic: applied objects are served by every member, through Proxy and Mock",
          "[integration][traffic]") {
    local_cluster cluster(1, 1);
    cluster.start_all();
    REQUIRE(eg::test::wait_until([&] { return cluster.members_seen_by(2).size() == 2; }, 60s));
    eg::test::http_backend a("backend-a");
    eg::test::http_backend b("backend-b");
    const int port = eg::test::free_port();
    const int dead_port = eg::test::free_port();
    cluster.dir.write("objects.yaml", objects_text(port, a, b, dead_port));
    const auto applied = cluster.egctl(2, {"apply", "-f", "objects.yaml"});
    INFO(applied.out << applied.err);
    REQUIRE(applied.exit_code == 0);

    // Every member listens: the members share the port (SO_REUSEPORT), so wait until a request
    // goes through, then check both members' listeners exist by stopping one later.
    REQUIRE(eg::test::wait_until(
        [&] { return traffic_request(cluster, port, "/api/hello").status == 200; }, 10s));
    INFO(cluster.outputs());

    SECTION("the Proxy spreads requests over the pool's servers (roundRobin)") {
        std::map<std::string, int> seen;
        for (int i = 0; i < 20; ++i) {
            const auto answer =
                traffic_request(cluster, port, "/api/items?id=" + std::to_string(i));
            REQUIRE(answer.status == 200);
            seen[answer.body.substr(0, answer.body.find(' '))]++;
            CHECK(answer.body.find("GET /api/items?id=" + std::to_string(i)) != std::string::npos);
            CHECK(answer.headers.find("X-Backend: ") != std::string::npos);
        }
        CHECK(seen.size() == 2);
        CHECK(seen["backend-a"] > 0);
        CHECK(seen["backend-b"] > 0);
    }

    SECTION("a POST body reaches the backend; the Host the client sent is kept for an IP server") {
        const auto answer = eg::test::curl_request(
            "POST", "http://127.0.0.1:" + std::to_string(port) + "/api/post", "payload=1",
            cluster.dir.path() / "post-body", {"Host: shop.example"});
        CHECK(answer.status == 200);
        CHECK(answer.body.find("POST /api/post host=shop.example") != std::string::npos);
        CHECK(answer.body.find("body=payload=1") != std::string::npos);
    }

    SECTION("Mock answers, routing failures and a missing Pipeline") {
        const auto mocked = traffic_request(cluster, port, "/mock");
        CHECK(mocked.status == 202);
        CHECK(mocked.body == "mocked body");
        CHECK(mocked.headers.find("X-Mocked: yes") != std::string::npos);
        CHECK(traffic_request(cluster, port, "/elsewhere").status == 404);
        CHECK(traffic_request(cluster, port, "/api/x", "DELETE").status == 405);
        const auto missing = traffic_request(cluster, port, "/nowhere");
        CHECK(missing.status == 503);
        CHECK(missing.body.find("missing-pipeline") != std::string::npos);
    }

    SECTION("a Proxy that cannot reach its server falls back to the Mock its jumpIf names") {
        const auto answer = traffic_request(cluster, port, "/fallback");
        CHECK(answer.status == 200);
        CHECK(answer.body == "fallback answer");
    }

    SECTION("a stopped backend: 503 serverError for its turn, the other still answers") {
        b.stop();
        int ok = 0;
        int unavailable = 0;
        for (int i = 0; i < 10; ++i) {
            const auto status = traffic_request(cluster, port, "/api/after-stop").status;
            if (status == 200) ++ok;
            if (status == 503) ++unavailable;
        }
        CHECK(ok > 0);
        CHECK(unavailable > 0);
        CHECK(ok + unavailable == 10);
    }

    SECTION("an update of the routes applies without a restart; a delete stops the listener") {
        auto text = objects_text(port, a, b, dead_port);
        const auto at = text.find("pathPrefix: /api");
        text.replace(at, 16, "pathPrefix: /v2");
        cluster.dir.write("objects.yaml", text);
        REQUIRE(cluster.egctl(1, {"apply", "-f", "objects.yaml"}).exit_code == 0);
        CHECK(eg::test::wait_until(
            [&] { return traffic_request(cluster, port, "/v2/new").status == 200; }, 10s));
        CHECK(eg::test::wait_until(
            [&] { return traffic_request(cluster, port, "/api/old").status == 404; }, 10s));
        REQUIRE(cluster.egctl(1, {"delete", "httpserver", "demo-server"}).exit_code == 0);
        CHECK(eg::test::wait_until(
            [&] { return traffic_request(cluster, port, "/v2/new").status == 0; }, 10s));
    }
}

TEST_CASE("traffic: a member keeps running when an HTTPServer's port is taken",
          "[integration][traffic]") {
    local_cluster cluster(1, 0);
    cluster.start_all();
    REQUIRE(eg::test::wait_until([&] { return cluster.members_seen_by(1).size() == 1; }, 60s));
    // Another program holds the port (no SO_REUSEPORT).
    const int taken = eg::test::free_port();
    const int holder = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(taken));
    REQUIRE(::bind(holder, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(holder, 1) == 0);
    const int free = eg::test::free_port();
    cluster.dir.write("objects.yaml",
                      "kind: HTTPServer\nname: blocked\nport: " + std::to_string(taken) +
                          "\nrules:\n  - paths:\n    - pathPrefix: /\n      backend: answer\n---\n"
                          "kind: HTTPServer\nname: open\nport: " +
                          std::to_string(free) +
                          "\nrules:\n  - paths:\n    - pathPrefix: /\n      backend: answer\n---\n"
                          "kind: Pipeline\nname: answer\nfilters:\n  - name: mock\n    kind: Mock\n"
                          "    rules:\n    - code: 200\n      body: open\n");
    REQUIRE(cluster.egctl(1, {"apply", "-f", "objects.yaml"}).exit_code == 0);
    CHECK(eg::test::wait_until([&] { return traffic_request(cluster, free, "/").body == "open"; },
                               10s));
    CHECK(eg::test::wait_until(
        [&] { return cluster.outputs().find("'blocked' cannot listen") != std::string::npos; },
        10s));
    CHECK(cluster.members_seen_by(1).size() == 1);
    ::close(holder);
    // The port is free again: the server listens at the next round.
    CHECK(eg::test::wait_until([&] { return traffic_request(cluster, taken, "/").body == "open"; },
                               15s));
}

TEST_CASE("traffic: a Proxy pool's health check takes a stopped server out and brings it back",
          "[integration][traffic]") {
    local_cluster cluster(1, 0);
    cluster.start_all();
    REQUIRE(eg::test::wait_until([&] { return cluster.members_seen_by(1).size() == 1; }, 60s));
    eg::test::http_backend a("backend-a");
    eg::test::http_backend b("backend-b");
    const int port = eg::test::free_port();
    cluster.dir.write("objects.yaml",
                      "kind: HTTPServer\nname: checked-server\nport: " + std::to_string(port) +
                          "\nrules:\n  - paths:\n    - pathPrefix: /\n      backend: checked\n"
                          "---\n"
                          "name: checked\nkind: Pipeline\nfilters:\n"
                          "  - name: proxy\n    kind: Proxy\n    pools:\n    - servers:\n"
                          "      - url: " +
                          a.url() + "\n      - url: " + b.url() +
                          "\n      loadBalance:\n        policy: roundRobin\n"
                          "      healthCheck:\n        interval: 100ms\n        timeout: 1s\n"
                          "        uri: /health\n        fails: 1\n        passes: 1\n");
    const auto applied = cluster.egctl(1, {"apply", "-f", "objects.yaml"});
    INFO(applied.out << applied.err);
    REQUIRE(applied.exit_code == 0);
    INFO(cluster.outputs());
    // Both backends are checked and serve.
    REQUIRE(eg::test::wait_until([&] { return a.last_request().starts_with("GET /health"); }, 10s));
    REQUIRE(eg::test::wait_until(
        [&] { return traffic_request(cluster, port, "/x").body.starts_with("backend-b"); }, 10s));
    CHECK(traffic_request(cluster, port, "/x").status == 200);

    // Stopped: once the check has marked it down, every request goes to the other.
    b.stop();
    const auto all_to_a = [&](int count) {
        for (int i = 0; i < count; ++i) {
            const auto answer = traffic_request(cluster, port, "/after-stop");
            if (answer.status != 200 || !answer.body.starts_with("backend-a")) return false;
        }
        return true;
    };
    REQUIRE(eg::test::wait_until([&] { return all_to_a(10); }, 15s));
    CHECK(all_to_a(20));
    CHECK(eg::test::wait_until(
        [&] {
            return cluster.outputs().find("of pool proxy#proxy#main is unhealthy") !=
                   std::string::npos;
        },
        10s));

    // The member's status of the Pipeline shows each checked server's health.
    const auto reported_health = [&](const std::string& url) {
        const auto answer = eg::test::admin_request(cluster, 1, "GET", "/status/objects/checked");
        const auto statuses = nlohmann::json::parse(answer.body, nullptr, false);
        if (answer.status != 200 || !statuses.is_object()) return std::string();
        for (const auto& [key, reported] : statuses.items()) {
            // {"revision", "timestamp", "status": the member's runtime status}
            const nlohmann::json::json_pointer at("/status/health/proxy/proxy#proxy#main");
            if (!reported.is_object() || !reported.contains(at)) continue;
            const auto& servers = reported[at];
            for (const auto& server : servers)
                if (server.value("url", "") == url) return server["healthy"].dump();
        }
        return std::string();
    };
    CHECK(eg::test::wait_until([&] { return reported_health(b.url()) == "false"; }, 15s));
    CHECK(reported_health(a.url()) == "true");

    // Started again: the check brings it back into the choice.
    b.start();
    CHECK(eg::test::wait_until(
        [&] { return traffic_request(cluster, port, "/back").body.starts_with("backend-b"); },
        15s));
}
