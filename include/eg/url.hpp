#pragma once
// URL and host:port splitting for the checks of cluster URLs and addresses.

#include <arpa/inet.h>

#include <charconv>
#include <optional>
#include <string>
#include <string_view>

namespace eg::config {

struct url_parts {
    std::string scheme;  // "http"
    std::string host;    // "10.0.0.1", "localhost", "::1" (brackets removed)
    std::string port;    // "2380"; empty when absent
    std::string path;    // "" or "/..." after the authority
};

// Splits "scheme://host:port/path". Returns nullopt when there is no "scheme://".
inline std::optional<url_parts> split_url(std::string_view url) {
    const auto sep = url.find("://");
    if (sep == std::string_view::npos || sep == 0) return std::nullopt;
    url_parts parts;
    parts.scheme = std::string(url.substr(0, sep));
    std::string_view rest = url.substr(sep + 3);
    const auto slash = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, slash);
    if (slash != std::string_view::npos) parts.path = std::string(rest.substr(slash));
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return parts;
        parts.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty() && after.front() == ':') parts.port = std::string(after.substr(1));
        return parts;
    }
    const auto colon = authority.rfind(':');
    if (colon == std::string_view::npos) {
        parts.host = std::string(authority);
    } else {
        parts.host = std::string(authority.substr(0, colon));
        parts.port = std::string(authority.substr(colon + 1));
    }
    return parts;
}

// A TCP port: 1..65535, digits only.
inline bool is_port(std::string_view text) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return !text.empty() && ec == std::errc{} && end == text.data() + text.size() && value >= 1 &&
           value <= 65535;
}

inline bool is_ip_address(const std::string& host) {
    unsigned char buffer[16];
    return inet_pton(AF_INET, host.c_str(), buffer) == 1 ||
           inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

// 0.0.0.0 or any spelling of the IPv6 unspecified address (::, ::0, 0:0::0, ...).
inline bool is_unspecified_address(const std::string& host) {
    unsigned char bytes[16] = {};
    if (inet_pton(AF_INET, host.c_str(), bytes) == 1)
        return bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0 && bytes[3] == 0;
    if (inet_pton(AF_INET6, host.c_str(), bytes) != 1) return false;
    for (unsigned char b : bytes)
        if (b != 0) return false;
    return true;
}

// localhost, 127.0.0.0/8 or ::1: this machine only.
inline bool is_loopback_host(const std::string& host) {
    if (host == "localhost") return true;
    unsigned char bytes[16] = {};
    if (inet_pton(AF_INET, host.c_str(), bytes) == 1) return bytes[0] == 127;
    if (inet_pton(AF_INET6, host.c_str(), bytes) != 1) return false;
    for (int i = 0; i < 15; ++i)
        if (bytes[i] != 0) return false;
    return bytes[15] == 1;
}

// Whether two listen hosts can be the same address on one machine.
inline bool hosts_overlap(const std::string& a, const std::string& b) {
    // "localhost" resolves to 127.0.0.1 or ::1, so it meets any loopback address.
    return a == b || is_unspecified_address(a) || is_unspecified_address(b) ||
           (a == "localhost" && is_loopback_host(b)) || (b == "localhost" && is_loopback_host(a));
}

struct host_port {
    std::string host;  // may be empty (":2381" listens on every address)
    std::string port;
};

// Splits "host:port" or "[v6]:port"; nullopt when the shape is wrong.
inline std::optional<host_port> split_host_port(std::string_view addr) {
    if (!addr.empty() && addr.front() == '[') {
        const auto close = addr.find("]:");
        if (close == std::string_view::npos) return std::nullopt;
        return host_port{std::string(addr.substr(1, close - 1)),
                         std::string(addr.substr(close + 2))};
    }
    const auto colon = addr.rfind(':');
    if (colon == std::string_view::npos || addr.find(':') != colon) return std::nullopt;
    return host_port{std::string(addr.substr(0, colon)), std::string(addr.substr(colon + 1))};
}

}  // namespace eg::config
