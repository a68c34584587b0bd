#include "daemon/traffic/mock_filter.hpp"

#include "daemon/http/http_text.hpp"
#include "daemon/traffic/spec_fields.hpp"

namespace eg::server {

std::unique_ptr<mock_filter> mock_filter::build(const nlohmann::json& filter_spec) {
    auto filter = std::unique_ptr<mock_filter>(new mock_filter());
    spec_fields fields(filter->problems_);
    if (!filter_spec.is_object()) {
        fields.problem("", "the Mock's spec is not a mapping");
        return filter;
    }
    const auto* rules = fields.list(filter_spec, "rules", "");
    if (rules == nullptr) return filter;
    for (std::size_t i = 0; i < rules->size(); ++i) {
        const auto path = spec_fields::item("rules", i);
        const auto& spec = (*rules)[i];
        if (!spec.is_object()) {
            fields.problem(path, "is not a mapping");
            continue;
        }
        rule r;
        if (const auto* match = fields.mapping(spec, "match", path)) {
            const auto where = spec_fields::field(path, "match");
            r.path = fields.string(*match, "path", where).value_or("");
            r.path_prefix = fields.string(*match, "pathPrefix", where).value_or("");
            r.match_all_headers = fields.boolean(*match, "matchAllHeaders", where).value_or(false);
            r.headers = build_header_matchers(fields.mapping(*match, "headers", where),
                                              spec_fields::field(where, "headers"), fields);
        }
        const auto code = fields.integer(spec, "code", path, 100, 599);
        if (!code && spec_fields::find(spec, "code") == nullptr)
            fields.problem(spec_fields::field(path, "code"), "is missing");
        r.result.response.status = static_cast<int>(code.value_or(200));
        if (const auto* headers = fields.mapping(spec, "headers", path))
            for (auto it = headers->begin(); it != headers->end(); ++it) {
                if (it.value().is_string())
                    r.result.response.headers.emplace_back(it.key(), it.value().get<std::string>());
                else
                    fields.problem(
                        spec_fields::field(spec_fields::field(path, "headers"), it.key()),
                        "is not a string");
            }
        r.result.response.body = fields.string(spec, "body", path).value_or("");
        r.result.delay =
            std::chrono::milliseconds(fields.duration_ms(spec, "delay", path).value_or(0));
        filter->rules_.push_back(std::move(r));
    }
    return filter;
}

bool mock_filter::header_rule_holds(const header_matcher& header, const request_view& request) {
    if (!request.has_header(header.name)) return header.matcher.empty();
    if (header.matcher.empty()) return false;
    for (const auto& field : *request.headers)
        if (http_text::same_text(field.name, header.name) && header.matcher.matches(field.value))
            return true;
    return false;
}

bool mock_filter::matches(const rule& r, const request_view& request) {
    if (!r.path.empty() || !r.path_prefix.empty()) {
        const bool exact = !r.path.empty() && request.path == r.path;
        const bool prefix =
            !r.path_prefix.empty() && request.path.substr(0, r.path_prefix.size()) == r.path_prefix;
        if (!exact && !prefix) return false;
    }
    if (r.headers.empty()) return true;
    for (const auto& header : r.headers) {
        const bool holds = header_rule_holds(header, request);
        if (r.match_all_headers && !holds) return false;
        if (!r.match_all_headers && holds) return true;
    }
    return r.match_all_headers;
}

const mock_filter::answer* mock_filter::match(const request_view& request) const {
    for (const auto& r : rules_)
        if (matches(r, request)) return &r.result;
    return nullptr;
}

}  // namespace eg::server
