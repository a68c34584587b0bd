#include "daemon/traffic/route_table.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

using eg::server::http_header;
using eg::server::ip_address;
using eg::server::ip_filter;
using eg::server::ip_range;
using eg::server::request_view;
using eg::server::route_match;
using eg::server::route_table;
using nlohmann::json;

// A client request as the router sees it.
struct request {
    std::string method = "GET";
    std::string path = "/";
    std::string query;
    std::string host = "example.com";
    std::string client_ip = "10.0.0.1";
    std::vector<http_header> headers;

    request_view view() const {
        request_view view;
        view.method = method;
        view.path = path;
        view.query = query;
        view.host = host;
        view.client_ip = client_ip;
        view.headers = &headers;
        return view;
    }
};

request get(std::string path) {
    request r;
    auto question = path.find('?');
    if (question != std::string::npos) {
        r.query = path.substr(question + 1);
        path.resize(question);
    }
    r.path = std::move(path);
    return r;
}

route_match route(const route_table& table, const request& r) { return table.match(r.view()); }

// Lists as std::vector: a braced list of one json is that json, not an array of it.
json server_with(std::vector<json> rules) {
    return json{{"port", 10080}, {"rules", json(std::move(rules))}};
}

json one_rule(std::vector<json> paths) {
    json rule = json::object();
    rule["paths"] = json(std::move(paths));
    return server_with({rule});
}

}  // namespace

TEST_CASE("ip filter: addresses and CIDRs of both families", "[traffic-route]") {
    CHECK(ip_address::parse("10.1.2.3"));
    CHECK(ip_address::parse("2001:db8::1")->v6);
    CHECK_FALSE(ip_address::parse("::ffff:10.1.2.3")->v6);  // IPv4-mapped is IPv4
    CHECK(ip_address::parse("[::1]"));
    CHECK(ip_address::parse("fe80::1%eth0"));
    CHECK_FALSE(ip_address::parse("10.1.2"));
    CHECK_FALSE(ip_address::parse(""));
    CHECK_FALSE(ip_address::parse("example.com"));
    CHECK_FALSE(ip_range::parse("10.0.0.0/33"));
    CHECK_FALSE(ip_range::parse("10.0.0.0/"));
    CHECK_FALSE(ip_range::parse("2001:db8::/129"));

    const auto v6 = *ip_range::parse("2001:db8:abcd::/48");
    CHECK(v6.contains(*ip_address::parse("2001:db8:abcd:12::7")));
    CHECK_FALSE(v6.contains(*ip_address::parse("2001:db8:abce::1")));
    CHECK_FALSE(v6.contains(*ip_address::parse("10.0.0.1")));
    const auto odd = *ip_range::parse("2001:db8:ab80::/41");  // a prefix inside a byte
    CHECK(odd.contains(*ip_address::parse("2001:db8:abff::1")));
    CHECK_FALSE(odd.contains(*ip_address::parse("2001:db8:ab7f::1")));
    const auto v4 = *ip_range::parse("192.168.0.0/20");
    CHECK(v4.contains(*ip_address::parse("192.168.15.255")));
    CHECK(v4.contains(*ip_address::parse("::ffff:192.168.1.1")));
    CHECK_FALSE(v4.contains(*ip_address::parse("192.168.16.0")));
    CHECK_FALSE(v4.contains(*ip_address::parse("::1")));
    CHECK(ip_range::parse("::/0")->contains(*ip_address::parse("10.0.0.1")));
    CHECK(ip_range::parse("::ffff:10.0.0.0/104")->contains(*ip_address::parse("10.9.9.9")));
    CHECK(ip_range::parse("10.0.0.5")->contains(*ip_address::parse("10.0.0.5")));
    CHECK_FALSE(ip_range::parse("10.0.0.5")->contains(*ip_address::parse("10.0.0.6")));
}

TEST_CASE("ip filter: block wins, an allow list admits only its members", "[traffic-route]") {
    const auto filter = ip_filter::from_spec(
        json{{"allowIPs", {"10.0.0.0/8", "2001:db8::/32"}}, {"blockIPs", {"10.9.0.0/16"}}});
    CHECK(filter.allows("10.1.1.1"));
    CHECK(filter.allows("2001:db8::5"));
    CHECK_FALSE(filter.allows("10.9.1.1"));     // in both lists: the block list wins
    CHECK_FALSE(filter.allows("192.168.1.1"));  // not in the allow list
    CHECK_FALSE(filter.allows("2001:db9::5"));

    const auto block_only = ip_filter::from_spec(json{{"blockIPs", {"fd00::/8", "1.2.3.4"}}});
    CHECK(block_only.allows("10.0.0.1"));
    CHECK_FALSE(block_only.allows("fd12::1"));
    CHECK_FALSE(block_only.allows("1.2.3.4"));
    CHECK(block_only.allows("not an ip"));  // unparsable: the default

    const auto by_default =
        ip_filter::from_spec(json{{"blockByDefault", true}, {"blockIPs", {"1.2.3.4"}}});
    CHECK_FALSE(by_default.allows("10.0.0.1"));
    CHECK_FALSE(by_default.allows("not an ip"));
    const auto allowed_by_default = ip_filter::from_spec(
        json{{"blockByDefault", true}, {"allowIPs", {"10.0.0.1"}}, {"blockIPs", json::array()}});
    CHECK(allowed_by_default.allows("10.0.0.1"));
    CHECK_FALSE(allowed_by_default.allows("10.0.0.2"));

    CHECK(ip_filter::from_spec(json::object()).allows("10.0.0.1"));
    // Shapes the validation refuses: fail closed, never crash.
    CHECK_FALSE(ip_filter::from_spec(json("10.0.0.1")).allows("10.0.0.1"));
    CHECK_FALSE(ip_filter::from_spec(json{{"blockIPs", "1.2.3.4"}}).allows("10.0.0.1"));
    CHECK_FALSE(ip_filter::from_spec(json{{"allowIPs", {"garbage"}}}).allows("10.0.0.1"));
    CHECK_FALSE(ip_filter::from_spec(json{{"blockByDefault", "yes"}}).allows("10.0.0.1"));
}

TEST_CASE("route table: a spec that is not an object builds an empty table that answers 404",
          "[traffic-route]") {
    for (const json& spec :
         {json(), json(42), json("rules"), json::array({1, 2}), json{{"rules", "nope"}},
          json{{"rules", {1, "x", json::array(), json{{"paths", 7}}}}},
          json{{"rules", {json{{"paths", {3, "y", nullptr}}}}}}}) {
        const auto table = route_table::build(spec);
        REQUIRE(table);
        CHECK(table->path_count() == 0);
        CHECK(route(*table, get("/")).status == 404);
    }
}

TEST_CASE("route table: path, pathPrefix and pathRegexp, first match wins", "[traffic-route]") {
    const auto table = route_table::build(one_rule({
        json{{"path", "/exact"}, {"backend", "p-exact"}},
        json{{"pathPrefix", "/api/"}, {"backend", "p-prefix"}},
        json{{"pathRegexp", "^/img/[0-9]+\\.png"}, {"backend", "p-regexp"}},
        json{{"pathRegexp", "v[0-9]"}, {"backend", "p-partial"}},
        json{{"path", "/api/first"}, {"backend", "p-shadowed"}},
        json{{"backend", "p-any"}, {"methods", {"POST"}}},
    }));
    CHECK(table->path_count() == 6);
    CHECK(route(*table, get("/exact")).backend == "p-exact");
    CHECK(route(*table, get("/exact")).status == 0);
    CHECK(route(*table, get("/api/first")).backend == "p-prefix");  // earlier path wins
    CHECK(route(*table, get("/img/12.png")).backend == "p-regexp");
    CHECK(route(*table, get("/x/v2/y")).backend == "p-partial");  // an unanchored search
    CHECK(route(*table, get("/exact/more")).status == 405);       // only the catch-all fits
    request post = get("/anything");
    post.method = "POST";
    CHECK(route(*table, post).backend == "p-any");
    const auto match = route(*table, get("/api/first"));
    CHECK(match.rule_index == 0);
    CHECK(match.path_index == 1);
    CHECK(match.rewritten_target.empty());
    CHECK(match.set_headers == nullptr);
}

TEST_CASE("route table: a path entry matches when any of its path fields does", "[traffic-route]") {
    const auto table = route_table::build(
        one_rule({json{{"path", "/a"}, {"pathPrefix", "/b/"}, {"backend", "p"}}}));
    CHECK(route(*table, get("/a")).status == 0);
    CHECK(route(*table, get("/b/c")).status == 0);
    CHECK(route(*table, get("/c")).status == 404);
}

TEST_CASE("route table: hosts exact, wildcard, regexp and hosts[]", "[traffic-route]") {
    const auto table = route_table::build(server_with({
        json{{"host", "Www.Example.com"}, {"paths", {json{{"backend", "exact"}}}}},
        json{{"host", "*.example.com"}, {"paths", {json{{"backend", "suffix"}}}}},
        json{{"host", "api.example.*"}, {"paths", {json{{"backend", "prefix"}}}}},
        json{{"hostRegexp", "[a-z]+\\.test"}, {"paths", {json{{"backend", "regexp"}}}}},
        json{{"hosts",
              {json{{"value", "one.org"}}, json{{"value", "^t[0-9]\\.org$"}, {"isRegexp", true}}}},
             {"paths", {json{{"backend", "list"}}}}},
        json{{"paths", {json{{"path", "/any"}, {"backend", "any-host"}}}}},
    }));
    const auto to = [&](std::string host, std::string path = "/") {
        request r = get(std::move(path));
        r.host = std::move(host);
        const auto match = route(*table, r);
        return match.status == 0 ? match.backend : std::to_string(match.status);
    };
    CHECK(to("www.example.com") == "exact");
    CHECK(to("WWW.EXAMPLE.COM") == "exact");  // hosts ignore case
    CHECK(to("shop.example.com") == "suffix");
    CHECK(to("a.b.example.com") == "suffix");
    CHECK(to("example.com") == "404");  // *.example.com needs a label before
    CHECK(to("api.example.org") == "prefix");
    CHECK(to("api.example.") == "404");
    CHECK(to("abc.test") == "regexp");
    CHECK(to("ABC.test") == "regexp");
    CHECK(to("abc.test.evil") == "404");  // host regexps match the whole host
    CHECK(to("x.abc.test") == "404");
    CHECK(to("one.org") == "list");
    CHECK(to("t7.org") == "list");
    CHECK(to("two.org") == "404");
    CHECK(to("nowhere.net", "/any") == "any-host");
}

TEST_CASE("route table: a host with a * elsewhere is compared literally", "[traffic-route]") {
    const auto table = route_table::build(
        server_with({json{{"host", "a.*.com"}, {"paths", {json{{"backend", "p"}}}}}}));
    request r = get("/");
    r.host = "a.b.com";
    CHECK(route(*table, r).status == 404);
    r.host = "a.*.com";
    CHECK(route(*table, r).status == 0);
}

TEST_CASE("route table: methods, a mismatch remembered as 405 while the search goes on",
          "[traffic-route]") {
    const auto table = route_table::build(one_rule({
        json{{"path", "/m"}, {"methods", {"PUT", "DELETE"}}, {"backend", "writes"}},
        json{{"path", "/m"}, {"methods", {"GET"}}, {"backend", "reads"}},
    }));
    request r = get("/m");
    CHECK(route(*table, r).backend == "reads");
    r.method = "DELETE";
    CHECK(route(*table, r).backend == "writes");
    r.method = "PATCH";
    CHECK(route(*table, r).status == 405);
    r.path = "/n";
    CHECK(route(*table, r).status == 404);
}

TEST_CASE("route table: header matchers, any or all", "[traffic-route]") {
    const auto table = route_table::build(one_rule({
        json{{"path", "/any"},
             {"headers",
              {json{{"key", "X-Env"}, {"values", {"blue", "green"}}},
               json{{"key", "X-Id"}, {"regexp", "^[0-9]+$"}}}},
             {"backend", "any"}},
        json{{"path", "/all"},
             {"matchAllHeader", true},
             {"headers",
              {json{{"key", "X-Env"}, {"values", {"blue"}}},
               json{{"key", "X-Id"}, {"values", {"1", "22"}}, {"regexp", "2"}}}},
             {"backend", "all"}},
    }));
    const auto with = [&](std::string path, std::vector<http_header> headers) {
        request r = get(std::move(path));
        r.headers = std::move(headers);
        const auto match = route(*table, r);
        return match.status == 0 ? match.backend : std::to_string(match.status);
    };
    CHECK(with("/any", {{"x-env", "green"}}) == "any");  // names ignore case
    CHECK(with("/any", {{"X-Id", "123"}}) == "any");
    CHECK(with("/any", {{"X-Id", "12a"}, {"X-Env", "red"}}) == "400");
    CHECK(with("/any", {}) == "400");
    CHECK(with("/any", {{"X-Env", "red"}, {"X-Env", "blue"}}) == "400");  // the first value
    CHECK(with("/all", {{"X-Env", "blue"}, {"X-Id", "22"}}) == "all");
    CHECK(with("/all", {{"X-Env", "blue"}, {"X-Id", "1"}}) == "400");  // values but not regexp
    CHECK(with("/all", {{"X-Id", "22"}}) == "400");
}

TEST_CASE("route table: an absent header or query reads as empty", "[traffic-route]") {
    const auto table = route_table::build(one_rule({
        json{{"path", "/h"},
             {"headers", {json{{"key", "X-A"}, {"values", {""}}}}},
             {"backend", "h"}},
        json{{"path", "/q"}, {"queries", {json{{"key", "a"}, {"regexp", "^$"}}}}, {"backend", "q"}},
    }));
    CHECK(route(*table, get("/h")).backend == "h");
    CHECK(route(*table, get("/q")).backend == "q");
    CHECK(route(*table, get("/q?a=1")).status == 400);
}

TEST_CASE("route table: query matchers read the first value, decoded", "[traffic-route]") {
    const auto table = route_table::build(one_rule({
        json{{"path", "/q"},
             {"queries",
              {json{{"key", "name"}, {"values", {"a b", "x&y"}}},
               json{{"key", "id"}, {"regexp", "^[0-9]+$"}}}},
             {"backend", "any"}},
        json{{"path", "/qa"},
             {"matchAllQuery", true},
             {"queries",
              {json{{"key", "name"}, {"values", {"a"}}},
               json{{"key", "id"}, {"regexp", "^[0-9]+$"}}}},
             {"backend", "all"}},
    }));
    const auto to = [&](std::string target) {
        const auto match = route(*table, get(std::move(target)));
        return match.status == 0 ? match.backend : std::to_string(match.status);
    };
    CHECK(to("/q?name=a+b") == "any");
    CHECK(to("/q?name=a%20b") == "any");
    CHECK(to("/q?na%6De=x%26y") == "any");  // keys are decoded too
    CHECK(to("/q?id=42") == "any");
    CHECK(to("/q?id=4x2") == "400");
    CHECK(to("/q?id=x&id=42") == "400");    // the first value only
    CHECK(to("/q?id=%zz&id=42") == "any");  // a pair with a bad escape is skipped, as Go does
    CHECK(to("/q?other=1") == "400");
    CHECK(to("/qa?id=7&name=a") == "all");
    CHECK(to("/qa?id=7") == "400");
    CHECK(to("/qa?name=a") == "400");
}

TEST_CASE("route table: rule and path ipFilters, the server's first", "[traffic-route]") {
    json spec = server_with({
        json{{"host", "guarded.com"},
             {"ipFilter", {{"blockIPs", {"10.0.0.0/8"}}}},
             {"paths", {json{{"backend", "rule-guarded"}}}}},
        json{{"paths",
              {json{{"path", "/v6"},
                    {"ipFilter", {{"allowIPs", {"2001:db8::/32"}}}},
                    {"backend", "v6-only"}},
               json{{"path", "/open"}, {"backend", "open"}}}}},
    });
    auto table = route_table::build(spec);
    const auto to = [&](std::string host, std::string path, std::string ip) {
        request r = get(std::move(path));
        r.host = std::move(host);
        r.client_ip = std::move(ip);
        const auto match = route(*table, r);
        return match.status == 0 ? match.backend : std::to_string(match.status);
    };
    CHECK(to("guarded.com", "/open", "192.168.1.1") == "rule-guarded");
    // The rule refuses the client: skipped, and a later rule may still route it.
    CHECK(to("guarded.com", "/open", "10.1.1.1") == "open");
    CHECK(to("guarded.com", "/none", "10.1.1.1") == "403");
    CHECK(to("other.com", "/v6", "2001:db8:1::9") == "v6-only");
    CHECK(to("other.com", "/v6", "2001:db9::9") == "403");
    CHECK(to("other.com", "/v6", "10.0.0.1") == "403");

    spec["ipFilter"] = {{"blockByDefault", true}, {"allowIPs", {"10.0.0.0/8", "2001:db8::/32"}}};
    table = route_table::build(spec);
    CHECK(to("other.com", "/open", "192.168.1.1") == "403");  // before any rule
    CHECK(to("other.com", "/nowhere", "192.168.1.1") == "403");
    CHECK(to("other.com", "/open", "10.2.2.2") == "open");
    CHECK(to("other.com", "/v6", "[2001:db8::1]") == "v6-only");
}

TEST_CASE("route table: the status after a failed search is 403, then 400, then 405, then 404",
          "[traffic-route]") {
    const json method_path = {{"path", "/s"}, {"methods", {"POST"}}, {"backend", "m"}};
    const json header_path = {
        {"path", "/s"}, {"headers", {json{{"key", "X-A"}, {"values", {"1"}}}}}, {"backend", "h"}};
    const json query_path = {
        {"path", "/s"}, {"queries", {json{{"key", "a"}, {"values", {"1"}}}}}, {"backend", "q"}};
    const json ip_path = {
        {"path", "/s"}, {"ipFilter", {{"allowIPs", {"1.1.1.1"}}}}, {"backend", "i"}};
    const auto status = [](std::vector<json> paths) {
        return route(*route_table::build(one_rule(std::move(paths))), get("/s")).status;
    };
    CHECK(status({method_path}) == 405);
    CHECK(status({header_path}) == 400);
    CHECK(status({query_path}) == 400);
    CHECK(status({ip_path}) == 403);
    CHECK(status({method_path, header_path}) == 400);
    CHECK(status({header_path, method_path}) == 400);
    CHECK(status({ip_path, header_path, method_path}) == 403);
    CHECK(status({method_path, query_path, ip_path}) == 403);
    CHECK(status({method_path, json{{"path", "/t"}, {"backend", "t"}}}) == 405);
    // A rule whose ipFilter refuses the client counts as an IP failure.
    const auto table = route_table::build(server_with({
        json{{"ipFilter", {{"allowIPs", {"1.1.1.1"}}}}, {"paths", {json{{"backend", "r"}}}}},
        json{{"paths", {method_path}}},
    }));
    CHECK(route(*table, get("/s")).status == 403);
    // The checks of one candidate run in order: method, headers, queries, ipFilter.
    const json all_fail = {{"path", "/s"},
                           {"methods", {"POST"}},
                           {"headers", {json{{"key", "X-A"}, {"values", {"1"}}}}},
                           {"ipFilter", {{"allowIPs", {"1.1.1.1"}}}},
                           {"backend", "x"}};
    CHECK(status({all_fail}) == 405);
}

TEST_CASE("route table: rewriteTarget for path, pathPrefix and pathRegexp, query kept",
          "[traffic-route]") {
    const auto table = route_table::build(one_rule({
        json{{"path", "/old"}, {"rewriteTarget", "/new"}, {"backend", "p"}},
        json{{"pathPrefix", "/v1/"}, {"rewriteTarget", "/api/v2/"}, {"backend", "p"}},
        json{{"pathRegexp", "^/users/([0-9]+)/(?P<part>[a-z]+)$"},
             {"rewriteTarget", "/u/$1/${part}/$2/$$/${9}/$part"},
             {"backend", "p"}},
        json{{"pathRegexp", "o"}, {"rewriteTarget", "0"}, {"backend", "p"}},
        json{{"pathRegexp", "^/b/(.*)$"}, {"rewriteTarget", "/c\\$1x/$1"}, {"backend", "p"}},
        json{{"path", "/plain"}, {"backend", "p"}},
    }));
    CHECK(route(*table, get("/old")).rewritten_target == "/new");
    CHECK(route(*table, get("/old?a=1&b")).rewritten_target == "/new?a=1&b");
    CHECK(route(*table, get("/v1/things/7?x=y")).rewritten_target == "/api/v2/things/7?x=y");
    CHECK(route(*table, get("/users/42/posts")).rewritten_target == "/u/42/posts/posts/$//posts");
    CHECK(route(*table, get("/foo/boo")).rewritten_target == "/f00/b00");  // every match
    CHECK(route(*table, get("/b/zz")).rewritten_target == "/c\\/zz");      // $1x: group "1x"
    CHECK(route(*table, get("/plain?q=1")).rewritten_target.empty());
}

TEST_CASE("route table: setHeaders and clientMaxBodySize of the matched path", "[traffic-route]") {
    json spec = one_rule({
        json{{"path", "/big"},
             {"clientMaxBodySize", -1},
             {"setHeaders", {{"X-Route", "big"}, {"X-Empty", ""}}},
             {"backend", "p"}},
        json{{"path", "/small"}, {"backend", "p"}},
    });
    spec["clientMaxBodySize"] = 1024;
    const auto table = route_table::build(spec);
    const auto big = route(*table, get("/big"));
    REQUIRE(big.set_headers != nullptr);
    CHECK(*big.set_headers ==
          std::vector<std::pair<std::string, std::string>>{{"X-Empty", ""}, {"X-Route", "big"}});
    CHECK(big.client_max_body_size == -1);
    CHECK(route(*table, get("/small")).client_max_body_size == 1024);
    CHECK(route(*table, get("/small")).set_headers == nullptr);
    CHECK(route(*route_table::build(one_rule({json{{"backend", "p"}}})), get("/"))
              .client_max_body_size == 0);
}

TEST_CASE("route table: fields of the wrong type never match, and never crash", "[traffic-route]") {
    const auto table = route_table::build(server_with({
        json{{"host", 7}, {"paths", {json{{"backend", "bad-host"}}}}},
        json{{"hosts", "x"}, {"paths", {json{{"backend", "bad-hosts"}}}}},
        json{{"hostRegexp", "("}, {"paths", {json{{"backend", "bad-regexp"}}}}},
        json{{"paths",
              {json{{"path", 5}, {"backend", "bad-path"}},
               json{{"pathRegexp", "(unclosed"}, {"backend", "bad-path-regexp"}},
               json{{"methods", "GET"}, {"backend", "bad-methods"}},
               json{{"headers", {json{{"key", "X-A"}, {"regexp", "["}}}}, {"backend", "bad-hre"}},
               json{{"headers", {1}}, {"matchAllHeader", true}, {"backend", "bad-header"}},
               json{{"queries", json::object()}, {"backend", "bad-queries"}},
               json{{"matchAllQuery", "yes"}, {"backend", "bad-bool"}},
               json{{"setHeaders", {{"X-A", 1}}}, {"backend", "bad-set"}},
               json{{"clientMaxBodySize", "1MB"}, {"backend", "bad-size"}},
               json{{"clientMaxBodySize", -5}, {"backend", "bad-size"}},
               json{{"ipFilter", "all"}, {"backend", "bad-filter"}}, json{{"backend", 3}},
               json{{"path", "/ok"}, {"backend", "ok"}}}}},
    }));
    CHECK(table->path_count() == 16);
    request r = get("/ok");
    r.headers = {{"X-A", "["}};
    const auto match = route(*table, r);
    CHECK(match.backend == "ok");
    CHECK(route(*table, get("/other")).status == 403);  // the ipFilter that refuses everyone
}

namespace {

std::shared_ptr<const route_table> radix(std::vector<json> paths) {
    json spec = one_rule(std::move(paths));
    spec["routerKind"] = "RadixTree";
    return route_table::build(spec);
}

std::string backend_of(const route_table& table, const request& r) {
    const auto match = route(table, r);
    return match.status == 0 ? match.backend : std::to_string(match.status);
}

}  // namespace

TEST_CASE("route table: RadixTree parameters, regexps and a trailing *", "[traffic-route]") {
    const auto table = radix({
        json{{"path", "/users/{id}"}, {"backend", "user"}},
        json{{"path", "/users/{id:[0-9]+}/posts/{post}"}, {"backend", "post"}},
        json{{"path", "/files/{name}.txt"}, {"backend", "text"}},
        json{{"path", "/static/*"}, {"backend", "static"}},
        json{{"pathPrefix", "/users/"}, {"backend", "ignored"}},
    });
    CHECK(table->radix_tree());
    CHECK(backend_of(*table, get("/users/ann")) == "user");
    CHECK(backend_of(*table, get("/users/")) == "404");  // a parameter is not empty
    CHECK(backend_of(*table, get("/users/ann/x")) == "404");
    CHECK(backend_of(*table, get("/users/7/posts/9")) == "post");
    CHECK(backend_of(*table, get("/users/x7/posts/9")) == "404");  // the regexp matches whole
    CHECK(backend_of(*table, get("/files/report.txt")) == "text");
    CHECK(backend_of(*table, get("/files/report.pdf")) == "404");
    CHECK(backend_of(*table, get("/static/")) == "static");
    CHECK(backend_of(*table, get("/static/css/a.css")) == "static");
    CHECK(backend_of(*table, get("/static")) == "404");
    CHECK(backend_of(*table, get("/other")) == "404");

    const request posts = get("/users/7/posts/9?full=1");  // the values view into the request
    const auto match = route(*table, posts);
    REQUIRE(match.params.size() == 2);
    CHECK(match.params[0].first == "id");
    CHECK(match.params[0].second == "7");
    CHECK(match.params[1].first == "post");
    CHECK(match.params[1].second == "9");
    const request css = get("/static/css/a.css");
    const auto wildcard = route(*table, css);
    REQUIRE(wildcard.params.size() == 1);
    CHECK(wildcard.params[0].first == "EG_WILDCARD");
    CHECK(wildcard.params[0].second == "css/a.css");
}

TEST_CASE("route table: RadixTree prefers literal, then regexp, then parameter, then *",
          "[traffic-route]") {
    const auto table = radix({
        json{{"path", "/a/*"}, {"backend", "any"}},
        json{{"path", "/a/{x}"}, {"backend", "param"}},
        json{{"path", "/a/{x:[0-9]+}"}, {"backend", "digits"}},
        json{{"path", "/a/me"}, {"backend", "literal"}},
        json{{"path", "/a/me"}, {"backend", "literal-second"}},
        json{{"path", "/a/{x}/end"}, {"backend", "param-end"}},
        json{{"path", "/a/mine/{y}"}, {"backend", "mine"}},
    });
    CHECK(backend_of(*table, get("/a/me")) == "literal");
    CHECK(backend_of(*table, get("/a/42")) == "digits");
    CHECK(backend_of(*table, get("/a/bob")) == "param");
    CHECK(backend_of(*table, get("/a/b/c")) == "any");
    CHECK(backend_of(*table, get("/a/me/end")) == "param-end");  // the literal branch backtracks
    CHECK(backend_of(*table, get("/a/mine/end")) == "mine");
    CHECK(backend_of(*table, get("/a/mine/x/y")) == "any");
}

TEST_CASE("route table: RadixTree candidates failing their checks let the search go on",
          "[traffic-route]") {
    const auto table = radix({
        json{{"path", "/r/{id}"}, {"methods", {"POST"}}, {"backend", "post"}},
        json{{"path", "/r/{id}"},
             {"headers", {json{{"key", "X-A"}, {"values", {"1"}}}}},
             {"backend", "header"}},
        json{{"path", "/r/*"}, {"methods", {"GET"}}, {"backend", "wild"}},
        json{{"path", "/s/{id}"}, {"methods", {"PUT"}}, {"backend", "put"}},
        json{{"path", "/t/{id}"}, {"ipFilter", {{"allowIPs", {"1.1.1.1"}}}}, {"backend", "t"}},
    });
    request r = get("/r/1");
    CHECK(backend_of(*table, r) == "wild");
    r.headers = {{"X-A", "1"}};
    CHECK(backend_of(*table, r) == "header");
    r.method = "POST";
    CHECK(backend_of(*table, r) == "post");
    r.method = "PATCH";
    r.headers.clear();
    CHECK(backend_of(*table, r) == "400");
    CHECK(backend_of(*table, get("/s/1")) == "405");
    CHECK(backend_of(*table, get("/t/1")) == "403");
}

TEST_CASE("route table: RadixTree rewriteTarget from parameters and {EG_WILDCARD}",
          "[traffic-route]") {
    const auto table = radix({
        json{{"path", "/u/{id}/{tab}"}, {"rewriteTarget", "/users/{tab}/{id}"}, {"backend", "p"}},
        json{{"path", "/assets/*"}, {"rewriteTarget", "/cdn/{EG_WILDCARD}"}, {"backend", "p"}},
        json{{"path", "/x/{id}"}, {"backend", "p"}},
    });
    CHECK(route(*table, get("/u/7/posts?all=1")).rewritten_target == "/users/posts/7?all=1");
    CHECK(route(*table, get("/assets/js/app.js")).rewritten_target == "/cdn/js/app.js");
    CHECK(route(*table, get("/x/1")).rewritten_target.empty());
}

TEST_CASE("route table: RadixTree patterns the router cannot use never match", "[traffic-route]") {
    const auto table = radix({
        json{{"path", "no-slash"}, {"backend", "bad"}},
        json{{"path", "/a/*/b"}, {"backend", "bad"}},
        json{{"path", "/b/{id"}, {"backend", "bad"}},
        json{{"path", "/c/id}"}, {"backend", "bad"}},
        json{{"path", "/d/{}"}, {"backend", "bad"}},
        json{{"path", "/e/{x:(}"}, {"backend", "bad"}},
        json{{"path", "/f/{x}{y}"}, {"backend", "bad"}},
        json{{"backend", "no-path"}},
        json{{"path", "/ok"}, {"backend", "ok"}},
    });
    for (const char* target :
         {"/", "no-slash", "/a/x/b", "/b/1", "/c/id}", "/d/1", "/e/(", "/f/12", "/anything"})
        CHECK(backend_of(*table, get(target)) == "404");
    CHECK(backend_of(*table, get("/ok")) == "ok");
    const auto ordered =
        route_table::build(one_rule({json{{"path", "/u/{id}"}, {"backend", "p"}}}));
    CHECK_FALSE(ordered->radix_tree());
    CHECK(backend_of(*ordered, get("/u/{id}")) == "p");  // Ordered compares the text
}

TEST_CASE("route table: workers share one table without a lock", "[traffic-route]") {
    const auto table = route_table::build(one_rule({
        json{{"pathRegexp", "^/r/([a-z]+)$"}, {"rewriteTarget", "/to/$1"}, {"backend", "re"}},
        json{{"path", "/h"},
             {"headers", {json{{"key", "X-A"}, {"regexp", "^[0-9]+$"}}}},
             {"backend", "h"}},
    }));
    const auto work = [&](int& wrong) {
        request matched = get("/r/abc?x=1");
        request refused = get("/h");
        refused.headers = {{"X-A", "nope"}};
        for (int i = 0; i < 2000; ++i) {
            if (route(*table, matched).rewritten_target != "/to/abc?x=1") ++wrong;
            if (route(*table, refused).status != 400) ++wrong;
        }
    };
    int first_wrong = 0;
    int second_wrong = 0;
    std::thread other(work, std::ref(second_wrong));
    work(first_wrong);
    other.join();
    CHECK(first_wrong == 0);
    CHECK(second_wrong == 0);
}
