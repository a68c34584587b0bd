#include "daemon/traffic/health_state.hpp"

#include "daemon/http/http_text.hpp"
#include "daemon/traffic/http_response_parser.hpp"

#include <re2/re2.h>

#include <algorithm>

namespace eg::server {

bool server_health::record(bool passed, const health_thresholds& thresholds) {
    if (passed) {
        fails_ = 0;
        ++passes_;
        if (!healthy_ && passes_ >= std::max<std::uint32_t>(thresholds.passes, 1)) {
            healthy_ = true;
            return true;
        }
    } else {
        passes_ = 0;
        ++fails_;
        if (healthy_ && fails_ >= std::max<std::uint32_t>(thresholds.fails, 1)) {
            healthy_ = false;
            return true;
        }
    }
    return false;
}

health_table::health_table(std::size_t servers, health_thresholds thresholds)
    : thresholds_(thresholds), servers_(servers) {
    healthy_.reserve(servers);
    for (std::size_t i = 0; i < servers; ++i) healthy_.push_back(static_cast<std::uint32_t>(i));
}

bool health_table::record(std::size_t index, bool passed) {
    if (!servers_[index].record(passed, thresholds_)) return false;
    healthy_.clear();
    for (std::size_t i = 0; i < servers_.size(); ++i)
        if (servers_[i].healthy()) healthy_.push_back(static_cast<std::uint32_t>(i));
    return true;
}

std::vector<std::pair<int, int>> default_health_status_codes() {
    std::vector<std::pair<int, int>> codes;
    codes.emplace_back(200, 399);
    return codes;
}

std::pair<std::unique_ptr<check_matcher>, std::vector<std::string>> check_matcher::compile(
    const health_match_spec& spec) {
    std::vector<std::string> errors;
    std::unique_ptr<check_matcher> matcher(new check_matcher());
    for (const auto& [lo, hi] : spec.status_codes)
        if (lo > hi || lo < 100 || hi > 999)
            errors.push_back("statusCodes: [" + std::to_string(lo) + ", " + std::to_string(hi) +
                             "] is not a range of statuses");
    matcher->status_codes_ = spec.status_codes;
    const auto add = [&](std::string name, const std::string& value, text_match_type type,
                         const std::string& where) {
        text_rule rule{std::move(name), value, type, nullptr};
        if (type == text_match_type::regexp) {
            RE2::Options options;
            options.set_log_errors(false);
            rule.regexp = std::make_unique<re2::RE2>(value, options);
            if (!rule.regexp->ok())
                errors.push_back(where + ": invalid regexp \"" + value +
                                 "\": " + rule.regexp->error());
        }
        matcher->rules_.push_back(std::move(rule));
    };
    for (std::size_t i = 0; i < spec.headers.size(); ++i) {
        const auto& h = spec.headers[i];
        const auto where = "headers[" + std::to_string(i) + "]";
        if (!http_text::is_token(h.name)) errors.push_back(where + ": invalid header name");
        if (h.type == text_match_type::contains)
            errors.push_back(where + ": type must be exact or regexp");
        add(h.name, h.value, h.type, where);
    }
    if (spec.body.size() > 1) errors.push_back("body: one rule at most");
    for (const auto& b : spec.body) {
        if (b.type == text_match_type::exact)
            errors.push_back("body: type must be contains or regexp");
        add({}, b.value, b.type, "body");
    }
    if (!errors.empty()) matcher.reset();
    return {std::move(matcher), std::move(errors)};
}

check_matcher::~check_matcher() = default;

bool check_matcher::text_matches(const text_rule& rule, std::string_view text) const {
    switch (rule.type) {
        case text_match_type::exact:
            return text == rule.value;
        case text_match_type::contains:
            return text.find(rule.value) != std::string_view::npos;
        case text_match_type::regexp:
            return re2::RE2::PartialMatch(text, *rule.regexp);
    }
    return false;
}

bool check_matcher::matches(int status, const std::vector<http_field_view>& headers,
                            std::string_view body) const {
    const bool status_ok = std::any_of(
        status_codes_.begin(), status_codes_.end(),
        [&](const auto& range) { return status >= range.first && status <= range.second; });
    if (!status_ok) return false;
    for (const auto& rule : rules_) {
        if (rule.name.empty()) {
            if (!text_matches(rule, body)) return false;
            continue;
        }
        std::string_view value;
        for (const auto& field : headers)
            if (http_text::same_text(field.name, rule.name)) {
                value = field.value;
                break;
            }
        if (!text_matches(rule, value)) return false;
    }
    return true;
}

}  // namespace eg::server
