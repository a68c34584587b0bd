#pragma once
// proxy exchange: the HTTP/1.1 framing shared by the traffic-engine prototypes, with no sockets
// and no loop, so that both prototypes forward exactly the same bytes.
//  - the client's request is read by the daemon's request parser (daemon/http), body included;
//  - upstream_request() writes it for the upstream: hop-by-hop headers dropped, the body sent
//    with a Content-Length (a chunked request body arrives de-chunked);
//  - response_relay reads the upstream's response as it arrives and streams it to the client:
//    the head is rewritten (hop-by-hop headers dropped, "Connection: close" when the client
//    connection is to close), the body bytes pass through as they are, framed by
//    Content-Length, chunked coding or the upstream closing; it says whether the upstream
//    connection can go back to the pool.

#include "daemon/http/http_request_parser.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace eg::bench {

// The limits the prototypes read requests with.
server::http_limits proxy_request_limits();

// The request as written to the upstream.
std::string upstream_request(const server::http_request& request);

// The answer the proxy itself gives: the parser's error or a 502 when the upstream fails.
std::string proxy_error_response(int status, std::string_view message, bool keep_alive);

// "HTTP/1.1 100 Continue" when the client waits for it before sending its body.
std::string_view continue_response();

class response_relay {
public:
    // `head_request`: the response has no body; `client_keep_alive`: what the client asked.
    response_relay(bool head_request, bool client_keep_alive);

    // Consumes upstream bytes of this response (the rest is not this response's: the upstream
    // connection is then not reused) and appends what goes to the client to `out`.
    std::size_t feed(std::string_view input, std::string& out);
    // The upstream closed its connection: ends a body delimited by the close, or fails.
    void upstream_closed();

    bool complete() const { return state_ == state::complete; }
    bool failed() const { return state_ == state::failed; }
    // Whether any byte reached the client (after that, a failure can only close it).
    bool started() const { return head_sent_; }
    // Once complete: the client connection stays open for another request.
    bool client_keep_alive() const { return client_keep_alive_; }
    // Once complete: the upstream connection can serve another request.
    bool upstream_reusable() const { return upstream_reusable_; }

private:
    enum class state { head, body, complete, failed };
    enum class body_framing { none, length, chunked, until_close };
    enum class chunk_step { size_line, data, data_end, trailer_line };

    void head_line(std::string_view line, std::string& out);
    void end_of_head(std::string& out);
    std::size_t body_bytes(std::string_view input, std::string& out);
    std::size_t chunked_bytes(std::string_view input, std::string& out);
    void fail() { state_ = state::failed; }

    bool head_request_;
    bool client_keep_alive_;
    bool upstream_reusable_ = true;
    bool head_sent_ = false;
    state state_ = state::head;
    body_framing framing_ = body_framing::none;
    chunk_step chunk_step_ = chunk_step::size_line;
    int status_ = 0;
    bool upstream_http11_ = true;
    bool chunked_ = false;
    bool has_length_ = false;
    bool upstream_close_ = false;
    bool upstream_keep_alive_ = false;
    std::uint64_t remaining_ = 0;
    std::size_t head_bytes_ = 0;
    std::string line_;
    std::string head_;  // the rewritten head, sent once complete
};

}  // namespace eg::bench
