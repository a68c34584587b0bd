#include "daemon/traffic/client_response.hpp"

#include "daemon/http/http_text.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace eg::server {

using http_text::same_text;

bool is_hop_by_hop(std::string_view name) {
    for (std::string_view hop :
         {"connection", "keep-alive", "proxy-connection", "proxy-authenticate",
          "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade"})
        if (same_text(name, hop)) return true;
    return false;
}

bool named_by_connection(std::string_view name, std::string_view connection_header) {
    bool named = false;
    http_text::for_each_list_element(connection_header, [&](std::string_view element) {
        if (same_text(element, name)) named = true;
    });
    return named;
}

std::string local_response(const local_answer& answer, bool keep_alive, int minor_version,
                           bool head_request) {
    http_response response;
    response.status = answer.status;
    response.body = answer.body;
    for (const auto& [name, value] : answer.headers) {
        // The framing is this server's to say.
        if (same_text(name, "Content-Length") || is_hop_by_hop(name)) continue;
        response.headers.push_back({name, value});
    }
    return http_wire_response(response, keep_alive, minor_version, head_request);
}

local_answer failure_answer(int status, std::string_view message) {
    local_answer answer;
    answer.status = status;
    answer.headers.emplace_back("Content-Type", "application/json");
    answer.body = nlohmann::json{{"code", status}, {"message", std::string(message)}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
    return answer;
}

response_relay::response_relay(bool client_http11, bool client_keep_alive)
    : client_http11_(client_http11), client_keep_alive_(client_keep_alive) {}

std::string response_relay::head(const http_response_head& upstream) {
    std::string out;
    out.reserve(256);
    out += "HTTP/1.1 ";
    out += std::to_string(upstream.status);
    out += ' ';
    out += upstream.reason.empty() ? http_reason(upstream.status) : upstream.reason;
    out += "\r\n";
    const auto connection = upstream.header("Connection");
    for (const auto& field : upstream.headers) {
        if (is_hop_by_hop(field.name) || named_by_connection(field.name, connection)) continue;
        if (same_text(field.name, "Content-Length") &&
            upstream.framing != http_body_framing::length)
            continue;
        out += field.name;
        out += ": ";
        out += field.value;
        out += "\r\n";
    }
    switch (upstream.framing) {
        case http_body_framing::none:
        case http_body_framing::length:
            break;
        case http_body_framing::chunked:
        case http_body_framing::until_close:
            if (client_http11_) {
                rechunk_ = true;
                out += "Transfer-Encoding: chunked\r\n";
            } else {
                client_keep_alive_ = false;  // the body ends when the connection closes
            }
            break;
    }
    if (!client_keep_alive_)
        out += "Connection: close\r\n";
    else if (!client_http11_)
        out += "Connection: keep-alive\r\n";
    out += "\r\n";
    return out;
}

void response_relay::body(std::string_view piece, std::string& out) const {
    if (piece.empty()) return;
    if (!rechunk_) {
        out.append(piece);
        return;
    }
    char size[24];
    const int n = std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
    out.append(size, static_cast<std::size_t>(n));
    out.append(piece);
    out += "\r\n";
}

void response_relay::end(std::string& out) const {
    if (rechunk_) out += "0\r\n\r\n";
}

}  // namespace eg::server
