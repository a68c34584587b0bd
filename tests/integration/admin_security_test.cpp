// The admin API over HTTPS, with client certificates (mTLS), and with HTTP basic authentication;
// egctl reaching it through flags and ~/.egctlrc. Certificates are made by openssl here.

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "support/local_cluster.hpp"

namespace {

using namespace std::chrono_literals;
using eg::test::local_cluster;

// A CA, a server certificate for 127.0.0.1 and a client certificate, in dir.
void make_certificates(const eg::test::temp_dir& dir) {
    const std::string d = dir.path().string();
    auto openssl = [&](std::vector<std::string> args) {
        const auto r = eg::test::run_to_end(
            [&] {
                args.insert(args.begin(), "openssl");
                return args;
            }(),
            [&] {
                eg::test::run_options o;
                o.cwd = d;
                o.timeout = 30s;
                return o;
            }());
        INFO("openssl: " << r.err);
        REQUIRE(r.exit_code == 0);
    };
    dir.write("server.ext", "subjectAltName=IP:127.0.0.1\n");
    openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
             "/CN=eg-test-ca", "-keyout", "ca.key", "-out", "ca.crt"});
    for (const std::string who : {"server", "client"}) {
        openssl({"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=eg-test-" + who, "-keyout",
                 who + ".key", "-out", who + ".csr"});
        std::vector<std::string> sign = {
            "x509",   "-req",   "-in",       who + ".csr",      "-CA",
            "ca.crt", "-CAkey", "ca.key",    "-CAcreateserial", "-days",
            "2",      "-out",   who + ".crt"};
        if (who == "server") sign.insert(sign.end(), {"-extfile", "server.ext"});
        openssl(sign);
    }
}

// Starts member 1 of a one-primary cluster from a config file with `extra` YAML lines.
void start_with(local_cluster& cluster, const std::string& extra) {
    const auto& m = cluster.member(1);
    cluster.dir.write("member.yaml",
                      "name: machine-1\ncluster-name: multi-node-cluster\ncluster-role: primary\n"
                      "api-addr: " +
                          m.api_addr() + "\nhome-dir: " + cluster.home_of(1) +
                          "\ncluster:\n  listen-peer-urls: [" + m.peer_url() +
                          "]\n  initial-advertise-peer-urls: [" + m.peer_url() +
                          "]\n  listen-client-urls: [" + m.client_url() +
                          "]\n  advertise-client-urls: [" + m.client_url() + "]\n" + extra);
    cluster.start(1, {"--config-file", (cluster.dir.path() / "member.yaml").string()});
}

// egctl with HOME (for ~/.egctlrc) in dir.
eg::test::process_result egctl(local_cluster& cluster, std::vector<std::string> args) {
    args.insert(args.begin(), {"--server", cluster.member(1).api_addr()});
    return eg::test::run_built("egctl", args, {{"HOME", cluster.dir.path().string()}},
                               cluster.dir.path().string());
}

}  // namespace

TEST_CASE("admin security: HTTPS with --tls", "[integration][admin-security]") {
    local_cluster cluster(1, 0);
    make_certificates(cluster.dir);
    const std::string d = cluster.dir.path().string();
    start_with(cluster,
               "tls: true\ncert-file: " + d + "/server.crt\nkey-file: " + d + "/server.key\n");
    const bool up = eg::test::wait_until(
        [&] {
            return egctl(cluster, {"--force-tls", "--insecure-skip-verify", "health"}).exit_code ==
                   0;
        },
        60s);
    INFO(cluster.outputs());
    REQUIRE(up);
    // The server's certificate is checked unless told otherwise: our CA is unknown to egctl...
    CHECK(egctl(cluster, {"--force-tls", "health"}).exit_code == 1);
    // ...until ~/.egctlrc names it.
    cluster.dir.write(".egctlrc",
                      "kind: Config\ncurrent-context: test\nclusters:\n- name: c\n  cluster:\n"
                      "    server: " +
                          cluster.member(1).api_addr() + "\n    certificate-authority: " + d +
                          "/ca.crt\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: test\n"
                          "  context: {cluster: c, user: u}\n");
    const auto verified = egctl(cluster, {"health"});
    INFO(verified.err);
    CHECK(verified.exit_code == 0);
    // Plain HTTP gets no answer from an HTTPS-only server.
    CHECK(eg::test::run_built("egctl", {"--server", cluster.member(1).api_addr(), "health"}, {}, d)
              .exit_code == 1);
}

TEST_CASE("admin security: client certificates with client-ca-file",
          "[integration][admin-security]") {
    local_cluster cluster(1, 0);
    make_certificates(cluster.dir);
    const std::string d = cluster.dir.path().string();
    start_with(cluster, "tls: true\ncert-file: " + d + "/server.crt\nkey-file: " + d +
                            "/server.key\nclient-ca-file: " + d + "/ca.crt\n");
    const std::string rc_head =
        "kind: Config\ncurrent-context: test\nclusters:\n- name: c\n  cluster:\n    server: " +
        cluster.member(1).api_addr() + "\n    certificate-authority: " + d + "/ca.crt\n";
    const std::string rc_tail = "contexts:\n- name: test\n  context: {cluster: c, user: u}\n";
    cluster.dir.write(".egctlrc",
                      rc_head + "users:\n- name: u\n  user:\n    client-certificate: " + d +
                          "/client.crt\n    client-key: " + d + "/client.key\n" + rc_tail);
    const bool up =
        eg::test::wait_until([&] { return egctl(cluster, {"health"}).exit_code == 0; }, 60s);
    INFO(cluster.outputs());
    REQUIRE(up);
    CHECK(egctl(cluster, {"get", "member"}).exit_code == 0);

    // A graceful upgrade keeps the same HTTPS listener, client certificates required.
    const auto pid_file = std::filesystem::path(cluster.home_of(1)) / "easegress.pid";
    const auto signalled = eg::test::run_built(
        "easegress-server",
        {"--config-file", (cluster.dir.path() / "member.yaml").string(), "--signal-upgrade"}, {},
        d);
    INFO(signalled.out << signalled.err);
    REQUIRE(signalled.exit_code == 0);
    CHECK(cluster.process(1).wait_for(60s) == 0);
    std::ifstream pid_text(pid_file);
    eg::test::adopted_process upgraded;
    pid_text >> upgraded.pid;
    CHECK(upgraded.pid != cluster.process(1).pid());
    CHECK(egctl(cluster, {"get", "member"}).exit_code == 0);

    // Without a client certificate the handshake is refused.
    cluster.dir.write(".egctlrc", rc_head + "users:\n- name: u\n  user: {}\n" + rc_tail);
    CHECK(egctl(cluster, {"health"}).exit_code == 1);
}

TEST_CASE("admin security: basic auth, and the password never published",
          "[integration][admin-security]") {
    local_cluster cluster(1, 0);
    start_with(cluster, "basic-auth:\n  admin: s3cret-Pa55\n");
    const bool up = eg::test::wait_until(
        [&] {
            const auto r = egctl(cluster, {"health"});
            return r.err.find("401: basic auth failed") != std::string::npos;
        },
        60s);
    INFO(cluster.outputs());
    REQUIRE(up);
    auto rc = [&](const std::string& password) {
        cluster.dir.write(
            ".egctlrc",
            "kind: Config\ncurrent-context: test\nclusters:\n- name: c\n  cluster:\n"
            "    server: " +
                cluster.member(1).api_addr() +
                "\nusers:\n- name: u\n  user:\n    username: admin\n    password: " + password +
                "\ncontexts:\n- name: test\n  context: {cluster: c, user: u}\n");
    };
    rc("wrong");
    CHECK(egctl(cluster, {"health"}).exit_code == 1);
    rc("s3cret-Pa55");
    CHECK(eg::test::wait_until([&] { return egctl(cluster, {"health"}).exit_code == 0; }, 30s));
    const auto raw = egctl(cluster, {"get", "member", "-o", "json"});
    CHECK(raw.exit_code == 0);
    CHECK(raw.out.find("<redacted>") != std::string::npos);
    CHECK(raw.out.find("s3cret-Pa55") == std::string::npos);
    CHECK(cluster.outputs().find("s3cret-Pa55") == std::string::npos);
}
