// The checks on one member's effective configuration, built the way a user builds it: from flags
// (findings located at flag:--x) or from an in-memory file (findings at file:line:col).

#include <eg/config_loader.hpp>
#include <eg/member_rules.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "support/config_inputs.hpp"
#include "support/diagnostic_checks.hpp"

namespace {

namespace cfg = eg::config;
namespace diag = eg::diag;
namespace rules = eg::config::rules;

using eg::test::codes;
using eg::test::only;
using eg::test::tutorial_primary_file;
using eg::test::tutorial_secondary_file;
using eg::test::with_code;

constexpr const char* file_name = "member.yaml";

cfg::effective_config load(const std::vector<std::string>& args,
                           const eg::test::file_map& files = {}) {
    auto r = cfg::load_config(args, {}, eg::test::reader_over(files));
    // Loading is clean, so every finding below comes from the rules.
    for (const auto& d : r.diagnostics)
        UNSCOPED_INFO("load: " << d.code << " " << diag::location_text(d.where) << " "
                               << d.message);
    REQUIRE(r.diagnostics.empty());
    return std::move(r.config);
}

cfg::effective_config from_flags(const std::vector<std::string>& args) { return load(args); }

cfg::effective_config from_file(const std::string& text, std::vector<std::string> args = {}) {
    args.insert(args.begin(), {"-f", file_name});
    return load(args, {{file_name, text}});
}

using codes_t = std::vector<std::string>;

diag::diagnostics check(const cfg::effective_config& c) {
    auto out = rules::check_member(c);
    for (const auto& d : out)
        UNSCOPED_INFO("finding: " << d.code << " " << diag::location_text(d.where) << " "
                                  << d.message);
    return out;
}

std::string text_of(const diag::diagnostic& d) { return diag::location_text(d.where); }

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::vector<std::string> tutorial_primary_flags(int n) {
    const std::string host = "10.0.0." + std::to_string(n);
    std::vector<std::string> args = {
        "--cluster-name",
        "cluster-test",
        "--cluster-role",
        "primary",
        "--name",
        "machine-" + std::to_string(n),
        "--listen-peer-urls",
        "http://" + host + ":2380",
        "--listen-client-urls",
        "http://" + host + ":2379",
        "--advertise-client-urls",
        "http://" + host + ":2379",
        "--initial-advertise-peer-urls",
        "http://" + host + ":2380",
        "--initial-cluster",
        "machine-1=http://10.0.0.1:2380,machine-2=http://10.0.0.2:2380,"
        "machine-3=http://10.0.0.3:2380",
    };
    if (n == 1) args.insert(args.end(), {"--api-addr", "localhost:2381"});
    return args;
}

// A primary at 10.0.0.1 whose own URLs are all consistent, plus `extra`.
std::vector<std::string> primary_with(std::vector<std::string> extra) {
    std::vector<std::string> args = {"--name",
                                     "machine-1",
                                     "--listen-peer-urls",
                                     "http://10.0.0.1:2380",
                                     "--listen-client-urls",
                                     "http://10.0.0.1:2379",
                                     "--advertise-client-urls",
                                     "http://10.0.0.1:2379",
                                     "--initial-advertise-peer-urls",
                                     "http://10.0.0.1:2380"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

std::vector<std::string> secondary_with(std::vector<std::string> extra) {
    std::vector<std::string> args = {
        "--cluster-role",      "secondary", "--name", "machine-4", "--primary-listen-peer-urls",
        "http://10.0.0.1:2380"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

}  // namespace

// No findings

TEST_CASE("check_member: finds nothing in the default configuration", "[member_rules]") {
    CHECK(check(from_flags({})).empty());
}

TEST_CASE("check_member: finds nothing in the tutorial's files", "[member_rules]") {
    for (int n = 1; n <= 3; ++n) {
        INFO("machine-" << n);
        const auto c = from_file(tutorial_primary_file(n));
        CHECK(c.get(cfg::opt::name) == "machine-" + std::to_string(n));
        CHECK(check(c).empty());
    }
    INFO("machine-4");
    const auto c = from_file(tutorial_secondary_file);
    CHECK(c.get(cfg::opt::cluster_role) == "secondary");
    CHECK(check(c).empty());
}

TEST_CASE("check_member: finds nothing in the tutorial's primary command lines", "[member_rules]") {
    for (int n = 1; n <= 3; ++n) {
        INFO("machine-" << n);
        CHECK(check(from_flags(tutorial_primary_flags(n))).empty());
    }
}

TEST_CASE("check_member: warns only about state-flag for the tutorial's secondary command line",
          "[member_rules]") {
    const auto c = from_flags({"--cluster-role", "secondary", "--name", "machine-4",
                               "--primary-listen-peer-urls", "http://10.0.0.1:2380", "--state-flag",
                               "existing"});
    const auto d = only(check(c), "EG210");
    CHECK(d.level == diag::severity::warning);
    CHECK(d.path == "cluster.state-flag");
    CHECK(text_of(d) == "flag:--state-flag");
    CHECK(contains(d.message, "state-flag"));
    CHECK(contains(d.message, "secondary"));
}

// EG200

TEST_CASE("check_names: rejects a name with a space", "[member_rules]") {
    const auto d = only(check(from_flags({"--name", "machine 1"})), "EG200");
    CHECK(d.level == diag::severity::error);
    CHECK(d.path == "name");
    CHECK(text_of(d) == "flag:--name");
    CHECK(contains(d.message, "\"machine 1\""));
    CHECK(contains(d.message, "' '"));
    CHECK_FALSE(d.hint.empty());
}

TEST_CASE("check_names: locates a bad name at its file line", "[member_rules]") {
    const auto d = only(check(from_file("cluster-name: c\nname: machine/1\n")), "EG200");
    CHECK(text_of(d) == "member.yaml:2:1");
    CHECK(contains(d.message, "'/'"));
}

TEST_CASE("check_names: rejects an empty cluster-name", "[member_rules]") {
    const auto d = only(check(from_flags({"--cluster-name", ""})), "EG200");
    CHECK(d.path == "cluster-name");
    CHECK(text_of(d) == "flag:--cluster-name");
    CHECK(d.message == "cluster-name is empty");
}

TEST_CASE("check_names: accepts 253 characters and rejects 254", "[member_rules]") {
    CHECK(check(from_flags({"--name", std::string(253, 'm')})).empty());
    const auto d = only(check(from_flags({"--name", std::string(254, 'm')})), "EG200");
    CHECK(contains(d.message, "253"));
}

TEST_CASE("check_names: accepts every allowed character", "[member_rules]") {
    CHECK(check(from_flags({"--name", "Machine-1_a.b~c", "--cluster-name", "x.Y-z_0~"})).empty());
}

// EG201

TEST_CASE("check_allowed_values: suggests existing for state-flag exsting", "[member_rules]") {
    const auto d = only(check(from_flags({"--state-flag", "exsting"})), "EG201");
    CHECK(d.level == diag::severity::error);
    CHECK(d.path == "cluster.state-flag");
    CHECK(text_of(d) == "flag:--state-flag");
    CHECK(contains(d.message, "\"exsting\""));
    CHECK(contains(d.message, "new or existing"));
    CHECK(d.hint == "did you mean 'existing'?");
}

TEST_CASE("check_allowed_values: suggests primary for cluster-role primery", "[member_rules]") {
    const auto d = only(check(from_flags({"--cluster-role", "primery"})), "EG201");
    CHECK(d.path == "cluster-role");
    CHECK(contains(d.message, "\"primery\""));
    CHECK(d.hint == "did you mean 'primary'?");
}

TEST_CASE("check_allowed_values: lists the allowed values when nothing is close",
          "[member_rules]") {
    const auto d = only(check(from_file("cluster:\n  state-flag: frobnicate\n")), "EG201");
    CHECK(text_of(d) == "member.yaml:2:3");
    CHECK(contains(d.hint, "new or existing"));
}

// EG202, EG203

TEST_CASE("check_secondary: rejects a secondary without primary URLs", "[member_rules]") {
    SECTION("flag") {
        const auto d = only(
            check(from_flags({"--cluster-role", "secondary", "--primary-listen-peer-urls", ""})),
            "EG202");
        CHECK(d.level == diag::severity::error);
        CHECK(d.path == "cluster.primary-listen-peer-urls");
        CHECK(text_of(d) == "flag:--primary-listen-peer-urls");
        CHECK(contains(d.message, "empty"));
    }
    SECTION("file") {
        const auto d = only(check(from_file("cluster-role: secondary\n"
                                            "cluster:\n"
                                            "  primary-listen-peer-urls: []\n")),
                            "EG202");
        CHECK(text_of(d) == "member.yaml:3:3");
    }
}

TEST_CASE("check_secondary: rejects --force-new-cluster on a secondary only", "[member_rules]") {
    const auto d = only(check(from_flags(secondary_with({"--force-new-cluster"}))), "EG203");
    CHECK(d.level == diag::severity::error);
    CHECK(text_of(d) == "flag:--force-new-cluster");
    CHECK(contains(d.message, "secondary"));
    CHECK(check(from_flags(primary_with({"--force-new-cluster"}))).empty());
}

// EG204

TEST_CASE("check_urls: rejects malformed cluster URLs and says why", "[member_rules]") {
    const std::pair<std::string, std::string> bad[] = {
        {"10.0.0.1:2379", "no scheme"},          {"ftp://10.0.0.1:2379", "scheme 'ftp'"},
        {"http://10.0.0.1", "no port"},          {"http://:2379", "no host"},
        {"http://10.0.0.1:2379/x", "path '/x'"}, {"http://10.0.0.1:99999", "port '99999'"},
    };
    for (const auto& [url, why] : bad) {
        INFO(url);
        const auto c = from_flags(primary_with({"--advertise-client-urls", url}));
        diag::diagnostics out;
        rules::check_urls(c, out);
        const auto d = only(out, "EG204");
        CHECK(d.level == diag::severity::error);
        CHECK(d.path == "cluster.advertise-client-urls");
        CHECK(text_of(d) == "flag:--advertise-client-urls");
        CHECK(contains(d.message, "\"" + url + "\""));
        CHECK(contains(d.message, why));
        CHECK(with_code(check(c), "EG204").size() == 1);
    }
}

TEST_CASE("check_urls: locates a malformed list item at its own file line", "[member_rules]") {
    const auto d = only(check(from_file("cluster:\n"
                                        "  advertise-client-urls:\n"
                                        "  - http://localhost:2379\n"
                                        "  - localhost:2379\n")),
                        "EG204");
    CHECK(text_of(d) == "member.yaml:4:5");
}

TEST_CASE("check_urls: rejects a malformed initial-cluster entry at its file line",
          "[member_rules]") {
    const auto d = only(check(from_file("name: machine-1\n"
                                        "cluster:\n"
                                        "  initial-advertise-peer-urls:\n"
                                        "  - http://localhost:2380\n"
                                        "  initial-cluster:\n"
                                        "  - machine-1: http://localhost:2380\n"
                                        "  - machine-2: 10.0.0.2:2380\n")),
                        "EG204");
    CHECK(d.path == "cluster.initial-cluster");
    CHECK(text_of(d) == "member.yaml:7:5");
    CHECK(contains(d.message, "machine-2=10.0.0.2:2380"));
    CHECK(contains(d.message, "no scheme"));
}

TEST_CASE("check_urls: rejects a secondary's malformed primary URL", "[member_rules]") {
    const auto d = only(check(from_flags({"--cluster-role", "secondary",
                                          "--primary-listen-peer-urls", "10.0.0.1:2380"})),
                        "EG204");
    CHECK(text_of(d) == "flag:--primary-listen-peer-urls");
}

// EG205

TEST_CASE("check_urls: rejects a listen URL on a host name", "[member_rules]") {
    const auto d = only(check(from_flags({"--listen-peer-urls", "http://myhost:2380"})), "EG205");
    CHECK(d.level == diag::severity::error);
    CHECK(d.path == "cluster.listen-peer-urls");
    CHECK(text_of(d) == "flag:--listen-peer-urls");
    CHECK(contains(d.message, "'myhost'"));
}

TEST_CASE("check_urls: accepts listen URLs on localhost and IP addresses", "[member_rules]") {
    for (const std::string url :
         {"http://localhost:2380", "http://0.0.0.0:2380", "http://[::]:2380",
          "http://10.0.0.1:2380", "http://[::1]:2380", "https://127.0.0.1:2380"}) {
        INFO(url);
        const auto found = check(from_flags({"--listen-peer-urls", url}));
        CHECK(with_code(found, "EG204").empty());
        CHECK(with_code(found, "EG205").empty());
    }
}

// EG206

TEST_CASE("check_urls: rejects advertising an unspecified address", "[member_rules]") {
    SECTION("advertise-client-urls 0.0.0.0") {
        const auto d =
            only(check(from_flags({"--advertise-client-urls", "http://0.0.0.0:2379"})), "EG206");
        CHECK(d.level == diag::severity::error);
        CHECK(text_of(d) == "flag:--advertise-client-urls");
        CHECK(contains(d.message, "0.0.0.0"));
    }
    SECTION("initial-advertise-peer-urls [::]") {
        const auto d =
            only(check(from_flags({"--initial-advertise-peer-urls", "http://[::]:2380"})), "EG206");
        CHECK(text_of(d) == "flag:--initial-advertise-peer-urls");
    }
    SECTION("another member's initial-cluster entry") {
        const auto d = only(check(from_flags(primary_with(
                                {"--initial-cluster",
                                 "machine-1=http://10.0.0.1:2380,machine-2=http://0.0.0.0:2380"}))),
                            "EG206");
        CHECK(text_of(d) == "flag:--initial-cluster");
        CHECK(contains(d.message, "machine-2=http://0.0.0.0:2380"));
    }
}

// EG207

TEST_CASE(
    "check_initial_cluster: rejects a primary missing from initial-cluster and lists the "
    "names",
    "[member_rules]") {
    const auto d =
        only(check(from_flags({"--name", "machine-9", "--initial-cluster",
                               "machine-1=http://10.0.0.1:2380,machine-2=http://10.0.0.2:2380"})),
             "EG207");
    CHECK(d.level == diag::severity::error);
    CHECK(d.path == "cluster.initial-cluster");
    CHECK(text_of(d) == "flag:--initial-cluster");
    CHECK(contains(d.message, "'machine-9'"));
    CHECK(contains(d.message, "machine-1, machine-2"));
    CHECK(contains(d.hint, "machine-9="));
}

TEST_CASE("check_initial_cluster: does not apply to a secondary", "[member_rules]") {
    CHECK(with_code(check(from_flags(
                        secondary_with({"--initial-cluster", "machine-1=http://10.0.0.1:2380"}))),
                    "EG207")
              .empty());
}

// EG208

TEST_CASE(
    "check_initial_cluster: names both URLs when the own entry differs from the advertised "
    "one",
    "[member_rules]") {
    const auto d = only(check(from_file("name: machine-1\n"
                                        "cluster:\n"
                                        "  initial-advertise-peer-urls:\n"
                                        "  - http://10.0.0.4:2380\n"
                                        "  listen-peer-urls:\n"
                                        "  - http://10.0.0.4:2380\n"
                                        "  initial-cluster:\n"
                                        "  - machine-2: http://10.0.0.3:2380\n"
                                        "  - machine-1: http://10.0.0.2:2380\n")),
                        "EG208");
    CHECK(d.level == diag::severity::error);
    CHECK(d.path == "cluster.initial-cluster");
    CHECK(text_of(d) == "member.yaml:9:5");
    CHECK(d.message ==
          "initial-cluster has machine-1=http://10.0.0.2:2380 but "
          "initial-advertise-peer-urls is http://10.0.0.4:2380");
    CHECK(contains(d.hint, "machine-1"));
}

// EG209

TEST_CASE("check_ports: rejects client and peer listeners on one port of one host",
          "[member_rules]") {
    SECTION("same address") {
        const auto d = only(
            check(from_flags(primary_with({"--listen-client-urls", "http://10.0.0.1:2380",
                                           "--advertise-client-urls", "http://10.0.0.1:2380"}))),
            "EG209");
        CHECK(d.level == diag::severity::error);
        CHECK(text_of(d) == "flag:--listen-client-urls");
        CHECK(contains(d.message, "\"http://10.0.0.1:2380\""));
        CHECK(contains(d.message, "2380"));
        CHECK(contains(d.message, "listen-peer-urls"));
    }
    SECTION("0.0.0.0 overlaps every address") {
        const auto d = only(
            check(from_flags(primary_with({"--listen-client-urls", "http://0.0.0.0:2380",
                                           "--advertise-client-urls", "http://10.0.0.1:2380"}))),
            "EG209");
        CHECK(contains(d.message, "\"http://0.0.0.0:2380\""));
        CHECK(contains(d.message, "\"http://10.0.0.1:2380\""));
    }
    SECTION("localhost and 127.0.0.1 are one host") {
        const auto d = only(check(from_flags({"--listen-client-urls", "http://localhost:2380",
                                              "--advertise-client-urls", "http://localhost:2380",
                                              "--listen-peer-urls", "http://127.0.0.1:2380"})),
                            "EG209");
        CHECK(contains(d.message, "2380"));
    }
}

TEST_CASE("check_ports: accepts one port on two different addresses", "[member_rules]") {
    CHECK(check(from_flags(primary_with({"--listen-client-urls", "http://10.0.0.2:2380",
                                         "--advertise-client-urls", "http://10.0.0.2:2380"})))
              .empty());
}

// EG210

TEST_CASE("check_role_options: warns about state-flag on a secondary", "[member_rules]") {
    SECTION("flag") {
        const auto d =
            only(check(from_flags(secondary_with({"--state-flag", "existing"}))), "EG210");
        CHECK(d.level == diag::severity::warning);
        CHECK(text_of(d) == "flag:--state-flag");
    }
    SECTION("file") {
        const auto d = only(check(from_file("cluster-role: secondary\n"
                                            "cluster:\n"
                                            "  primary-listen-peer-urls: [http://10.0.0.1:2380]\n"
                                            "  state-flag: existing\n")),
                            "EG210");
        CHECK(text_of(d) == "member.yaml:4:3");
    }
}

TEST_CASE("check_role_options: stays silent for a role option set to its default",
          "[member_rules]") {
    CHECK(check(from_flags(secondary_with({"--state-flag", "new"}))).empty());
    CHECK(check(from_flags(primary_with({"--primary-listen-peer-urls", "http://localhost:2380"})))
              .empty());
}

TEST_CASE("check_role_options: warns about primary-listen-peer-urls on a primary",
          "[member_rules]") {
    const auto d = only(
        check(from_flags(primary_with({"--primary-listen-peer-urls", "http://10.0.0.2:2380"}))),
        "EG210");
    CHECK(d.level == diag::severity::warning);
    CHECK(d.path == "cluster.primary-listen-peer-urls");
    CHECK(text_of(d) == "flag:--primary-listen-peer-urls");
    CHECK(contains(d.message, "primary"));
}

// EG211

TEST_CASE("check_standalone_etcd: rejects use-standalone-etcd on a primary", "[member_rules]") {
    const auto d = only(check(from_flags({"--use-standalone-etcd"})), "EG211");
    CHECK(d.level == diag::severity::error);
    CHECK(text_of(d) == "flag:--use-standalone-etcd");
    CHECK(contains(d.hint, "secondary"));
    CHECK(check(from_flags(secondary_with({"--use-standalone-etcd"}))).empty());
}

// EG212

TEST_CASE("check_tls: names what tls is missing", "[member_rules]") {
    SECTION("both") {
        const auto d = only(check(from_flags({"--tls"})), "EG212");
        CHECK(d.level == diag::severity::error);
        CHECK(text_of(d) == "flag:--tls");
        CHECK(d.message == "tls is on but cert-file and key-file are empty");
    }
    SECTION("the key") {
        const auto d = only(check(from_flags({"--tls", "--cert-file", "c.pem"})), "EG212");
        CHECK(d.message == "tls is on but key-file is empty");
    }
    SECTION("the certificate") {
        const auto d = only(check(from_file("tls: true\nkey-file: k.pem\n")), "EG212");
        CHECK(text_of(d) == "member.yaml:1:1");
        CHECK(d.message == "tls is on but cert-file is empty");
    }
    SECTION("nothing") {
        CHECK(check(from_flags({"--tls", "--cert-file", "c.pem", "--key-file", "k.pem"})).empty());
    }
}

// EG213

TEST_CASE("check_api_addr: rejects an api-addr that is not host:port", "[member_rules]") {
    for (const std::string addr : {"localhost", "a:b:c", "host:abc", "host:0", "[::1]"}) {
        INFO(addr);
        const auto d = only(check(from_flags({"--api-addr", addr})), "EG213");
        CHECK(d.level == diag::severity::error);
        CHECK(text_of(d) == "flag:--api-addr");
        CHECK(contains(d.message, "\"" + addr + "\""));
    }
}

TEST_CASE("check_api_addr: accepts host:port, :port and [v6]:port", "[member_rules]") {
    for (const std::string addr : {":2381", "[::1]:2381", "10.0.0.1:2381", "localhost:2381"}) {
        INFO(addr);
        CHECK(check(from_flags({"--api-addr", addr})).empty());
    }
}

// EG214

TEST_CASE("check_required: rejects empty directories", "[member_rules]") {
    SECTION("data-dir") {
        const auto d = only(check(from_flags({"--data-dir", ""})), "EG214");
        CHECK(d.level == diag::severity::error);
        CHECK(text_of(d) == "flag:--data-dir");
        CHECK(contains(d.message, "data-dir is empty"));
        CHECK(contains(d.hint, "\"data\""));
    }
    SECTION("home-dir") {
        const auto d = only(check(from_file("home-dir: \"\"\n")), "EG214");
        CHECK(text_of(d) == "member.yaml:1:1");
        CHECK(contains(d.message, "home-dir is empty"));
    }
}

TEST_CASE("check_required: rejects a primary's empty listen-client-urls", "[member_rules]") {
    const auto c = from_flags({"--listen-client-urls", ""});
    diag::diagnostics out;
    rules::check_required(c, out);
    const auto d = only(out, "EG214");
    CHECK(d.path == "cluster.listen-client-urls");
    CHECK(text_of(d) == "flag:--listen-client-urls");
    CHECK(d.message == "listen-client-urls is empty on a primary");
    CHECK(with_code(check(c), "EG214").size() == 1);
}

// EG215

TEST_CASE("check_ranges: rejects zero and too-small values", "[member_rules]") {
    const std::pair<std::vector<std::string>, std::string> cases[] = {
        {{"--cluster-request-timeout", "0s"}, "cluster-request-timeout"},
        {{"--cluster-request-timeout", "-5s"}, "cluster-request-timeout"},
        {{"--objects-dump-interval", "0s"}, "objects-dump-interval"},
        {{"--status-update-max-batch-size", "0"}, "status-update-max-batch-size"},
        {{"--max-call-send-msg-size", "10"}, "cluster.max-call-send-msg-size"},
        {{"--traffic-workers", "-1"}, "traffic-workers"},
        {{"--traffic-workers", "1025"}, "traffic-workers"},
    };
    for (const auto& [args, path] : cases) {
        INFO(args[0] << " " << args[1]);
        const auto d = only(check(from_flags(args)), "EG215");
        CHECK(d.level == diag::severity::error);
        CHECK(d.path == path);
        CHECK(text_of(d) == "flag:" + args[0]);
        CHECK_FALSE(d.hint.empty());
    }
}

TEST_CASE("check_ranges: accepts the smallest allowed values", "[member_rules]") {
    CHECK(check(from_flags({"--cluster-request-timeout", "1ns", "--objects-dump-interval", "1ms",
                            "--status-update-max-batch-size", "1", "--max-call-send-msg-size",
                            "1KiB", "--traffic-workers", "0"}))
              .empty());
    CHECK(check(from_flags({"--traffic-workers", "1024"})).empty());
}

// EG216

TEST_CASE("check_advertised_ports: warns about an advertised port nothing listens on",
          "[member_rules]") {
    SECTION("flags") {
        const auto d =
            only(check(from_flags({"--listen-peer-urls", "http://10.0.0.1:2380",
                                   "--initial-advertise-peer-urls", "http://10.0.0.1:2390"})),
                 "EG216");
        CHECK(d.level == diag::severity::warning);
        CHECK(d.path == "cluster.initial-advertise-peer-urls");
        CHECK(text_of(d) == "flag:--initial-advertise-peer-urls");
        CHECK(contains(d.message, "\"http://10.0.0.1:2390\""));
        CHECK(contains(d.message, "2390"));
        CHECK(contains(d.message, "listen-peer-urls is http://10.0.0.1:2380"));
    }
    SECTION("the second item of a file list") {
        const auto found =
            check(from_file("cluster:\n"
                            "  advertise-client-urls:\n"
                            "  - http://localhost:2379\n"
                            "  - http://10.0.0.1:12379\n"));
        const auto d = with_code(found, "EG216");
        REQUIRE(d.size() == 1);
        CHECK(text_of(*d.front()) == "member.yaml:4:5");
        // The member listens on localhost only: 10.0.0.1 is also another host (EG218).
        CHECK(codes(found) == codes_t{"EG216", "EG218"});
    }
}

// All findings at once

TEST_CASE("check_member: reports every problem of a configuration", "[member_rules]") {
    const auto c =
        from_flags({"--name", "bad name", "--state-flag", "exsting", "--tls", "--api-addr",
                    "localhost", "--data-dir", "", "--cluster-request-timeout", "0s",
                    "--advertise-client-urls", "http://0.0.0.0:2379"});
    CHECK(codes(check(c)) ==
          codes_t{"EG200", "EG201", "EG206", "EG212", "EG213", "EG214", "EG215"});
}

TEST_CASE("check_member: reports every bad item of one list", "[member_rules]") {
    const auto all =
        check(from_file("cluster:\n"
                        "  listen-peer-urls:\n"
                        "  - http://host-a:2380\n"
                        "  - 10.0.0.1:2380\n"
                        "  - http://host-b:2380\n"));
    std::vector<std::pair<std::string, std::string>> found;
    for (const auto& d : all) found.emplace_back(std::string(d.code), text_of(d));
    CHECK(found == std::vector<std::pair<std::string, std::string>>{
                       {"EG205", "member.yaml:3:5"},
                       {"EG204", "member.yaml:4:5"},
                       {"EG205", "member.yaml:5:5"},
                   });
}

// EG217, EG218

TEST_CASE(
    "check_advertised_hosts: the default localhost advertised while listening elsewhere is "
    "EG217",
    "[member_rules]") {
    const auto d =
        only(check(from_flags({"--listen-client-urls", "http://10.0.0.1:2379", "--listen-peer-urls",
                               "http://10.0.0.1:2380", "--initial-advertise-peer-urls",
                               "http://10.0.0.1:2380", "--initial-cluster",
                               "eg-default-name=http://10.0.0.1:2380"})),
             "EG217");
    CHECK(d.level == diag::severity::error);
    CHECK(d.path == "cluster.advertise-client-urls");
    CHECK(contains(d.message, "left at its default \"http://localhost:2379\""));
    CHECK(contains(d.message, "http://10.0.0.1:2379"));
    CHECK(d.hint == "set advertise-client-urls to http://10.0.0.1:2379");
    // Located where the listen URLs are set, since the default has no place of its own.
    CHECK(text_of(d) == "flag:--listen-client-urls");
}

TEST_CASE("check_advertised_hosts: a loopback URL given in a file is located at its item",
          "[member_rules]") {
    const auto d =
        only(check(from_file("cluster-role: primary\n"
                             "cluster:\n"
                             "  listen-peer-urls: [http://127.0.0.1:2380]\n"
                             "  initial-advertise-peer-urls: [http://127.0.0.1:2380]\n"
                             "  initial-cluster: {eg-default-name: http://127.0.0.1:2380}\n"
                             "  listen-client-urls: [http://10.0.0.1:2379]\n"
                             "  advertise-client-urls:\n"
                             "    - http://10.0.0.1:2379\n"
                             "    - http://127.0.0.1:2379\n")),
             "EG217");
    CHECK(text_of(d) == "member.yaml:9:7");
    CHECK(contains(d.message, "advertise-client-urls \"http://127.0.0.1:2379\""));
}

TEST_CASE("check_advertised_hosts: another host than the listened one is an EG218 warning",
          "[member_rules]") {
    const auto d = only(
        check(from_flags({"--listen-client-urls", "http://10.0.0.1:2379", "--advertise-client-urls",
                          "http://203.0.113.10:2379", "--listen-peer-urls", "http://10.0.0.1:2380",
                          "--initial-advertise-peer-urls", "http://10.0.0.1:2380",
                          "--initial-cluster", "eg-default-name=http://10.0.0.1:2380"})),
        "EG218");
    CHECK(d.level == diag::severity::warning);
    CHECK(contains(d.message, "203.0.113.10"));
    CHECK(contains(d.message, "http://10.0.0.1:2379"));
    CHECK(contains(d.hint, "http://10.0.0.1:2379"));
}

TEST_CASE("check_advertised_hosts: what a member listens on, or every address, is reachable",
          "[member_rules]") {
    // The defaults: localhost everywhere.
    CHECK(with_code(check(from_flags({})), "EG217").empty());
    // localhost listened, 127.0.0.1 advertised (and the other way round).
    CHECK(check(from_flags({"--listen-client-urls", "http://localhost:2379",
                            "--advertise-client-urls", "http://127.0.0.1:2379"}))
              .empty());
    // 0.0.0.0 listens on every address, the advertised one included.
    CHECK(
        check(from_flags({"--listen-client-urls", "http://0.0.0.0:2379", "--advertise-client-urls",
                          "http://10.0.0.1:2379", "--listen-peer-urls", "http://0.0.0.0:2380",
                          "--initial-advertise-peer-urls", "http://10.0.0.1:2380",
                          "--initial-cluster", "eg-default-name=http://10.0.0.1:2380"}))
            .empty());
    // A secondary runs no etcd: nothing of its own is advertised.
    CHECK(check(from_flags({"--cluster-role", "secondary", "--primary-listen-peer-urls",
                            "http://10.0.0.1:2380"}))
              .empty());
}

// EG219, EG220

TEST_CASE("check_admin_security: client-ca-file and basic-auth without tls are warnings",
          "[member_rules]") {
    const auto found =
        check(from_file("client-ca-file: clients-ca.pem\n"
                        "basic-auth:\n"
                        "  admin: s3cret\n"));
    CHECK(codes(found) == codes_t{"EG219", "EG220"});
    REQUIRE(found.size() == 2);
    const auto& ca = found.items()[0];
    CHECK(ca.level == diag::severity::warning);
    CHECK(text_of(ca) == "member.yaml:1:1");
    const auto& auth = found.items()[1];
    CHECK(auth.level == diag::severity::warning);
    CHECK(text_of(auth) == "member.yaml:2:1");
    CHECK_FALSE(contains(auth.message, "s3cret"));
}

TEST_CASE("check_admin_security: with tls neither is reported", "[member_rules]") {
    CHECK(check(from_file("tls: true\n"
                          "cert-file: admin.pem\n"
                          "key-file: admin.key\n"
                          "client-ca-file: clients-ca.pem\n"
                          "basic-auth:\n"
                          "  admin: s3cret\n"))
              .empty());
}

// EG123

TEST_CASE("check_shell_variables: $NAME and ${NAME} in a file are EG123, named and located",
          "[member_rules]") {
    const auto found =
        check(from_file("name: machine-1\n"
                        "labels:\n"
                        "  zone: $ZONE\n"
                        "  rack: \"${RACK}-a\"\n"
                        "log-dir: /var/log/$USER_DIR/eg\n"));
    const auto hits = with_code(found, "EG123");
    REQUIRE(hits.size() == 3);
    CHECK(hits[0]->level == diag::severity::warning);
    CHECK(contains(hits[0]->message, "$ZONE"));
    CHECK(text_of(*hits[0]) == "member.yaml:3:3");
    CHECK(contains(hits[1]->message, "${RACK}"));
    CHECK(contains(hits[2]->message, "$USER_DIR"));
    CHECK(text_of(*hits[2]) == "member.yaml:5:1");
}

TEST_CASE("check_shell_variables: flags, the environment, secrets and a lone $ are not reported",
          "[member_rules]") {
    // A shell expands flags and variables before the member sees them; what is left is meant.
    CHECK(with_code(check(from_flags({"--log-dir", "/var/$log"})), "EG123").empty());
    CHECK(with_code(check(from_file("log-dir: price-$5\n"
                                    "basic-auth:\n"
                                    "  admin: pa$$word\n")),
                    "EG123")
              .empty());
}
