#include "bench/engines/proxy_exchange.hpp"

#include "daemon/http/http_response.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

namespace eg::bench {

namespace {

constexpr std::size_t max_response_head_bytes = 64 * 1024;
constexpr std::size_t max_chunk_line_bytes = 1024;

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool same_text(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
        text.remove_suffix(1);
    return text;
}

// Whether the comma-separated list `value` holds `token` (case-insensitive).
bool list_has(std::string_view value, std::string_view token) {
    while (true) {
        const auto comma = value.find(',');
        if (same_text(trimmed(value.substr(0, comma)), token)) return true;
        if (comma == std::string_view::npos) return false;
        value.remove_prefix(comma + 1);
    }
}

// Headers that describe one connection only (RFC 9110 §7.6.1) or the framing the proxy redoes.
bool is_hop_by_hop(std::string_view name) {
    for (std::string_view hop : {"connection", "keep-alive", "proxy-connection", "te", "trailer",
                                 "transfer-encoding", "upgrade", "content-length", "expect"})
        if (same_text(name, hop)) return true;
    return false;
}

// Whether a header of the response is dropped on the way to the client.
bool is_response_hop_by_hop(std::string_view name) {
    for (std::string_view hop : {"connection", "keep-alive", "proxy-connection", "upgrade"})
        if (same_text(name, hop)) return true;
    return false;
}

bool listed_in_connection(const server::http_request& request, std::string_view name) {
    for (const auto& header : request.headers)
        if (same_text(header.name, "connection") && list_has(header.value, name)) return true;
    return false;
}

}  // namespace

server::http_limits proxy_request_limits() {
    server::http_limits limits;
    limits.max_body_bytes = 16 * 1024 * 1024;
    return limits;
}

std::string upstream_request(const server::http_request& request) {
    std::string out;
    out.reserve(256 + request.body.size());
    out.append(request.method).append(" ").append(request.target).append(" HTTP/1.1\r\n");
    bool framed = false;
    for (const auto& header : request.headers) {
        if (same_text(header.name, "content-length") || same_text(header.name, "transfer-encoding"))
            framed = true;
        if (is_hop_by_hop(header.name) || listed_in_connection(request, header.name)) continue;
        out.append(header.name).append(": ").append(header.value).append("\r\n");
    }
    if (framed || !request.body.empty())
        out.append("Content-Length: ").append(std::to_string(request.body.size())).append("\r\n");
    out.append("\r\n").append(request.body);
    return out;
}

std::string proxy_error_response(int status, std::string_view message, bool keep_alive) {
    server::http_response response;
    response.status = status;
    response.headers.push_back({"Content-Type", "text/plain"});
    response.body = std::string(message) + "\n";
    return server::http_wire_response(response, keep_alive);
}

std::string_view continue_response() { return "HTTP/1.1 100 Continue\r\n\r\n"; }

response_relay::response_relay(bool head_request, bool client_keep_alive)
    : head_request_(head_request), client_keep_alive_(client_keep_alive) {}

std::size_t response_relay::feed(std::string_view input, std::string& out) {
    std::size_t used = 0;
    while (used < input.size() && (state_ == state::head || state_ == state::body)) {
        if (state_ == state::body) {
            used += body_bytes(input.substr(used), out);
            continue;
        }
        const auto newline = input.find('\n', used);
        const auto end = newline == std::string_view::npos ? input.size() : newline + 1;
        head_bytes_ += end - used;
        if (head_bytes_ > max_response_head_bytes) {
            fail();
            return used;
        }
        line_.append(input.substr(used, end - used));
        used = end;
        if (newline == std::string_view::npos) break;
        std::string line = std::move(line_);
        line_.clear();
        line.pop_back();  // the LF
        head_line(trimmed(line), out);
    }
    if (used < input.size()) upstream_reusable_ = false;  // bytes beyond this response
    return used;
}

void response_relay::head_line(std::string_view line, std::string& out) {
    if (status_ == 0) {  // the status line: HTTP/1.x SSS reason
        if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ') return fail();
        upstream_http11_ = line[7] != '0';
        const auto code = line.substr(9, 3);
        if (std::from_chars(code.data(), code.data() + 3, status_).ptr != code.data() + 3 ||
            status_ < 100 || status_ > 599)
            return fail();
        head_.assign("HTTP/1.1 ").append(line.substr(9)).append("\r\n");
        return;
    }
    if (line.empty()) return end_of_head(out);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return fail();
    const auto name = line.substr(0, colon);
    const auto value = trimmed(line.substr(colon + 1));
    if (same_text(name, "connection")) {
        if (list_has(value, "close")) upstream_close_ = true;
        if (list_has(value, "keep-alive")) upstream_keep_alive_ = true;
    } else if (same_text(name, "transfer-encoding")) {
        if (!list_has(value, "chunked")) return fail();
        chunked_ = true;
    } else if (same_text(name, "content-length")) {
        std::uint64_t length = 0;
        if (std::from_chars(value.data(), value.data() + value.size(), length).ptr !=
                value.data() + value.size() ||
            (has_length_ && length != remaining_))
            return fail();
        has_length_ = true;
        remaining_ = length;
    }
    if (is_response_hop_by_hop(name)) return;
    head_.append(name).append(": ").append(value).append("\r\n");
}

void response_relay::end_of_head(std::string& out) {
    if (status_ < 200) {  // an interim response (the proxy never asks for 100): dropped
        status_ = 0;
        head_.clear();
        chunked_ = has_length_ = upstream_close_ = upstream_keep_alive_ = false;
        return;
    }
    if (!upstream_http11_ && !upstream_keep_alive_) upstream_close_ = true;  // HTTP/1.0
    if (head_request_ || status_ == 204 || status_ == 304) {
        framing_ = body_framing::none;
    } else if (chunked_) {
        framing_ = body_framing::chunked;  // Transfer-Encoding wins over Content-Length
    } else if (has_length_) {
        framing_ = body_framing::length;
    } else {
        framing_ = body_framing::until_close;
        upstream_close_ = true;
        client_keep_alive_ = false;  // the client sees the end of the body by the close
    }
    if (upstream_close_) upstream_reusable_ = false;
    if (!client_keep_alive_) head_.append("Connection: close\r\n");
    head_.append("\r\n");
    out.append(head_);
    head_sent_ = true;
    head_.clear();
    if (framing_ == body_framing::none || (framing_ == body_framing::length && remaining_ == 0))
        state_ = state::complete;
    else
        state_ = state::body;
}

std::size_t response_relay::body_bytes(std::string_view input, std::string& out) {
    if (framing_ == body_framing::chunked) return chunked_bytes(input, out);
    if (framing_ == body_framing::until_close) {
        out.append(input);
        return input.size();
    }
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size()));
    out.append(input.substr(0, n));
    remaining_ -= n;
    if (remaining_ == 0) state_ = state::complete;
    return n;
}

// The chunked body is forwarded byte for byte; its framing is followed to find its end.
std::size_t response_relay::chunked_bytes(std::string_view input, std::string& out) {
    if (chunk_step_ == chunk_step::data) {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size()));
        out.append(input.substr(0, n));
        remaining_ -= n;
        if (remaining_ == 0) chunk_step_ = chunk_step::data_end;
        return n;
    }
    const auto newline = input.find('\n');
    const auto end = newline == std::string_view::npos ? input.size() : newline + 1;
    out.append(input.substr(0, end));
    line_.append(input.substr(0, end));
    if (line_.size() > max_chunk_line_bytes) {
        fail();
        return end;
    }
    if (newline == std::string_view::npos) return end;
    const auto line = trimmed(std::string_view(line_).substr(0, line_.size() - 1));
    switch (chunk_step_) {
        case chunk_step::size_line: {
            const auto size_text = trimmed(line.substr(0, line.find(';')));
            std::uint64_t size = 0;
            const auto parsed =
                std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
            if (size_text.empty() || parsed.ptr != size_text.data() + size_text.size()) {
                fail();
                break;
            }
            remaining_ = size;
            chunk_step_ = size == 0 ? chunk_step::trailer_line : chunk_step::data;
            break;
        }
        case chunk_step::data_end:
            if (!line.empty()) fail();
            chunk_step_ = chunk_step::size_line;
            break;
        case chunk_step::trailer_line:
            if (line.empty()) state_ = state::complete;
            break;
        case chunk_step::data:
            break;
    }
    line_.clear();
    return end;
}

void response_relay::upstream_closed() {
    upstream_reusable_ = false;
    if (state_ == state::body && framing_ == body_framing::until_close)
        state_ = state::complete;
    else if (state_ != state::complete)
        fail();
}

}  // namespace eg::bench
