#pragma once
// client response: the bytes a traffic listener writes to its client, pure (no sockets).
//  - an upstream's answer is relayed: its head rewritten (hop-by-hop headers dropped, the
//    connection's fate said with "Connection: close" or kept alive) and its body passed on as
//    the response parser hands it over (de-chunked): with its Content-Length as is, re-chunked
//    when the upstream sent it chunked or until close (HTTP/1.1 clients), or delimited by
//    closing the client connection (HTTP/1.0 clients);
//  - an answer made here (router failure, Mock, proxy failure) is written whole, with its
//    Content-Length.

#include "daemon/http/http_response.hpp"
#include "daemon/traffic/http_response_parser.hpp"
#include "daemon/traffic/traffic_request.hpp"

#include <string>
#include <string_view>

namespace eg::server {

// The headers a proxy must not forward (RFC 9110 §7.6.1), plus those the Connection header
// of the same message names.
bool is_hop_by_hop(std::string_view name);
bool named_by_connection(std::string_view name, std::string_view connection_header);

// A whole answer (daemon/http's wire form: Date, Content-Length, Connection when it closes).
std::string local_response(const local_answer& answer, bool keep_alive, int minor_version,
                           bool head_request);

// An answer of the traffic plane itself (router, proxy, limits), with a JSON body
// {"code":status,"message":...}.
local_answer failure_answer(int status, std::string_view message);

class response_relay {
public:
    // client_http11: the client spoke HTTP/1.1 (chunked coding allowed); client_keep_alive:
    // the client (and the server's keepAlive) allow another request on the connection.
    response_relay(bool client_http11, bool client_keep_alive);

    // The head to write for the upstream's head (call once, when the parser's head is complete).
    std::string head(const http_response_head& upstream);
    // The bytes to write for a piece of the body.
    void body(std::string_view piece, std::string& out) const;
    // The bytes that end the body (the last chunk when re-chunked).
    void end(std::string& out) const;

    // Once the head is written: whether the client connection stays open after this response.
    bool client_keep_alive() const { return client_keep_alive_; }

private:
    bool client_http11_;
    bool client_keep_alive_;
    bool rechunk_ = false;
};

}  // namespace eg::server
