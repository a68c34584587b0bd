#include "daemon/http/http_request_parser.hpp"
#include "daemon/http/http_response.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace {

using eg::server::http_limits;
using eg::server::http_request_parser;
using progress = http_request_parser::progress;

http_limits small_limits() {
    http_limits limits;
    limits.max_head_bytes = 512;
    limits.max_target_bytes = 128;
    limits.max_header_count = 5;
    limits.max_body_bytes = 100;
    limits.body_limit_name = "max-call-send-msg-size";
    return limits;
}

// Feeds all of `input` at once; the parser's state after.
http_request_parser parsed(const std::string& input, http_limits limits = small_limits()) {
    http_request_parser parser(std::move(limits));
    parser.feed(input);
    return parser;
}

// Feeds `input` one byte at a time, stopping where the parser stops taking bytes.
http_request_parser parsed_bytewise(const std::string& input) {
    http_request_parser parser(small_limits());
    for (char c : input)
        if (parser.feed(std::string(1, c)) == 0) break;
    return parser;
}

void check_error(const http_request_parser& parser, int status, const std::string& words) {
    INFO(parser.error().message);
    REQUIRE(parser.state() == progress::failed);
    CHECK(parser.error().status == status);
    CHECK(parser.error().message.find(words) != std::string::npos);
}

}  // namespace

TEST_CASE("http request parser: a GET with headers, whole or byte by byte", "[http]") {
    const std::string text =
        "GET /apis/v2/healthz?x=1 HTTP/1.1\r\nHost: a\r\nX-Thing:  spaced value \r\n\r\n";
    for (const auto& parser : {parsed(text), parsed_bytewise(text)}) {
        REQUIRE(parser.state() == progress::complete);
        const auto& request = parser.request();
        CHECK(request.method == "GET");
        CHECK(request.target == "/apis/v2/healthz?x=1");
        CHECK(request.minor_version == 1);
        CHECK(request.keep_alive);
        REQUIRE(request.header("x-thing") != nullptr);
        CHECK(*request.header("X-THING") == "spaced value");
        CHECK(request.header("Missing") == nullptr);
        CHECK(request.body.empty());
    }
}

TEST_CASE("http request parser: keep-alive follows the version and Connection", "[http]") {
    CHECK_FALSE(parsed("GET / HTTP/1.0\r\n\r\n").request().keep_alive);
    CHECK(parsed("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").request().keep_alive);
    CHECK_FALSE(parsed("GET / HTTP/1.1\r\nConnection: foo, close\r\n\r\n").request().keep_alive);
    CHECK(parsed("GET / HTTP/1.0\r\n\r\n").request().minor_version == 0);
}

TEST_CASE("http request parser: bare LF line ends and empty lines before the request", "[http]") {
    const auto parser = parsed("\r\n\nGET / HTTP/1.1\nHost: a\n\n");
    REQUIRE(parser.state() == progress::complete);
    CHECK(parser.request().target == "/");
    CHECK_FALSE(parsed("\r\n").started());
    check_error(parsed(std::string(20, '\n')), 400, "HTTP/1.1");
}

TEST_CASE("http request parser: it stops at the end of one request (pipelining)", "[http]") {
    const std::string first = "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
    const std::string second = "GET /b HTTP/1.1\r\n\r\n";
    http_request_parser parser(small_limits());
    const auto used = parser.feed(first + second);
    CHECK(used == first.size());
    REQUIRE(parser.state() == progress::complete);
    CHECK(parser.request().body == "abc");
    CHECK(parser.feed(second) == 0);  // nothing more once complete
    parser.reset();
    CHECK_FALSE(parser.started());
    CHECK(parser.feed(second) == second.size());
    REQUIRE(parser.state() == progress::complete);
    CHECK(parser.request().target == "/b");
    CHECK(parser.request().body.empty());
}

TEST_CASE("http request parser: Content-Length bodies", "[http]") {
    const std::string text = "PUT /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
    for (const auto& parser : {parsed(text), parsed_bytewise(text)}) {
        REQUIRE(parser.state() == progress::complete);
        CHECK(parser.request().body == "hello");
    }
    const auto partial = parsed("PUT /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhel");
    CHECK(partial.state() == progress::body);
    CHECK(partial.started());
    // The same length twice (or in a list) is one length.
    CHECK(parsed("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nz").state() ==
          progress::complete);
    CHECK(parsed("POST / HTTP/1.1\r\nContent-Length: 1, 1\r\n\r\nz").state() == progress::complete);
    CHECK(parsed("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n").state() == progress::complete);
}

TEST_CASE("http request parser: chunked bodies, extensions and trailers", "[http]") {
    const std::string text =
        "POST /x HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n"
        "5;name=value\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nTrailer: t\r\n\r\n";
    for (const auto& parser : {parsed(text), parsed_bytewise(text)}) {
        REQUIRE(parser.state() == progress::complete);
        CHECK(parser.request().body == "hello 0123456789");
        CHECK(parser.request().header("Trailer") == nullptr);  // trailers are dropped
    }
    CHECK(parsed("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n").state() ==
          progress::complete);
}

TEST_CASE("http request parser: Expect: 100-continue is told when a body is to come", "[http]") {
    CHECK(parsed("POST / HTTP/1.1\r\nContent-Length: 4\r\nExpect: 100-Continue\r\n\r\n")
              .request()
              .expects_continue);
    CHECK_FALSE(parsed("POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\n").request().expects_continue);
    CHECK_FALSE(parsed("POST / HTTP/1.0\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
                    .request()
                    .expects_continue);
}

TEST_CASE("http request parser: what is not HTTP/1.1 is refused at once", "[http]") {
    // Binary garbage (a TLS ClientHello here): refused at its first byte.
    check_error(parsed_bytewise(std::string("\x16\x03\x01\x02\x00", 5)), 400, "HTTP/1.1");
    {
        http_request_parser parser(small_limits());
        CHECK(parser.feed(std::string("\x16\x03\x01", 3)) == 1);
        CHECK(parser.state() == progress::failed);
        CHECK(parser.started());
    }
    check_error(parsed("hello\r\n"), 400, "malformed request line");
    check_error(parsed("GET /\r\n"), 400, "malformed request line");
    check_error(parsed("GET  / HTTP/1.1\r\n"), 400, "malformed request line");
    check_error(parsed("GET / HTTP/1.1 \r\n"), 400, "malformed request line");
    check_error(parsed("GET / HTTX/1.1\r\n"), 400, "malformed request line");
    check_error(parsed("GET / HTTP/1.12\r\n"), 400, "malformed request line");
    check_error(parsed("GET /a\x01 HTTP/1.1\r\n"), 400, "malformed request line");
    check_error(parsed("GET / HTTP/1.1\rX"), 400, "CR not followed by LF");
    // The HTTP/2 preface, and other versions: 505.
    check_error(parsed("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), 505, "HTTP/2.0 is not supported");
    check_error(parsed("GET / HTTP/3.0\r\n\r\n"), 505, "HTTP/1.1");
    CHECK(parsed("GET / HTTP/1.1\r\n\r\n").state() == progress::complete);
}

TEST_CASE("http request parser: malformed headers are 400", "[http]") {
    check_error(parsed("GET / HTTP/1.1\r\nNoColon\r\n\r\n"), 400, "malformed header field");
    check_error(parsed("GET / HTTP/1.1\r\nName : v\r\n\r\n"), 400, "malformed header field");
    check_error(parsed("GET / HTTP/1.1\r\n: v\r\n\r\n"), 400, "malformed header field");
    check_error(parsed("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n"), 400, "line folding");
    check_error(parsed(std::string("GET / HTTP/1.1\r\nA: b\0c\r\n\r\n", 26)), 400,
                "invalid character in header field A");
    check_error(parsed("GET / HTTP/1.1\r\nA: b\x7f\r\n\r\n"), 400, "invalid character");
    CHECK(parsed("GET / HTTP/1.1\r\nA: tab\there \xc3\xa9\r\n\r\n").state() == progress::complete);
}

TEST_CASE("http request parser: the size limits of the head", "[http]") {
    // The target: 414 as soon as it is too long, before the line ends.
    check_error(parsed("GET /" + std::string(200, 'a')), 414, "longer than 128 bytes");
    CHECK(parsed("GET /" + std::string(127, 'a') + " HTTP/1.1\r\n\r\n").state() ==
          progress::complete);
    // Request line + headers: 431 as soon as they are too large.
    check_error(parsed("GET / HTTP/1.1\r\nBig: " + std::string(600, 'b')), 431,
                "larger than 512 bytes");
    // Header count.
    std::string many = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < 6; ++i) many += "H" + std::to_string(i) + ": v\r\n";
    check_error(parsed(many + "\r\n"), 431, "more than 5 header fields");
    // Trailers count in the head's size.
    check_error(parsed("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: " +
                       std::string(600, 't')),
                431, "larger than 512 bytes");
}

TEST_CASE("http request parser: bodies without a length, and framing conflicts", "[http]") {
    check_error(parsed("POST /apis/v2/objects HTTP/1.1\r\nHost: a\r\n\r\n"), 411,
                "POST needs Content-Length or Transfer-Encoding: chunked");
    check_error(parsed("PUT /x HTTP/1.1\r\n\r\n"), 411, "PUT needs");
    CHECK(parsed("DELETE /x HTTP/1.1\r\n\r\n").state() == progress::complete);
    check_error(
        parsed("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"), 400,
        "both Content-Length and Transfer-Encoding");
    check_error(parsed("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), 501,
                "\"gzip\" is not supported");
    check_error(parsed("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"), 400,
                "chunked expected once");
    check_error(parsed("POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n"), 400,
                "invalid Content-Length");
    check_error(parsed("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), 400,
                "invalid Content-Length");
    check_error(parsed("POST / HTTP/1.1\r\nContent-Length:\r\n\r\n"), 400,
                "invalid Content-Length");
    check_error(parsed("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"), 400,
                "different Content-Length");
}

TEST_CASE("http request parser: a body over the limit is 413 as soon as a length says so",
          "[http]") {
    // At the end of the head, before any body byte.
    check_error(parsed("POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n"), 413,
                "larger than 100 bytes (max-call-send-msg-size)");
    check_error(parsed("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n"), 413,
                "larger than 100 bytes");
    CHECK(
        parsed("POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'x')).state() ==
        progress::complete);
    // Without a limit, only what no length can be.
    http_limits unlimited;
    CHECK(parsed("POST / HTTP/1.1\r\nContent-Length: 18446744073709551615\r\n\r\n", unlimited)
              .state() == progress::body);
    check_error(
        parsed("POST / HTTP/1.1\r\nContent-Length: 18446744073709551616\r\n\r\n", unlimited), 413,
        "too large");
    // Chunks: the size that goes over the limit, and absurd sizes.
    const std::string chunked = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    check_error(parsed(chunked + "60\r\n" + std::string(96, 'x') + "\r\n5\r\n"), 413,
                "larger than 100 bytes");
    check_error(parsed(chunked + "ffffffffffffffffffff\r\n"), 413, "larger than 100 bytes");
    CHECK(parsed(chunked + "000000000000000000000001\r\nx\r\n0\r\n\r\n").state() ==
          progress::complete);
}

TEST_CASE("http request parser: malformed chunked bodies are 400", "[http]") {
    const std::string chunked = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    check_error(parsed(chunked + "zz\r\n"), 400, "invalid chunk size");
    check_error(parsed(chunked + "\r\n"), 400, "a chunk without its size");
    check_error(parsed(chunked + "1\r\nxy"), 400, "chunk data not followed by CRLF");
    check_error(parsed(chunked + "1;" + std::string(2000, 'e')), 400, "chunk size line longer");
}

TEST_CASE("http response: the wire form of an answer", "[http]") {
    eg::server::http_response response;
    response.status = 404;
    response.headers.push_back({"Content-Type", "text/plain"});
    response.body = "{\"code\":404}";
    const std::string wire = eg::server::http_wire_response(response, true);
    CHECK(wire.starts_with("HTTP/1.1 404 Not Found\r\nDate: "));
    CHECK(wire.find("\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\n{\"code\":404}") !=
          std::string::npos);
    CHECK(wire.find("Connection") == std::string::npos);
    CHECK(eg::server::http_wire_response(response, false).find("\r\nConnection: close\r\n") !=
          std::string::npos);
    CHECK(eg::server::http_wire_response(response, true, 0).find("Connection: keep-alive") !=
          std::string::npos);
    const std::string head = eg::server::http_wire_response(response, true, 1, true);
    CHECK(head.ends_with("Content-Length: 12\r\n\r\n"));
    CHECK(eg::server::http_reason(431) == "Request Header Fields Too Large");
}
