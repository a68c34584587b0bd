// Checks of a member against this machine (eg::host): ports taken, listen addresses missing,
// files unreadable, a data dir that belongs to another cluster. The tests take their ports from
// the kernel (bind to port 0) and keep their files in a scratch directory.

#include <eg/config_loader.hpp>
#include <eg/host_checks.hpp>
#include <eg/yaml_text.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "support/config_inputs.hpp"
#include "support/diagnostic_checks.hpp"
#include "support/temp_dir.hpp"

namespace {

namespace cfg = eg::config;
namespace diag = eg::diag;
namespace fs = std::filesystem;

using eg::test::only;

// A TCP socket listening on 127.0.0.1 at a port the kernel picked.
class listener {
public:
    listener() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        REQUIRE(fd_ >= 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = 0;
        REQUIRE(::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr) == 1);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(::listen(fd_, 1) == 0);
        socklen_t length = sizeof address;
        REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
        port_ = ntohs(address.sin_port);
    }
    listener(const listener&) = delete;
    listener& operator=(const listener&) = delete;
    ~listener() { close(); }

    int port() const { return port_; }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
    int port_ = 0;
};

// `n` distinct ports that nothing listens on (each was bound and released).
std::vector<std::string> free_ports(int n) {
    std::vector<listener> taken(static_cast<std::size_t>(n));
    std::vector<std::string> ports;
    for (const auto& l : taken) ports.push_back(std::to_string(l.port()));
    return ports;
}

cfg::effective_config load(const std::string& text) {
    return eg::test::load_member_file("m.yaml", text);
}

diag::diagnostics check(const cfg::effective_config& c) {
    diag::diagnostics out;
    eg::host::check_member_on_host(c, out);
    eg::test::log_diagnostics("finding", out);
    return out;
}

std::string yaml(const fs::path& p) { return eg::emit::scalar(p.string()); }

// A secondary on 127.0.0.1:`api` at home `home`; lines 1-5, then `extra`.
std::string secondary(const std::string& api_addr, const fs::path& home,
                      const std::string& extra = {}) {
    return "name: m1\n"
           "cluster-name: cluster-test\n"
           "cluster-role: secondary\n"
           "api-addr: " +
           eg::emit::scalar(api_addr) +
           "\n"
           "home-dir: " +
           yaml(home) + "\n" + extra;
}

// A primary on 127.0.0.1:`api_port` at home `home`; lines 1-5, then `extra`.
std::string primary(const std::string& api_port, const fs::path& home, const std::string& extra) {
    return "name: m1\n"
           "cluster-name: cluster-test\n"
           "cluster-role: primary\n"
           "api-addr: 127.0.0.1:" +
           api_port +
           "\n"
           "home-dir: " +
           yaml(home) + "\n" + extra;
}

std::string where(const diag::diagnostic& d) { return diag::location_text(d.where); }

}  // namespace

TEST_CASE("port_in_use: a port listened on is in use, and free once closed", "[host]") {
    listener l;
    const int port = l.port();
    CHECK(eg::host::port_in_use("127.0.0.1", port));
    CHECK(eg::host::port_in_use("localhost", port));
    CHECK(eg::host::port_in_use("0.0.0.0", port));
    l.close();
    CHECK_FALSE(eg::host::port_in_use("127.0.0.1", port));
    CHECK_FALSE(eg::host::port_in_use("localhost", port));
}

TEST_CASE("check_member_on_host: an api-addr port that is taken is EG400", "[host]") {
    eg::test::temp_dir home;
    listener l;
    const std::string port = std::to_string(l.port());
    const auto d = only(check(load(secondary("127.0.0.1:" + port, home.path()))), "EG400");
    CHECK(where(d) == "m.yaml:4:1");
    CHECK(d.path == "api-addr");
    CHECK(d.message == "api-addr port " + port + " on 127.0.0.1 is already in use on this machine");
}

TEST_CASE("check_member_on_host: a wildcard api-addr on a taken port is EG400 on *", "[host]") {
    eg::test::temp_dir home;
    listener l;
    const std::string port = std::to_string(l.port());
    const auto d = only(check(load(secondary(":" + port, home.path()))), "EG400");
    CHECK(d.message == "api-addr port " + port + " on * is already in use on this machine");
}

TEST_CASE("check_member_on_host: a listen URL on an address this machine lacks is EG402",
          "[host]") {
    REQUIRE(eg::host::local_addresses().count("10.255.255.1") == 0);
    eg::test::temp_dir home;
    const auto ports = free_ports(3);
    const auto d = only(check(load(primary(ports[0], home.path(),
                                           "cluster:\n"
                                           "  listen-peer-urls:\n"
                                           "  - http://10.255.255.1:" +
                                               ports[1] +
                                               "\n"
                                               "  listen-client-urls:\n"
                                               "  - http://127.0.0.1:" +
                                               ports[2] + "\n"))),
                        "EG402");
    CHECK(where(d) == "m.yaml:8:5");
    CHECK(d.path == "cluster.listen-peer-urls");
    CHECK(d.message ==
          "listen-peer-urls listens on 10.255.255.1, which no network interface of this machine "
          "has");
}

TEST_CASE("check_member_on_host: tls with a cert-file that does not exist is EG401", "[host]") {
    eg::test::temp_dir home;
    const auto key = home.write("key.pem", "key\n");
    const auto missing = home.path() / "missing.pem";
    const auto d = only(check(load(secondary("127.0.0.1:" + free_ports(1)[0], home.path(),
                                             "tls: true\n"
                                             "cert-file: " +
                                                 yaml(missing) +
                                                 "\n"
                                                 "key-file: " +
                                                 yaml(key) + "\n"))),
                        "EG401");
    CHECK(where(d) == "m.yaml:7:1");
    CHECK(d.path == "cert-file");
    CHECK(d.message ==
          "cert-file \"" + missing.string() + "\" cannot be read: No such file or directory");
}

TEST_CASE("check_member_on_host: an initial object file that cannot be read is EG401", "[host]") {
    eg::test::temp_dir home;
    const auto present = home.write("objects/present.yaml", "kind: HTTPServer\n");
    const auto missing = home.path() / "objects" / "missing.yaml";
    const auto d = only(check(load(secondary("127.0.0.1:" + free_ports(1)[0], home.path(),
                                             "initial-object-config-files:\n"
                                             "- " +
                                                 yaml(present) +
                                                 "\n"
                                                 "- " +
                                                 yaml(missing) + "\n"))),
                        "EG401");
    CHECK_THAT(where(d), Catch::Matchers::StartsWith("m.yaml:"));
    CHECK(d.path == "initial-object-config-files");
    CHECK(d.message == "initial-object-config-files \"" + missing.string() +
                           "\" cannot be read: No such file or directory");
}

TEST_CASE("check_member_on_host: a data dir marked for another cluster is EG403", "[host]") {
    eg::test::temp_dir home;
    home.write("data/.eg-cluster", "other-cluster\n");
    const auto d = only(
        check(load(secondary("127.0.0.1:" + free_ports(1)[0], home.path(), "data-dir: data\n"))),
        "EG403");
    CHECK(where(d) == "m.yaml:6:1");
    CHECK(d.path == "data-dir");
    CHECK(d.message == "data dir " + (home.path() / "data").lexically_normal().string() +
                           " belongs to cluster 'other-cluster', not 'cluster-test'");
}

TEST_CASE("check_member_on_host: a clean member on free ports has no findings", "[host]") {
    eg::test::temp_dir home;
    home.write("data/.eg-cluster", "cluster-test\n");
    const auto cert = home.write("tls/cert.pem", "cert\n");
    const auto key = home.write("tls/key.pem", "key\n");
    const auto ca = home.write("tls/ca.pem", "ca\n");
    const auto objects = home.write("objects.yaml", "kind: HTTPServer\n");
    const auto ports = free_ports(3);
    const auto out = check(load(primary(ports[0], home.path(),
                                        "data-dir: data\n"
                                        "tls: true\n"
                                        "cert-file: " +
                                            yaml(cert) +
                                            "\n"
                                            "key-file: " +
                                            yaml(key) +
                                            "\n"
                                            "client-ca-file: " +
                                            yaml(ca) +
                                            "\n"
                                            "initial-object-config-files:\n"
                                            "- " +
                                            yaml(objects) +
                                            "\n"
                                            "cluster:\n"
                                            "  listen-peer-urls:\n"
                                            "  - http://127.0.0.1:" +
                                            ports[1] +
                                            "\n"
                                            "  listen-client-urls:\n"
                                            "  - http://localhost:" +
                                            ports[2] + "\n")));
    CHECK(out.empty());
}

TEST_CASE("is_this_machine: loopback and this machine's addresses are here, others are not",
          "[host]") {
    CHECK(eg::host::is_this_machine(""));
    CHECK(eg::host::is_this_machine("localhost"));
    CHECK(eg::host::is_this_machine("127.0.0.1"));
    CHECK_FALSE(eg::host::is_this_machine("10.255.255.1"));
}
