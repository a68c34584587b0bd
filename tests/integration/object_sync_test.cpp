// Objects written through any member's admin API reach every member and their dumps.

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/admin_request.hpp"
#include "support/file_text.hpp"
#include "support/local_cluster.hpp"

#include <nlohmann/json.hpp>

namespace {

using namespace std::chrono_literals;
using eg::test::local_cluster;
using eg::test::read_text;

using eg::test::http_answer;

http_answer request(local_cluster& cluster, int member, const std::string& method,
                    const std::string& path, const std::string& body = {}) {
    return eg::test::admin_request(cluster, member, method, path, body);
}

// The object statuses one member serves for an object (GET /status/objects/NAME), by key.
nlohmann::json statuses_of(local_cluster& cluster, int member, const std::string& object) {
    const auto answer = request(cluster, member, "GET", "/status/objects/" + object);
    if (answer.status != 200) return nlohmann::json::object();
    return nlohmann::json::parse(answer.body, nullptr, false);
}

// Whether all four members report `object` in `ns` at one revision other than `not_revision`.
bool all_report(local_cluster& cluster, const std::string& ns, const std::string& object,
                std::int64_t not_revision = 0) {
    const auto statuses = statuses_of(cluster, 3, object);
    if (!statuses.is_object() || statuses.size() != 4) return false;
    std::int64_t revision = -1;
    for (int i = 1; i <= 4; ++i) {
        const std::string key = ns + "/" + object + "/machine-" + std::to_string(i);
        if (!statuses.contains(key) || !statuses[key].contains("revision")) return false;
        const auto reported = statuses[key]["revision"].get<std::int64_t>();
        if (reported == not_revision || (revision != -1 && reported != revision)) return false;
        revision = reported;
    }
    return true;
}

std::int64_t reported_revision(local_cluster& cluster, const std::string& object) {
    const auto statuses = statuses_of(cluster, 1, object);
    if (statuses.empty() || !statuses.is_object()) return 0;
    return statuses.begin()->value("revision", std::int64_t{0});
}

}  // namespace

TEST_CASE("objects: a write on any member reaches every member", "[integration][objects]") {
    local_cluster cluster;
    // machine-2 writes its object statuses one per transaction.
    auto batch_of_one = cluster.tutorial_flags(2);
    for (auto flag : cluster.test_flags(2)) batch_of_one.push_back(flag);
    batch_of_one.insert(batch_of_one.end(), {"--status-update-max-batch-size", "1"});
    for (int i = 1; i <= 4; ++i)
        cluster.start(i, i == 2 ? batch_of_one : std::vector<std::string>{});
    REQUIRE(eg::test::wait_until([&] { return cluster.members_seen_by(1).size() == 4; }, 60s));

    // Created on the secondary.
    const auto created = request(cluster, 4, "POST", "/objects",
                                 R"({"kind":"HTTPServer","name":"demo","port":10080})");
    INFO(created.headers << created.body << cluster.outputs());
    REQUIRE(created.status == 201);
    CHECK(created.headers.find("X-Config-Version: ") != std::string::npos);
    for (int i = 1; i <= 4; ++i) {
        INFO("member " << i);
        CHECK(eg::test::wait_until(
            [&] { return request(cluster, i, "GET", "/objects/demo").status == 200; }, 10s));
        CHECK(eg::test::wait_until(
            [&] {
                return read_text(std::filesystem::path(cluster.home_of(i)) / "running_objects.json")
                           .find("\"demo\"") != std::string::npos;
            },
            10s));
    }

    // Refusals: nothing written (the config version stays 1, checked below).
    for (const std::string bad : {R"({"kind":"HTTPServer","name":)", "kind: [HTTPServer\nname: x",
                                  R"({"name":"no-kind","port":1})"}) {
        const auto refused = request(cluster, 1, "POST", "/objects", bad);
        INFO(bad << " -> " << refused.body);
        CHECK(refused.status == 400);
        CHECK(refused.body.rfind(R"({"code":400,"message":")", 0) == 0);
    }
    CHECK(request(cluster, 1, "POST", "/objects", R"({"kind":"HTTPServer","name":"demo","port":1})")
              .status == 409);
    const auto unknown = request(cluster, 1, "POST", "/objects", R"({"kind":"Nope","name":"x"})");
    CHECK(unknown.status == 400);
    CHECK(unknown.body.find("known kinds: HTTPServer, Pipeline") != std::string::npos);
    CHECK(request(cluster, 1, "POST", "/objects", R"({"kind":"HTTPServer","name":"bad name"})")
              .status == 400);
    CHECK(request(cluster, 1, "PUT", "/objects/demo",
                  R"({"kind":"HTTPServer","name":"other","port":1})")
              .status == 400);
    CHECK(request(cluster, 2, "PUT", "/objects/demo",
                  R"({"kind":"Pipeline","name":"demo","filters":[]})")
              .status == 400);
    // A Pipeline whose jumpIf names no later step: the refusal names the field path and code.
    const auto invalid =
        request(cluster, 1, "POST", "/objects",
                "kind: Pipeline\nname: broken\nfilters:\n- name: mock\n  kind: Mock\n  rules:\n  - "
                "code: 200\nflow:\n- filter: mock\n  jumpIf:\n    mocked: fallback\n");
    INFO(invalid.body);
    CHECK(invalid.status == 400);
    CHECK(invalid.body.rfind(R"({"code":400,"message":"flow[0].jumpIf.mocked: target 'fallback')",
                             0) == 0);
    CHECK(invalid.body.find("[EG608]") != std::string::npos);
    const std::string huge(11 * 1024 * 1024, 'x');
    CHECK(request(cluster, 1, "POST", "/objects", huge).status == 413);

    // Every answer says the config version; after one write it is 1 on every member.
    for (int i = 1; i <= 4; ++i)
        CHECK(eg::test::wait_until(
            [&] {
                return request(cluster, i, "GET", "/healthz").headers.find("X-Config-Version: 1") !=
                       std::string::npos;
            },
            10s));

    // Every member reports the revision it has applied (every 5 s).
    CHECK(eg::test::wait_until([&] { return all_report(cluster, "eg-traffic-default", "demo"); },
                               15s));
    const std::int64_t first_revision = reported_revision(cluster, "demo");
    CHECK(first_revision > 0);
    CHECK(request(cluster, 1, "GET", "/status/objects/nothing").status == 404);

    // Updated on a primary, seen by the secondary; deleted, gone everywhere.
    CHECK(request(cluster, 2, "PUT", "/objects/demo",
                  R"({"kind":"HTTPServer","name":"demo","port":10081})")
              .status == 200);
    CHECK(eg::test::wait_until(
        [&] {
            return request(cluster, 4, "GET", "/objects/demo").body.find("10081") !=
                   std::string::npos;
        },
        10s));
    CHECK(eg::test::wait_until(
        [&] { return all_report(cluster, "eg-traffic-default", "demo", first_revision); }, 15s));
    CHECK(request(cluster, 3, "DELETE", "/objects/demo").status == 200);
    for (int i = 1; i <= 4; ++i)
        CHECK(eg::test::wait_until(
            [&] { return request(cluster, i, "GET", "/objects/demo").status == 404; }, 10s));
    CHECK(request(cluster, 3, "DELETE", "/objects/demo").status == 404);
    // Each member deletes its status of an object that is gone.
    CHECK(eg::test::wait_until(
        [&] {
            const auto all = request(cluster, 2, "GET", "/status/objects");
            return all.status == 200 && all.body.find("/demo/") == std::string::npos;
        },
        15s));

    // Deleted while the secondary is down: it converges when it returns.
    CHECK(request(cluster, 1, "POST", "/objects",
                  R"({"kind":"HTTPServer","name":"late","port":10082})")
              .status == 201);
    CHECK(eg::test::wait_until(
        [&] {
            return read_text(std::filesystem::path(cluster.home_of(4)) / "running_objects.json")
                       .find("\"late\"") != std::string::npos;
        },
        10s));
    CHECK(cluster.process(4).stop() == 0);
    CHECK(request(cluster, 1, "DELETE", "/objects/late").status == 200);
    cluster.start(4);
    CHECK(eg::test::wait_until(
        [&] { return request(cluster, 4, "GET", "/objects/late").status == 404; }, 30s));
    CHECK(eg::test::wait_until(
        [&] {
            return read_text(std::filesystem::path(cluster.home_of(4)) / "running_objects.json")
                       .find("\"late\"") == std::string::npos;
        },
        10s));

    // The objects survive a restart of the whole cluster.
    CHECK(
        request(
            cluster, 1, "POST", "/objects",
            R"({"kind":"Pipeline","name":"p1","filters":[{"name":"f","kind":"Proxy","pools":[{"servers":[{"url":"http://127.0.0.1:9095"}]}]}],"flow":[{"filter":"f"}]})")
            .status == 201);
    for (int i = 1; i <= 4; ++i) CHECK(cluster.process(i).stop() == 0);
    cluster.start_all();
    CHECK(eg::test::wait_until(
        [&] { return request(cluster, 4, "GET", "/objects/p1").status == 200; }, 60s));
}

TEST_CASE("objects: initial-object-config-files are created when absent",
          "[integration][objects]") {
    local_cluster cluster(1, 0);
    cluster.dir.write("server.yaml",
                      "kind: HTTPServer\nname: from-file\nport: 10080\nhttps: false\n"
                      "rules:\n  - paths:\n      - pathPrefix: /api\n        backend: p\n");
    cluster.dir.write("broken.yaml", "kind: Nope\nname: x\n");
    auto args = cluster.tutorial_flags(1);
    const auto extra = cluster.test_flags(1);
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"--initial-object-config-files",
                             (cluster.dir.path() / "server.yaml").string() + "," +
                                 (cluster.dir.path() / "broken.yaml").string()});
    cluster.start(1, args);
    const bool created = eg::test::wait_until(
        [&] { return request(cluster, 1, "GET", "/objects/from-file").status == 200; }, 60s);
    INFO(cluster.outputs());
    REQUIRE(created);
    const auto spec = request(cluster, 1, "GET", "/objects/from-file").body;
    CHECK(spec.find("\"port\":10080") != std::string::npos);
    CHECK(spec.find("\"https\":false") != std::string::npos);
    CHECK(cluster.outputs().find("kind Nope not found") != std::string::npos);

    // Changed through the API, then restarted: the file does not overwrite the change.
    CHECK(request(cluster, 1, "PUT", "/objects/from-file",
                  R"({"kind":"HTTPServer","name":"from-file","port":10090})")
              .status == 200);
    CHECK(cluster.process(1).stop() == 0);
    cluster.start(1, args);
    CHECK(eg::test::wait_until(
        [&] {
            return request(cluster, 1, "GET", "/objects/from-file").body.find("10090") !=
                   std::string::npos;
        },
        60s));
    // Initial objects are settled before the member is ready.
    CHECK(eg::test::wait_until([&] { return cluster.egctl(1, {"health"}).exit_code == 0; }, 30s));
    const std::string restarted = cluster.outputs();
    INFO("after the restart:\n" << restarted);
    CHECK(restarted.find("already exist in config, skip") != std::string::npos);
}

TEST_CASE("objects: egctl apply, get, describe and delete against a real cluster",
          "[integration][objects][egctl]") {
    local_cluster cluster(1, 1);
    cluster.start_all();
    REQUIRE(eg::test::wait_until([&] { return cluster.members_seen_by(2).size() == 2; }, 60s));
    cluster.dir.write(
        "objects.yaml",
        "kind: HTTPServer\nname: demo-server\nport: 10080\n---\n"
        "kind: Pipeline\nname: demo-pipeline\nfilters:\n  - name: proxy\n"
        "    kind: Proxy\n    pools:\n    - servers:\n      - url: http://127.0.0.1:9095\n"
        "flow:\n  - filter: proxy\n");
    const auto applied = cluster.egctl(2, {"apply", "-f", "objects.yaml"});
    INFO(applied.out << applied.err);
    CHECK(applied.exit_code == 0);
    CHECK(
        applied.out ==
        "create HTTPServer demo-server successfully\ncreate Pipeline demo-pipeline successfully\n");
    // Again: now an update.
    const auto again = cluster.egctl(2, {"apply", "-f", "objects.yaml"});
    CHECK(again.out.find("update HTTPServer demo-server successfully") != std::string::npos);

    CHECK(eg::test::wait_until(
        [&] {
            const auto got = cluster.egctl(1, {"get", "httpserver"});
            return got.exit_code == 0 && got.out.find("demo-server") != std::string::npos;
        },
        10s));
    // Stored with the time it was created (kept by the update): AGE is known.
    const auto listed = cluster.egctl(2, {"get", "httpserver"});
    INFO(listed.out);
    CHECK(listed.out.find("demo-server") != std::string::npos);
    CHECK(listed.out.find("unknown") == std::string::npos);
    const auto described = cluster.egctl(1, {"describe", "pipeline", "demo-pipeline"});
    INFO("describe: " << described.err);
    CHECK(described.exit_code == 0);
    CHECK(described.out.find("proxy") != std::string::npos);
    const auto deleted = cluster.egctl(1, {"delete", "httpserver", "demo-server"});
    CHECK(deleted.out == "delete HTTPServer demo-server successfully\n");
    CHECK(cluster.egctl(2, {"get", "httpserver", "demo-server"}).exit_code == 1);
}
