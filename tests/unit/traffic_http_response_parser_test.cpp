#include "daemon/traffic/http_response_parser.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace {

using eg::server::http_body_framing;
using eg::server::http_response_error;
using eg::server::http_response_limits;
using eg::server::http_response_parser;
using progress = http_response_parser::progress;

http_response_limits small_limits() {
    http_response_limits limits;
    limits.max_head_bytes = 256;
    limits.max_header_count = 6;
    limits.max_chunk_line_bytes = 32;
    limits.max_body_bytes = 64;
    return limits;
}

// What a connection's bytes come to, fed in the given parts: per response (interim ones
// included) its status, header count, framing, keep-alive and body, then the final state and
// error. `closed`: the upstream closes after the last part.
std::string outcome(const std::vector<std::string>& parts, bool to_head = false, bool closed = true,
                    http_response_limits limits = small_limits()) {
    http_response_parser parser(limits);
    parser.start(to_head);
    std::string result;
    std::string body;
    bool head_seen = false;
    const auto finish_response = [&] {
        const auto& head = parser.head();
        result += std::to_string(head.status) + " " + std::string(head.reason) + " h" +
                  std::to_string(head.headers.size()) + " f" +
                  std::to_string(static_cast<int>(head.framing)) + " k" +
                  std::to_string(head.keep_alive) + " [" + body + "]\n";
        body.clear();
        head_seen = false;
    };
    std::string unread;  // what follows a complete response
    for (const auto& part : parts) {
        std::string_view rest = part;
        if (parser.state() == progress::failed) break;
        if (parser.state() == progress::complete) {
            unread += part;
            continue;
        }
        while (!rest.empty() &&
               (parser.state() == progress::head || parser.state() == progress::body)) {
            const auto fed = parser.feed(rest);
            REQUIRE(fed.used <= rest.size());
            REQUIRE(fed.body.size() <= fed.used);
            if (!fed.body.empty()) REQUIRE(fed.body.data() >= rest.data());
            body.append(fed.body);
            rest.remove_prefix(fed.used);
            if (parser.state() == progress::body || parser.state() == progress::complete)
                head_seen = true;
            if (parser.state() == progress::complete && parser.head().interim()) {
                finish_response();
                parser.start(to_head);
            }
        }
        if (parser.state() == progress::complete) unread += rest;
    }
    if (closed) parser.end_of_input();
    if (parser.state() == progress::complete || head_seen) finish_response();
    if (!unread.empty()) result += "rest " + unread + "\n";
    result += "state " + std::to_string(static_cast<int>(parser.state()));
    if (parser.state() == progress::failed)
        result += " " + std::string(eg::server::to_string(parser.error())) + ": " +
                  parser.error_message();
    return result;
}

// The same outcome for every cut of `text` in two, and every cut in three when short.
void check_every_split(const std::string& text, bool to_head = false, bool closed = true) {
    const auto whole = outcome({text}, to_head, closed);
    for (std::size_t i = 0; i <= text.size(); ++i) {
        INFO("split at " << i);
        CHECK(outcome({text.substr(0, i), text.substr(i)}, to_head, closed) == whole);
    }
    if (text.size() > 120) return;
    for (std::size_t i = 0; i <= text.size(); ++i)
        for (std::size_t j = i; j <= text.size(); ++j) {
            INFO("splits at " << i << " and " << j);
            REQUIRE(outcome({text.substr(0, i), text.substr(i, j - i), text.substr(j)}, to_head,
                            closed) == whole);
        }
}

}  // namespace

TEST_CASE("http response parser: a Content-Length response, its head seen before its body",
          "[traffic-http-response]") {
    const std::string text =
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nX-A:  b c \r\n\r\n"
        "hello";
    http_response_parser parser(small_limits());
    auto fed = parser.feed(text);
    REQUIRE(parser.state() == progress::body);
    CHECK(fed.body.empty());
    const auto& head = parser.head();
    CHECK(head.status == 200);
    CHECK(head.reason == "OK");
    CHECK(head.minor_version == 1);
    CHECK(head.headers.size() == 3);
    CHECK(head.header("content-type") == "text/plain");
    CHECK(head.header("x-a") == "b c");
    CHECK_FALSE(head.has("Server"));
    CHECK(head.framing == http_body_framing::length);
    CHECK(head.content_length == 5);
    CHECK(head.keep_alive);
    fed = parser.feed(std::string_view(text).substr(fed.used));
    CHECK(fed.body == "hello");
    CHECK(fed.body.data() == text.data() + text.size() - 5);  // a view, not a copy
    CHECK(parser.state() == progress::complete);
    CHECK(parser.body_bytes() == 5);
    CHECK(outcome({text}) == "200 OK h3 f1 k1 [hello]\nstate 2");
    check_every_split(text);
}

TEST_CASE("http response parser: a chunked body with extensions and trailers",
          "[traffic-http-response]") {
    const std::string text =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n";
    CHECK(outcome({text}) == "200 OK h1 f2 k1 [hello, world]\nstate 2");
    check_every_split(text);
}

TEST_CASE("http response parser: a body until the upstream closes", "[traffic-http-response]") {
    const std::string text = "HTTP/1.1 200 OK\r\nServer: s\r\n\r\nall of it";
    CHECK(outcome({text}) == "200 OK h1 f3 k0 [all of it]\nstate 2");
    CHECK(outcome({text}, false, false) == "200 OK h1 f3 k0 [all of it]\nstate 1");
    check_every_split(text);
    // A transfer coding other than chunked last: until close too.
    CHECK(outcome({"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzz"}) ==
          "200 OK h1 f3 k0 [zz]\nstate 2");
}

TEST_CASE("http response parser: no body for HEAD, 204, 304 and 1xx", "[traffic-http-response]") {
    CHECK(outcome({"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"}, true) ==
          "200 OK h1 f0 k1 []\nstate 2");
    CHECK(outcome({"HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\nabc"}) ==
          "204 No Content h1 f0 k1 []\nrest abc\nstate 2");
    CHECK(outcome({"HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n"}) ==
          "304 Not Modified h1 f0 k1 []\nstate 2");
    const std::string interim =
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
        "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok";
    CHECK(outcome({interim}) ==
          "100 Continue h0 f0 k1 []\n103 Early Hints h1 f0 k1 []\n201 Created h1 f1 k1 [ok]\n"
          "state 2");
    check_every_split(interim);
    // 101: the connection now speaks another protocol; the rest is not HTTP.
    CHECK(outcome({"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nxyz"}) ==
          "101 Switching Protocols h1 f0 k0 []\nrest xyz\nstate 2");
}

TEST_CASE("http response parser: keep-alive from the version and Connection",
          "[traffic-http-response]") {
    CHECK(outcome({"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"}) ==
          "200 OK h2 f1 k0 []\nstate 2");
    CHECK(outcome({"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"}) ==
          "200 OK h1 f1 k0 []\nstate 2");
    CHECK(outcome({"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nx"}) ==
          "200 OK h2 f1 k1 [x]\nstate 2");
    // Both framings: chunked wins and the connection is not reused.
    CHECK(outcome({"HTTP/1.1 200 OK\r\nContent-Length: 9\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "1\r\na\r\n0\r\n\r\n"}) == "200 OK h2 f2 k0 [a]\nstate 2");
    // The status line may have no reason; bare LF ends lines.
    CHECK(outcome({"HTTP/1.1 404\nContent-Length: 0\n\n"}) == "404  h1 f1 k1 []\nstate 2");
}

TEST_CASE("http response parser: a pipelined next response stays unread",
          "[traffic-http-response]") {
    const std::string text = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nabHTTP/1.1 200 OK\r\n";
    CHECK(outcome({text}) == "200 OK h1 f1 k1 [ab]\nrest HTTP/1.1 200 OK\r\n\nstate 2");
    http_response_parser parser(small_limits());
    std::size_t used = 0;
    while (parser.state() != progress::complete) used += parser.feed(text.substr(used)).used;
    CHECK(text.substr(used) == "HTTP/1.1 200 OK\r\n");
    CHECK(parser.feed("more").used == 0);
}

TEST_CASE("http response parser: malformed responses are refused with a reason",
          "[traffic-http-response]") {
    const auto error_of = [](const std::string& text) { return outcome({text}); };
    const auto check_error = [&](const std::string& text, const std::string& words) {
        const auto result = error_of(text);
        INFO(result);
        CHECK(result.find("state 3 malformed: ") != std::string::npos);
        CHECK(result.find(words) != std::string::npos);
        check_every_split(text);
    };
    check_error("HTTP/2 200 OK\r\n\r\n", "status line");
    check_error("HTTP/1.1 2000 OK\r\n\r\n", "status line");
    check_error("HTTP/1.1 20x OK\r\n\r\n", "status line");
    check_error("HTTP/1.1 099 Low\r\n\r\n", "status line");
    check_error("ICY 200 OK\r\n\r\n", "status line");
    check_error("HTTP/1.1 200 OK\rX\n\r\n", "CR not followed by LF");
    check_error("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", "header field");
    check_error("HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "header field");
    check_error("HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n", "folding");
    check_error(std::string("HTTP/1.1 200 OK\r\nA: b\x01\r\n\r\n"), "invalid character");
    check_error("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", "Content-Length");
    check_error("HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n", "different");
    check_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", "last coding");
    check_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nz\r\n", "chunk size");
    check_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", "chunk size");
    check_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n",
                "not followed by CRLF");
    check_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n",
                "trailer");
}

TEST_CASE("http response parser: every limit is enforced with its own error",
          "[traffic-http-response]") {
    const auto check_error = [](const std::string& text, http_response_error error) {
        http_response_parser parser(small_limits());
        std::string_view rest = text;
        while (!rest.empty() && parser.state() != progress::failed &&
               parser.state() != progress::complete)
            rest.remove_prefix(parser.feed(rest).used);
        INFO(text << " -> " << parser.error_message());
        REQUIRE(parser.state() == progress::failed);
        CHECK(parser.error() == error);
        CHECK_FALSE(parser.error_message().empty());
    };
    check_error("HTTP/1.1 200 OK\r\nX: " + std::string(300, 'a'),
                http_response_error::head_too_large);
    std::string many = "HTTP/1.1 200 OK\r\n";
    for (int i = 0; i < 7; ++i) many += "H" + std::to_string(i) + ": v\r\n";
    check_error(many + "\r\n", http_response_error::too_many_headers);
    check_error("HTTP/1.1 200 OK\r\nContent-Length: 65\r\n\r\n",
                http_response_error::body_too_large);
    check_error("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
                http_response_error::body_too_large);
    check_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n" +
                    std::string(64, 'a') + "\r\n1\r\n",
                http_response_error::body_too_large);
    check_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n",
                http_response_error::body_too_large);
    check_error(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + std::string(40, 'e') + "\r\n",
        http_response_error::chunk_line_too_long);
    check_error("HTTP/1.1 200 OK\r\n\r\n" + std::string(65, 'a'),
                http_response_error::body_too_large);
    check_error(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: " + std::string(300, 't'),
        http_response_error::head_too_large);
    // Exactly at the limits: accepted.
    http_response_limits limits = small_limits();
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 64\r\n\r\n";
    limits.max_head_bytes = head.size();
    CHECK(outcome({head + std::string(64, 'b')}, false, true, limits).find("state 2") !=
          std::string::npos);
    limits.max_head_bytes = head.size() - 1;
    CHECK(outcome({head + std::string(64, 'b')}, false, true, limits).find("head too large") !=
          std::string::npos);
}

TEST_CASE("http response parser: a connection closed early is a truncated response",
          "[traffic-http-response]") {
    CHECK(outcome({""}) ==
          "state 3 truncated: the upstream closed the connection before sending a response");
    CHECK(outcome({"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab"}) ==
          "200 OK h1 f1 k1 [ab]\nstate 3 truncated: the upstream closed the connection before "
          "the end of its response");
    CHECK(outcome({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n"})
              .find("state 3 truncated") != std::string::npos);
    CHECK(outcome({"HTTP/1.1 200"}).find("state 3 truncated") != std::string::npos);
}

TEST_CASE("http response parser: start() makes it ready for the next response",
          "[traffic-http-response]") {
    http_response_parser parser(small_limits());
    parser.feed("HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n");
    REQUIRE(parser.state() == progress::complete);
    CHECK(parser.head().status == 500);
    parser.start(true);
    parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n");
    CHECK(parser.state() == progress::complete);
    CHECK(parser.head().status == 200);
    CHECK(parser.head().header("Content-Length") == "3");
    CHECK(parser.body_bytes() == 0);
}
