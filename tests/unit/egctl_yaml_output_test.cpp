#include "tools/egctl/json_output.hpp"
#include "tools/egctl/yaml_output.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

using eg::ctl::format_body;
using eg::ctl::indent_json;
using eg::ctl::output_format;
using eg::ctl::to_yaml;
using eg::ctl::yaml_dialect;
using eg::ctl::yaml_string;
using json = nlohmann::ordered_json;

TEST_CASE("egctl yaml: strings stay plain unless YAML would read them otherwise", "[egctl]") {
    // Plain: what go-yaml writes bare.
    for (const char* s :
         {"machine-1", "10.0.0.1:2381", "http://10.0.0.1:2380", "10s", "1h30m", "<redacted>", "a b",
          "0.0.0.0", "1.2.3", "8e9e05c52164694d", "v1.0", "-x", "a:b", "a#b", "x-", "é"})
        CHECK(yaml_string(s) == s);
    // Double-quoted: would read back as null, a bool, a number, a timestamp or base 60.
    for (const char* s : {"",
                          "~",
                          "null",
                          "true",
                          "False",
                          "yes",
                          "No",
                          "on",
                          "OFF",
                          "y",
                          "n",
                          "10",
                          "-3",
                          "+7",
                          "0x1F",
                          "0o17",
                          "017",
                          "09",
                          "1.5",
                          "1e6",
                          ".5",
                          ".inf",
                          "-.Inf",
                          ".nan",
                          "1_000",
                          "2026-04-01",
                          "2026-04-01T10:00:05Z",
                          "2026-04-01T10:00:05.5+08:00",
                          "1:30",
                          "<<"})
        CHECK(yaml_string(s) == "\"" + std::string(s) + "\"");
    // Single-quoted: starts with an indicator, or has ": " / " #", or edge spaces.
    CHECK(yaml_string("*") == "'*'");
    CHECK(yaml_string("- item") == "'- item'");
    CHECK(yaml_string("a: b") == "'a: b'");
    CHECK(yaml_string("a #b") == "'a #b'");
    CHECK(yaml_string(" lead") == "' lead'");
    CHECK(yaml_string("trail ") == "'trail '");
    CHECK(yaml_string("@x") == "'@x'");
    CHECK(yaml_string("it's") == "it's");
    CHECK(yaml_string("'q'") == "'''q'''");
    CHECK(yaml_string("---") == "'---'");
    // Double-quoted with escapes: characters that single quotes cannot hold.
    CHECK(yaml_string("a\tb") == "\"a\\tb\"");
    CHECK(yaml_string(std::string("a\x01") + "b") == "\"a\\x01b\"");
    CHECK(yaml_string("\"q\" \\") == "'\"q\" \\'");
}

TEST_CASE("egctl yaml: multi-line strings are literal blocks", "[egctl]") {
    CHECK(to_yaml(json{{"k", "a\nb"}}) == "k: |-\n    a\n    b\n");
    CHECK(to_yaml(json{{"k", "a\nb\n"}}) == "k: |\n    a\n    b\n");
    CHECK(to_yaml(json{{"k", "a\n\nb\n\n"}}) == "k: |+\n    a\n\n    b\n\n");
    CHECK(to_yaml(json{{"k", " a\nb"}}) == "k: |4-\n     a\n    b\n");
    CHECK(to_yaml(json{{"k", "a\nb"}}, yaml_dialect::v2) == "k: |-\n  a\n  b\n");
    CHECK(to_yaml(json::array({"a\nb"})) == "- |-\n  a\n  b\n");
    CHECK(to_yaml(json("a\nb")) == "|-\n    a\n    b\n");
    // A multi-line key cannot be a block: double quotes.
    CHECK(to_yaml(json{{"a\nb", 1}}) == "\"a\\nb\": 1\n");
    // Trailing spaces before a break rule out blocks too.
    CHECK(to_yaml(json{{"k", "a \nb"}}) == "k: \"a \\nb\"\n");
}

TEST_CASE("egctl yaml: numbers, bools, null and empty collections", "[egctl]") {
    const auto doc = json::parse(
        R"({"i":10485760,"neg":-3,"u":18446744073709551615,"f":1.5,"big":1e21,"small":0.00001,
            "whole":2.0,"t":true,"n":null,"o":{},"a":[]})");
    CHECK(to_yaml(doc) ==
          "a: []\n"
          "big: 1e+21\n"
          "f: 1.5\n"
          "i: 10485760\n"
          "\"n\": null\n"  // a key is quoted like any string: n is a YAML 1.1 bool
          "neg: -3\n"
          "o: {}\n"
          "small: 1e-05\n"
          "t: true\n"
          "u: 18446744073709551615\n"
          "whole: 2\n");
    CHECK(eg::ctl::yaml_detail::go_float(10485760.0) == "1.048576e+07");
    CHECK(eg::ctl::yaml_detail::go_float(123456.0) == "123456");
    CHECK(eg::ctl::yaml_detail::go_float(0.0001) == "0.0001");
    CHECK(eg::ctl::yaml_detail::go_float(-0.25) == "-0.25");
    CHECK(to_yaml(json(nullptr)) == "null\n");
    CHECK(to_yaml(json::array()) == "[]\n");
}

TEST_CASE("egctl yaml: keys in go-yaml's order", "[egctl]") {
    std::vector<std::string> keys = {"b", "a10", "A", "a2", "_x", "a", "Z", "a1b", "a1_"};
    std::sort(keys.begin(), keys.end(), [](const std::string& x, const std::string& y) {
        return eg::ctl::yaml_key_less(x, y);
    });
    // Non-letters before letters, upper case before lower case, digit runs by value, and
    // (go-yaml v3) after a digit a letter before a non-letter.
    CHECK(keys == std::vector<std::string>{"_x", "A", "Z", "a", "a1b", "a1_", "a2", "a10", "b"});
    // go-yaml v2 puts the non-letter first even after a digit.
    CHECK(eg::ctl::yaml_key_less("a1_", "a1b", yaml_dialect::v2));
    CHECK_FALSE(eg::ctl::yaml_key_less("a1_", "a1b", yaml_dialect::v3));
}

TEST_CASE("egctl yaml: v3 indents by 4 and indents sequences under their key", "[egctl]") {
    const auto doc = json::parse(R"([{"name":"m1","options":{"Cluster":{"ListenPeerURLs":
        ["http://a:2380","http://b:2380"],"InitialCluster":[{"m1":"http://a:2380"}]},"Tags":[[1,2]]}},
        {"name":"m2"}])");
    CHECK(to_yaml(doc) ==
          "- name: m1\n"
          "  options:\n"
          "    Cluster:\n"
          "        InitialCluster:\n"
          "            - m1: http://a:2380\n"
          "        ListenPeerURLs:\n"
          "            - http://a:2380\n"
          "            - http://b:2380\n"
          "    Tags:\n"
          "        - - 1\n"
          "          - 2\n"
          "- name: m2\n");
}

TEST_CASE("egctl yaml: v2 indents by 2 and keeps sequences flush with their key", "[egctl]") {
    const auto doc = json::parse(R"({"Cluster":{"ListenPeerURLs":["http://a:2380"],
        "InitialCluster":[{"m1":"http://a:2380","m2":"http://b:2380"}]},"Tags":[[1,2]]})");
    CHECK(to_yaml(doc, yaml_dialect::v2) ==
          "Cluster:\n"
          "  InitialCluster:\n"
          "  - m1: http://a:2380\n"
          "    m2: http://b:2380\n"
          "  ListenPeerURLs:\n"
          "  - http://a:2380\n"
          "Tags:\n"
          "- - 1\n"
          "  - 2\n");
}

TEST_CASE("egctl json: re-indents the body as Go's json.Indent", "[egctl]") {
    CHECK(indent_json(R"( [{"b":1,"a":[],"c":{},"d":[1,{"e":"x, y: {z}"}]}])") ==
          "[\n"
          "  {\n"
          "    \"b\": 1,\n"
          "    \"a\": [],\n"
          "    \"c\": {},\n"
          "    \"d\": [\n"
          "      1,\n"
          "      {\n"
          "        \"e\": \"x, y: {z}\"\n"
          "      }\n"
          "    ]\n"
          "  }\n"
          "]");
    // Tokens are kept as sent: escapes, number spelling, trailing whitespace.
    CHECK(indent_json("{\"a\":\"\\u003c\\\"\",\"n\":1.50}\n") ==
          "{\n  \"a\": \"\\u003c\\\"\",\n  \"n\": 1.50\n}\n");
    CHECK_FALSE(indent_json("not json"));
}

TEST_CASE("egctl output: -o json and -o yaml of a body", "[egctl]") {
    CHECK(*format_body(R"({"message": "OK"})", output_format::json) ==
          "{\n  \"message\": \"OK\"\n}");
    CHECK(*format_body(R"({"message": "OK"})", output_format::yaml) == "message: OK\n");
    CHECK(*format_body("", output_format::yaml) == "");
    CHECK(*format_body("oops", output_format::json) == "oops");
    CHECK(format_body("oops", output_format::yaml).error() ==
          "json oops to yaml failed: the body is not JSON");
}

TEST_CASE("egctl output: -o accepts default, yaml and json only", "[egctl]") {
    CHECK(*eg::ctl::parse_output_format("default") == output_format::standard);
    CHECK(*eg::ctl::parse_output_format("yaml") == output_format::yaml);
    CHECK(*eg::ctl::parse_output_format("json") == output_format::json);
    CHECK(eg::ctl::parse_output_format("wide").error() ==
          "unsupported output format: wide, only support (yaml, json and default)");
    CHECK(eg::ctl::parse_output_format("").error() ==
          "unsupported output format: , only support (yaml, json and default)");
}
