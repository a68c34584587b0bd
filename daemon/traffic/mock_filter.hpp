#pragma once
// mock filter: the Mock of a Pipeline, which answers matching requests itself. Its rules are
// tried in order and the first whose `match` holds gives the answer (status `code`, `headers`
// set, `body`) and how long to wait before sending it (`delay`); the filter's result is then
// "mocked", which ends the pipeline unless a jumpIf names it. No rule: nullptr, result "".
// A rule's match: `path` (exact) or `pathPrefix`, either one; neither given matches every
// path. Then its header rules (name -> StringMatcher): an absent header satisfies only a rule
// with `empty: true`; a present one fails an `empty` rule, else satisfies it when any of its
// values matches. No header rules: satisfied; `matchAllHeaders` false: any rule, true: all.
// Pure: the caller waits the delay (asynchronously) and writes the answer.

#include "daemon/traffic/string_matcher.hpp"
#include "daemon/traffic/traffic_request.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace eg::server {

class mock_filter {
public:
    // The result of a matched rule.
    static constexpr std::string_view mocked = "mocked";

    struct answer {
        local_answer response;
        std::chrono::milliseconds delay{0};
    };

    // Never throws: what cannot be read is said by problems() (the rule is kept with what was
    // read; a rule without a valid `code` answers 200).
    static std::unique_ptr<mock_filter> build(const nlohmann::json& filter_spec);

    // The first matching rule's answer, or nullptr (result "": the pipeline goes on).
    const answer* match(const request_view& request) const;

    std::size_t rule_count() const { return rules_.size(); }
    // What the build could not read, one line each with the field's path; empty when fine.
    const std::vector<std::string>& problems() const { return problems_; }

private:
    struct rule {
        std::string path;
        std::string path_prefix;
        std::vector<header_matcher> headers;
        bool match_all_headers = false;
        answer result;
    };
    static bool header_rule_holds(const header_matcher& header, const request_view& request);
    static bool matches(const rule& r, const request_view& request);

    std::vector<rule> rules_;
    std::vector<std::string> problems_;
};

}  // namespace eg::server
