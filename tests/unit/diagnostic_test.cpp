// Diagnostics and their helpers: the code catalogue, locations, text and JSON rendering,
// "did you mean" suggestions, URL splitting and YAML scalar emission.

#include <eg/diagnostic.hpp>
#include <eg/diagnostic_catalogue.hpp>
#include <eg/diagnostic_format.hpp>
#include <eg/suggest.hpp>
#include <eg/url.hpp>
#include <eg/yaml_text.hpp>

#include <yaml-cpp/yaml.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

using eg::diag::diagnostic;
using eg::diag::diagnostics;
using eg::diag::env_location;
using eg::diag::file_location;
using eg::diag::flag_location;
using eg::diag::severity;

namespace {

// The text with every ESC [ ... m sequence removed.
std::string strip_colour(const std::string& text) {
    return std::regex_replace(text, std::regex("\x1b\\[[0-9;]*m"), "");
}

const std::vector<std::string> option_names = {"cluster-role", "cluster-name", "api-addr",
                                               "listen-peer-urls", "listen-client-urls"};

}  // namespace

// ---------------------------------------------------------------------------------------------
// catalogue

TEST_CASE("catalogue: codes are unique", "[diagnostics]") {
    std::set<std::string_view> seen;
    for (const auto& c : eg::diag::catalogue) {
        INFO("code: " << c.code);
        CHECK(seen.insert(c.code).second);
    }
}

TEST_CASE("catalogue: slugs are unique", "[diagnostics]") {
    std::set<std::string_view> seen;
    for (const auto& c : eg::diag::catalogue) {
        INFO("slug: " << c.slug);
        CHECK(seen.insert(c.slug).second);
    }
}

TEST_CASE("catalogue: codes read EG and a number in the 100 to 799 ranges", "[diagnostics]") {
    const std::regex shape("^EG[1-7][0-9][0-9]$");
    const std::regex slug_shape("^[a-z0-9]+(-[a-z0-9]+)*$");
    for (const auto& c : eg::diag::catalogue) {
        INFO("code: " << c.code << ", slug: " << c.slug);
        CHECK(std::regex_match(std::string(c.code), shape));
        CHECK(std::regex_match(std::string(c.slug), slug_shape));
        CHECK_FALSE(c.summary.empty());
    }
}

TEST_CASE("catalogue: code() finds a code by its slug at compile time", "[diagnostics]") {
    STATIC_REQUIRE(eg::diag::code("unknown-key").code == "EG102");
    STATIC_REQUIRE(eg::diag::code("invalid-value").code == "EG107");
    STATIC_REQUIRE(eg::diag::code("duration-without-unit").code == "EG108");
    STATIC_REQUIRE(eg::diag::code("duplicate-key").code == "EG104");
    STATIC_REQUIRE(eg::diag::code("etcd-not-found").code == "EG500");
    STATIC_REQUIRE(eg::diag::code("yaml11-trap").level == severity::warning);
    STATIC_REQUIRE(eg::diag::code("overrides-file").level == severity::note);
    CHECK(&eg::diag::code("file-unreadable") == &eg::diag::catalogue[0]);
}

TEST_CASE("make: carries the code and severity of the catalogue entry", "[diagnostics]") {
    const diagnostic d = eg::diag::make(eg::diag::code("removed-option"), "member-dir",
                                        env_location{"EASEGRESS_MEMBER_DIR"}, "ignored", "drop it");
    CHECK(d.code == "EG109");
    CHECK(d.level == severity::warning);
    CHECK(d.path == "member-dir");
    CHECK(d.where == eg::diag::location(env_location{"EASEGRESS_MEMBER_DIR"}));
    CHECK(d.message == "ignored");
    CHECK(d.hint == "drop it");
    CHECK(eg::diag::make(eg::diag::code("unknown-key"), "", {}, "m").hint.empty());
}

TEST_CASE("diagnostics: counts findings per severity and finds codes", "[diagnostics]") {
    diagnostics all;
    CHECK(all.empty());
    CHECK_FALSE(all.has_errors());
    all.add(eg::diag::make(eg::diag::code("yaml11-trap"), "name", {}, "w"));
    CHECK_FALSE(all.has_errors());
    diagnostics more;
    more.add(eg::diag::make(eg::diag::code("unknown-key"), "nmae", {}, "e"));
    more.add(eg::diag::make(eg::diag::code("overrides-file"), "name", {}, "n"));
    all.append(more);
    CHECK(all.size() == 3);
    CHECK(all.count(severity::error) == 1);
    CHECK(all.count(severity::warning) == 1);
    CHECK(all.count(severity::note) == 1);
    CHECK(all.has_errors());
    CHECK(all.has("EG102"));
    CHECK_FALSE(all.has("EG101"));
    CHECK(all.items()[1].path == "nmae");
}

// ---------------------------------------------------------------------------------------------
// location_text

TEST_CASE("location_text: writes each kind of location", "[diagnostics]") {
    using eg::diag::location_text;
    CHECK(location_text(eg::diag::location{}) == "");
    CHECK(location_text(file_location{"f.yaml", 3, 5}) == "f.yaml:3:5");
    CHECK(location_text(file_location{"f.yaml", 3, 0}) == "f.yaml:3");
    CHECK(location_text(file_location{"f.yaml", 0, 0}) == "f.yaml");
    CHECK(location_text(file_location{"f.yaml", 0, 7}) == "f.yaml");
    CHECK(location_text(env_location{"EASEGRESS_NAME"}) == "env:EASEGRESS_NAME");
    CHECK(location_text(flag_location{"--name"}) == "flag:--name");
}

// ---------------------------------------------------------------------------------------------
// format_text

TEST_CASE("format_text: writes location, severity, message, code and hint", "[diagnostics]") {
    const diagnostic d = eg::diag::make(eg::diag::code("unknown-key"), "nmae",
                                        file_location{"f.yaml", 3, 5}, "msg", "h");
    CHECK(eg::diag::format_text(d) == "f.yaml:3:5: error: msg [EG102]\n  hint: h\n");
}

TEST_CASE("format_text: leaves out the hint line when there is no hint", "[diagnostics]") {
    const diagnostic d =
        eg::diag::make(eg::diag::code("unknown-key"), "nmae", file_location{"f.yaml", 3, 5}, "msg");
    CHECK(eg::diag::format_text(d) == "f.yaml:3:5: error: msg [EG102]\n");
}

TEST_CASE("format_text: starts with the severity when there is no location", "[diagnostics]") {
    const diagnostic d =
        eg::diag::make(eg::diag::code("etcd-not-found"), "", {}, "not here", "use v2");
    CHECK(eg::diag::format_text(d) == "error: not here [EG500]\n  hint: use v2\n");
}

TEST_CASE("format_text: writes environment and flag locations and every severity",
          "[diagnostics]") {
    CHECK(eg::diag::format_text(eg::diag::make(eg::diag::code("removed-option"), "member-dir",
                                               env_location{"EASEGRESS_MEMBER_DIR"}, "m")) ==
          "env:EASEGRESS_MEMBER_DIR: warning: m [EG109]\n");
    CHECK(eg::diag::format_text(eg::diag::make(eg::diag::code("overrides-file"), "name",
                                               flag_location{"--name"}, "m")) ==
          "flag:--name: note: m [EG116]\n");
}

TEST_CASE("format_text: writes colour only when asked", "[diagnostics]") {
    diagnostics all;
    all.add(eg::diag::make(eg::diag::code("unknown-key"), "nmae", file_location{"f.yaml", 3, 5},
                           "msg", "h"));
    all.add(eg::diag::make(eg::diag::code("yaml11-trap"), "name", {}, "w"));
    all.add(
        eg::diag::make(eg::diag::code("overrides-file"), "name", env_location{"EASEGRESS_X"}, "n"));
    const std::string plain = eg::diag::format_text(all);
    const std::string coloured = eg::diag::format_text(all, true);
    CHECK(plain ==
          "f.yaml:3:5: error: msg [EG102]\n  hint: h\n"
          "warning: w [EG106]\n"
          "env:EASEGRESS_X: note: n [EG116]\n");
    CHECK(plain.find('\x1b') == std::string::npos);
    CHECK(coloured.find("\x1b[") != std::string::npos);
    CHECK(coloured.find("\x1b[1;31merror") != std::string::npos);
    CHECK(coloured != plain);
    CHECK(strip_colour(coloured) == plain);
    CHECK(eg::diag::format_text(all, false) == plain);
}

// ---------------------------------------------------------------------------------------------
// format_json

TEST_CASE("format_json: writes an empty list and zero counts for no findings", "[diagnostics]") {
    CHECK(eg::diag::format_json(diagnostics{}) ==
          R"({"diagnostics":[],"summary":{"errors":0,"warnings":0,"notes":0}})");
}

TEST_CASE("format_json: writes file, env and flag locations, nulls and the summary",
          "[diagnostics]") {
    diagnostics all;
    all.add(eg::diag::make(eg::diag::code("unknown-key"), "cluster.nmae",
                           file_location{"f.yaml", 3, 5}, "unknown key", "did you mean 'name'?"));
    all.add(eg::diag::make(eg::diag::code("removed-option"), "member-dir",
                           env_location{"EASEGRESS_MEMBER_DIR"}, "removed"));
    all.add(eg::diag::make(eg::diag::code("overrides-file"), "", flag_location{"--name"}, "wins"));
    all.add(eg::diag::make(eg::diag::code("etcd-not-found"), "", {}, "no start"));
    all.add(eg::diag::make(eg::diag::code("yaml-syntax"), "", file_location{"g.yaml", 0, 0}, "x"));
    CHECK(eg::diag::format_json(all) ==
          R"({"diagnostics":[)"
          R"({"code":"EG102","severity":"error","path":"cluster.nmae","message":"unknown key",)"
          R"("hint":"did you mean 'name'?","file":"f.yaml","line":3,"column":5},)"
          R"({"code":"EG109","severity":"warning","path":"member-dir","message":"removed",)"
          R"("hint":null,"file":"env:EASEGRESS_MEMBER_DIR","line":null,"column":null},)"
          R"({"code":"EG116","severity":"note","path":null,"message":"wins",)"
          R"("hint":null,"file":"flag:--name","line":null,"column":null},)"
          R"({"code":"EG500","severity":"error","path":null,"message":"no start",)"
          R"("hint":null,"file":null,"line":null,"column":null},)"
          R"({"code":"EG101","severity":"error","path":null,"message":"x",)"
          R"("hint":null,"file":"g.yaml","line":null,"column":null}],)"
          R"("summary":{"errors":3,"warnings":1,"notes":1}})");
}

TEST_CASE("format_json: escapes quotes, backslashes, newlines and control characters",
          "[diagnostics]") {
    diagnostics all;
    all.add(eg::diag::make(
        eg::diag::code("invalid-value"), "labels", file_location{"C:\\dir\\\"x\".yaml", 1, 2},
        std::string("say \"hi\"\nto\ta\\b\r") + '\x01' + '\x1f' + "\xC2\xB5", "end\x7f"));
    CHECK(eg::diag::format_json(all) ==
          R"({"diagnostics":[{"code":"EG107","severity":"error","path":"labels",)"
          R"("message":"say \"hi\"\nto\ta\\b\r\u0001\u001f)"
          "\xC2\xB5"
          R"(","hint":"end)"
          "\x7f"
          R"(","file":"C:\\dir\\\"x\".yaml","line":1,"column":2}],)"
          R"("summary":{"errors":1,"warnings":0,"notes":0}})");
}

TEST_CASE("format_json: a NUL byte is \\u0000 and \\b \\f are their short escapes",
          "[diagnostics]") {
    diagnostics all;
    all.add(eg::diag::make(eg::diag::code("invalid-value"), "", {},
                           std::string("a") + '\0' + "b\bc\fd"));
    CHECK(eg::diag::format_json(all) ==
          R"({"diagnostics":[{"code":"EG107","severity":"error","path":null,)"
          R"("message":"a\u0000b\bc\fd","hint":null,"file":null,"line":null,"column":null}],)"
          R"("summary":{"errors":1,"warnings":0,"notes":0}})");
}

TEST_CASE("format_json: is valid JSON that reads back field for field", "[diagnostics]") {
    diagnostics all;
    const std::string message =
        std::string("quote \" backslash \\ newline \n tab \t ctl ") + '\x02' + " micro \xC2\xB5";
    all.add(eg::diag::make(eg::diag::code("unknown-key"), "cluster.nmae",
                           file_location{"dir/f.yaml", 12, 3}, message, "h \"q\""));
    all.add(eg::diag::make(eg::diag::code("removed-option"), "member-dir",
                           env_location{"EASEGRESS_MEMBER_DIR"}, "removed"));
    all.add(eg::diag::make(eg::diag::code("overrides-file"), "", flag_location{"--name"}, "wins"));

    const auto json = nlohmann::json::parse(eg::diag::format_json(all));
    REQUIRE(json["diagnostics"].size() == 3);
    const auto& first = json["diagnostics"][0];
    CHECK(first["code"] == "EG102");
    CHECK(first["severity"] == "error");
    CHECK(first["path"] == "cluster.nmae");
    CHECK(first["message"] == message);
    CHECK(first["hint"] == "h \"q\"");
    CHECK(first["file"] == "dir/f.yaml");
    CHECK(first["line"] == 12);
    CHECK(first["column"] == 3);
    const auto& second = json["diagnostics"][1];
    CHECK(second["file"] == "env:EASEGRESS_MEMBER_DIR");
    CHECK(second["line"].is_null());
    CHECK(second["column"].is_null());
    CHECK(second["hint"].is_null());
    const auto& third = json["diagnostics"][2];
    CHECK(third["file"] == "flag:--name");
    CHECK(third["path"].is_null());
    CHECK(json["summary"]["errors"] == 1);
    CHECK(json["summary"]["warnings"] == 1);
    CHECK(json["summary"]["notes"] == 1);
}

TEST_CASE("format_json: stays valid JSON when a text is not valid UTF-8", "[diagnostics]") {
    // A file name or a quoted value can hold any bytes; JSON text must be UTF-8 (RFC 8259).
    diagnostics all;
    all.add(eg::diag::make(eg::diag::code("invalid-value"), "name",
                           file_location{"caf\xe9.yaml", 1, 1}, "\"\xff\" is not a bool"));
    const std::string out = eg::diag::format_json(all);
    const auto json = nlohmann::json::parse(out);
    const auto& first = json["diagnostics"][0];
    CHECK(first["file"] == "caf\xef\xbf\xbd.yaml");
    CHECK(first["message"] == "\"\xef\xbf\xbd\" is not a bool");
}

TEST_CASE("format_json: every byte of ASCII and non-ASCII text reads back unchanged",
          "[diagnostics]") {
    std::string text;
    for (int c = 1; c < 0x80; ++c) text += static_cast<char>(c);
    text += "\xC2\xB5 \xE2\x82\xAC \xF0\x9F\x98\x80 \xE2\x80\xA8";  // µ € 😀 U+2028
    diagnostics all;
    all.add(eg::diag::make(eg::diag::code("invalid-value"), text,
                           file_location{text + ".yaml", 1, 1}, text, text));
    all.add(eg::diag::make(eg::diag::code("overrides-file"), "", flag_location{"--" + text}, text));
    const std::string out = eg::diag::format_json(all);
    CHECK(out.find('\n') == std::string::npos);  // one line: a control character is escaped
    const auto json = nlohmann::json::parse(out);
    const auto& first = json["diagnostics"][0];
    CHECK(first["path"] == text);
    CHECK(first["message"] == text);
    CHECK(first["hint"] == text);
    CHECK(first["file"] == text + ".yaml");
    CHECK(json["diagnostics"][1]["file"] == "flag:--" + text);
}

// ---------------------------------------------------------------------------------------------
// suggest

TEST_CASE("edit_distance: counts insertions, deletions, substitutions and transpositions",
          "[suggest]") {
    using eg::diag::edit_distance;
    CHECK(edit_distance("", "") == 0);
    CHECK(edit_distance("abc", "abc") == 0);
    CHECK(edit_distance("", "abc") == 3);
    CHECK(edit_distance("abc", "") == 3);
    CHECK(edit_distance("cluster-rol", "cluster-role") == 1);
    CHECK(edit_distance("clsuter-role", "cluster-role") == 1);
    CHECK(edit_distance("kitten", "sitting") == 3);
    CHECK(edit_distance("ab", "ba") == 1);
    CHECK(edit_distance("Cluster-Role", "cluster-role") == 0);
}

TEST_CASE("closest: returns the nearest candidate within a third of the word", "[suggest]") {
    using eg::diag::closest;
    CHECK(closest("cluster-rol", option_names) == "cluster-role");
    CHECK(closest("cluster-nam", option_names) == "cluster-name");
    CHECK(closest("api-adr", option_names) == "api-addr");
    CHECK(closest("listen-peer-url", option_names) == "listen-peer-urls");
    CHECK(closest("zzzzzzzzzz", option_names) == "");
    CHECK(closest("anything", {}) == "");
}

TEST_CASE("closest: ignores case", "[suggest]") {
    CHECK(eg::diag::closest("CLUSTER-ROL", option_names) == "cluster-role");
    CHECK(eg::diag::closest("Api-Addr", option_names) == "api-addr");
}

TEST_CASE("did_you_mean: suggests the close spelling or nothing", "[suggest]") {
    CHECK(eg::diag::did_you_mean("cluster-rol", option_names) == "did you mean 'cluster-role'?");
    CHECK(eg::diag::did_you_mean("tls-cert", option_names) == "");
    CHECK(eg::diag::did_you_mean("clusterrole", option_names) == "did you mean 'cluster-role'?");
}

// ---------------------------------------------------------------------------------------------
// url

TEST_CASE("split_url: splits an IPv4 URL", "[url]") {
    const auto parts = eg::config::split_url("http://10.0.0.1:2380");
    REQUIRE(parts.has_value());
    CHECK(parts->scheme == "http");
    CHECK(parts->host == "10.0.0.1");
    CHECK(parts->port == "2380");
    CHECK(parts->path == "");
}

TEST_CASE("split_url: removes the brackets of an IPv6 host", "[url]") {
    const auto parts = eg::config::split_url("https://[::1]:2379");
    REQUIRE(parts.has_value());
    CHECK(parts->scheme == "https");
    CHECK(parts->host == "::1");
    CHECK(parts->port == "2379");
    CHECK(parts->path == "");

    const auto no_port = eg::config::split_url("http://[fe80::1]");
    REQUIRE(no_port.has_value());
    CHECK(no_port->host == "fe80::1");
    CHECK(no_port->port == "");
}

TEST_CASE("split_url: leaves the port empty when there is none", "[url]") {
    const auto parts = eg::config::split_url("http://localhost");
    REQUIRE(parts.has_value());
    CHECK(parts->host == "localhost");
    CHECK(parts->port == "");
}

TEST_CASE("split_url: keeps a path, query or fragment apart from the authority", "[url]") {
    const auto path = eg::config::split_url("http://10.0.0.1:2380/peers/x");
    REQUIRE(path.has_value());
    CHECK(path->host == "10.0.0.1");
    CHECK(path->port == "2380");
    CHECK(path->path == "/peers/x");

    const auto query = eg::config::split_url("http://h:1?x=1");
    REQUIRE(query.has_value());
    CHECK(query->port == "1");
    CHECK(query->path == "?x=1");

    const auto slash = eg::config::split_url("http://h:1/");
    REQUIRE(slash.has_value());
    CHECK(slash->path == "/");
}

TEST_CASE("split_url: returns nothing without a scheme", "[url]") {
    CHECK_FALSE(eg::config::split_url("10.0.0.1:2380").has_value());
    CHECK_FALSE(eg::config::split_url("localhost").has_value());
    CHECK_FALSE(eg::config::split_url("://10.0.0.1:2380").has_value());
    CHECK_FALSE(eg::config::split_url("").has_value());
}

TEST_CASE("is_port: accepts 1 to 65535 written in digits", "[url]") {
    using eg::config::is_port;
    CHECK(is_port("1"));
    CHECK(is_port("2380"));
    CHECK(is_port("65535"));
    CHECK_FALSE(is_port("0"));
    CHECK_FALSE(is_port("65536"));
    CHECK_FALSE(is_port("99999999999"));
    CHECK_FALSE(is_port(""));
    CHECK_FALSE(is_port("-1"));
    CHECK_FALSE(is_port("+80"));
    CHECK_FALSE(is_port("80a"));
    CHECK_FALSE(is_port(" 80"));
    CHECK_FALSE(is_port("http"));
}

TEST_CASE("is_ip_address: accepts IPv4 and IPv6 literals only", "[url]") {
    using eg::config::is_ip_address;
    CHECK(is_ip_address("10.0.0.1"));
    CHECK(is_ip_address("0.0.0.0"));
    CHECK(is_ip_address("::1"));
    CHECK(is_ip_address("::"));
    CHECK(is_ip_address("fe80::1"));
    CHECK_FALSE(is_ip_address("localhost"));
    CHECK_FALSE(is_ip_address("10.0.0"));
    CHECK_FALSE(is_ip_address("256.0.0.1"));
    CHECK_FALSE(is_ip_address("[::1]"));
    CHECK_FALSE(is_ip_address(""));
    CHECK_FALSE(is_ip_address("machine-1"));
}

TEST_CASE("is_unspecified_address: recognises 0.0.0.0 and ::", "[url]") {
    using eg::config::is_unspecified_address;
    CHECK(is_unspecified_address("0.0.0.0"));
    CHECK(is_unspecified_address("::"));
    CHECK(is_unspecified_address("0:0:0:0:0:0:0:0"));
    CHECK_FALSE(is_unspecified_address("127.0.0.1"));
    CHECK_FALSE(is_unspecified_address("::1"));
    CHECK_FALSE(is_unspecified_address("localhost"));
    CHECK_FALSE(is_unspecified_address(""));
}

TEST_CASE("is_unspecified_address: recognises every spelling of the IPv6 unspecified address",
          "[url]") {
    // Go's net.IP.IsUnspecified() (and etcd) sees these as "::" too; an advertised
    // http://[::0]:2380 is as unreachable as http://[::]:2380.
    using eg::config::is_unspecified_address;
    for (const std::string host : {"::0", "0::0", "0::", "0:0::0", "::0:0"}) {
        INFO("host: " << host);
        CHECK(is_unspecified_address(host));
    }
}

TEST_CASE("split_host_port: splits host:port shapes", "[url]") {
    using eg::config::split_host_port;
    const auto any = split_host_port(":2381");
    REQUIRE(any.has_value());
    CHECK(any->host == "");
    CHECK(any->port == "2381");

    const auto v6 = split_host_port("[::1]:2381");
    REQUIRE(v6.has_value());
    CHECK(v6->host == "::1");
    CHECK(v6->port == "2381");

    const auto named = split_host_port("localhost:2381");
    REQUIRE(named.has_value());
    CHECK(named->host == "localhost");
    CHECK(named->port == "2381");
}

TEST_CASE("split_host_port: rejects addresses of the wrong shape", "[url]") {
    using eg::config::split_host_port;
    CHECK_FALSE(split_host_port("a:b:c").has_value());
    CHECK_FALSE(split_host_port("::1:2381").has_value());
    CHECK_FALSE(split_host_port("localhost").has_value());
    CHECK_FALSE(split_host_port("[::1]").has_value());
    CHECK_FALSE(split_host_port("").has_value());
}

// ---------------------------------------------------------------------------------------------
// yaml_text

TEST_CASE("emit::scalar: writes safe strings plain", "[yaml]") {
    for (std::string_view text : {"http://10.0.0.1:2380", "./data", "machine-1", "eg-default-name",
                                  "localhost:2381", "data", "a.yaml", "primary", "10s", "x=y"}) {
        INFO("text: " << text);
        CHECK_FALSE(eg::emit::needs_quotes(text));
        CHECK(eg::emit::scalar(text) == text);
    }
}

TEST_CASE("emit::scalar: quotes strings a YAML reader would not read back as strings", "[yaml]") {
    for (std::string_view text :
         {"",     "no",        "yes",        "y",   "N",        "on", "OFF",  "true", "False",
          "null", "NULL",      "~",          "123", "1.5",      "-1", "0x10", "1e3",  "a b",
          "#x",   "-x",        "<redacted>", "x:",  ":x",       "@x", "~x",   "a\"b", "a\\b",
          "a\nb", "tab\there", "a,b",        "[x]", "{x}",      "*x", "&x",   "!x",   "%x",
          "|",    ">",         "a #b",       "'q'", "\xC2\xB5s"}) {
        INFO("text: [" << text << "]");
        CHECK(eg::emit::needs_quotes(text));
        const std::string out = eg::emit::scalar(text);
        REQUIRE(out.size() >= 2);
        CHECK(out.front() == '"');
        CHECK(out.back() == '"');
    }
}

TEST_CASE("emit::scalar: escapes quotes, backslashes, newlines and tabs", "[yaml]") {
    CHECK(eg::emit::scalar("") == R"("")");
    CHECK(eg::emit::scalar("no") == R"("no")");
    CHECK(eg::emit::scalar("a b") == R"("a b")");
    CHECK(eg::emit::scalar("a\"b") == R"("a\"b")");
    CHECK(eg::emit::scalar("a\\b") == R"("a\\b")");
    CHECK(eg::emit::scalar("a\nb") == R"("a\nb")");
    CHECK(eg::emit::scalar("a\tb") == R"("a\tb")");
}

TEST_CASE("emit::scalar: yaml-cpp reads every emitted scalar back as the same string", "[yaml]") {
    for (std::string_view text : {"http://10.0.0.1:2380",
                                  "./data",
                                  "machine-1",
                                  "localhost:2381",
                                  "",
                                  "no",
                                  "yes",
                                  "true",
                                  "null",
                                  "~",
                                  "123",
                                  "1.5",
                                  "a b",
                                  "#x",
                                  "-x",
                                  "<redacted>",
                                  "x:",
                                  ":x",
                                  "a\"b",
                                  "a\\b",
                                  "say \"hi\" \\ bye",
                                  "a\nb",
                                  "tab\there",
                                  "a,b",
                                  "[x]",
                                  "{x}",
                                  "*x",
                                  "&x",
                                  "!x",
                                  "%x",
                                  "|",
                                  ">",
                                  "a #b",
                                  "a: b",
                                  "'q'",
                                  " lead",
                                  "trail ",
                                  "\xC2\xB5s"}) {
        const std::string original(text);
        const std::string out = eg::emit::scalar(text);
        INFO("text: [" << original << "], emitted: [" << out << "]");
        YAML::Node node;
        REQUIRE_NOTHROW(node = YAML::Load(out));
        REQUIRE(node.IsScalar());
        CHECK(node.as<std::string>() == original);
        if (eg::emit::needs_quotes(text))
            CHECK(node.Tag() == "!");
        else
            CHECK(node.Tag() == "?");
    }
}

TEST_CASE("emit::scalar: escapes control characters and YAML line breaks", "[yaml]") {
    using namespace std::string_literals;
    CHECK(eg::emit::scalar("a\rb") == R"("a\rb")");
    CHECK(eg::emit::scalar("a\x01"
                           "b") == R"("a\x01b")");
    CHECK(eg::emit::scalar("a\x7F") == R"("a\x7F")");
    CHECK(eg::emit::scalar("a\x1B") == R"("a\e")");
    CHECK(eg::emit::scalar("a\0b"s) == R"("a\0b")");
    CHECK(eg::emit::scalar("a\xC2\x85") == R"("a\x85")");
    CHECK(eg::emit::scalar("a\xE2\x80\xA8") == R"("a\L")");
    CHECK(eg::emit::scalar("a\xE2\x80\xA9") == R"("a\P")");
    CHECK(eg::emit::scalar("\xEF\xBB\xBF"
                           "a") == R"("\uFEFFa")");
}

TEST_CASE("emit::scalar: awkward values read back (yaml-cpp) as the same string", "[yaml]") {
    using namespace std::string_literals;
    const std::vector<std::string> texts = {"a\rb",
                                            "\r\n",
                                            "a\x01\x02\x1F",
                                            "del\x7F",
                                            "esc\x1B[0m",
                                            "nul\0in"s,
                                            "\a\b\v\f",
                                            "name: #x",
                                            "a: b # c",
                                            "  both  ",
                                            " ",
                                            "yes",
                                            "no",
                                            "on",
                                            "off",
                                            "y",
                                            "n",
                                            "null",
                                            "~",
                                            "0777",
                                            "1_000",
                                            "12:30",
                                            "2001-12-14",
                                            "",
                                            "c1\xC2\x80\xC2\x9F",
                                            "ls\xE2\x80\xA8ps\xE2\x80\xA9",
                                            "\xEF\xBB\xBF"
                                            "bom",
                                            "bad\xFF"
                                            "byte",
                                            "\xC3(",
                                            "\xC2\xB5s"};
    for (const std::string& original : texts) {
        const std::string out = eg::emit::scalar(original);
        INFO("emitted: [" << out << "]");
        YAML::Node node;
        REQUIRE_NOTHROW(node = YAML::Load(out));
        REQUIRE(node.IsScalar());
        CHECK(node.as<std::string>() == original);
        // Inside a mapping, as the etcd configuration and member files write it.
        REQUIRE_NOTHROW(node = YAML::Load("key: " + out + "\nnext: 1\n"));
        CHECK(node["key"].as<std::string>() == original);
        CHECK(node["next"].as<int>() == 1);
    }
}

TEST_CASE("emit::needs_quotes: quotes scalars that YAML 1.1 or 1.2 readers resolve to numbers",
          "[yaml]") {
    // YAML 1.2 core schema: .inf/.nan are floats, 0x1F an int. YAML 1.1: 0b101 is an int, 1:20 a
    // sexagesimal int (80). Written plain, a string option would read back as a number.
    for (std::string_view text :
         {".inf", ".Inf", ".NaN", ".nan", "+.inf", "0x1F", "0xff", "0b101", "1:20"}) {
        INFO("text: " << text);
        CHECK(eg::emit::needs_quotes(text));
    }
}
