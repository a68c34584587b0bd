#pragma once
// http response: an answer as the server writes it on the wire (HTTP/1.1 status line, Date,
// the answer's own headers, Content-Length, Connection when the connection is to close or an
// HTTP/1.0 client keeps it). Pure.

#include "daemon/http/http_request_parser.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace eg::server {

struct http_response {
    int status = 200;
    std::vector<http_header> headers;  // besides Date, Content-Length and Connection
    std::string body;
    bool close = false;  // the connection closes after this answer
};

// The reason phrase of a status ("Unknown" for a status it does not know).
std::string_view http_reason(int status);

// What is sent for the response: `keep_alive` false adds "Connection: close"; `minor_version`
// is the request's (HTTP/1.0 clients that keep the connection are told so); `head_only` (a HEAD
// request) leaves the body out but keeps its Content-Length.
std::string http_wire_response(const http_response& response, bool keep_alive,
                               int minor_version = 1, bool head_only = false);

}  // namespace eg::server
