#include "daemon/http/http_response.hpp"

#include <ctime>

namespace eg::server {

std::string_view http_reason(int status) {
    switch (status) {
        case 100:
            return "Continue";
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 204:
            return "No Content";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 409:
            return "Conflict";
        case 411:
            return "Length Required";
        case 413:
            return "Content Too Large";
        case 414:
            return "URI Too Long";
        case 415:
            return "Unsupported Media Type";
        case 422:
            return "Unprocessable Content";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
        case 505:
            return "HTTP Version Not Supported";
        default:
            return "Unknown";
    }
}

namespace {

// IMF-fixdate of now, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
std::string http_date() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[64];
    const auto n = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
    return std::string(text, n);
}

}  // namespace

std::string http_wire_response(const http_response& response, bool keep_alive, int minor_version,
                               bool head_only) {
    std::string wire;
    wire.reserve(160 + response.body.size());
    wire += "HTTP/1.1 ";
    wire += std::to_string(response.status);
    wire += ' ';
    wire += http_reason(response.status);
    wire += "\r\nDate: ";
    wire += http_date();
    wire += "\r\n";
    for (const auto& header : response.headers) {
        wire += header.name;
        wire += ": ";
        wire += header.value;
        wire += "\r\n";
    }
    wire += "Content-Length: ";
    wire += std::to_string(response.body.size());
    wire += "\r\n";
    if (!keep_alive || response.close)
        wire += "Connection: close\r\n";
    else if (minor_version == 0)
        wire += "Connection: keep-alive\r\n";
    wire += "\r\n";
    if (!head_only) wire += response.body;
    return wire;
}

}  // namespace eg::server
