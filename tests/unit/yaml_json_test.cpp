// The one reading of object texts (eg::yaml_json::read_document): go-yaml v2 scalars, merge
// keys, duplicate keys as diagnostics with their place, one key order, JSON read as YAML reads
// it, and the bounds of outside documents.

#include <eg/yaml_json.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

using eg::yaml_json::read_document;

namespace {

std::string read_as_json(const std::string& text) {
    const auto read = read_document(text);
    INFO(text);
    REQUIRE(read);
    return read.value.dump();
}

// The problem of a text that is refused.
eg::diag::diagnostic problem_of(const std::string& text, const std::string& source = "f.yaml") {
    const auto read = read_document(text, source);
    INFO(text);
    REQUIRE_FALSE(read);
    return *read.problem;
}

eg::diag::location at(int line, int column, const std::string& source = "f.yaml") {
    return eg::diag::file_location{source, line, column};
}

}  // namespace

TEST_CASE("yaml json: scalars are typed as go-yaml v2 (YAML 1.1) types them", "[yaml_json]") {
    CHECK(read_as_json("a: yes\nb: On\nc: n\nd: 'yes'\ne: true\n") ==
          R"({"a":true,"b":true,"c":false,"d":"yes","e":true})");
    CHECK(read_as_json("hex: 0x10\nkilo: 1e3\nhalf: 0.5\nold: 010\ntwo: 2.0\nbig: 1_000\n") ==
          R"({"big":1000,"half":0.5,"hex":16,"kilo":1000,"old":8,"two":2})");
    CHECK(read_as_json("a: ~\nb: 10s\nc: 2026-04-01\nd: !!str 5\ne: \"0x10\"\n") ==
          R"({"a":null,"b":"10s","c":"2026-04-01","d":"5","e":"0x10"})");
    CHECK(read_document("").value.is_null());
    CHECK(read_document("# only a comment\n").value.is_null());
}

TEST_CASE("yaml json: anchors and merge keys; written keys win, earlier merges win",
          "[yaml_json]") {
    CHECK(read_as_json("base: &b {x: 1, y: 1}\nmore: &m {y: 2, z: 2}\n"
                       "use:\n  x: 0\n  <<: [*b, *m]\nplain: *b\n") ==
          R"({"base":{"x":1,"y":1},"more":{"y":2,"z":2},"plain":{"x":1,"y":1},)"
          R"("use":{"x":0,"y":1,"z":2}})");
    const auto bad_merge = problem_of("a:\n  <<: 5\n");
    CHECK(bad_merge.code == "EG105");
    CHECK(bad_merge.where == at(2, 7));
    CHECK(bad_merge.message == "map merge requires map or sequence of maps as the value");
}

TEST_CASE("yaml json: a key given twice is EG104 at the second, naming the first's line",
          "[yaml_json]") {
    const auto twice = problem_of("kind: A\nname: x\nspec:\n  k: 1\n  k: 2\n");
    CHECK(twice.code == "EG104");
    CHECK(twice.where == at(5, 3));
    CHECK(twice.message == "mapping key \"k\" already defined at line 4");
    // In JSON too, found by the YAML reading with its place.
    const auto json_twice = problem_of("{\"a\": 1,\n  \"b\": {\"c\": 1, \"c\": 2}}", "body");
    CHECK(json_twice.code == "EG104");
    CHECK(json_twice.where == at(2, 17, "body"));
    // A key written once and merged once is not given twice.
    CHECK(read_as_json("m: &m {k: 1}\nn:\n  <<: *m\n  k: 2\n") == R"({"m":{"k":1},"n":{"k":2}})");
}

TEST_CASE("yaml json: JSON and YAML of one object read the same", "[yaml_json]") {
    const std::string yaml = "name: nn\nkind: K\nw: 1.0\nr: 0.25\nlist: [1, -2, 3e2]\nt: true\n";
    const std::string json = R"({"name":"nn","kind":"K","w":1.0,"r":0.25,"list":[1,-2,3e2],)"
                             R"("t":true})";
    CHECK(read_as_json(yaml) == read_as_json(json));
    CHECK(read_as_json(json) == R"({"kind":"K","list":[1,-2,300],"name":"nn","r":0.25,"t":true,)"
                                R"("w":1})");
}

TEST_CASE("yaml json: the bounds of outside documents hold", "[yaml_json]") {
    // Not UTF-8: the place of the byte.
    const auto encoding = problem_of("a: 1\nb: \xff\n");
    CHECK(encoding.code == "EG101");
    CHECK(encoding.where == at(2, 4));
    CHECK(encoding.message == "the text is not valid UTF-8 (byte 8)");
    // An escape that makes a lone surrogate, in YAML or JSON.
    CHECK(problem_of("a: \"\\ud800\"\n").code == "EG101");
    CHECK(problem_of("{\"a\": \"\\ud800\"}").code == "EG101");
    // Nesting, in JSON (measured before parsing) and YAML; aliases counted each time used.
    CHECK(problem_of(std::string(70, '[') + std::string(70, ']')).message ==
          "the document is nested deeper than 64 levels (at byte 64)");
    CHECK(problem_of("a: " + std::string(5000, '[')).code == "EG122");
    CHECK(problem_of("a: &a [x, *a]\n").code == "EG122");
    std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n";
    for (char name = 'b'; name <= 'i'; ++name) {
        bomb += std::string(1, name) + ": &" + name + " [";
        for (int i = 0; i < 9; ++i) bomb += std::string(i ? ", " : "") + "*" + char(name - 1);
        bomb += "]\n";
    }
    // A small text expands to at most 1000 nodes plus 16 per byte.
    CHECK(problem_of(bomb).message == "the document has more than " +
                                          std::to_string(1000 + 16 * bomb.size()) +
                                          " nodes once its aliases are expanded");
    // One document; a text the parser cannot read on from is refused, not a hang.
    CHECK(problem_of("a: 1\n---\nb: 2\n").message == "the text holds 2 YAML documents");
    CHECK(read_as_json("---\na: 1\n---\n") == R"({"a":1})");
    CHECK(problem_of(", ]").message == "the YAML parser cannot read on from here");
    CHECK(problem_of("a: .inf\n").message == "json: unsupported value: +Inf");
}

TEST_CASE("yaml json: a problem on one line names its place, code and hint", "[yaml_json]") {
    CHECK(eg::yaml_json::one_line(problem_of("a: 1\na: 2\n", "objects.yaml")) ==
          "objects.yaml:2:1: mapping key \"a\" already defined at line 1 [EG104] (keep one of "
          "them)");
    CHECK(eg::yaml_json::one_line(problem_of("a: 1\na: 2\n", "")) ==
          "line 2, column 1: mapping key \"a\" already defined at line 1 [EG104] (keep one of "
          "them)");
}
