#include "daemon/http/http_request_parser.hpp"
#include "daemon/traffic/proxy_filter.hpp"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace {

using eg::server::http_header;
using eg::server::http_request;
using eg::server::proxy_failure;
using eg::server::proxy_filter;
using eg::server::request_view;
using nlohmann::json;

// Answers the given draws in turn (modulo the bound).
class scripted_random final : public eg::server::random_source {
public:
    explicit scripted_random(std::vector<std::uint64_t> draws) : draws_(std::move(draws)) {}
    std::uint64_t below(std::uint64_t bound) override {
        return draws_[at_++ % draws_.size()] % bound;
    }

private:
    std::vector<std::uint64_t> draws_;
    std::size_t at_ = 0;
};

// The request parsed from its bytes, as the engine has it.
http_request parsed(const std::string& text) {
    eg::server::http_request_parser parser(eg::server::http_limits{});
    REQUIRE(parser.feed(text) == text.size());
    REQUIRE(parser.state() == eg::server::http_request_parser::progress::complete);
    return parser.take_request();
}

struct test_request {
    std::string method = "GET";
    std::string path = "/";
    std::vector<http_header> headers;
    std::string client_ip = "10.0.0.7";
    request_view view() const {
        request_view v;
        v.method = method;
        v.path = path;
        v.headers = &headers;
        v.client_ip = client_ip;
        return v;
    }
};

std::unique_ptr<proxy_filter> proxy(const char* text) {
    auto filter = proxy_filter::build(json::parse(text));
    std::string problems;
    for (const auto& p : filter->problems()) problems += p + "\n";
    INFO(text << "\n" << problems);
    CHECK(filter->problems().empty());
    return filter;
}

}  // namespace

TEST_CASE("proxy filter: server URLs give scheme, host, port and path prefix", "[traffic-proxy]") {
    using eg::server::parse_server_url;
    const auto plain = parse_server_url("http://127.0.0.1:9095");
    REQUIRE(plain);
    CHECK(plain->host == "127.0.0.1");
    CHECK(plain->port == 9095);
    CHECK_FALSE(plain->https);
    CHECK(plain->host_header == "127.0.0.1:9095");
    CHECK(plain->path_prefix.empty());
    CHECK(plain->ip_literal);
    const auto named = parse_server_url("https://api.example.com/v1/base?x#y");
    REQUIRE(named);
    CHECK(named->host == "api.example.com");
    CHECK(named->port == 443);
    CHECK(named->https);
    CHECK(named->host_header == "api.example.com");
    CHECK(named->path_prefix == "/v1/base");
    CHECK_FALSE(named->ip_literal);
    CHECK(parse_server_url("http://example.com")->port == 80);
    CHECK(parse_server_url("HTTP://example.com:")->port == 80);
    const auto v6 = parse_server_url("http://[::1]:8080/");
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK(v6->port == 8080);
    CHECK(v6->host_header == "[::1]:8080");
    CHECK(v6->path_prefix == "/");
    CHECK(v6->ip_literal);
    CHECK(parse_server_url("https://[2001:db8::2]")->port == 443);
    for (const char* bad : {"", "127.0.0.1:80", "ftp://h", "http://", "http://:80", "http://user@h",
                            "http://h:0", "http://h:65536", "http://h:8x", "http://::1:80",
                            "http://[::1", "http://[::1]x", "http://[host]:80", "http://h h"}) {
        INFO(bad);
        CHECK_FALSE(parse_server_url(bad));
    }
}

TEST_CASE("proxy filter: the pool is the first candidate whose filter matches, else the main",
          "[traffic-proxy]") {
    const auto filter = proxy(R"({"name": "px", "kind": "Proxy", "pools": [
        {"servers": [{"url": "http://10.0.0.1:80"}]},
        {"filter": {"headers": {"X-Canary": {"exact": "1"}}},
         "servers": [{"url": "http://10.0.0.2:80"}]},
        {"filter": {"matchAllHeaders": true,
                    "headers": {"X-Canary": {"regex": "."}, "X-Beta": {"regex": "^y"}}},
         "servers": [{"url": "http://10.0.0.3:80"}]},
        {"filter": {"headers": {"X-Api": {"empty": true}},
                    "urls": [{"methods": ["POST"], "url": {"prefix": "/api/"}},
                             {"url": {"exact": "/v2"}}]},
         "servers": [{"url": "http://10.0.0.4:80"}]}
    ]})");
    REQUIRE(filter->pool_count() == 4);
    CHECK(filter->main_pool() == 0);
    CHECK(filter->pool_name(0) == "proxy#px#main");
    CHECK(filter->pool_name(1) == "proxy#px#candidate#0");
    CHECK(filter->pool_name(3) == "proxy#px#candidate#2");
    scripted_random random({0});
    const auto pool_for = [&](test_request request) {
        return filter->choose_pool(request.view(), random);
    };
    CHECK(pool_for({"GET", "/", {{"X-Canary", "1"}}}) == 1);
    CHECK(pool_for({"GET", "/", {{"X-Canary", "2"}}}) == 0);
    // All headers: X-Beta must match too; an absent X-Canary is "", which "." does not match.
    CHECK(pool_for({"GET", "/", {{"X-Canary", "2"}, {"X-Beta", "yes"}}}) == 2);
    CHECK(pool_for({"GET", "/", {{"X-Beta", "yes"}}}) == 0);
    // Candidate 3: no X-Api header ("" matches empty) and a URL rule.
    CHECK(pool_for({"POST", "/api/x", {}}) == 3);
    CHECK(pool_for({"GET", "/api/x", {}}) == 0);
    CHECK(pool_for({"GET", "/v2", {}}) == 3);
    CHECK(pool_for({"GET", "/v2", {{"X-Api", "k"}}}) == 0);
    // The first matching candidate wins over later ones.
    CHECK(pool_for({"POST", "/api/x", {{"X-Canary", "1"}}}) == 1);
    const auto choice =
        filter->choose(test_request{"GET", "/", {{"X-Canary", "1"}}}.view(), random);
    CHECK(choice.pool == 1);
    REQUIRE(choice.server);
    CHECK(filter->server(1, *choice.server).host == "10.0.0.2");
}

TEST_CASE("proxy filter: a general matcher's header rule sees every value of the header",
          "[traffic-proxy]") {
    const auto filter = proxy(R"({"name": "px", "pools": [
        {"servers": [{"url": "http://10.0.0.1"}]},
        {"filter": {"headers": {"X-Tag": {"exact": "b"}}}, "servers": [{"url": "http://10.0.0.2"}]}
    ]})");
    scripted_random random({0});
    CHECK(filter->choose_pool(test_request{"GET", "/", {{"X-Tag", "a"}, {"x-tag", "b"}}}.view(),
                              random) == 1);
}

TEST_CASE("proxy filter: ipHash, headerHash and random matchers take permil of the requests",
          "[traffic-proxy]") {
    const auto ip_share = eg::server::fnv1_32("10.0.0.7") % 1000;
    const auto header_share = eg::server::fnv1_32("alice") % 1000;
    const auto pools = [](const std::string& matcher) {
        return R"({"name": "px", "pools": [{"servers": [{"url": "http://10.0.0.1"}]},
            {"filter": )" +
               matcher + R"(, "servers": [{"url": "http://10.0.0.2"}]}]})";
    };
    const test_request from_ip{"GET", "/", {{"X-User", "alice"}}, "10.0.0.7"};
    scripted_random random({0});
    {
        const auto in =
            proxy(pools(R"({"policy": "ipHash", "permil": )" + std::to_string(ip_share + 1) + "}")
                      .c_str());
        CHECK(in->choose_pool(from_ip.view(), random) == 1);
    }
    if (ip_share > 0) {
        const auto out = proxy(
            pools(R"({"policy": "ipHash", "permil": )" + std::to_string(ip_share) + "}").c_str());
        CHECK(out->choose_pool(from_ip.view(), random) == 0);
    }
    {
        const auto in =
            proxy(pools(R"({"policy": "headerHash", "headerHashKey": "X-User", "permil": )" +
                        std::to_string(header_share + 1) + "}")
                      .c_str());
        CHECK(in->choose_pool(from_ip.view(), random) == 1);
        const auto out =
            proxy(pools(R"({"policy": "headerHash", "headerHashKey": "X-User", "permil": )" +
                        std::to_string(header_share) + "}")
                      .c_str());
        CHECK(out->choose_pool(from_ip.view(), random) == 0);
    }
    const auto quarter = proxy(pools(R"({"policy": "random", "permil": 250})").c_str());
    scripted_random draws({249, 250, 0, 999});
    CHECK(quarter->choose_pool(from_ip.view(), draws) == 1);
    CHECK(quarter->choose_pool(from_ip.view(), draws) == 0);
    CHECK(quarter->choose_pool(from_ip.view(), draws) == 1);
    CHECK(quarter->choose_pool(from_ip.view(), draws) == 0);
}

TEST_CASE("proxy filter: each pool balances over its servers by its loadBalance",
          "[traffic-proxy]") {
    const auto filter = proxy(R"({"name": "px", "pools": [
        {"servers": [{"url": "http://10.0.0.1:81"}, {"url": "http://10.0.0.2:82"},
                     {"url": "http://10.0.0.3:83"}]},
        {"filter": {"headers": {"X-W": {"exact": "1"}}},
         "loadBalance": {"policy": "weightedRandom"},
         "servers": [{"url": "http://10.0.1.1", "weight": 1}, {"url": "http://10.0.1.2", "weight": 3}]},
        {"filter": {"headers": {"X-H": {"empty": false, "prefix": "u"}}},
         "loadBalance": {"policy": "headerHash", "headerHashKey": "X-H"},
         "servers": [{"url": "http://10.0.2.1"}, {"url": "http://10.0.2.2"}]}
    ]})");
    scripted_random random({0});
    const test_request plain;
    std::vector<std::size_t> seen;
    for (int i = 0; i < 4; ++i) seen.push_back(*filter->choose(plain.view(), random).server);
    CHECK(seen == std::vector<std::size_t>{0, 1, 2, 0});
    CHECK(filter->balance(0).policy == eg::server::balance_policy::round_robin);
    // Weighted: draws below 1 choose the first server, 1..3 the second.
    scripted_random weighted({0, 1, 3});
    const test_request w{"GET", "/", {{"X-W", "1"}}};
    CHECK(*filter->choose(w.view(), weighted).server == 0);
    CHECK(*filter->choose(w.view(), weighted).server == 1);
    CHECK(*filter->choose(w.view(), weighted).server == 1);
    const test_request h{"GET", "/", {{"X-H", "user-7"}}};
    const auto c = filter->choose(h.view(), random);
    CHECK(c.pool == 2);
    CHECK(*c.server == eg::server::fnv1_32("user-7") % 2);
    // Among the healthy servers only; none healthy: no server.
    const std::vector<std::uint32_t> healthy{2};
    CHECK(*filter->choose_server(0, plain.view(), random, healthy) == 2);
    CHECK_FALSE(filter->choose_server(0, plain.view(), random, {}));
    CHECK(filter->all_servers(0).size() == 3);
}

TEST_CASE("proxy filter: serverTags keeps the servers having any of the tags", "[traffic-proxy]") {
    const auto filter = proxy(R"({"name": "px", "pools": [{"serverTags": ["blue", "green"],
        "servers": [{"url": "http://10.0.0.1", "tags": ["red"]},
                    {"url": "http://10.0.0.2", "tags": ["green", "x"]},
                    {"url": "http://10.0.0.3"},
                    {"url": "http://10.0.0.4", "tags": ["blue"]}]}]})");
    REQUIRE(filter->server_count(0) == 2);
    CHECK(filter->server(0, 0).host == "10.0.0.2");
    CHECK(filter->server(0, 0).tags == std::vector<std::string>{"green", "x"});
    CHECK(filter->server(0, 1).host == "10.0.0.4");
    const auto none = proxy(R"({"name": "px", "pools": [{"serverTags": ["blue"],
        "servers": [{"url": "http://10.0.0.1"}]}]})");
    scripted_random random({0});
    const auto choice = none->choose(test_request{}.view(), random);
    CHECK(choice.pool == 0);
    CHECK_FALSE(choice.server);
    const auto answer = eg::server::answer_for(proxy_failure::no_server);
    CHECK(answer.status == 503);
    CHECK(answer.result == "internalError");
}

TEST_CASE("proxy filter: the upstream request drops hop-by-hop headers and frames the body",
          "[traffic-proxy]") {
    const auto filter = proxy(R"({"name": "px", "pools": [{"servers": [
        {"url": "http://backend.local:8080"}]}]})");
    const auto request = parsed(
        "POST /orders?id=7 HTTP/1.1\r\n"
        "Host: shop.example.com\r\n"
        "Connection: keep-alive, X-Session-Hop\r\n"
        "Keep-Alive: timeout=5\r\n"
        "X-Session-Hop: drop me\r\n"
        "Proxy-Authorization: Basic abc\r\n"
        "Proxy-Connection: keep-alive\r\n"
        "TE: trailers\r\n"
        "Trailer: X-Checksum\r\n"
        "Upgrade: websocket\r\n"
        "Accept: */*\r\n"
        "Content-Length: 5\r\n"
        "X-Forwarded-For: 203.0.113.9\r\n"
        "Cookie: a=1\r\n"
        "\r\n"
        "hello");
    CHECK(filter->upstream_request(request, "/orders?id=7", 0, 0, "10.0.0.7") ==
          "POST /orders?id=7 HTTP/1.1\r\n"
          "Host: backend.local:8080\r\n"
          "Accept: */*\r\n"
          "X-Forwarded-For: 203.0.113.9, 10.0.0.7\r\n"
          "Cookie: a=1\r\n"
          "Content-Length: 5\r\n"
          "\r\n"
          "hello");
    // Without a client address, X-Forwarded-For goes unchanged; the target is the caller's.
    CHECK(filter->upstream_request(request, "/rewritten", 0, 0, "") ==
          "POST /rewritten HTTP/1.1\r\n"
          "Host: backend.local:8080\r\n"
          "Accept: */*\r\n"
          "X-Forwarded-For: 203.0.113.9\r\n"
          "Cookie: a=1\r\n"
          "Content-Length: 5\r\n"
          "\r\n"
          "hello");
}

TEST_CASE("proxy filter: a chunked request goes upstream de-chunked with Content-Length",
          "[traffic-proxy]") {
    const auto filter = proxy(R"({"name": "px", "pools": [{"servers": [
        {"url": "http://backend.local"}]}]})");
    const auto request = parsed(
        "PUT /up HTTP/1.1\r\nHost: a.example\r\nTransfer-Encoding: chunked\r\n"
        "Expect: 100-continue\r\nX-Forwarded-For: 1.1.1.1\r\nx-forwarded-for: 2.2.2.2\r\n\r\n"
        "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
    CHECK(filter->upstream_request(request, "/up", 0, 0, "10.0.0.7") ==
          "PUT /up HTTP/1.1\r\n"
          "Host: backend.local\r\n"
          "X-Forwarded-For: 1.1.1.1, 2.2.2.2, 10.0.0.7\r\n"
          "Content-Length: 11\r\n"
          "\r\n"
          "hello world");
    // A GET without a body gets no Content-Length; a new X-Forwarded-For goes last.
    const auto get = parsed("GET /x HTTP/1.1\r\nHost: a.example\r\nAccept: text/html\r\n\r\n");
    CHECK(filter->upstream_request(get, "/x", 0, 0, "10.0.0.7") ==
          "GET /x HTTP/1.1\r\nHost: backend.local\r\nAccept: text/html\r\n"
          "X-Forwarded-For: 10.0.0.7\r\n\r\n");
    // POST without a body: Content-Length: 0.
    const auto post = parsed("POST /x HTTP/1.1\r\nHost: a.example\r\nContent-Length: 0\r\n\r\n");
    CHECK(filter->upstream_request(post, "/x", 0, 0, "") ==
          "POST /x HTTP/1.1\r\nHost: backend.local\r\nContent-Length: 0\r\n\r\n");
}

TEST_CASE("proxy filter: Host follows keepHost, setUpstreamHost and the server's address",
          "[traffic-proxy]") {
    const auto filter = proxy(R"({"name": "px", "pools": [
        {"servers": [{"url": "http://backend.local:8080"},
                     {"url": "http://backend.local:8080", "keepHost": true},
                     {"url": "http://10.0.0.9:8080"},
                     {"url": "http://[::1]:8080/api/"}]},
        {"filter": {"headers": {"X": {"exact": "1"}}}, "setUpstreamHost": true,
         "servers": [{"url": "http://10.0.0.9:8080"},
                     {"url": "http://10.0.0.9:8080", "keepHost": true}]}
    ]})");
    const auto request = parsed("GET /p HTTP/1.1\r\nhost: shop.example.com:8443\r\n\r\n");
    const auto host_of = [&](std::size_t pool, std::size_t server) {
        const auto bytes = filter->upstream_request(request, "/p", pool, server, "");
        const auto start = bytes.find("Host: ") + 6;
        return bytes.substr(start, bytes.find("\r\n", start) - start);
    };
    CHECK(host_of(0, 0) == "backend.local:8080");     // a name: the server's
    CHECK(host_of(0, 1) == "shop.example.com:8443");  // keepHost: the client's
    CHECK(host_of(0, 2) == "shop.example.com:8443");  // an IP address: the client's
    CHECK(host_of(1, 0) == "10.0.0.9:8080");          // setUpstreamHost: the server's
    CHECK(host_of(1, 1) == "shop.example.com:8443");  // ... unless keepHost
    // The server's path prefix goes before the target (one slash between them).
    CHECK(filter->upstream_request(request, "/p?q=1", 0, 3, "") ==
          "GET /api/p?q=1 HTTP/1.1\r\nHost: shop.example.com:8443\r\n\r\n");
    // No Host from the client (HTTP/1.0): the server's.
    const auto old = parsed("GET /p HTTP/1.0\r\n\r\n");
    CHECK(filter->upstream_request(old, "/p", 0, 1, "") ==
          "GET /p HTTP/1.1\r\nHost: backend.local:8080\r\n\r\n");
}

TEST_CASE("proxy filter: timeouts, body limits and failure codes per pool", "[traffic-proxy]") {
    const auto filter = proxy(R"({"name": "px", "serverMaxBodySize": 1000, "pools": [
        {"servers": [{"url": "http://10.0.0.1"}], "timeout": "1m30s"},
        {"filter": {"headers": {"X": {"exact": "1"}}}, "servers": [{"url": "http://10.0.0.2"}],
         "serverMaxBodySize": -1, "failureCodes": [502, 404], "timeout": "1.5ms"}
    ]})");
    CHECK(filter->timeout(0) == std::chrono::milliseconds(90000));
    CHECK(filter->timeout(1) == std::chrono::milliseconds(2));  // rounded up
    CHECK(filter->server_max_body_size(0) == 1000);
    CHECK(filter->server_max_body_size(1) == -1);
    const auto defaults = proxy(R"({"name": "px", "pools": [{"servers": [{"url": "http://h"}]}]})");
    CHECK(defaults->timeout(0) == std::chrono::milliseconds(0));
    CHECK(defaults->server_max_body_size(0) == -1);  // streamed, no limit
    CHECK(defaults->result_for_status(0, 200).empty());
    CHECK(defaults->result_for_status(0, 404).empty());
    CHECK(defaults->result_for_status(0, 500) == "failureCode");
    CHECK(defaults->result_for_status(0, 599) == "failureCode");
    CHECK(defaults->result_for_status(0, 600).empty());
    CHECK(defaults->result_for_status(0, -1).empty());
    CHECK(filter->result_for_status(1, 404) == "failureCode");
    CHECK(filter->result_for_status(1, 502) == "failureCode");
    CHECK(filter->result_for_status(1, 500).empty());
}

TEST_CASE("proxy filter: each failure has its status and result", "[traffic-proxy]") {
    using eg::server::answer_for;
    CHECK(answer_for(proxy_failure::no_server).status == 503);
    CHECK(answer_for(proxy_failure::no_server).result == "internalError");
    CHECK(answer_for(proxy_failure::transport).status == 503);
    CHECK(answer_for(proxy_failure::transport).result == "serverError");
    CHECK(answer_for(proxy_failure::timeout).status == 504);
    CHECK(answer_for(proxy_failure::timeout).result == "timeout");
    CHECK(answer_for(proxy_failure::client_gone).status == 499);
    CHECK(answer_for(proxy_failure::client_gone).result == "clientError");
    CHECK(answer_for(proxy_failure::response_too_large).status == 500);
    CHECK(answer_for(proxy_failure::response_too_large).result == "internalError");
    CHECK(answer_for(proxy_failure::response_malformed).status == 502);
    CHECK(answer_for(proxy_failure::response_malformed).result == "serverError");
}

TEST_CASE("proxy filter: a spec it cannot read is a problem, never a crash", "[traffic-proxy]") {
    const auto no_main = proxy_filter::build(json::parse(R"({"name": "px", "pools": [
        {"filter": {"headers": {"X": {"exact": "1"}}}, "servers": [{"url": "http://h"}]}]})"));
    CHECK_FALSE(no_main->problems().empty());
    REQUIRE(no_main->pool_count() == 2);  // an empty main pool is added
    scripted_random random({0});
    const auto choice = no_main->choose(test_request{}.view(), random);
    CHECK(choice.pool == 1);
    CHECK_FALSE(choice.server);
    CHECK(no_main->pool_name(1) == "proxy#px#main");

    const auto two_main = proxy_filter::build(json::parse(R"({"pools": [
        {"servers": [{"url": "http://a"}]}, {"servers": [{"url": "http://b"}]}]})"));
    CHECK(two_main->problems().size() == 1);
    CHECK(two_main->main_pool() == 0);

    const auto odd = proxy_filter::build(json::parse(R"({"pools": [{"servers": [
        {"url": "ftp://x"}, {"weight": 5}, 3, {"url": "http://ok", "weight": 500}],
        "loadBalance": {"policy": "leastConn"}, "failureCodes": [5000, "x"], "timeout": 3,
        "filter": null}], "mirrorPool": {}})"));
    CHECK(odd->problems().size() == 8);
    CHECK(odd->ignored_fields() == std::vector<std::string>{"mirrorPool"});
    REQUIRE(odd->server_count(0) == 1);
    CHECK(odd->server(0, 0).weight == 0);

    for (
        const auto* text :
        {"null", "[]", "1", "\"Proxy\"", "{}", R"({"pools": {}})", R"({"pools": [[]]})",
         R"({"pools": [{}]})", R"({"pools": [{"servers": {}}]})",
         R"({"pools": [{"servers": [{"url": 1}]}, {"filter": 1}]})",
         R"({"pools": [{"servers": []}, {"filter": {"policy": "nope"}}]})",
         R"({"pools": [{"servers": []}, {"filter": {"policy": "random"}}]})",
         R"({"pools": [{"servers": []}, {"filter": {"urls": [1, {"methods": 2}]}}]})",
         R"({"pools": [{"servers": []}, {"filter": {"headers": {"A": {"regex": "("}}}}]})",
         R"({"pools": [{"loadBalance": [], "serverTags": "x", "servers": [{"url": "http://h"}]}]})"}) {
        INFO(text);
        std::unique_ptr<proxy_filter> filter;
        REQUIRE_NOTHROW(filter = proxy_filter::build(json::parse(text)));
        REQUIRE(filter->pool_count() >= 1);
        const test_request request{"GET", "/", {{"A", "("}}};
        const auto c = filter->choose(request.view(), random);
        CHECK(c.pool < filter->pool_count());
        if (c.server) {
            const auto get = parsed("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
            CHECK_FALSE(filter->upstream_request(get, "/", c.pool, *c.server, "1.2.3.4").empty());
        }
    }
}

TEST_CASE("proxy filter: the fields it does not act on are listed, the rest still works",
          "[traffic-proxy]") {
    const auto filter = proxy(R"({"name": "px", "mirrorPool": {"filter": {"headers": {}}},
        "compression": {"minLength": 10}, "maxRedirection": 0, "pools": [
        {"servers": [{"url": "http://10.0.0.1"}], "memoryCache": {"expiration": "1s"},
         "retryPolicy": "retry", "circuitBreakerPolicy": "",
         "loadBalance": {"policy": "random", "stickySession": {"mode": "DurationBased"}}},
        {"filter": {"headers": {"X": {"exact": "1"}}}, "serviceName": "svc",
         "servers": [{"url": "http://10.0.0.2"}]}]})");
    CHECK(filter->ignored_fields() ==
          std::vector<std::string>{"mirrorPool", "compression", "maxRedirection",
                                   "pools[0].memoryCache", "pools[0].retryPolicy",
                                   "pools[0].loadBalance.stickySession", "pools[1].serviceName"});
    scripted_random random({1});
    const auto choice = filter->choose(test_request{}.view(), random);
    CHECK(choice.pool == 0);
    CHECK(choice.server == std::optional<std::size_t>(0));
    CHECK(filter->balance(0).policy == eg::server::balance_policy::random);
}

TEST_CASE("proxy filter: Connection names hop-by-hop headers in any case, in every Connection",
          "[traffic-proxy]") {
    const auto filter = proxy(R"({"name": "px", "pools": [{"servers": [{"url": "http://b"}]}]})");
    const auto request = parsed(
        "GET / HTTP/1.1\r\nHost: a\r\nconnection: x-one\r\nX-One: 1\r\nX-Two: 2\r\n"
        "CONNECTION: X-TWO , close\r\nX-Three: 3\r\n\r\n");
    CHECK(filter->upstream_request(request, "/", 0, 0, "") ==
          "GET / HTTP/1.1\r\nHost: b\r\nX-Three: 3\r\n\r\n");
}
