#include "tools/egctl/server_url.hpp"

#include <catch2/catch.hpp>

using eg::ctl::api_error_message;
using eg::ctl::current_config;
using eg::ctl::make_url;

namespace {

current_config rc_with_server(const std::string& server) {
    current_config c;
    c.cluster.server = server;
    return c;
}

}  // namespace

TEST_CASE("egctl server URL: flag over rc file over localhost:2381", "[egctl]") {
    const auto path = "/apis/v2/healthz";
    CHECK(make_url("", nullptr, false, path) == "http://localhost:2381/apis/v2/healthz");
    const auto rc = rc_with_server("10.0.0.1:2381");
    CHECK(make_url("", &rc, false, path) == "http://10.0.0.1:2381/apis/v2/healthz");
    CHECK(make_url("10.0.0.9:12381", &rc, false, path) == "http://10.0.0.9:12381/apis/v2/healthz");
    const auto rc_without_server = rc_with_server("");
    CHECK(make_url("", &rc_without_server, false, path) == "http://localhost:2381/apis/v2/healthz");
}

TEST_CASE("egctl server URL: the scheme", "[egctl]") {
    const auto path = "/apis/v2/status/members";
    CHECK(make_url("h:1", nullptr, true, path) == "https://h:1/apis/v2/status/members");
    // A leading http:// is dropped and the chosen scheme added again.
    CHECK(make_url("http://h:1", nullptr, false, path) == "http://h:1/apis/v2/status/members");
    CHECK(make_url("http://h:1", nullptr, true, path) == "https://h:1/apis/v2/status/members");
    // https:// is used as given.
    CHECK(make_url("https://h:1", nullptr, false, path) == "https://h:1/apis/v2/status/members");
    // A CA or a client certificate in the rc file means HTTPS.
    auto rc = rc_with_server("h:1");
    rc.cluster.certificate_authority = "/ca.crt";
    CHECK(make_url("", &rc, false, path) == "https://h:1/apis/v2/status/members");
    rc = rc_with_server("h:1");
    rc.user.client_certificate_data = "pem";
    CHECK(make_url("other:2", &rc, false, path) == "https://other:2/apis/v2/status/members");
}

TEST_CASE("egctl server URL: member paths keep the name one segment", "[egctl]") {
    CHECK(eg::ctl::member_path("machine-1") == "/apis/v2/status/members/machine-1");
    CHECK(eg::ctl::member_path("a b/c") == "/apis/v2/status/members/a%20b%2Fc");
}

TEST_CASE("egctl server URL: an HTTPS server's refusal of HTTP asks for a retry", "[egctl]") {
    using eg::ctl::should_retry_over_https;
    const std::string refusal = "Client sent an HTTP request to an HTTPS server.\n";
    CHECK(should_retry_over_https("http://h:1/apis/v2/healthz", 400, refusal));
    CHECK_FALSE(should_retry_over_https("https://h:1/apis/v2/healthz", 400, refusal));
    CHECK_FALSE(should_retry_over_https("http://h:1/apis/v2/healthz", 404, refusal));
    CHECK_FALSE(should_retry_over_https("http://h:1/apis/v2/healthz", 400, "bad request"));
    CHECK(eg::ctl::as_https("http://h:1/apis/v2/healthz") == "https://h:1/apis/v2/healthz");
}

TEST_CASE("egctl server URL: HTTP errors read as <code>: <message>", "[egctl]") {
    CHECK(api_error_message(R"({"code":404,"message":"not found"})") == "404: not found");
    CHECK(api_error_message(R"({"code":503,"message":"waiting for etcd"})") ==
          "503: waiting for etcd");
    CHECK(api_error_message(R"({"message":"no code"})") == "0: no code");
    CHECK(api_error_message("404 page not found\n") == "0: 404 page not found\n");
    CHECK(api_error_message("") == "0: ");
    CHECK(api_error_message("[1,2]") == "0: [1,2]");
}

TEST_CASE("egctl server URL: transport errors in Go's shape", "[egctl]") {
    CHECK(eg::ctl::go_method_name("GET") == "Get");
    CHECK(eg::ctl::go_method_name("DELETE") == "Delete");
    CHECK(eg::ctl::transport_error("GET", "http://127.0.0.1:2381/apis/v2/status/members",
                                   "connection refused") ==
          "Get \"http://127.0.0.1:2381/apis/v2/status/members\": connection refused");
}
