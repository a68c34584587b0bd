#include "tools/egctl/rc_file.hpp"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "support/temp_dir.hpp"

using eg::ctl::load_current_config;
using eg::ctl::parse_rc_file;
using eg::ctl::rc_config;
using eg::ctl::resolve_current;

namespace {

// "-----BEGIN CERTIFICATE-----\nAAA\n" in base64.
constexpr const char* pem_base64 = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCkFBQQo=";

const std::string full_rc = std::string(R"(kind: Config
clusters:
  - name: cluster-default
    cluster:
      server: https://10.0.0.1:2381
      certificate-authority: /tmp/certs/ca.crt
  - name: cluster-data
    cluster:
      server: 10.0.0.2:2381
      certificate-authority-data: )") +
                            pem_base64 + R"(
users:
  - name: user-default
    user:
      username: admin
      password: admin-password
      client-certificate: /tmp/certs/client.crt
      client-key: /tmp/certs/client.key
  - name: plain
    user: {}
contexts:
  - name: context-default
    context:
      cluster: cluster-default
      user: user-default
  - name: context-data
    context: {cluster: cluster-data, user: plain}
current-context: context-default
)";

rc_config parsed(const std::string& text) {
    const auto config = parse_rc_file(text, "/home/u/.egctlrc");
    INFO(config.error());
    REQUIRE(config);
    return *config;
}

std::string parse_error(const std::string& text) {
    const auto config = parse_rc_file(text, "/home/u/.egctlrc");
    REQUIRE_FALSE(config);
    return config.error();
}

std::string resolve_error(const std::string& text) {
    const auto current = resolve_current(parsed(text));
    REQUIRE_FALSE(current);
    return current.error();
}

}  // namespace

TEST_CASE("egctl rc file: reads clusters, users, contexts and decodes *-data", "[egctl]") {
    const auto config = parsed(full_rc);
    CHECK(config.kind == "Config");
    CHECK(config.current_context == "context-default");
    REQUIRE(config.clusters.size() == 2);
    CHECK(config.clusters[0].server == "https://10.0.0.1:2381");
    CHECK(config.clusters[0].certificate_authority == "/tmp/certs/ca.crt");
    CHECK(config.clusters[1].certificate_authority_data == "-----BEGIN CERTIFICATE-----\nAAA\n");
    REQUIRE(config.users.size() == 2);
    CHECK(config.users[0].username == "admin");
    CHECK(config.users[0].password == "admin-password");
    CHECK(config.users[0].client_key == "/tmp/certs/client.key");
    REQUIRE(config.contexts.size() == 2);
    CHECK(config.contexts[1].cluster == "cluster-data");
    CHECK(config.contexts[1].user == "plain");
}

TEST_CASE("egctl rc file: the current context picks its cluster and user", "[egctl]") {
    const auto current = resolve_current(parsed(full_rc));
    REQUIRE(current);
    CHECK(current->cluster.name == "cluster-default");
    CHECK(current->user.name == "user-default");
    CHECK(current->use_https());

    std::string other = full_rc;
    other.replace(other.find("current-context: context-default"),
                  std::string("current-context: context-default").size(),
                  "current-context: context-data");
    const auto data = resolve_current(parsed(other));
    REQUIRE(data);
    CHECK(data->cluster.server == "10.0.0.2:2381");
    CHECK(data->use_https());  // certificate-authority-data alone means HTTPS
}

TEST_CASE("egctl rc file: HTTPS only with a CA or a client certificate", "[egctl]") {
    eg::ctl::current_config c;
    CHECK_FALSE(c.use_https());
    c.user.username = "admin";
    c.user.client_key = "/k";  // a key without a certificate is not enough
    CHECK_FALSE(c.use_https());
    c.user.client_certificate_data = "pem";
    CHECK(c.use_https());
}

TEST_CASE("egctl rc file: names what the current context lacks as upstream does", "[egctl]") {
    CHECK(resolve_error("clusters: []\n") == "current context not found in .egctlrc file");
    CHECK(resolve_error("current-context: prod\n") ==
          "current context prod not found in .egctlrc file");
    CHECK(resolve_error("current-context: prod\n"
                        "contexts: [{name: prod, context: {cluster: c1, user: u1}}]\n") ==
          "cluster c1 not found in .egctlrc file");
    CHECK(resolve_error("current-context: prod\n"
                        "contexts: [{name: prod, context: {cluster: c1, user: u1}}]\n"
                        "clusters: [{name: c1, cluster: {server: 'h:1'}}]\n") ==
          "user u1 not found in .egctlrc file");
}

TEST_CASE("egctl rc file: an unreadable file is an unmarshal error naming the file", "[egctl]") {
    CHECK(parse_error("clusters: [\n")
              .starts_with(
                  "unmarshal config file /home/u/.egctlrc failed: yaml-cpp: error at line 2"));
    CHECK(parse_error("clusters: x\n") ==
          "unmarshal config file /home/u/.egctlrc failed: line 1: `clusters` must be a list");
    CHECK(parse_error("- a\n") ==
          "unmarshal config file /home/u/.egctlrc failed: line 1: the file must be a mapping");
    CHECK(parse_error("users: [{name: u, user: {username: [a]}}]\n") ==
          "unmarshal config file /home/u/.egctlrc failed: line 1: `username` must be a string");
    CHECK(parse_error("clusters:\n  - name: c\n    cluster:\n"
                      "      certificate-authority-data: 'not base64!'\n") ==
          "unmarshal config file /home/u/.egctlrc failed: line 4: certificate-authority-data: "
          "illegal base64 data at input byte 3");
}

TEST_CASE("egctl rc file: an empty file is an empty config; scalars read as text", "[egctl]") {
    CHECK(parsed("").clusters.empty());
    CHECK(parsed("# nothing\n").current_context.empty());
    CHECK(parsed("current-context: 2381\n").current_context == "2381");
}

TEST_CASE("egctl rc file: base64 follows Go's standard encoding", "[egctl]") {
    using eg::ctl::rc_detail::base64_decode;
    CHECK(*base64_decode("") == "");
    CHECK(*base64_decode("QQ==") == "A");
    CHECK(*base64_decode("QUI=") == "AB");
    CHECK(*base64_decode("QUJD") == "ABC");
    CHECK(*base64_decode("QUJD\nREVG\r\n") == "ABCDEF");
    CHECK(base64_decode("QQ").error() == "illegal base64 data at input byte 0");
    CHECK(base64_decode("QQ=").error() == "illegal base64 data at input byte 3");
    CHECK(base64_decode("QQ=A").error() == "illegal base64 data at input byte 2");
    CHECK(base64_decode("Q===").error() == "illegal base64 data at input byte 1");
    CHECK(base64_decode("QQ==QQ==").error() == "illegal base64 data at input byte 4");
    CHECK(base64_decode("QU*D").error() == "illegal base64 data at input byte 2");
}

TEST_CASE("egctl rc file: loaded from $HOME/.egctlrc when there is one", "[egctl]") {
    eg::test::temp_dir home;
    const std::string home_text = home.path().string();

    const auto none = load_current_config(home_text.c_str());
    REQUIRE(none);
    CHECK_FALSE(none->has_value());

    home.write(".egctlrc", full_rc);
    const auto found = load_current_config(home_text.c_str());
    REQUIRE(found);
    REQUIRE(found->has_value());
    CHECK((*found)->cluster.server == "https://10.0.0.1:2381");

    home.write(".egctlrc", "current-context: missing\n");
    const auto broken = load_current_config(home_text.c_str());
    REQUIRE_FALSE(broken);
    CHECK(broken.error() == "current context missing not found in .egctlrc file");

    // No HOME (a service's environment): no rc file, the defaults apply.
    REQUIRE(load_current_config(nullptr));
    CHECK_FALSE(load_current_config(nullptr)->has_value());
    REQUIRE(load_current_config(""));
    CHECK_FALSE(load_current_config("")->has_value());

    std::filesystem::remove(home.path() / ".egctlrc");
    std::filesystem::create_directory(home.path() / ".egctlrc");
    CHECK(load_current_config(home_text.c_str()).error() ==
          "read " + home_text + "/.egctlrc: is a directory");
}

TEST_CASE("egctl rc file: a missing file is worded as Go words it", "[egctl]") {
    CHECK(eg::ctl::read_file_text("/nonexistent/ca.crt").error() ==
          "open /nonexistent/ca.crt: no such file or directory");
}

TEST_CASE("egctl rc file: a FIFO, a device or an oversized file is refused without reading it",
          "[egctl]") {
    eg::test::temp_dir dir;
    const auto fifo = (dir.path() / "fifo").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK(eg::ctl::read_file_text(fifo).error() ==
          "read " + fifo + ": is not a regular file (a device, FIFO or socket)");
    CHECK(eg::ctl::read_file_text("/dev/zero").error() ==
          "read /dev/zero: is not a regular file (a device, FIFO or socket)");
    const auto big = dir.write("big", std::string(11, 'x')).string();
    CHECK(eg::ctl::read_file_text(big, 10).error() ==
          "read " + big + ": is 11 bytes, more than the 10 bytes allowed");
    REQUIRE(eg::ctl::read_file_text(big, 11));

    // ~/.egctlrc as a FIFO: an error, not a wait.
    std::filesystem::create_directory(dir.path() / "home");
    const auto home = (dir.path() / "home").string();
    REQUIRE(::mkfifo((home + "/.egctlrc").c_str(), 0600) == 0);
    CHECK(load_current_config(home.c_str()).error() ==
          "read " + home + "/.egctlrc: is not a regular file (a device, FIFO or socket)");
}

TEST_CASE("egctl rc file: nesting and aliases beyond the limits are errors", "[egctl]") {
    std::string deep = "kind: Config\nclusters:\n";
    for (int level = 1; level <= 70; ++level)
        deep += std::string(static_cast<std::size_t>(2 * level), ' ') + "k:\n";
    CHECK(parse_rc_file(deep, "/h/.egctlrc").error() ==
          "unmarshal config file /h/.egctlrc failed: line 66: the document is nested deeper than "
          "64 levels");
    CHECK(parse_rc_file("clusters: " + std::string(5000, '['), "/h/.egctlrc").error() ==
          "unmarshal config file /h/.egctlrc failed: line 1: the document is nested deeper than "
          "64 levels");
    std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n";
    for (char name = 'b'; name <= 'i'; ++name) {
        bomb += std::string(1, name) + ": &" + name + " [";
        for (int i = 0; i < 9; ++i) bomb += std::string(i ? ", " : "") + "*" + char(name - 1);
        bomb += "]\n";
    }
    const auto refused = parse_rc_file(bomb, "/h/.egctlrc");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().find("has more than 200000 nodes once its aliases are expanded") !=
          std::string::npos);
}
