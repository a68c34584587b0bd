#pragma once
// string matcher: upstream's StringMatcher {exact, prefix, regex, empty}, compiled once when the
// filter is built. A value matches when any given condition holds: `empty` and the value is "",
// the value equals `exact`, starts with `prefix`, or RE2 finds `regex` in it (an unanchored
// search, as Go's MatchString). Used by the Mock's header rules and the Proxy's RequestMatcher.

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace eg::server {

class spec_fields;

class string_matcher {
public:
    // From a StringMatcher mapping; what cannot be read (wrong types, a regexp RE2 refuses)
    // becomes a problem in `fields`, and a regexp that does not compile never matches.
    static string_matcher build(const nlohmann::json& spec, const std::string& path,
                                spec_fields& fields);

    string_matcher();
    string_matcher(string_matcher&&) noexcept;
    string_matcher& operator=(string_matcher&&) noexcept;
    ~string_matcher();

    bool matches(std::string_view value) const;
    bool empty() const { return empty_; }

private:
    std::string exact_;
    std::string prefix_;
    std::unique_ptr<re2::RE2> regex_;
    bool empty_ = false;
};

// A header rule: the header's name and its matcher.
struct header_matcher {
    std::string name;
    string_matcher matcher;
};

// The header rules of a mapping name -> StringMatcher (the `headers` of a Mock match or of a
// RequestMatcher), in the mapping's order.
std::vector<header_matcher> build_header_matchers(const nlohmann::json* headers,
                                                  const std::string& path, spec_fields& fields);

}  // namespace eg::server
