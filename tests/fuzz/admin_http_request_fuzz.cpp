// Fuzz target: the admin API's HTTP/1.1 request parser (http_request_parser), as the event loop
// drives it: the bytes of a connection, possibly several pipelined requests, arriving in pieces.
// The first input byte chooses the piece sizes; the rest is what the client sends. Findings:
// a crash, a sanitizer report, or a broken property:
//  - feeding the same bytes whole or in pieces gives the same requests and the same errors;
//  - a request never exceeds a limit (target, header count, body) and an error is one of the
//    statuses the parser documents, with a message;
//  - a complete request's answer renders (http_wire_response).

#include "daemon/http/http_request_parser.hpp"
#include "daemon/http/http_response.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using eg::server::http_limits;
using eg::server::http_request_parser;
using progress = http_request_parser::progress;

http_limits fuzz_limits() {
    http_limits limits;
    limits.max_head_bytes = 2048;
    limits.max_target_bytes = 512;
    limits.max_header_count = 20;
    limits.max_body_bytes = 4096;
    limits.body_limit_name = "max-call-send-msg-size";
    return limits;
}

void require(bool property) {
    if (!property) std::abort();
}

// What a connection's bytes come to: one line per finished request or error, then the state.
std::string outcome(std::string_view bytes, std::size_t piece) {
    http_request_parser parser(fuzz_limits());
    const auto& limits = parser.limits();
    std::string result;
    std::size_t at = 0;
    int requests = 0;
    while (requests < 16) {
        std::size_t used = 0;
        // Pieces of `piece` bytes (the rest of a piece stays for the next request, as the loop
        // keeps it).
        while (at + used < bytes.size() &&
               (parser.state() == progress::head || parser.state() == progress::body)) {
            const auto chunk = bytes.substr(at + used, piece);
            const auto n = parser.feed(chunk);
            require(n <= chunk.size());
            used += n;
            if (n < chunk.size()) break;
        }
        at += used;
        if (parser.state() == progress::failed) {
            const auto& e = parser.error();
            require(e.status == 400 || e.status == 411 || e.status == 413 || e.status == 414 ||
                    e.status == 431 || e.status == 501 || e.status == 505);
            require(!e.message.empty());
            result += "error " + std::to_string(e.status) + " " + e.message + "\n";
            break;
        }
        if (parser.state() != progress::complete) break;
        const auto request = parser.take_request();
        require(!request.method.empty() && !request.target.empty());
        require(request.target.size() <= limits.max_target_bytes);
        require(request.headers.size() <= limits.max_header_count);
        require(request.body.size() <= limits.max_body_bytes);
        eg::server::http_response response;
        response.body = request.body;
        (void)eg::server::http_wire_response(response, request.keep_alive, request.minor_version,
                                             request.method == "HEAD");
        result += request.method + " " + request.target + " " +
                  std::to_string(request.headers.size()) + " " +
                  std::to_string(request.keep_alive) + " " + request.body + "\n";
        ++requests;
        parser.reset();
    }
    result += "state " + std::to_string(static_cast<int>(parser.state())) + " started " +
              std::to_string(parser.started());
    return result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t piece = 1 + data[0] % 64;
    const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    require(outcome(bytes, bytes.size() + 1) == outcome(bytes, piece));
    return 0;
}
