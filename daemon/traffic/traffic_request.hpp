#pragma once
// traffic request: what the router and the filters read of one client request, as views into
// the request the connection parsed (daemon/http/http_request_parser), and the answer a filter
// gives itself (Mock, or the router's failure statuses) before it is written as HTTP/1.1.
// Nothing here owns the request: a view lives as long as the exchange.

#include "daemon/http/http_request_parser.hpp"
#include "daemon/http/http_text.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eg::server {

struct request_view {
    std::string_view method;
    std::string_view path;       // the target before '?', percent-encoding kept
    std::string_view query;      // after '?', without it; empty when absent
    std::string_view host;       // the Host header without its port, lower case not implied
    std::string_view client_ip;  // the peer's address (never a header's claim)
    const std::vector<http_header>* headers = nullptr;

    // The first value of header `name` (case-insensitive), empty when absent.
    std::string_view header(std::string_view name) const {
        if (headers == nullptr) return {};
        for (const auto& field : *headers)
            if (http_text::same_text(field.name, name)) return field.value;
        return {};
    }
    bool has_header(std::string_view name) const {
        if (headers == nullptr) return false;
        for (const auto& field : *headers)
            if (http_text::same_text(field.name, name)) return true;
        return false;
    }
    // The first value of query parameter `name` (not decoded), empty when absent.
    std::string_view query_value(std::string_view name) const {
        std::string_view rest = query;
        while (!rest.empty()) {
            const auto amp = rest.find('&');
            const auto pair = rest.substr(0, amp);
            const auto eq = pair.find('=');
            if (pair.substr(0, eq) == name)
                return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
            if (amp == std::string_view::npos) break;
            rest.remove_prefix(amp + 1);
        }
        return {};
    }
    bool has_query(std::string_view name) const {
        std::string_view rest = query;
        while (!rest.empty()) {
            const auto amp = rest.find('&');
            const auto pair = rest.substr(0, amp);
            if (pair.substr(0, pair.find('=')) == name) return true;
            if (amp == std::string_view::npos) break;
            rest.remove_prefix(amp + 1);
        }
        return false;
    }
};

// The view of `request` from `client_ip`: path and query split at the first '?', host from the
// Host header with its port (and an IPv6 literal's brackets) taken off.
inline request_view view_of(const http_request& request, std::string_view client_ip) {
    request_view view;
    view.method = request.method;
    const std::string_view target = request.target;
    const auto question = target.find('?');
    view.path = target.substr(0, question);
    if (question != std::string_view::npos) view.query = target.substr(question + 1);
    view.headers = &request.headers;
    view.client_ip = client_ip;
    std::string_view host = view.header("Host");
    if (!host.empty() && host.front() == '[') {
        const auto close = host.find(']');
        host = close == std::string_view::npos ? host.substr(1) : host.substr(1, close - 1);
    } else if (const auto colon = host.rfind(':'); colon != std::string_view::npos) {
        host = host.substr(0, colon);
    }
    view.host = host;
    return view;
}

// An answer made without an upstream: its status, headers (in order) and body.
struct local_answer {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

}  // namespace eg::server
