// The bounds on outside input for the configuration side: read_input_file refuses what is not a
// regular file or is too large without blocking, check_yaml_document stops at the nesting and
// node bounds (aliases counted per use), and the config readers report both as diagnostics.

#include <eg/cluster_description.hpp>
#include <eg/config_file.hpp>
#include <eg/config_loader.hpp>
#include <eg/input_limits.hpp>
#include <eg/yaml_limits.hpp>
#include <eg/yaml_reading.hpp>

#include <sys/stat.h>
#include <sys/types.h>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/diagnostic_checks.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace cfg = eg::config;
namespace diag = eg::diag;
namespace limits = eg::limits;

using eg::test::only;

// Nine anchors, each a list of nine uses of the one before: 9^9 scalars once expanded, in
// about 300 bytes.
std::string alias_bomb() {
    std::string text = "a: &a [x, x, x, x, x, x, x, x, x]\n";
    for (char name = 'b'; name <= 'i'; ++name) {
        text += std::string(1, name) + ": &" + name + " [";
        for (int i = 0; i < 9; ++i) text += std::string(i ? ", " : "") + "*" + char(name - 1);
        text += "]\n";
    }
    return text;
}

// `depth` nested flow sequences around one scalar.
std::string nested_lists(int depth) {
    return std::string(static_cast<std::size_t>(depth), '[') + "x" +
           std::string(static_cast<std::size_t>(depth), ']');
}

// A member file whose labels map has `entries` entries, l0000000: v0 ...
std::string labels_file(int entries) {
    std::string text = "name: machine-1\nlabels:\n";
    for (int i = 0; i < entries; ++i)
        text += "  l" + std::to_string(1000000 + i) + ": v" + std::to_string(i) + "\n";
    return text;
}

}  // namespace

// read_input_file

TEST_CASE("read_input_file: reads a regular file whole", "[input_limits]") {
    eg::test::temp_dir dir;
    const auto path = dir.write("m.yaml", "name: a\n").string();
    const auto file = limits::read_input_file(path, 100);
    REQUIRE(file.text);
    CHECK(*file.text == "name: a\n");
    CHECK(file.kind == limits::file_problem::none);
}

TEST_CASE("read_input_file: a missing file cannot be opened, with the system's reason",
          "[input_limits]") {
    eg::test::temp_dir dir;
    const auto file = limits::read_input_file((dir.path() / "gone.yaml").string(), 100);
    CHECK_FALSE(file.text);
    CHECK(file.kind == limits::file_problem::cannot_open);
    CHECK(file.error_number == ENOENT);
    CHECK(file.problem == "No such file or directory");
}

TEST_CASE("read_input_file: refuses a directory", "[input_limits]") {
    eg::test::temp_dir dir;
    const auto file = limits::read_input_file(dir.path().string(), 100);
    CHECK_FALSE(file.text);
    CHECK(file.kind == limits::file_problem::directory);
    CHECK(file.problem == "is a directory, not a file");
}

TEST_CASE("read_input_file: refuses a FIFO without a writer instead of waiting on it",
          "[input_limits]") {
    eg::test::temp_dir dir;
    const auto path = (dir.path() / "fifo.yaml").string();
    REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
    const auto file = limits::read_input_file(path, 100);
    CHECK_FALSE(file.text);
    CHECK(file.kind == limits::file_problem::not_regular_file);
}

TEST_CASE("read_input_file: refuses /dev/zero instead of reading it until memory runs out",
          "[input_limits]") {
    const auto file = limits::read_input_file("/dev/zero", limits::max_config_file_bytes);
    CHECK_FALSE(file.text);
    CHECK(file.kind == limits::file_problem::not_regular_file);
    CHECK(file.problem == "is not a regular file (a device, FIFO or socket)");
}

TEST_CASE("read_input_file: refuses a file larger than the bound, and takes one of its size",
          "[input_limits]") {
    eg::test::temp_dir dir;
    const auto path = dir.write("big.yaml", std::string(101, 'x')).string();
    const auto refused = limits::read_input_file(path, 100);
    CHECK_FALSE(refused.text);
    CHECK(refused.kind == limits::file_problem::too_large);
    CHECK(refused.problem == "is 101 bytes, more than the 100 bytes allowed");
    const auto taken = limits::read_input_file(path, 101);
    REQUIRE(taken.text);
    CHECK(taken.text->size() == 101);
}

// json_nesting_problem

TEST_CASE("json_nesting_problem: counts brackets outside strings only", "[input_limits]") {
    CHECK_FALSE(limits::json_nesting_problem(nested_lists(64)));
    CHECK(limits::json_nesting_problem(nested_lists(65)) ==
          "nested deeper than 64 levels (at byte 64)");
    CHECK_FALSE(limits::json_nesting_problem("{\"a\": \"" + std::string(100, '[') + "\"}"));
    CHECK_FALSE(limits::json_nesting_problem("[\"\\\"[[[[\"]", 1));
}

// check_yaml_document

TEST_CASE("check_yaml_document: takes 64 levels and stops at the 65th", "[input_limits]") {
    CHECK_FALSE(limits::check_yaml_document(YAML::Load(nested_lists(64))));
    const auto problem = limits::check_yaml_document(YAML::Load(nested_lists(65)));
    REQUIRE(problem);
    CHECK(problem->too_deep);
    CHECK(problem->message == "nested deeper than 64 levels");
    CHECK(problem->mark.column == 64);
}

TEST_CASE("check_yaml_document: an alias inside its own anchor is too deep, not endless",
          "[input_limits]") {
    const auto problem = limits::check_yaml_document(YAML::Load("a: &a [x, *a]\n"));
    REQUIRE(problem);
    CHECK(problem->too_deep);
}

TEST_CASE("check_yaml_document: counts every use of an alias and stops at the node bound",
          "[input_limits]") {
    const auto problem = limits::check_yaml_document(YAML::Load(alias_bomb()));
    REQUIRE(problem);
    CHECK_FALSE(problem->too_deep);
    CHECK(problem->message == "has more than 200000 nodes once its aliases are expanded");

    // Three levels (9^3 scalars) are well within the bound.
    CHECK_FALSE(
        limits::check_yaml_document(YAML::Load("a: &a [x, x, x, x, x, x, x, x, x]\n"
                                               "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                                               "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n")));
}

TEST_CASE("node_bound_for: 1000 nodes plus 16 per byte of the text, up to the total",
          "[input_limits]") {
    CHECK(limits::node_bound_for(0, 200'000) == 1'000);
    CHECK(limits::node_bound_for(380, 200'000) == 7'080);
    CHECK(limits::node_bound_for(12'437, 200'000) == 199'992);
    CHECK(limits::node_bound_for(12'438, 200'000) == 200'000);
    CHECK(limits::node_bound_for(4 * 1024 * 1024, 1'000'000) == 1'000'000);
    CHECK(limits::node_bound_for(std::size_t(-1), 1'000'000) == 1'000'000);
}

TEST_CASE("check_yaml_document: counts keys and values of a mapping", "[input_limits]") {
    const auto root = YAML::Load("{a: 1, b: 2}");
    CHECK_FALSE(limits::check_yaml_document(root, limits::document_budget(64, 5)));
    CHECK(limits::check_yaml_document(root, limits::document_budget(64, 4)));
}

// The configuration readers

TEST_CASE("load_yaml: an alias bomb is EG122 naming the node bound, not gigabytes",
          "[input_limits]") {
    diag::diagnostics out;
    const std::string bomb = alias_bomb();
    CHECK_FALSE(cfg::load_yaml(bomb, "m.yaml", out));
    const auto d = only(out, "EG122");
    // A small text may expand to 1000 nodes plus 16 per byte (at most 1,000,000).
    const std::size_t bound = 1000 + 16 * bomb.size();
    REQUIRE(bound < limits::max_config_document_nodes);
    CHECK(limits::node_bound_for(bomb.size(), limits::max_config_document_nodes) == bound);
    CHECK(d.message == "the YAML has more than " + std::to_string(bound) +
                           " nodes once its aliases are expanded");
    CHECK(diag::location_text(d.where).rfind("m.yaml:", 0) == 0);
    CHECK(d.hint.find("alias") != std::string::npos);
}

TEST_CASE("load_yaml: nesting beyond 64 levels is EG122 at the first node too deep",
          "[input_limits]") {
    diag::diagnostics out;
    std::string text = "name: a\nlabels:\n";
    for (int level = 1; level <= 70; ++level)
        text += std::string(static_cast<std::size_t>(2 * level), ' ') + "k:\n";
    CHECK_FALSE(cfg::load_yaml(text, "m.yaml", out));
    const auto d = only(out, "EG122");
    CHECK(d.message == "the YAML is nested deeper than 64 levels of mappings and lists");
    CHECK(diag::location_text(d.where) == "m.yaml:66:129");
}

TEST_CASE("load_yaml: nesting the YAML parser itself refuses is EG122 too, not a bad file",
          "[input_limits]") {
    diag::diagnostics out;
    CHECK_FALSE(cfg::load_yaml(nested_lists(5000), "m.yaml", out));
    const auto d = only(out, "EG122");
    CHECK(d.message == "the YAML is nested deeper than 64 levels of mappings and lists");
}

TEST_CASE("read_config_text: a labels map of 100,000 entries is read whole, in order",
          "[input_limits]") {
    diag::diagnostics out;
    const auto values = cfg::read_config_text(labels_file(100000), "m.yaml", out);
    CHECK(out.empty());
    const cfg::file_value* labels = nullptr;
    for (const auto& v : values)
        if (v.spec == &cfg::opt::labels.spec) labels = &v;
    REQUIRE(labels);
    const auto& pairs = std::get<cfg::string_pairs>(labels->value);
    REQUIRE(pairs.size() == 100000);
    CHECK(pairs.front() == std::pair<std::string, std::string>("l1000000", "v0"));
    CHECK(pairs.back() == std::pair<std::string, std::string>("l1099999", "v99999"));
    CHECK(labels->source.item_places.size() == 100000);
}

TEST_CASE("read_config_text: a key given twice among 100,000 is EG104 once, at the second",
          "[input_limits]") {
    diag::diagnostics out;
    const auto text = labels_file(100000) + "  l1000007: again\n";
    cfg::read_config_text(text, "m.yaml", out);
    const auto d = only(out, "EG104");
    CHECK(diag::location_text(d.where) == "m.yaml:100003:3");
    CHECK(d.message == "key 'l1000007' is given twice; the first is at line 10");
}

TEST_CASE(
    "read_config_text: 100,000 unknown keys are each EG102; the first ones get a "
    "did-you-mean",
    "[input_limits]") {
    std::string text = "nmae: machine-1\n";
    for (int i = 0; i < 100000; ++i) text += "key-" + std::to_string(i) + ": x\n";
    text += "nmae2: x\nlog-dri: x\n";
    diag::diagnostics out;
    cfg::read_config_text(text, "m.yaml", out);
    REQUIRE(out.size() == 100003);
    for (const auto& d : out) CHECK(d.code == "EG102");
    CHECK(out.items().front().hint == "did you mean 'name'?");
    // Beyond the first cfg::max_suggestions unknown keys, none is suggested.
    CHECK(out.items().back().message == "unknown key 'log-dri'");
    CHECK(out.items().back().hint.empty());
}

TEST_CASE(
    "load_config: a configuration file that is a directory, a FIFO or /dev/zero is EG100 "
    "with the reason",
    "[input_limits]") {
    eg::test::temp_dir dir;
    const auto fifo = (dir.path() / "fifo.yaml").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const auto big = dir.write("big.yaml", std::string(limits::max_config_file_bytes + 1, '#'));
    struct refused {
        std::string path;
        std::string reason;
    };
    for (const auto& [path, reason] :
         std::vector<refused>{{dir.path().string(), "is a directory, not a file"},
                              {fifo, "is not a regular file (a device, FIFO or socket)"},
                              {"/dev/zero", "is not a regular file (a device, FIFO or socket)"},
                              {big.string(),
                               "is 4194305 bytes, more than the 4194304 bytes "
                               "allowed"}}) {
        INFO(path);
        const auto r = cfg::load_config({"--config-file", path}, {});
        const auto d = only(r.diagnostics, "EG100");
        CHECK(d.message == "cannot read the configuration file \"" + path + "\": " + reason);
        CHECK(d.hint ==
              "give a regular file of at most 4194304 bytes (not a directory, device "
              "or FIFO)");
    }
}

TEST_CASE("read_description: an alias bomb in a cluster description is EG122", "[input_limits]") {
    diag::diagnostics out;
    const auto text = "cluster-name: c\nmembers: []\n" + alias_bomb();
    CHECK_FALSE(eg::description::read_description(text, "cluster.yaml", out));
    only(out, "EG122");
}
