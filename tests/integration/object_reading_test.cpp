// One object text, one stored spec: the same YAML objects given at start-up
// (initial-object-config-files), with `egctl apply -f` and as admin API bodies are stored byte
// for byte alike, and a key given twice is refused by all three with its line.

#include <catch2/catch.hpp>
#include <chrono>
#include <regex>
#include <string>
#include <vector>

#include "support/admin_request.hpp"
#include "support/local_cluster.hpp"

namespace {

using namespace std::chrono_literals;
using eg::test::local_cluster;

// YAML 1.1 booleans, Go numbers, an anchor used twice, merge keys (a written key wins).
const std::string server_text = R"(# an HTTPServer written for upstream Easegress
kind: HTTPServer
name: same-server
port: 0x2710
https: no
keepAlive: yes
http3: off
maxConnections: 1e3
cacheSize: 0x10
xForwardedFor: off
defaults: &defaults
  timeout: 30s
  retries: 0x3
  enabled: on
rules:
  - <<: *defaults
    timeout: 10s
    host: "yes"
    paths:
      - pathPrefix: /api
        backend: same-pipeline
  - <<: *defaults
    paths:
      - pathPrefix: /other
        backend: same-pipeline
)";

const std::string pipeline_text = R"(name: same-pipeline
kind: Pipeline
flow:
  - filter: proxy
  - filter: END
filters:
  - name: proxy
    kind: Proxy
    pools:
      - servers:
          - &server
            url: http://127.0.0.1:9095
            weight: 2.0
          - <<: *server
            url: http://127.0.0.1:9096
        loadBalance: {policy: roundRobin, sticky: Y}
)";

// The key `port` twice: the second at line 5.
const std::string duplicate_text =
    "kind: HTTPServer\nname: twice\nport: 10080\nhttps: false\nport: 10081\n";

// A stored spec without the time of its creation, which differs from one write to the next.
std::string without_created_at(const std::string& spec) {
    static const std::regex created_at(R"re("createdAt":"[^"]*",?)re");
    return std::regex_replace(spec, created_at, "");
}

// The stored specs of both objects, without their creation times.
std::vector<std::string> stored_specs(local_cluster& cluster) {
    std::vector<std::string> specs;
    for (const char* name : {"same-server", "same-pipeline"}) {
        const auto answer =
            eg::test::admin_request(cluster, 1, "GET", std::string("/objects/") + name);
        INFO(name << ": " << answer.status << " " << answer.body);
        CHECK(answer.status == 200);
        specs.push_back(without_created_at(answer.body));
    }
    return specs;
}

void delete_both(local_cluster& cluster) {
    for (const char* name : {"same-server", "same-pipeline"})
        CHECK(
            eg::test::admin_request(cluster, 1, "DELETE", std::string("/objects/") + name).status ==
            200);
}

}  // namespace

TEST_CASE("objects: start-up files, egctl apply and API bodies store one spec per text",
          "[integration][objects][egctl]") {
    local_cluster cluster(1, 0);
    const auto server_file = cluster.dir.write("server.yaml", server_text);
    const auto pipeline_file = cluster.dir.write("pipeline.yaml", pipeline_text);
    const auto duplicate_file = cluster.dir.write("twice.yaml", duplicate_text);
    cluster.dir.write("both.yaml", server_text + "---\n" + pipeline_text);
    auto args = cluster.tutorial_flags(1);
    const auto extra = cluster.test_flags(1);
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"--initial-object-config-files", server_file.string() + "," +
                                                                  pipeline_file.string() + "," +
                                                                  duplicate_file.string()});
    cluster.start(1, args);
    REQUIRE(eg::test::wait_until([&] { return cluster.egctl(1, {"health"}).exit_code == 0; }, 60s));
    INFO(cluster.outputs());

    // 1. initial-object-config-files (settled before the member is ready).
    const auto from_files = stored_specs(cluster);
    CHECK(from_files[0] ==
          R"({"cacheSize":16,"defaults":{"enabled":true,"retries":3,"timeout":"30s"},)"
          R"("http3":false,"https":false,"keepAlive":true,"kind":"HTTPServer",)"
          R"("maxConnections":1000,"name":"same-server","port":10000,"rules":[{"enabled":true,)"
          R"("host":"yes","paths":[{"backend":"same-pipeline","pathPrefix":"/api"}],"retries":3,)"
          R"("timeout":"10s"},{"enabled":true,"paths":[{"backend":"same-pipeline",)"
          R"("pathPrefix":"/other"}],"retries":3,"timeout":"30s"}],"xForwardedFor":false})");
    CHECK(from_files[1].find(R"({"url":"http://127.0.0.1:9096","weight":2})") != std::string::npos);
    CHECK(from_files[1].find(R"("sticky":true)") != std::string::npos);
    const std::string log = cluster.process(1).output();
    CHECK(log.find("path: " + duplicate_file.string() +
                   ", error: line 5, column 1: mapping key \"port\" already defined at line 3 "
                   "[EG104]") != std::string::npos);
    CHECK(eg::test::admin_request(cluster, 1, "GET", "/objects/twice").status == 404);
    delete_both(cluster);

    // 2. egctl apply -f, both objects in one file.
    const auto applied = cluster.egctl(1, {"apply", "-f", "both.yaml"});
    INFO(applied.out << applied.err);
    REQUIRE(applied.exit_code == 0);
    CHECK(stored_specs(cluster) == from_files);
    delete_both(cluster);

    // 3. YAML bodies of POST /objects.
    for (const auto* text : {&server_text, &pipeline_text})
        CHECK(eg::test::admin_request(cluster, 1, "POST", "/objects", *text).status == 201);
    CHECK(stored_specs(cluster) == from_files);

    // The key given twice, refused by egctl and by the API with its line.
    cluster.dir.write("twice-apply.yaml", duplicate_text);
    const auto refused = cluster.egctl(1, {"apply", "-f", "twice-apply.yaml"});
    CHECK(refused.exit_code != 0);
    CHECK(refused.err.find("yaml: line 5: mapping key \"port\" already defined at line 3") !=
          std::string::npos);
    const auto posted = eg::test::admin_request(cluster, 1, "POST", "/objects", duplicate_text);
    CHECK(posted.status == 400);
    CHECK(posted.body.find("line 5, column 1: mapping key \\\"port\\\" already defined at line 3 "
                           "[EG104]") != std::string::npos);
    CHECK(eg::test::admin_request(cluster, 1, "GET", "/objects/twice").status == 404);
}
