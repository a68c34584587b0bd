#include "daemon/traffic/string_matcher.hpp"

#include "daemon/traffic/spec_fields.hpp"

#include <re2/re2.h>

namespace eg::server {

string_matcher::string_matcher() = default;
string_matcher::string_matcher(string_matcher&&) noexcept = default;
string_matcher& string_matcher::operator=(string_matcher&&) noexcept = default;
string_matcher::~string_matcher() = default;

string_matcher string_matcher::build(const nlohmann::json& spec, const std::string& path,
                                     spec_fields& fields) {
    string_matcher matcher;
    if (!spec.is_object()) {
        fields.problem(path, "is not a mapping");
        return matcher;
    }
    matcher.exact_ = fields.string(spec, "exact", path).value_or("");
    matcher.prefix_ = fields.string(spec, "prefix", path).value_or("");
    matcher.empty_ = fields.boolean(spec, "empty", path).value_or(false);
    const auto regex = fields.string(spec, "regex", path).value_or("");
    if (!regex.empty()) {
        RE2::Options options;
        options.set_log_errors(false);
        matcher.regex_ = std::make_unique<RE2>(regex, options);
        if (!matcher.regex_->ok()) {
            fields.problem(spec_fields::field(path, "regex"),
                           "does not compile: " + matcher.regex_->error());
            matcher.regex_.reset();
        }
    }
    return matcher;
}

bool string_matcher::matches(std::string_view value) const {
    if (empty_ && value.empty()) return true;
    if (!exact_.empty() && value == exact_) return true;
    if (!prefix_.empty() && value.substr(0, prefix_.size()) == prefix_) return true;
    return regex_ != nullptr &&
           RE2::PartialMatch(re2::StringPiece(value.data(), value.size()), *regex_);
}

std::vector<header_matcher> build_header_matchers(const nlohmann::json* headers,
                                                  const std::string& path, spec_fields& fields) {
    std::vector<header_matcher> rules;
    if (headers == nullptr) return rules;
    for (auto it = headers->begin(); it != headers->end(); ++it)
        rules.push_back({it.key(), string_matcher::build(
                                       it.value(), spec_fields::field(path, it.key()), fields)});
    return rules;
}

}  // namespace eg::server
