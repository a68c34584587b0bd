#pragma once
// http request parser: reads one HTTP/1.x request from bytes as they arrive (any split), with
// hard limits, and says at the first byte that cannot be HTTP/1.1 why it cannot. Pure: no
// sockets, no clocks (the server enforces the deadlines).
//  - request line: METHOD SP TARGET SP HTTP/1.x, a few empty lines before it are skipped;
//    lines end with CRLF or LF;
//  - headers: token ":" value; no line folding; the first Content-Length / Transfer-Encoding
//    rules of RFC 9112 (both at once, different lengths or a coding other than chunked refused);
//  - body: Content-Length or chunked (extensions ignored, trailers read and dropped).
// Errors and their statuses: malformed (400), target too long (414), request line + headers
// too large or too many headers (431), version other than 1.x (505), body larger than the
// limit, also when Content-Length only says so (413), POST/PUT/PATCH without a length (411),
// a transfer coding other than chunked (501).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace eg::server {

struct http_limits {
    std::size_t max_head_bytes = 16 * 1024;   // request line + headers (+ chunked trailers)
    std::size_t max_target_bytes = 8 * 1024;  // the request target, within the head
    std::size_t max_header_count = 100;
    std::size_t max_body_bytes = 0;  // 0: no limit
    std::string body_limit_name;     // named in the 413 message when not empty
};

struct http_header {
    std::string name;
    std::string value;
};

struct http_request {
    std::string method;
    std::string target;
    int minor_version = 1;  // HTTP/1.<minor_version>
    std::vector<http_header> headers;
    std::string body;
    bool keep_alive = true;         // the client accepts another request on the connection
    bool expects_continue = false;  // "Expect: 100-continue" with a body to come
    // The first header of that name (case-insensitive), or nullptr.
    const std::string* header(std::string_view name) const;
};

struct http_error {
    int status = 0;
    std::string message;
};

class http_request_parser {
public:
    enum class progress { head, body, complete, failed };

    explicit http_request_parser(http_limits limits);

    // Consumes bytes of `input` up to the end of one request (the rest belongs to the next
    // one) and returns how many; nothing once complete or failed.
    std::size_t feed(std::string_view input);

    progress state() const { return state_; }
    // Whether a byte of a request (other than skipped empty lines) has been received.
    bool started() const { return started_; }
    // The request so far: method, target and headers once state() is body or complete.
    const http_request& request() const { return request_; }
    http_request take_request() { return std::move(request_); }
    const http_error& error() const { return error_; }
    const http_limits& limits() const { return limits_; }

    // Ready for the next request on the same connection.
    void reset();

private:
    enum class step {
        method,
        target,
        version,
        header_line,
        body_length,
        chunk_size_line,
        chunk_data,
        chunk_data_end,
        trailer_line,
        done
    };

    std::size_t head_byte(char c);  // one byte of the head; returns 1
    void request_line_byte(char c, bool line_end);
    void field_line_byte(char c, bool line_end);  // a header, trailer or chunk size line
    bool count_head_byte();
    void end_of_request_line();
    void end_of_header_line();
    void end_of_head();
    // The body's framing from Transfer-Encoding or Content-Length; false when the request
    // failed or is complete without a body.
    bool chunked_framing();
    bool length_framing();
    void end_of_chunk_size_line();
    void fail(int status, std::string message);
    void complete();
    std::string too_large_message() const;

    http_limits limits_;
    progress state_ = progress::head;
    step step_ = step::method;
    bool started_ = false;
    bool saw_cr_ = false;
    std::size_t head_bytes_ = 0;
    std::size_t empty_lines_ = 0;
    std::string version_;
    std::string line_;
    std::uint64_t remaining_ = 0;  // body or chunk bytes still to come
    http_request request_;
    http_error error_;
};

}  // namespace eg::server
