// Findings for machines and other tools: SARIF 2.1.0 (format_sarif), GitHub Actions workflow
// commands (format_github); and what is generated from the declarations: the JSON Schemas
// (server_schema, cluster_schema) and the reference pages (options_reference,
// diagnostics_reference).

#include <eg/cluster_description.hpp>
#include <eg/diagnostic.hpp>
#include <eg/diagnostic_catalogue.hpp>
#include <eg/github_output.hpp>
#include <eg/json_schema.hpp>
#include <eg/reference_docs.hpp>
#include <eg/sarif_output.hpp>
#include <eg/server_options.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/output_text.hpp"

namespace {

namespace cfg = eg::config;
namespace desc = eg::description;
namespace diag = eg::diag;
namespace emit = eg::emit;

using Catch::Matchers::Contains;
using json = nlohmann::json;

json parse(const std::string& text) {
    INFO(text);
    REQUIRE(json::accept(text));
    return json::parse(text);
}

diag::diagnostics one(diag::diagnostic d) {
    diag::diagnostics all;
    all.add(std::move(d));
    return all;
}

diag::diagnostic unknown_key_at(const std::string& file, int line, int column) {
    return diag::make(diag::code("unknown-key"), "cluster-rol",
                      diag::file_location{file, line, column}, "unknown key 'cluster-rol'",
                      "did you mean 'cluster-role'?");
}

json sarif_of(const diag::diagnostics& all) {
    return parse(diag::format_sarif(all, "eg-config", "1.2.3"));
}

std::string github_of(diag::diagnostic d) { return diag::format_github(one(std::move(d))); }

}  // namespace

// --- SARIF ---------------------------------------------------------------------------------------

TEST_CASE("format_sarif: the log is SARIF 2.1.0 with every catalogue code as a rule", "[output]") {
    const auto log = sarif_of({});
    CHECK(log["version"] == "2.1.0");
    CHECK(log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json");
    REQUIRE(log["runs"].size() == 1);
    const auto& driver = log["runs"][0]["tool"]["driver"];
    CHECK(driver["name"] == "eg-config");
    CHECK(driver["version"] == "1.2.3");
    const auto& rules = driver["rules"];
    REQUIRE(rules.size() == std::size(diag::catalogue));
    for (std::size_t i = 0; i < rules.size(); ++i) {
        const auto& c = diag::catalogue[i];
        INFO(c.code);
        CHECK(rules[i]["id"] == std::string(c.code));
        CHECK(rules[i]["name"] == std::string(c.slug));
        CHECK(rules[i]["shortDescription"]["text"] == std::string(c.summary));
        CHECK(rules[i]["defaultConfiguration"]["level"] ==
              (c.level == diag::severity::error     ? "error"
               : c.level == diag::severity::warning ? "warning"
                                                    : "note"));
    }
    CHECK(log["runs"][0]["results"].empty());
}

TEST_CASE("format_sarif: each result names its rule by id and index", "[output]") {
    diag::diagnostics all;
    for (const auto& c : diag::catalogue)
        all.add(diag::make(c, "", diag::file_location{"m.yaml", 1, 1}, std::string(c.summary)));
    const auto log = sarif_of(all);
    const auto& rules = log["runs"][0]["tool"]["driver"]["rules"];
    const auto& results = log["runs"][0]["results"];
    REQUIRE(results.size() == std::size(diag::catalogue));
    for (const auto& r : results) {
        INFO(r.dump());
        const auto index = r["ruleIndex"].get<std::size_t>();
        REQUIRE(index < rules.size());
        CHECK(rules[index]["id"] == r["ruleId"]);
    }
}

TEST_CASE("format_sarif: a file location is a physicalLocation with line and column", "[output]") {
    const auto r = sarif_of(one(unknown_key_at("m.yaml", 3, 1)))["runs"][0]["results"][0];
    CHECK(r["ruleId"] == "EG102");
    CHECK(r["level"] == "error");
    CHECK(r["message"]["text"] == "unknown key 'cluster-rol'\nhint: did you mean 'cluster-role'?");
    REQUIRE(r["locations"].size() == 1);
    const auto& physical = r["locations"][0]["physicalLocation"];
    CHECK(physical["artifactLocation"]["uri"] == "m.yaml");
    CHECK(physical["region"]["startLine"] == 3);
    CHECK(physical["region"]["startColumn"] == 1);
}

TEST_CASE("format_sarif: a file without a line has no region", "[output]") {
    const auto r = sarif_of(
        one(diag::make(diag::code("file-unreadable"), "", diag::file_location{"gone.yaml", 0, 0},
                       "cannot read")))["runs"][0]["results"][0];
    const auto& physical = r["locations"][0]["physicalLocation"];
    CHECK(physical["artifactLocation"]["uri"] == "gone.yaml");
    CHECK_FALSE(physical.contains("region"));
}

TEST_CASE("format_sarif: environment and flag locations are logicalLocations", "[output]") {
    diag::diagnostics all;
    all.add(diag::make(diag::code("unknown-env"), "", diag::env_location{"EASEGRESS_NAMEE"},
                       "unknown environment variable EASEGRESS_NAMEE"));
    all.add(diag::make(diag::code("overrides-file"), "name", diag::flag_location{"--name"},
                       "name from flag --name overrides the file"));
    const auto results = sarif_of(all)["runs"][0]["results"];
    REQUIRE(results.size() == 2);
    CHECK(results[0]["level"] == "warning");
    CHECK(results[0]["locations"][0]["logicalLocations"][0]["name"] == "env:EASEGRESS_NAMEE");
    CHECK_FALSE(results[0]["locations"][0].contains("physicalLocation"));
    CHECK(results[1]["level"] == "note");
    CHECK(results[1]["locations"][0]["logicalLocations"][0]["name"] == "flag:--name");
}

TEST_CASE("format_sarif: a finding without a location has no locations", "[output]") {
    const auto r = sarif_of(one(diag::make(diag::code("unexpected-argument"), "", {},
                                           "unexpected argument \"x\"")))["runs"][0]["results"][0];
    CHECK(r["ruleId"] == "EG118");
    CHECK_FALSE(r.contains("locations"));
    CHECK(r["message"]["text"] == "unexpected argument \"x\"");
}

TEST_CASE("format_sarif: paths are percent-encoded URI references", "[output]") {
    auto uri = [](const std::string& file) {
        return sarif_of(
                   one(unknown_key_at(file, 1, 1)))["runs"][0]["results"][0]["locations"][0]
                                                   ["physicalLocation"]["artifactLocation"]["uri"]
                                                       .get<std::string>();
    };
    CHECK(uri("my configs/machine 1.yaml") == "my%20configs/machine%201.yaml");
    CHECK(uri("100%.yaml") == "100%25.yaml");
    CHECK(uri("a:b.yaml") == "a%3Ab.yaml");
    CHECK(uri("caf\xc3\xa9.yaml") == "caf%C3%A9.yaml");
    CHECK(uri("/etc/easegress/m-1_a~.yaml") == "/etc/easegress/m-1_a~.yaml");
}

TEST_CASE("format_sarif: messages with quotes, control characters and bad UTF-8 stay valid JSON",
          "[output]") {
    const std::string message = "a \"quoted\" \\ value\twith\x01 and \xff";
    const auto r = sarif_of(one(diag::make(diag::code("invalid-value"), "name",
                                           diag::file_location{"m.yaml", 1, 7}, message)));
    CHECK(r["runs"][0]["results"][0]["message"]["text"] ==
          "a \"quoted\" \\ value\twith\x01 and \xef\xbf\xbd");
}

TEST_CASE("format_sarif: control characters, quotes, backslashes and non-ASCII read back unchanged",
          "[output]") {
    std::string text;
    for (int c = 1; c < 0x80; ++c) text += static_cast<char>(c);
    text += "\xC2\xB5 \xE2\x82\xAC \xF0\x9F\x98\x80";
    diag::diagnostics all;
    all.add(diag::make(diag::code("invalid-value"), "", diag::file_location{"m.yaml", 2, 3}, text,
                       text));
    all.add(diag::make(diag::code("overrides-file"), "", diag::flag_location{"--" + text}, text));
    const std::string out = diag::format_sarif(all, "eg-config", "1.2.3");
    CHECK(out.find('\n') == std::string::npos);
    const auto results = parse(out)["runs"][0]["results"];
    CHECK(results[0]["message"]["text"] == text + "\nhint: " + text);
    CHECK(results[1]["message"]["text"] == text);
    CHECK(results[1]["locations"][0]["logicalLocations"][0]["name"] == "flag:--" + text);
}

// --- GitHub workflow commands -------------------------------------------------------------------

TEST_CASE("format_github: an error at a file place is one ::error line with its hint", "[output]") {
    CHECK(github_of(unknown_key_at("m.yaml", 3, 1)) ==
          "::error file=m.yaml,line=3,col=1,title=EG102 unknown-key::unknown key "
          "'cluster-rol'%0Ahint: did you mean 'cluster-role'?\n");
}

TEST_CASE("format_github: warnings are ::warning and notes ::notice", "[output]") {
    diag::diagnostics all;
    all.add(diag::make(diag::code("single-primary"), "cluster-role",
                       diag::file_location{"c.yaml", 5, 3}, "1 primary tolerates no failure"));
    all.add(diag::make(diag::code("overrides-file"), "name", diag::flag_location{"--name"},
                       "name \"a\" from flag --name overrides \"b\" from file m.yaml:1:1"));
    all.add(diag::make(diag::code("unexpected-argument"), "", {}, "unexpected argument \"x\"",
                       "the server takes flags only"));
    CHECK(diag::format_github(all) ==
          "::warning file=c.yaml,line=5,col=3,title=EG302 single-primary::1 primary tolerates no "
          "failure\n"
          "::notice title=EG116 overrides-file::flag:--name: name \"a\" from flag --name "
          "overrides \"b\" from file m.yaml:1:1\n"
          "::error title=EG118 unexpected-argument::unexpected argument \"x\"%0Ahint: the server "
          "takes flags only\n");
}

TEST_CASE("format_github: a file without a line gives only the file", "[output]") {
    CHECK(github_of(diag::make(diag::code("file-unreadable"), "",
                               diag::file_location{"gone.yaml", 0, 0},
                               "cannot read \"gone.yaml\"")) ==
          "::error file=gone.yaml,title=EG100 file-unreadable::cannot read \"gone.yaml\"\n");
}

TEST_CASE("format_github: % and line breaks are escaped in messages, also : and , in properties",
          "[output]") {
    CHECK(github_of(diag::make(diag::code("invalid-value"), "",
                               diag::file_location{"a:b,c%.yaml", 2, 4}, "100% sure:\r\nno, really",
                               "x")) ==
          "::error file=a%3Ab%2Cc%25.yaml,line=2,col=4,title=EG107 invalid-value::100%25 "
          "sure:%0D%0Ano, really%0Ahint: x\n");
}

// --- JSON Schemas --------------------------------------------------------------------------------

TEST_CASE("server_schema: a draft-07 schema with a property for every option of the file",
          "[output]") {
    const auto schema = parse(emit::server_schema());
    CHECK(schema["$schema"] == "http://json-schema.org/draft-07/schema#");
    CHECK(schema["additionalProperties"] == false);
    const auto& properties = schema["properties"];
    REQUIRE(properties.contains("cluster"));
    const auto& cluster = properties["cluster"];
    CHECK(cluster["additionalProperties"] == false);
    std::set<std::string> top{"cluster"};
    std::set<std::string> nested;
    for (const auto* spec : cfg::all_options) {
        if (!spec->in_file()) {
            INFO(spec->flag << " is command-line only");
            CHECK_FALSE(properties.contains(std::string(spec->flag)));
            continue;
        }
        INFO(spec->yaml_path);
        const std::string key(spec->yaml_key());
        if (spec->yaml_section() == "cluster") {
            nested.insert(key);
            REQUIRE(cluster["properties"].contains(key));
            CHECK(cluster["properties"][key]["description"] == std::string(spec->help));
            CHECK(cluster["properties"][key]["examples"].size() == 1);
        } else {
            REQUIRE(spec->yaml_section().empty());
            top.insert(key);
            REQUIRE(properties.contains(key));
            CHECK(properties[key]["description"] == std::string(spec->help));
            CHECK(properties[key]["examples"].size() == 1);
        }
    }
    // Examples and defaults have the type the YAML file holds.
    CHECK(properties["labels"]["examples"][0] == json{{"zone", "eu-west-1a"}, {"tier", "edge"}});
    CHECK(properties["debug"]["examples"][0] == true);
    CHECK(properties["status-update-max-batch-size"]["examples"][0] == 50);
    CHECK(cluster["properties"]["listen-peer-urls"]["default"] ==
          json::array({"http://localhost:2380"}));
    CHECK(cluster["properties"]["max-call-send-msg-size"]["default"] == 10485760);
    CHECK(cluster["properties"]["max-call-send-msg-size"]["examples"][0] == "20MiB");
    CHECK(properties.size() == top.size());
    CHECK(cluster["properties"].size() == nested.size());
    CHECK(properties["cluster-role"]["enum"] ==
          json::array({"primary", "secondary", "writer", "reader", nullptr}));
}

TEST_CASE("cluster_schema: a draft-07 schema of the description with the server options inside",
          "[output]") {
    const auto schema = parse(emit::cluster_schema());
    const auto server = parse(emit::server_schema());
    CHECK(schema["$schema"] == "http://json-schema.org/draft-07/schema#");
    CHECK(schema["additionalProperties"] == false);
    CHECK(schema["required"] == json::array({"cluster-name", "members"}));
    const auto& defaults = schema["properties"]["defaults"];
    const auto& items = schema["properties"]["members"]["items"];
    CHECK(defaults["additionalProperties"] == false);
    CHECK(items["additionalProperties"] == false);
    CHECK(items["required"] == json::array({"name", "role", "host"}));
    for (const auto& f : desc::fields) {
        const std::string key(f.key());
        INFO(key);
        switch (f.scope) {
            case desc::field_scope::cluster:
                CHECK(schema["properties"].contains(key));
                break;
            case desc::field_scope::member_only:
                CHECK(items["properties"].contains(key));
                CHECK_FALSE(defaults["properties"].contains(key));
                break;
            case desc::field_scope::defaults_or_member:
                CHECK(items["properties"].contains(key));
                CHECK(defaults["properties"].contains(key));
                break;
        }
    }
    CHECK(items["properties"]["role"]["enum"] == json::array({"primary", "secondary"}));
    CHECK(items["properties"]["api-port"]["maximum"] == 65535);
    CHECK(items["properties"]["options"]["$ref"] == "#/definitions/server-options");
    const auto& options = schema["definitions"]["server-options"];
    CHECK(options["additionalProperties"] == false);
    CHECK(options["properties"] == server["properties"]);
}

// --- reference pages -----------------------------------------------------------------------------

TEST_CASE("options_reference: every flag, variable and YAML key is listed", "[output]") {
    const auto page = emit::options_reference();
    for (const auto* spec : cfg::all_options) {
        if (spec->has_flag()) {
            CHECK_THAT(page, Contains("`" + cfg::flag_name(*spec) + "`"));
            CHECK_THAT(page, Contains("`" + cfg::env_name(*spec) + "`"));
        }
        if (spec->in_file()) CHECK_THAT(page, Contains("`" + std::string(spec->yaml_path) + "`"));
        CHECK_THAT(page, Contains("| `" + std::string(spec->example) + "` |"));
    }
    std::size_t file_only = 0;
    for (const auto* spec : cfg::all_options) file_only += spec->has_flag() ? 0 : 1;
    CHECK(eg::test::count_of(page, "| file only |") == file_only);
    for (const auto& f : desc::fields)
        CHECK_THAT(page, Contains("| `" + std::string(f.key()) + "` |"));
}

TEST_CASE("diagnostics_reference: every catalogue code is a row", "[output]") {
    const auto page = emit::diagnostics_reference();
    for (const auto& c : diag::catalogue) {
        const std::string row = "| " + std::string(c.code) + " | `" + std::string(c.slug) + "` | " +
                                std::string(diag::to_string(c.level)) + " | ";
        CHECK(eg::test::count_of(page, row) == 1);
    }
}
