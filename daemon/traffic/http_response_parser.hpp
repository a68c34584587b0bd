#pragma once
// http response parser: reads one HTTP/1.1 response of an upstream server from bytes as they
// arrive (any split), with hard limits, and says at the first byte that cannot be a response
// why. Pure: no sockets, no clocks (the proxy enforces the deadlines).
//  - status line: HTTP/1.x SP 3DIGIT [SP reason]; lines end with CRLF or LF;
//  - headers: token ":" value, as the request parser reads them (daemon/http/http_text.hpp);
//    no line folding; kept in one buffer of the head, seen as string views;
//  - interim responses (1xx other than 101) are complete heads without a body: the caller
//    forwards or drops them and calls start() again for the final response on the same bytes;
//  - body framing (RFC 9112 §6.3): none for a response to HEAD, for 1xx, 204 and 304; chunked
//    when the last transfer coding is chunked (trailers read and dropped); until the upstream
//    closes for another transfer coding or when there is no Content-Length; else Content-Length;
//  - the body is not copied: each feed() hands back the body bytes of its input as a view.
// Errors: malformed status line, header, length or chunk (malformed), head larger than its
// limit (head_too_large), too many headers (too_many_headers), a chunk size line too long
// (chunk_line_too_long), a body larger than its limit, also when Content-Length only says so
// (body_too_large), the upstream closed before the end (truncated). The proxy answers 502 for
// all but body_too_large (see the Proxy's outcomes).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace eg::server {

struct http_response_limits {
    std::size_t max_head_bytes = 16 * 1024;  // status line + headers; also the trailers
    std::size_t max_header_count = 100;
    std::size_t max_chunk_line_bytes = 1024;  // a chunk size line with its extensions
    std::uint64_t max_body_bytes = 0;         // 0: no limit
};

struct http_field_view {
    std::string_view name;
    std::string_view value;
};

enum class http_body_framing { none, length, chunked, until_close };

// The head of a response; the views point into the parser and live until start() or the
// parser's end.
struct http_response_head {
    int minor_version = 1;  // HTTP/1.<minor_version>
    int status = 0;
    std::string_view reason;
    std::vector<http_field_view> headers;
    http_body_framing framing = http_body_framing::none;
    std::uint64_t content_length = 0;  // with framing length
    // The connection may carry another request once this response is complete.
    bool keep_alive = true;
    // The first header of that name (case-insensitive), empty when absent; has() tells.
    std::string_view header(std::string_view name) const;
    bool has(std::string_view name) const;
    bool interim() const { return status >= 100 && status < 200 && status != 101; }
};

enum class http_response_error {
    none,
    malformed,
    head_too_large,
    too_many_headers,
    chunk_line_too_long,
    body_too_large,
    truncated
};

std::string_view to_string(http_response_error error);

class http_response_parser {
public:
    enum class progress { head, body, complete, failed };

    struct fed {
        std::size_t used = 0;   // bytes of the input consumed
        std::string_view body;  // the body bytes among them (a view into the input)
    };

    explicit http_response_parser(http_response_limits limits);

    // Ready for a response; `to_head_request`: the request was HEAD (no body whatever the
    // headers say).
    void start(bool to_head_request = false);

    // Consumes bytes of `input` up to the end of the head, of one piece of body, or of the
    // response; call again with the rest. The head is complete when state() leaves head.
    // Nothing is consumed once complete or failed: the rest belongs to the next response.
    fed feed(std::string_view input);

    // The upstream closed the connection: completes a body read until close, else fails with
    // truncated (unless already complete or failed).
    void end_of_input();

    progress state() const { return state_; }
    const http_response_head& head() const { return head_; }
    http_response_error error() const { return error_; }
    const std::string& error_message() const { return error_message_; }
    std::uint64_t body_bytes() const { return body_bytes_; }
    const http_response_limits& limits() const { return limits_; }

private:
    enum class step {
        status_line,
        header_line,
        length,
        chunk_size_line,
        chunk_data,
        chunk_end,
        trailer_line,
        until_close,
        done
    };

    std::size_t line_bytes(std::string_view input);  // appends to the current line
    void end_of_line(std::string_view line);
    void status_line(std::string_view line);
    void header_line(std::string_view line);
    void end_of_head();
    bool choose_framing();
    void chunk_size_line(std::string_view line);
    std::string_view body_bytes(std::string_view input);
    void fail(http_response_error error, std::string message);
    void complete();

    http_response_limits limits_;
    bool to_head_request_ = false;
    progress state_ = progress::head;
    step step_ = step::status_line;
    std::string head_text_;  // the head's lines, without their ends
    struct field_at {
        std::size_t name_at, name_size, value_at, value_size;
    };
    std::vector<field_at> fields_;
    std::size_t reason_at_ = 0;
    std::size_t reason_size_ = 0;
    std::string line_;             // a chunk size or trailer line, or a head line in pieces
    std::size_t line_limit_ = 0;   // the longest the current line may be
    std::uint64_t remaining_ = 0;  // bytes of the Content-Length body or of the chunk
    std::uint64_t body_bytes_ = 0;
    http_response_head head_;
    http_response_error error_ = http_response_error::none;
    std::string error_message_;
};

}  // namespace eg::server
