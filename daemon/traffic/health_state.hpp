#pragma once
// health state: a Proxy pool's active health check, without its I/O. server_health counts the
// consecutive results of one server's checks: `fails` failures in a row take a healthy server
// out of the choice, `passes` successes in a row bring it back (upstream's semantics; a server
// starts healthy). health_table keeps them for a pool's servers and the ascending list of the
// healthy ones the load balancer chooses from. check_matcher says whether a check's answer
// passes: its status in one of the ranges (default [[200,399]]), every header rule (exact or
// RE2 regexp on the header's first value, "" when absent) and the body rule (contains or RE2
// regexp); regexps are compiled once, when the object is applied, and a bad one is refused then.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace re2 {
class RE2;
}

namespace eg::server {

struct http_field_view;

struct health_thresholds {
    std::uint32_t fails = 1;
    std::uint32_t passes = 1;
};

class server_health {
public:
    // One check's result; true when the server's health changed.
    bool record(bool passed, const health_thresholds& thresholds);
    bool healthy() const { return healthy_; }
    std::uint32_t consecutive_fails() const { return fails_; }
    std::uint32_t consecutive_passes() const { return passes_; }

private:
    bool healthy_ = true;
    std::uint32_t fails_ = 0;
    std::uint32_t passes_ = 0;
};

class health_table {
public:
    health_table(std::size_t servers, health_thresholds thresholds);

    // One check's result for server `index`; true when its health changed.
    bool record(std::size_t index, bool passed);
    const server_health& server(std::size_t index) const { return servers_[index]; }
    // Indices of the healthy servers, ascending (what load_balancer::choose takes).
    const std::vector<std::uint32_t>& healthy() const { return healthy_; }

private:
    health_thresholds thresholds_;
    std::vector<server_health> servers_;
    std::vector<std::uint32_t> healthy_;
};

enum class text_match_type { exact, contains, regexp };

// [[200, 399]], upstream's default statusCodes.
std::vector<std::pair<int, int>> default_health_status_codes();

struct health_match_spec {
    std::vector<std::pair<int, int>> status_codes = default_health_status_codes();  // inclusive
    struct header_rule {
        std::string name;
        std::string value;
        text_match_type type = text_match_type::exact;  // exact or regexp
    };
    std::vector<header_rule> headers;
    struct body_rule {
        std::string value;
        text_match_type type = text_match_type::contains;  // contains or regexp
    };
    std::vector<body_rule> body;  // none or one
};

class check_matcher {
public:
    // The matcher, or the reasons the spec is refused (bad regexp, empty range, wrong type).
    static std::pair<std::unique_ptr<check_matcher>, std::vector<std::string>> compile(
        const health_match_spec& spec);
    ~check_matcher();

    bool matches(int status, const std::vector<http_field_view>& headers,
                 std::string_view body) const;

private:
    struct text_rule {
        std::string name;  // header name; empty for the body
        std::string value;
        text_match_type type;
        std::unique_ptr<re2::RE2> regexp;
    };
    bool text_matches(const text_rule& rule, std::string_view text) const;

    check_matcher() = default;
    std::vector<std::pair<int, int>> status_codes_;
    std::vector<text_rule> rules_;
};

}  // namespace eg::server
