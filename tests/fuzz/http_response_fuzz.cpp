// Fuzz target: the traffic plane's HTTP/1.1 response parser (http_response_parser), as the
// proxy drives it on an upstream connection: the upstream's bytes arriving in pieces, interim
// responses before the final one, then the connection closed. The first input byte chooses the
// piece sizes (low 6 bits) and whether the request was HEAD (bit 6); the rest is what the
// upstream sends. Findings: a crash, a sanitizer report, or a broken property:
//  - feeding the same bytes whole or in pieces gives the same heads, bodies and errors;
//  - the body is a view into the input, never beyond what feed() consumed;
//  - a head never has more headers than the limit; a body never exceeds its limit, nor its
//    Content-Length.

#include "daemon/traffic/http_response_parser.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using eg::server::http_body_framing;
using eg::server::http_response_limits;
using eg::server::http_response_parser;
using progress = http_response_parser::progress;

http_response_limits fuzz_limits() {
    http_response_limits limits;
    limits.max_head_bytes = 2048;
    limits.max_header_count = 20;
    limits.max_chunk_line_bytes = 64;
    limits.max_body_bytes = 4096;
    return limits;
}

void require(bool property) {
    if (!property) std::abort();
}

std::string outcome(std::string_view bytes, std::size_t piece, bool to_head) {
    http_response_parser parser(fuzz_limits());
    parser.start(to_head);
    std::string result;
    std::string body;
    std::size_t at = 0;
    int responses = 0;
    while (responses < 8) {
        while (at < bytes.size() &&
               (parser.state() == progress::head || parser.state() == progress::body)) {
            const auto chunk = bytes.substr(at, piece);
            const auto fed = parser.feed(chunk);
            require(fed.used <= chunk.size());
            require(fed.body.size() <= fed.used);
            if (!fed.body.empty())
                require(fed.body.data() >= chunk.data() &&
                        fed.body.data() + fed.body.size() <= chunk.data() + fed.used);
            body.append(fed.body);
            at += fed.used;
            if (fed.used == 0) break;
        }
        if (at >= bytes.size()) parser.end_of_input();
        if (parser.state() == progress::failed) {
            require(!parser.error_message().empty());
            result += "error " + std::string(to_string(parser.error())) + " " +
                      parser.error_message() + "\n";
            break;
        }
        if (parser.state() != progress::complete) break;
        const auto& head = parser.head();
        require(head.headers.size() <= parser.limits().max_header_count);
        require(body.size() == parser.body_bytes());
        require(body.size() <= parser.limits().max_body_bytes);
        if (head.framing == http_body_framing::length) require(body.size() == head.content_length);
        result += std::to_string(head.status) + " " + std::to_string(head.headers.size()) + " " +
                  std::to_string(static_cast<int>(head.framing)) + " " +
                  std::to_string(head.keep_alive) + " " + body + "\n";
        body.clear();
        ++responses;
        if (!head.interim()) break;
        parser.start(to_head);
    }
    // Where a failure stops depends on the pieces; where a response ends does not.
    result += "state " + std::to_string(static_cast<int>(parser.state()));
    if (parser.state() != progress::failed) result += " at " + std::to_string(at);
    return result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t piece = 1 + data[0] % 64;
    const bool to_head = (data[0] & 0x40) != 0;
    const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    require(outcome(bytes, bytes.size() + 1, to_head) == outcome(bytes, piece, to_head));
    return 0;
}
