#include "tools/egctl/yaml_documents.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using eg::ctl::read_object_specs;
using eg::ctl::split_yaml_documents;
using eg::ctl::yaml_to_json;
using docs = std::vector<std::string>;

namespace {

// The JSON text of a one-document YAML text (compact, keys in byte order).
std::string as_json(const std::string& yaml) {
    const auto converted = yaml_to_json(yaml);
    REQUIRE(converted);
    return converted->dump();
}

std::string conversion_error(const std::string& yaml) {
    const auto converted = yaml_to_json(yaml);
    REQUIRE_FALSE(converted);
    return converted.error();
}

}  // namespace

TEST_CASE("egctl -f: documents are cut at --- lines, as Kubernetes' reader cuts them", "[egctl]") {
    const auto cut = split_yaml_documents(
        "---\nkind: A\nname: a\n---   # the second\nkind: B\n---\n---\n\nkind: C\nname: c");
    REQUIRE(cut);
    CHECK(*cut == docs{"kind: A\nname: a\n", "kind: B\n", "\nkind: C\nname: c"});
    // "---" inside a line, or indented, is content; "----" is not a separator either.
    const auto inner = split_yaml_documents("a: ---\n  ---\n");
    REQUIRE(inner);
    CHECK(*inner == docs{"a: ---\n  ---\n"});
    CHECK(split_yaml_documents("a: 1\n---x\n").error() == "invalid Yaml document separator: x");
    CHECK(split_yaml_documents("a: 1\n----\n").error() == "invalid Yaml document separator: -");
    CHECK(split_yaml_documents("")->empty());
    CHECK(split_yaml_documents("---\n---\n")->empty());
}

TEST_CASE("egctl -f: numbers are typed as go-yaml v2 types them", "[egctl]") {
    CHECK(as_json("a: 10080\nb: -3\nc: +7\nd: 0\n") == R"({"a":10080,"b":-3,"c":7,"d":0})");
    CHECK(as_json("hex: 0x1F\noctal: 0o17\nold: 017\nbinary: 0b101\nbig: 1_000_000\n") ==
          R"({"big":1000000,"binary":5,"hex":31,"octal":15,"old":15})");
    // Floats without a fraction are the integers Go writes for them.
    CHECK(as_json("a: 1.5\nb: -0.25\nc: 1e3\nd: .5\ne: 2.\nf: 08\n") ==
          R"({"a":1.5,"b":-0.25,"c":1000,"d":0.5,"e":2,"f":8})");
    // Past int64: uint64, then a float; past a double: a string.
    CHECK(as_json("u: 18446744073709551615\nf: 18446744073709551616\ns: 1e999\n") ==
          R"({"f":1.8446744073709552e+19,"s":"1e999","u":18446744073709551615})");
    CHECK(as_json("min: -9223372036854775808\n") == R"({"min":-9223372036854775808})");
    // Not numbers: versions, addresses, durations, timestamps, quoted digits, tagged strings.
    CHECK(as_json("a: 1.2.3\nb: 127.0.0.1:8080\nc: 10s\nd: 2026-04-01T10:00:00Z\ne: '1'\n"
                  "f: \"2\"\ng: !!str 3\nh: 0x\ni: -x\nj: 1_\n") ==
          R"({"a":"1.2.3","b":"127.0.0.1:8080","c":"10s","d":"2026-04-01T10:00:00Z","e":"1",)"
          R"("f":"2","g":"3","h":"0x","i":"-x","j":1})");
    CHECK(conversion_error("a: .inf\n") == "json: unsupported value: +Inf");
    CHECK(conversion_error("a: -.Inf\n") == "json: unsupported value: -Inf");
    CHECK(conversion_error("a: [.nan]\n") == "json: unsupported value: NaN");
}

TEST_CASE("egctl -f: bools and nulls, YAML 1.1 spellings included; quoted ones are strings",
          "[egctl]") {
    CHECK(as_json("a: true\nb: True\nc: yes\nd: on\ne: Y\nf: TRUE\n") ==
          R"({"a":true,"b":true,"c":true,"d":true,"e":true,"f":true})");
    CHECK(as_json("a: false\nb: No\nc: off\nd: n\ne: FALSE\n") ==
          R"({"a":false,"b":false,"c":false,"d":false,"e":false})");
    CHECK(as_json("a: ~\nb: null\nc:\nd: NULL\n") == R"({"a":null,"b":null,"c":null,"d":null})");
    CHECK(as_json("a: 'yes'\nb: \"true\"\nc: 'null'\nd: yess\ne: truex\n") ==
          R"({"a":"yes","b":"true","c":"null","d":"yess","e":"truex"})");
}

TEST_CASE("egctl -f: nested maps and lists, keys in byte order as the member stores them",
          "[egctl]") {
    const std::string spec = R"(name: pipeline-demo
kind: Pipeline
flow:
  - filter: proxy
  - filter: END
filters:
  - name: proxy
    kind: Proxy
    pools:
    - servers:
      - url: http://127.0.0.1:9095
        weight: 2
      loadBalance:
        policy: roundRobin
    timeout: 
    empty: []
    none: {}
matrix: [[1, 2], [a, {b: c}]]
)";
    CHECK(as_json(spec) ==
          R"({"filters":[{"empty":[],"kind":"Proxy","name":"proxy","none":{},"pools":)"
          R"([{"loadBalance":{"policy":"roundRobin"},"servers":[{"url":"http://127.0.0.1:9095",)"
          R"("weight":2}]}],"timeout":null}],"flow":[{"filter":"proxy"},{"filter":"END"}],)"
          R"("kind":"Pipeline","matrix":[[1,2],["a",{"b":"c"}]],"name":"pipeline-demo"})");
}

TEST_CASE("egctl -f: block scalars, anchors, merge keys and keys that are not strings", "[egctl]") {
    CHECK(as_json("script: |\n  line 1\n  line 2\nfolded: >\n  a\n  b\n") ==
          R"({"folded":"a b\n","script":"line 1\nline 2\n"})");
    CHECK(as_json("base: &b {port: 80, host: h}\nuse: *b\n") ==
          R"({"base":{"host":"h","port":80},"use":{"host":"h","port":80}})");
    // Explicit keys win over merged ones wherever they stand; earlier merged maps win.
    CHECK(as_json("a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  x: 0\n  <<: [*a, *b]\n") ==
          R"({"a":{"x":1,"y":1},"b":{"y":2,"z":2},"c":{"x":0,"y":1,"z":2}})");
    CHECK(as_json("c:\n  <<: {x: 1}\n  x: 0\n") == R"({"c":{"x":0}})");
    CHECK(as_json("'<<': {x: 1}\n") == R"({"<<":{"x":1}})");  // a quoted "<<" is a plain key
    CHECK(as_json("1: a\ntrue: b\n~: c\n") == R"({"1":"a","null":"c","true":"b"})");
    CHECK(conversion_error("a:\n  <<: 5\n") ==
          "yaml: line 2: map merge requires map or sequence of maps as the value");
}

TEST_CASE("egctl -f: YAML errors, duplicate keys and empty documents", "[egctl]") {
    CHECK(conversion_error("a: [1\n") ==
          "error converting YAML to JSON: yaml: line 2: end of sequence flow not found");
    CHECK(conversion_error("kind: A\nname: x\nkind: B\n") ==
          "yaml: line 3: mapping key \"kind\" already defined at line 1");
    CHECK(conversion_error("? [a]\n: 1\n") == "yaml: line 1: a mapping key must be a scalar");
    CHECK(yaml_to_json("")->is_null());
    CHECK(yaml_to_json("\n  \n# only a comment\n")->is_null());
    CHECK(as_json("just text") == R"("just text")");
}

TEST_CASE("egctl -f: specs of a multi-document file", "[egctl]") {
    const auto specs = read_object_specs(R"(# demo objects
kind: HTTPServer
name: demo
port: 10080
---
# nothing here
---
name: pipeline-demo
kind: Pipeline
flow: [{filter: proxy}]
)");
    REQUIRE(specs);
    REQUIRE(specs->size() == 2);
    CHECK((*specs)[0].kind == "HTTPServer");
    CHECK((*specs)[0].name == "demo");
    CHECK((*specs)[0].doc == "# demo objects\nkind: HTTPServer\nname: demo\nport: 10080\n");
    CHECK((*specs)[0].json.dump() == R"({"kind":"HTTPServer","name":"demo","port":10080})");
    CHECK((*specs)[1].kind == "Pipeline");
    CHECK((*specs)[1].name == "pipeline-demo");
    CHECK((*specs)[1].json.dump() ==
          R"({"flow":[{"filter":"proxy"}],"kind":"Pipeline","name":"pipeline-demo"})");
    CHECK(read_object_specs("")->empty());
}

TEST_CASE("egctl -f: a document without kind, or not a mapping, fails the whole file", "[egctl]") {
    CHECK(read_object_specs("kind: A\nname: a\n---\nname: b\nport: 1\n").error() ==
          "kind is empty: name: b\nport: 1\n");
    CHECK(read_object_specs("kind: ''\nname: a\n").error() == "kind is empty: kind: ''\nname: a\n");
    CHECK(read_object_specs("- kind: A\n").error() ==
          "error parsing - kind: A\n: error unmarshaling JSON: while decoding JSON: json: cannot "
          "unmarshal array into Go value of type general.Spec");
    CHECK(read_object_specs("kind: 5\nname: a\n").error() ==
          "error parsing kind: 5\nname: a\n: error unmarshaling JSON: while decoding JSON: json: "
          "cannot unmarshal number into Go struct field Spec.Kind of type string");
    CHECK(read_object_specs("kind: A\nname: [x]\n").error() ==
          "error parsing kind: A\nname: [x]\n: error unmarshaling JSON: while decoding JSON: "
          "json: cannot unmarshal array into Go struct field Spec.Name of type string");
    CHECK(read_object_specs("kind: A\nname: a\n---\nkind: {\n").error() ==
          "error parsing kind: {\n: error converting YAML to JSON: yaml: line 2: end of map flow "
          "not found");
    CHECK(read_object_specs("kind: A\n---x\n").error() == "invalid Yaml document separator: x");
}

namespace {

// Nine anchors, each a list of nine uses of the one before: 9^9 scalars once expanded.
std::string alias_bomb() {
    std::string text = "kind: HTTPServer\na: &a [x, x, x, x, x, x, x, x, x]\n";
    for (char name = 'b'; name <= 'i'; ++name) {
        text += std::string(1, name) + ": &" + name + " [";
        for (int i = 0; i < 9; ++i) text += std::string(i ? ", " : "") + "*" + char(name - 1);
        text += "]\n";
    }
    return text;
}

}  // namespace

TEST_CASE("egctl -f: nesting beyond 64 levels is refused, in YAML and in JSON", "[egctl]") {
    std::string yaml = "kind: A\nspec:\n";
    for (int level = 1; level <= 70; ++level)
        yaml += std::string(static_cast<std::size_t>(2 * level), ' ') + "k:\n";
    CHECK(conversion_error(yaml) ==
          "error converting YAML to JSON: yaml: line 66: the document is nested deeper than 64 "
          "levels");
    // JSON is counted before it is parsed, with the byte where it passes the bound.
    CHECK(conversion_error("{\"kind\": " + std::string(70, '[') + std::string(70, ']') + "}") ==
          "error converting YAML to JSON: the document is nested deeper than 64 levels (at byte "
          "72)");
    // Deeper than the YAML parser goes (flow style, not JSON at its start).
    CHECK(conversion_error("kind: " + std::string(5000, '[')) ==
          "error converting YAML to JSON: yaml: line 1: the document is nested deeper than 64 "
          "levels");
    // An alias inside its own anchor would be endless.
    CHECK(conversion_error("kind: A\na: &a [x, *a]\n") ==
          "error converting YAML to JSON: yaml: line 2: the document is nested deeper than 64 "
          "levels");
    CHECK(as_json(std::string(64, '[') + std::string(64, ']')) ==
          std::string(64, '[') + std::string(64, ']'));
}

TEST_CASE("egctl -f: aliases expanding beyond the node bound are refused", "[egctl]") {
    const auto specs = read_object_specs(alias_bomb());
    REQUIRE_FALSE(specs);
    CHECK(specs.error().find("error converting YAML to JSON: yaml: line ") != std::string::npos);
    CHECK(specs.error().find(": the document has more than ") != std::string::npos);
    CHECK(specs.error().find(" nodes once its aliases are expanded") != std::string::npos);
}

// 90,000 keys and their values stay within the 200,000 nodes a document may have.
TEST_CASE("egctl -f: a mapping of 90,000 keys converts whole, in byte order", "[egctl]") {
    std::string yaml = "kind: A\nname: a\nlabels:\n";
    for (int i = 0; i < 90000; ++i) yaml += "  k" + std::to_string(90000 - i) + ": v\n";
    yaml += "<<: {labels: no, extra: 1}\n";
    const auto json_value = yaml_to_json(yaml);
    REQUIRE(json_value);
    const auto& labels = (*json_value)["labels"];
    REQUIRE(labels.size() == 90000);
    CHECK(labels.begin().key() == "k1");
    CHECK((--labels.end()).key() == "k9999");
    CHECK(labels.is_object());  // the merged "labels: no" does not win over the written one
    CHECK((*json_value)["extra"] == 1);
    // A key given twice among them is still found, with the line of the first.
    CHECK(conversion_error(yaml + "labels: {}\n") ==
          "yaml: line 90005: mapping key \"labels\" already defined at line 3");
}
