// The traffic objects' validation (include/eg/traffic/): upstream's documented examples pass,
// and each rule has a case that fails with its code and field path.

#include <eg/traffic/validate.hpp>
#include <eg/yaml_json.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace {

using json = nlohmann::json;
using eg::traffic::check_object;

json read(const std::string& text) {
    auto reading = eg::yaml_json::read_document(text, "object.yaml");
    INFO(text);
    REQUIRE(reading);
    return reading.value;
}

// The findings of the field checks, without those of what this gateway does not run yet
// (check_runnable, tested on its own below).
eg::diag::diagnostics field_findings(const json& object,
                                     const std::optional<std::set<std::string>>& pipelines) {
    eg::diag::diagnostics fields;
    for (const auto& d : check_object(object, pipelines))
        if (d.message.find("is not run by this gateway yet") == std::string::npos) fields.add(d);
    return fields;
}

eg::diag::diagnostics check(const std::string& text,
                            const std::optional<std::set<std::string>>& pipelines = std::nullopt) {
    return field_findings(read(text), pipelines);
}

// Only the findings of what this gateway does not run yet.
eg::diag::diagnostics not_run(const std::string& text) {
    eg::diag::diagnostics out;
    eg::traffic::checker c(out);
    eg::traffic::check_runnable(c, read(text));
    return out;
}

std::string listed(const eg::diag::diagnostics& findings) {
    std::string text;
    for (const auto& d : findings)
        text += std::string(d.code) + " " + d.path + ": " + d.message + "\n";
    return text;
}

// Exactly one finding, of `code`, at `path`, whose message starts with the path.
void require_one(const eg::diag::diagnostics& findings, std::string_view code,
                 const std::string& path) {
    INFO(listed(findings));
    REQUIRE(findings.size() == 1);
    const auto& d = *findings.begin();
    CHECK(d.code == code);
    CHECK(d.path == path);
    CHECK(d.message.rfind(path + ": ", 0) == 0);
    CHECK_FALSE(d.hint.empty());
}

const std::string pipeline_head = "name: p\nkind: Pipeline\nfilters:\n";

// A Pipeline with one Proxy filter whose pools are `pools` (YAML lines indented under pools:).
std::string proxy_pipeline(const std::string& pools, const std::string& extra = {}) {
    return pipeline_head + "- name: proxy\n  kind: Proxy\n" + extra + "  pools:\n" + pools;
}

const std::string one_pool = "  - servers:\n    - url: http://127.0.0.1:9095\n";

std::string server_with_path(const std::string& path_fields, const std::string& server_extra = {}) {
    return "name: s\nkind: HTTPServer\nport: 10080\n" + server_extra +
           "rules:\n- paths:\n  - backend: p\n" + path_fields;
}

}  // namespace

TEST_CASE("traffic spec: upstream's Quick Start HTTPServer and Pipeline are valid",
          "[traffic-spec]") {
    const std::string server = R"(kind: HTTPServer
name: demo-backend
port: 10081
https: false
rules:
  - paths:
    - path: /pipeline
      backend: demo-0
    - pathPrefix: /prefix
      backend: demo-1
)";
    const std::string pipeline = R"(name: demo-0
kind: Pipeline
flow:
  - filter: proxy
filters:
  - name: proxy
    kind: Proxy
    pools:
    - servers:
      - url: http://127.0.0.1:9095
      - url: http://127.0.0.1:9096
      loadBalance:
        policy: roundRobin
)";
    CHECK(listed(check(server)).empty());
    CHECK(listed(check(pipeline)).empty());
    // demo-1 is not among the objects given: a warning, not an error.
    const auto findings = check(server, std::set<std::string>{"demo-0"});
    require_one(findings, "EG610", "rules[0].paths[1].backend");
    CHECK(findings.begin()->level == eg::diag::severity::warning);
    CHECK_FALSE(findings.has_errors());
}

TEST_CASE("traffic spec: upstream's pipeline-reverse-proxy and jumpIf examples are valid",
          "[traffic-spec]") {
    const std::string reverse_proxy = R"(name: pipeline-reverse-proxy
kind: Pipeline
flow:
  - filter: requestAdaptor
  - filter: proxy
  - filter: responseAdaptor
filters:
  - name: requestAdaptor
    kind: RequestAdaptor
    host: easegress.megaease.com
    method: POST
    path:
      trimPrefix: /apis/v2
    header:
      set:
        X-Api-Version: v2
  - name: responseAdaptor
    kind: ResponseAdaptor
    header:
      set:
        Server: Easegress v1.0.0
      add:
        X-Easegress-Pipeline: pipeline-reverse-proxy
  - name: proxy
    kind: Proxy
    pools:
    - servers:
      - url: http://127.0.0.1:9095
      - url: http://127.0.0.1:9096
      - url: http://127.0.0.1:9097
      loadBalance:
        policy: roundRobin
)";
    const std::string jump_if = R"(name: http-pipeline-example2
kind: Pipeline
flow:
- filter: validator
  jumpIf:
    # END is a built-in filter, it stops the execution of the pipeline.
    invalid: END
- filter: proxy

filters:
- name: validator
  kind: Validator
  headers:
    X-Id:
      values: ["user1", "user2"]
- name: proxy
  kind: Proxy
  pools:
  - servers:
    - url: http://127.0.0.1:9095
)";
    CHECK(listed(check(reverse_proxy)).empty());
    CHECK(listed(check(jump_if)).empty());
}

TEST_CASE("traffic spec: upstream's Mock example is a valid filter", "[traffic-spec]") {
    const std::string mock = R"(kind: Mock
name: mock-example
rules:
- match:
    path: /users/1
  code: 200
  headers:
    Content-Type: application/json
  body: '{"name": "alice", "age": 30}'
  delay: 100ms
)";
    json pipeline = {{"name", "p"}, {"kind", "Pipeline"}, {"filters", json::array({read(mock)})}};
    CHECK(listed(check_object(pipeline, std::nullopt)).empty());
    pipeline["filters"][0]["rules"][0]["code"] = 700;
    require_one(check_object(pipeline, std::nullopt), "EG602", "filters[0].rules[0].code");
    pipeline["filters"][0]["rules"][0].erase("code");
    require_one(check_object(pipeline, std::nullopt), "EG601", "filters[0].rules[0].code");
    pipeline["filters"][0]["rules"][0]["code"] = 200;
    pipeline["filters"][0]["rules"][0]["delay"] = "100";
    require_one(check_object(pipeline, std::nullopt), "EG602", "filters[0].rules[0].delay");
}

TEST_CASE("traffic spec: HTTPServer port, types and unknown fields", "[traffic-spec]") {
    require_one(check("name: s\nkind: HTTPServer\n"), "EG601", "port");
    require_one(check("name: s\nkind: HTTPServer\nport: 70000\n"), "EG602", "port");
    require_one(check("name: s\nkind: HTTPServer\nport: '80'\n"), "EG600", "port");
    require_one(check("name: s\nkind: HTTPServer\nport: 80\nkeepAlive: 'yes'\n"), "EG600",
                "keepAlive");
    require_one(check("name: s\nkind: HTTPServer\nport: 80\nkeepAliveTimeout: 60\n"), "EG600",
                "keepAliveTimeout");
    require_one(check("name: s\nkind: HTTPServer\nport: 80\nkeepAliveTimeout: 1minute\n"), "EG602",
                "keepAliveTimeout");
    require_one(check("name: s\nkind: HTTPServer\nport: 80\nmaxConnections: 0\n"), "EG602",
                "maxConnections");
    require_one(check("name: s\nkind: HTTPServer\nport: 80\nrouterKind: Radix\n"), "EG602",
                "routerKind");
    require_one(check("name: s\nkind: HTTPServer\nport: 80\nrules: {}\n"), "EG600", "rules");
    const auto unknown = check("name: s\nkind: HTTPServer\nport: 80\nprot: 81\n");
    require_one(unknown, "EG612", "prot");
    CHECK_FALSE(unknown.has_errors());
}

TEST_CASE("traffic spec: unsupported HTTPServer fields are refused by name", "[traffic-spec]") {
    for (const std::string field :
         {"http3: true", "autoCert: true", "tracing:\n  serviceName: x", "globalFilter: gf"}) {
        const auto findings = check("name: s\nkind: HTTPServer\nport: 80\n" + field + "\n");
        require_one(findings, "EG605", field.substr(0, field.find(':')));
    }
    CHECK(check("name: s\nkind: HTTPServer\nport: 80\nhttp3: false\nautoCert: false\n").empty());
}

TEST_CASE("traffic spec: HTTPS needs certificates in pairs, as base64", "[traffic-spec]") {
    require_one(check("name: s\nkind: HTTPServer\nport: 443\nhttps: true\n"), "EG611", "https");
    require_one(check("name: s\nkind: HTTPServer\nport: 443\ncertBase64: QUJD\n"), "EG611",
                "keyBase64");
    require_one(check("name: s\nkind: HTTPServer\nport: 443\nhttps: true\ncertBase64: 'not "
                      "base64!'\nkeyBase64: QUJD\n"),
                "EG602", "certBase64");
    require_one(check("name: s\nkind: HTTPServer\nport: 443\nhttps: true\ncerts:\n  a: PEM\n"),
                "EG611", "certs.a");
    CHECK(check("name: s\nkind: HTTPServer\nport: 443\nhttps: true\ncerts:\n  a: PEM\nkeys:\n  a: "
                "KEY\n")
              .empty());
}

TEST_CASE("traffic spec: rules, hosts and paths", "[traffic-spec]") {
    require_one(check(server_with_path("    pathRegexp: '^/(a'\n")), "EG603",
                "rules[0].paths[0].pathRegexp");
    require_one(check("name: s\nkind: HTTPServer\nport: 80\nrules:\n- hostRegexp: '(?<=a)b'\n"),
                "EG603", "rules[0].hostRegexp");
    require_one(check("name: s\nkind: HTTPServer\nport: 80\nrules:\n- hosts:\n  - value: '[a'\n    "
                      "isRegexp: true\n"),
                "EG603", "rules[0].hosts[0].value");
    require_one(check(server_with_path("    path: pipeline\n")), "EG602", "rules[0].paths[0].path");
    require_one(check(server_with_path("    pathPrefix: api\n")), "EG602",
                "rules[0].paths[0].pathPrefix");
    require_one(check(server_with_path("    rewriteTarget: /x\n")), "EG611",
                "rules[0].paths[0].rewriteTarget");
    require_one(check(server_with_path("    methods: [GET, FETCH]\n")), "EG602",
                "rules[0].paths[0].methods[1]");
    require_one(check("name: s\nkind: HTTPServer\nport: 80\nrules:\n- paths:\n  - path: /a\n"),
                "EG601", "rules[0].paths[0].backend");
    require_one(check(server_with_path("    headers:\n    - key: X-A\n")), "EG601",
                "rules[0].paths[0].headers[0]");
    require_one(check(server_with_path("    queries:\n    - key: q\n      regexp: '+'\n")), "EG603",
                "rules[0].paths[0].queries[0].regexp");
    require_one(check(server_with_path("    setHeaders:\n      'X A': v\n")), "EG602",
                "rules[0].paths[0].setHeaders.X A");
    require_one(check(server_with_path("    clientMaxBodySize: -2\n")), "EG602",
                "rules[0].paths[0].clientMaxBodySize");
    CHECK(
        check(server_with_path("    path: /a\n    methods: [GET]\n    headers:\n    - key: X-A\n  "
                               "    values: [a]\n    rewriteTarget: /b\n"))
            .empty());
}

TEST_CASE("traffic spec: ipFilter entries are IPs or CIDRs", "[traffic-spec]") {
    require_one(check("name: s\nkind: HTTPServer\nport: 80\nipFilter:\n  allowIPs: [10.0.0.0/8, "
                      "10.0.0.300]\n"),
                "EG602", "ipFilter.allowIPs[1]");
    require_one(check("name: s\nkind: HTTPServer\nport: 80\nrules:\n- ipFilter:\n    blockIPs: "
                      "['::1/129']\n"),
                "EG602", "rules[0].ipFilter.blockIPs[0]");
    CHECK(check("name: s\nkind: HTTPServer\nport: 80\nipFilter:\n  blockByDefault: true\n  "
                "allowIPs: [192.168.1.10, 'fd00::/8']\n")
              .empty());
}

TEST_CASE("traffic spec: RadixTree patterns and rewrite targets", "[traffic-spec]") {
    const std::string radix = "routerKind: RadixTree\n";
    CHECK(check(server_with_path("    path: /users/{id}/files/{name:[a-z]{2,}}.txt\n", radix))
              .empty());
    CHECK(
        check(server_with_path("    path: /static/*\n    rewriteTarget: /s/{EG_WILDCARD}\n", radix))
            .empty());
    CHECK(check(server_with_path("    path: /u/{id}\n    rewriteTarget: /users/{id}\n", radix))
              .empty());
    for (const std::string pattern :
         {"/a/*/b", "/u/{id}/{id}", "/u/{id", "/u/id}", "/u/{}", "/u/{id:[a-}", "u/{id}"})
        require_one(check(server_with_path("    path: '" + pattern + "'\n", radix)), "EG604",
                    "rules[0].paths[0].path");
    require_one(
        check(server_with_path("    path: /u/{id}\n    rewriteTarget: /users/{name}\n", radix)),
        "EG604", "rules[0].paths[0].rewriteTarget");
    require_one(check(server_with_path("    path: /u/*\n    rewriteTarget: /users/*\n", radix)),
                "EG604", "rules[0].paths[0].rewriteTarget");
    require_one(check(server_with_path("    pathPrefix: /u\n", radix)), "EG601",
                "rules[0].paths[0].path");
}

TEST_CASE("traffic spec: counts are bounded", "[traffic-spec]") {
    json server = {{"name", "s"}, {"kind", "HTTPServer"}, {"port", 80}, {"rules", json::array()}};
    for (std::size_t i = 0; i <= eg::traffic::bounds::rules; ++i)
        server["rules"].push_back(json::object());
    require_one(check_object(server, std::nullopt), "EG606", "rules");
    server["rules"] = json::array({{{"paths", json::array()}}});
    for (std::size_t i = 0; i <= eg::traffic::bounds::paths; ++i)
        server["rules"][0]["paths"].push_back({{"backend", "p"}});
    require_one(check_object(server, std::nullopt), "EG606", "rules[0].paths");
    server["rules"][0]["paths"] = json::array({{{"backend", "p"}, {"headers", json::array()}}});
    for (std::size_t i = 0; i <= eg::traffic::bounds::headers; ++i)
        server["rules"][0]["paths"][0]["headers"].push_back({{"key", "k"}, {"values", {"v"}}});
    require_one(check_object(server, std::nullopt), "EG606", "rules[0].paths[0].headers");

    json pipeline = {{"name", "p"}, {"kind", "Pipeline"}, {"filters", json::array()}};
    for (std::size_t i = 0; i <= eg::traffic::bounds::filters; ++i)
        pipeline["filters"].push_back({{"name", "f" + std::to_string(i)}, {"kind", "Validator"}});
    require_one(field_findings(pipeline, std::nullopt), "EG606", "filters");
    json servers = json::array();
    for (std::size_t i = 0; i <= eg::traffic::bounds::servers; ++i)
        servers.push_back({{"url", "http://127.0.0.1:9095"}});
    pipeline["filters"] =
        json::array({{{"name", "proxy"}, {"kind", "Proxy"}, {"pools", {{{"servers", servers}}}}}});
    const auto findings = check_object(pipeline, std::nullopt);
    INFO(listed(findings));
    CHECK(findings.has("EG606"));
    CHECK(findings.begin()->path == "filters[0].pools[0].servers");
}

TEST_CASE("traffic spec: Pipeline filters, flow and jumpIf", "[traffic-spec]") {
    require_one(check("name: p\nkind: Pipeline\n"), "EG601", "filters");
    require_one(check(pipeline_head + "- name: a\n  kind: Validator\n- name: a\n  kind: Mock\n"),
                "EG607", "filters[1].name");
    require_one(check(pipeline_head + "- name: END\n  kind: Validator\n"), "EG607",
                "filters[0].name");
    require_one(check(pipeline_head + "- name: a\n"), "EG601", "filters[0].kind");
    require_one(check(pipeline_head + "- name: a\n  kind: Validator\nflow:\n- filter: b\n"),
                "EG608", "flow[0].filter");
    const std::string two =
        pipeline_head + "- name: v\n  kind: Validator\n- name: m\n  kind: Mock\nflow:\n";
    require_one(check(two + "- filter: v\n  jumpIf:\n    invalid: nowhere\n- filter: m\n"), "EG608",
                "flow[0].jumpIf.invalid");
    require_one(check(two + "- filter: m\n- filter: v\n  jumpIf:\n    invalid: m\n"), "EG608",
                "flow[1].jumpIf.invalid");
    require_one(check(two + "- filter: v\n  jumpIf:\n    failed: END\n- filter: m\n"), "EG608",
                "flow[0].jumpIf.failed");
    require_one(check(two + "- filter: v\n  jumpIf:\n    invalid: m\n- filter: m\n- filter: m\n"),
                "EG607", "flow[0].jumpIf.invalid");
    CHECK(check(two + "- filter: v\n  jumpIf:\n    invalid: mock2\n- filter: m\n- filter: m\n  "
                      "alias: mock2\n- filter: END\n")
              .empty());
}

TEST_CASE("traffic spec: Proxy pools and servers", "[traffic-spec]") {
    CHECK(check(proxy_pipeline(one_pool)).empty());
    require_one(check(pipeline_head + "- name: proxy\n  kind: Proxy\n"), "EG601",
                "filters[0].pools");
    require_one(check(proxy_pipeline("  - loadBalance:\n      policy: random\n")), "EG611",
                "filters[0].pools[0]");
    require_one(check(proxy_pipeline("  - servers:\n    - url: 127.0.0.1:9095\n")), "EG602",
                "filters[0].pools[0].servers[0].url");
    require_one(check(proxy_pipeline("  - servers:\n    - tags: [a]\n")), "EG601",
                "filters[0].pools[0].servers[0].url");
    require_one(check(proxy_pipeline("  - servers:\n    - url: http://a:1\n      weight: 2\n    - "
                                     "url: http://b:1\n")),
                "EG609", "filters[0].pools[0].servers");
    require_one(check(proxy_pipeline("  - servers:\n    - url: http://a:1\n      weight: 101\n")),
                "EG602", "filters[0].pools[0].servers[0].weight");
    require_one(check(proxy_pipeline(one_pool + one_pool)), "EG611", "filters[0].pools");
    require_one(check(proxy_pipeline(one_pool + "    loadBalance:\n      policy: leastConn\n")),
                "EG602", "filters[0].pools[0].loadBalance.policy");
    require_one(check(proxy_pipeline(one_pool + "    loadBalance:\n      policy: headerHash\n")),
                "EG601", "filters[0].pools[0].loadBalance.headerHashKey");
    require_one(check(proxy_pipeline(one_pool + "    timeout: 5\n")), "EG600",
                "filters[0].pools[0].timeout");
    require_one(check(proxy_pipeline(one_pool + "    failureCodes: [503, 600]\n")), "EG602",
                "filters[0].pools[0].failureCodes[1]");
    require_one(check(proxy_pipeline(one_pool + "    retryPolicy: retry3\n")), "EG608",
                "filters[0].pools[0].retryPolicy");
    CHECK(check(proxy_pipeline(one_pool + "    retryPolicy: retry3\n") +
                "resilience:\n- name: retry3\n  kind: Retry\n  maxAttempts: 3\n")
              .empty());
    require_one(check(proxy_pipeline(one_pool + "    serviceName: svc\n    healthCheck:\n      "
                                                "interval: 10s\n")),
                "EG611", "filters[0].pools[0].healthCheck");
    require_one(check(proxy_pipeline(one_pool + "    healthCheck:\n      interval: often\n")),
                "EG602", "filters[0].pools[0].healthCheck.interval");
    require_one(
        check(proxy_pipeline(one_pool + "    healthCheck:\n      match:\n        body:\n    "
                                        "      value: '(('\n          type: regexp\n")),
        "EG603", "filters[0].pools[0].healthCheck.match.body.value");
    require_one(
        check(proxy_pipeline(one_pool + "  - servers:\n    - url: http://b:1\n    filter:\n      "
                                        "headers:\n        X-Canary:\n          regex: '[a'\n")),
        "EG603", "filters[0].pools[1].filter.headers.X-Canary.regex");
    require_one(
        check(proxy_pipeline(one_pool + "  - servers:\n    - url: http://b:1\n    filter:\n "
                                        "     policy: random\n")),
        "EG601", "filters[0].pools[1].filter.permil");
    require_one(check(proxy_pipeline(one_pool + "    memoryCache:\n      expiration: 10s\n      "
                                                "maxEntryBytes: 0\n      codes: [200]\n      "
                                                "methods: [GET]\n")),
                "EG602", "filters[0].pools[0].memoryCache.maxEntryBytes");
}

TEST_CASE("traffic spec: Proxy mirror pool, compression and mTLS", "[traffic-spec]") {
    require_one(
        check(proxy_pipeline(one_pool, "  mirrorPool:\n    servers:\n    - url: http://m:1\n")),
        "EG601", "filters[0].mirrorPool.filter");
    require_one(check(proxy_pipeline(one_pool, "  compression:\n    minLength: -1\n")), "EG602",
                "filters[0].compression.minLength");
    require_one(check(proxy_pipeline(one_pool,
                                     "  mtls:\n    certBase64: QUJD\n    keyBase64: "
                                     "QUJD\n")),
                "EG601", "filters[0].mtls.rootCertBase64");
    CHECK(check(proxy_pipeline(one_pool,
                               "  compression:\n    minLength: 1024\n  mtls:\n    "
                               "certBase64: QUJD\n    keyBase64: QUJD\n    "
                               "rootCertBase64: QUJD\n  maxIdleConns: 100\n"))
              .empty());
}

TEST_CASE("traffic spec: an inline backendPool is checked as a pool", "[traffic-spec]") {
    require_one(check("name: s\nkind: HTTPServer\nport: 80\nrules:\n- paths:\n  - path: /a\n    "
                      "backendPool:\n      servers:\n      - url: ftp://x\n"),
                "EG602", "rules[0].paths[0].backendPool.servers[0].url");
}

TEST_CASE("traffic spec: findings are placed at their field in the text", "[traffic-spec]") {
    const std::string text =
        "name: s\nkind: HTTPServer\nport: 80\nrules:\n- paths:\n  - backend: "
        "p\n    setHeaders:\n      X.Y: 1\n    pathRegexp: '(('\n";
    auto findings = check(text);
    REQUIRE(findings.size() == 2);
    eg::traffic::locate(findings, YAML::Load(text), "s.yaml");
    std::set<std::string> places;
    for (const auto& d : findings) places.insert(eg::diag::location_text(d.where));
    CHECK(places == std::set<std::string>{"s.yaml:8:7", "s.yaml:9:5"});
    CHECK(eg::traffic::place_of(YAML::Load(text), "rules[3].paths", "s.yaml") ==
          eg::diag::file_location{"s.yaml", 4, 1});
}

TEST_CASE("traffic spec: what the traffic plane does not run yet is refused with EG605",
          "[traffic-spec]") {
    require_one(not_run("name: s\nkind: HTTPServer\nport: 443\nhttps: true\n"), "EG605", "https");
    CHECK(not_run("name: s\nkind: HTTPServer\nport: 80\nhttps: false\n").empty());
    require_one(not_run("name: p\nkind: Pipeline\nfilters:\n  - name: a\n    kind: "
                        "RequestAdaptor\n"),
                "EG605", "filters[0].kind");
    require_one(not_run("name: p\nkind: Pipeline\nfilters:\n  - name: px\n    kind: Proxy\n"
                        "    pools:\n    - servers:\n      - url: https://10.0.0.1:443\n"),
                "EG605", "filters[0].pools[0].servers[0].url");
    // A pool's health check runs (plain HTTP probes), its deprecated place too.
    CHECK(not_run("name: p\nkind: Pipeline\nfilters:\n  - name: px\n    kind: Proxy\n"
                  "    pools:\n    - servers:\n      - url: http://10.0.0.1\n"
                  "      healthCheck:\n        interval: 10s\n"
                  "      loadBalance:\n        healthCheck:\n          fails: 2\n")
              .empty());
    require_one(not_run("name: p\nkind: Pipeline\nfilters:\n  - name: px\n    kind: Proxy\n"
                        "    pools:\n    - servers:\n      - url: http://10.0.0.1\n"
                        "      memoryCache:\n        expiration: 10s\n"),
                "EG605", "filters[0].pools[0].memoryCache");
    require_one(not_run("name: p\nkind: Pipeline\nfilters:\n  - name: px\n    kind: Proxy\n"
                        "    compression:\n      minLength: 100\n    pools:\n    - servers:\n"
                        "      - url: http://10.0.0.1\n"),
                "EG605", "filters[0].compression");
    CHECK(not_run("name: p\nkind: Pipeline\nfilters:\n  - name: px\n    kind: Proxy\n"
                  "    pools:\n    - servers:\n      - url: http://10.0.0.1\n  - name: m\n"
                  "    kind: Mock\n    rules:\n    - code: 200\n")
              .empty());
}
