// The object body reader and validator: what the admin API and initial-object-config-files
// accept, and every bound an outsider's body meets (depth, alias expansion, encoding, counts).

#include "daemon/objects/object_spec.hpp"
#include "daemon/admin/admin_routes.hpp"
#include "daemon/objects/bounded_json.hpp"
#include "support/ready_member_backend.hpp"

#include <eg/input_limits.hpp>
#include <eg/utf8.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>

namespace {

using json = nlohmann::json;

// The body parsed, or the reason it was refused ("" when parsed).
std::string refusal(const std::string& body) {
    std::string why;
    const auto spec = eg::server::parse_object_body(body, why);
    return spec ? std::string() : why;
}

std::string nested_json(int depth) {
    return R"({"kind":"Pipeline","name":"deep","filters":[],"x":)" + std::string(depth, '[') +
           std::string(depth, ']') + "}";
}

// YAML whose aliases expand to 9^levels scalars, in a few hundred bytes.
std::string alias_bomb(int levels) {
    std::string text = "kind: Pipeline\nname: bomb\nfilters: []\nl0: &l0 [x,x,x,x,x,x,x,x,x]\n";
    for (int i = 1; i <= levels; ++i) {
        const std::string previous = "*l" + std::to_string(i - 1);
        text += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
        for (int k = 0; k < 9; ++k) text += (k ? "," : "") + previous;
        text += "]\n";
    }
    return text;
}

json pipeline_with_filters(std::size_t count) {
    json spec = {{"kind", "Pipeline"}, {"name", "many"}, {"filters", json::array()}};
    for (std::size_t i = 0; i < count; ++i)
        spec["filters"].push_back({{"name", "f" + std::to_string(i)}, {"kind", "Mock"}});
    return spec;
}

}  // namespace

TEST_CASE("object spec: HTTPServer and Pipeline fields are checked, the refusal names the path",
          "[objects]") {
    json pipeline = {
        {"kind", "Pipeline"}, {"name", "p"}, {"filters", {{{"name", "proxy"}, {"kind", "Proxy"}}}}};
    const auto problem = eg::server::object_problem(pipeline);
    REQUIRE(problem);
    CHECK_THAT(*problem, Catch::StartsWith("filters[0].pools: is required [EG601]"));
    pipeline["filters"][0]["pools"] = {{{"servers", {{{"url", "http://127.0.0.1:9095"}}}}}};
    CHECK_FALSE(eg::server::object_problem(pipeline));

    const json server = {{"kind", "HTTPServer"},
                         {"name", "s"},
                         {"port", 80},
                         {"rules", {{{"paths", {{{"path", "/"}, {"backend", "p"}}}}}}}};
    CHECK_FALSE(eg::server::object_problem(server));
    CHECK(eg::server::object_warnings(server, {"p"}).empty());
    const auto warnings = eg::server::object_warnings(server, {});
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings[0], Catch::StartsWith("rules[0].paths[0].backend: names the Pipeline 'p'"));
}

TEST_CASE("object body: JSON nested deeper than the limit is refused before use", "[objects]") {
    CHECK(refusal(nested_json(eg::limits::max_nesting_depth - 2)).empty());
    const auto why = refusal(nested_json(5000));
    CHECK_THAT(why, Catch::Contains("nested deeper than 64 levels"));
}

TEST_CASE("object body: YAML nested thousands deep is refused, not a stack overflow", "[objects]") {
    std::string block = "kind: Pipeline\nname: deep\nfilters: []\nx:\n";
    for (int i = 1; i < 3000; ++i) block += std::string(static_cast<std::size_t>(i), ' ') + "a:\n";
    CHECK_THAT(refusal(block), Catch::Contains("nest"));
    const std::string flow =
        "{kind: Pipeline, name: deep, filters: [], x: " + std::string(3000, '[') +
        std::string(3000, ']') + "}";
    CHECK_THAT(refusal(flow), Catch::Contains("nest"));
    std::string within = "kind: Pipeline\nname: ok\nfilters: []\nx:\n";
    for (int i = 1; i < 40; ++i) within += std::string(static_cast<std::size_t>(i), ' ') + "a:\n";
    CHECK(refusal(within).empty());
}

TEST_CASE("object body: YAML aliases cannot expand past the node budget", "[objects]") {
    const auto bomb = alias_bomb(9);  // 9^10 scalars once expanded
    CHECK(bomb.size() < 500);
    CHECK_THAT(refusal(bomb), Catch::Contains("nodes once its aliases are expanded"));
    CHECK(refusal(alias_bomb(2)).empty());  // 729 scalars: fine
}

TEST_CASE("object body: invalid UTF-8 is refused with the byte offset", "[objects]") {
    CHECK(refusal("{\"kind\":\"Pipeline\",\"name\":\"a\xff\",\"filters\":[]}") ==
          "line 1, column 29: the text is not valid UTF-8 (byte 28) [EG101] (save the file as "
          "UTF-8)");
    CHECK_THAT(refusal("kind: Pipeline\nname: \xc0\xaf\nfilters: []\n"),
               Catch::Contains("not valid UTF-8"));
    CHECK(refusal("{\"kind\":\"Pipeline\",\"name\":\"caf\xc3\xa9\",\"filters\":[]}").empty());
}

TEST_CASE("object body: several YAML documents are refused, one object per request", "[objects]") {
    const auto why = refusal(
        "kind: Pipeline\nname: a\nfilters: []\n---\nkind: Pipeline\nname: b\nfilters: []\n");
    CHECK_THAT(why, Catch::Contains("holds 2 YAML documents") &&
                        Catch::Contains("one object per request"));
    // A document marker before and after one object is still one object.
    CHECK(refusal("---\nkind: Pipeline\nname: a\nfilters: []\n---\n").empty());
}

TEST_CASE("object body: YAML on which the parser makes no progress is refused, not a hang",
          "[objects]") {
    CHECK_THAT(refusal(", ]"), Catch::Contains("cannot read on"));
    CHECK_FALSE(refusal("{ow\"},{\"filter\":\"END\"}").empty());
    CHECK(refusal("kind: Pipeline\nname: a\nfilters: []\n---\n").empty());
}

TEST_CASE("object body: a key given twice is refused with its line and column", "[objects]") {
    CHECK(refusal("kind: Pipeline\nname: a\nfilters: []\n  \nname: b\n") ==
          "line 5, column 1: mapping key \"name\" already defined at line 2 [EG104] (keep one "
          "of them)");
    CHECK(
        refusal("{\"kind\": \"Pipeline\", \"name\": \"a\",\n \"filters\": [], \"name\": \"b\"}") ==
        "line 2, column 17: mapping key \"name\" already defined at line 1 [EG104] (keep one "
        "of them)");
}

TEST_CASE("object body: YAML is read as upstream reads it (go-yaml v2), keys in byte order",
          "[objects]") {
    std::string why;
    const auto spec = eg::server::parse_object_body(
        "name: a\nkind: Pipeline\nfilters: []\nflag: yes\nhex: 0x10\nkilo: 1e3\n", why);
    REQUIRE(spec);
    CHECK(spec->dump() ==
          R"({"filters":[],"flag":true,"hex":16,"kilo":1000,"kind":"Pipeline","name":"a"})");
}

TEST_CASE("object spec: names '.' and '..' are refused", "[objects]") {
    for (const char* name : {".", ".."}) {
        const auto problem = eg::server::object_problem(
            {{"kind", "Pipeline"}, {"name", name}, {"filters", json::array()}});
        REQUIRE(problem);
        CHECK_THAT(*problem, Catch::Contains("invalid name"));
    }
    CHECK_FALSE(eg::server::object_problem(
        {{"kind", "Pipeline"}, {"name", "a.b"}, {"filters", json::array()}}));
}

TEST_CASE("object spec: lists have bounded lengths that the message names", "[objects]") {
    CHECK_FALSE(eg::server::object_problem(pipeline_with_filters(256)));
    const auto problem = eg::server::object_problem(pipeline_with_filters(257));
    REQUIRE(problem);
    CHECK(*problem == "Pipeline filters has 257 entries, more than the 256 allowed");

    json proxy = pipeline_with_filters(1);
    proxy["filters"][0]["kind"] = "Proxy";
    proxy["filters"][0]["pools"] = {{{"servers", json::array()}}};
    for (int i = 0; i < 10001; ++i)
        proxy["filters"][0]["pools"][0]["servers"].push_back({{"url", "http://127.0.0.1:1"}});
    const auto servers = eg::server::object_problem(proxy);
    REQUIRE(servers);
    CHECK_THAT(*servers, Catch::Contains("f0: a pool's servers has 10001 entries"));

    json server = {{"kind", "HTTPServer"}, {"name", "s"}, {"port", 80}, {"rules", json::array()}};
    for (int i = 0; i < 1001; ++i) server["rules"].push_back(json::object());
    CHECK(eg::server::object_problem(server) ==
          std::optional<std::string>("HTTPServer rules has 1001 entries, more than the 1000 "
                                     "allowed"));
}

TEST_CASE("bounded json: text nested too deeply is not parsed", "[objects]") {
    CHECK(eg::server::parse_bounded_json(std::string(100, '[') + std::string(100, ']'))
              .is_discarded());
    CHECK(eg::server::parse_bounded_json(
              R"({"a":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})")
              .is_object());
    CHECK(eg::server::parse_bounded_json("{").is_discarded());
}

TEST_CASE("utf8: first_invalid_utf8 finds overlong forms, surrogates and truncation", "[objects]") {
    CHECK_FALSE(eg::first_invalid_utf8("plain ascii"));
    CHECK_FALSE(eg::first_invalid_utf8("\xe2\x82\xac \xf0\x9f\x98\x80"));  // € 😀
    CHECK(eg::first_invalid_utf8("ab\xc0\x80") == 2u);                     // overlong NUL
    CHECK(eg::first_invalid_utf8("\xed\xa0\x80") == 0u);                   // surrogate
    CHECK(eg::first_invalid_utf8("\xf4\x90\x80\x80") == 0u);               // above U+10FFFF
    CHECK(eg::first_invalid_utf8("x\xe2\x82") == 1u);                      // truncated
    CHECK(eg::first_invalid_utf8("\x80") == 0u);                           // lone continuation
}

TEST_CASE("admin routes: an object larger than the limit once expanded is 413", "[objects]") {
    int writes = 0;
    eg::server::admin_backend backend;
    backend.waiting_for = [] { return std::string(); };
    backend.object_specs = []() -> std::optional<std::map<std::string, std::string>> {
        return std::map<std::string, std::string>{};
    };
    backend.max_object_bytes = 1024;
    eg::test::write_objects_with(backend, [&](const std::string&, const std::string&, const json*) {
        ++writes;
        return eg::server::object_write{eg::server::object_write::done, 1, ""};
    });
    const eg::server::admin_routes routes(backend);
    const auto answer =
        routes.handle("POST", "/apis/v2/objects", alias_bomb(2));  // 729 x: about 3 KB
    CHECK(answer.status == 413);
    CHECK_THAT(answer.body, Catch::Contains("once its YAML aliases are expanded") &&
                                Catch::Contains("max-call-send-msg-size"));
    CHECK(writes == 0);
}

TEST_CASE("admin routes: a stored object nested too deeply is left out, not a crash", "[objects]") {
    eg::server::admin_backend backend;
    backend.waiting_for = [] { return std::string(); };
    backend.object_specs = []() -> std::optional<std::map<std::string, std::string>> {
        return std::map<std::string, std::string>{{"deep", nested_json(20000)},
                                                  {"ok", R"({"kind":"Pipeline","name":"ok"})"}};
    };
    eg::test::write_objects_with(backend, [](const std::string&, const std::string&, const json*) {
        return eg::server::object_write{eg::server::object_write::done, 1, ""};
    });
    const eg::server::admin_routes routes(backend);
    const auto list = routes.handle("GET", "/apis/v2/objects");
    CHECK(list.status == 200);
    CHECK(list.body == R"([{"kind":"Pipeline","name":"ok"}])");
    CHECK(routes.handle("GET", "/apis/v2/objects/deep").status == 404);
}

TEST_CASE("admin routes: an error message quoting bytes that are not UTF-8 is still JSON",
          "[objects]") {
    const auto answer = eg::server::error_response(404, "no member \xff\xfe");
    CHECK(answer.status == 404);
    CHECK(json::parse(answer.body)["message"] == "no member \xef\xbf\xbd\xef\xbf\xbd");
}
