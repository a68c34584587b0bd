#include "daemon/traffic/route_table.hpp"

#include "daemon/http/http_text.hpp"

#include <arpa/inet.h>
#include <re2/re2.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>

namespace eg::server {

namespace {

using json = nlohmann::json;

constexpr std::array<std::uint8_t, 12> ipv4_mapped_prefix = {0, 0, 0, 0, 0,    0,
                                                             0, 0, 0, 0, 0xff, 0xff};

// The address in `text` as written: an IPv4-mapped IPv6 address stays IPv6.
std::optional<ip_address> parse_literal(std::string_view text) {
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
        text = text.substr(1, text.size() - 2);
    if (const auto zone = text.find('%'); zone != std::string_view::npos)
        text = text.substr(0, zone);
    std::array<char, 64> buffer{};  // inet_pton reads a C string
    if (text.empty() || text.size() >= buffer.size()) return std::nullopt;
    std::memcpy(buffer.data(), text.data(), text.size());
    ip_address ip;
    ip.v6 = text.find(':') != std::string_view::npos;
    if (inet_pton(ip.v6 ? AF_INET6 : AF_INET, buffer.data(), ip.bytes.data()) != 1)
        return std::nullopt;
    return ip;
}

bool is_ipv4_mapped(const ip_address& ip) {
    return ip.v6 && std::memcmp(ip.bytes.data(), ipv4_mapped_prefix.data(), 12) == 0;
}

ip_address unmapped(ip_address ip) {
    if (!is_ipv4_mapped(ip)) return ip;
    std::memmove(ip.bytes.data(), ip.bytes.data() + 12, 4);
    std::fill(ip.bytes.begin() + 4, ip.bytes.end(), std::uint8_t{0});
    ip.v6 = false;
    return ip;
}

ip_address mapped(const ip_address& v4) {
    ip_address ip;
    ip.v6 = true;
    std::memcpy(ip.bytes.data(), ipv4_mapped_prefix.data(), 12);
    std::memcpy(ip.bytes.data() + 12, v4.bytes.data(), 4);
    return ip;
}

bool same_prefix(const ip_address& a, const ip_address& b, int bits) {
    const auto whole = static_cast<std::size_t>(bits / 8);
    if (std::memcmp(a.bytes.data(), b.bytes.data(), whole) != 0) return false;
    const int rest = bits % 8;
    if (rest == 0) return true;
    const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (a.bytes[whole] & mask) == (b.bytes[whole] & mask);
}

std::unique_ptr<re2::RE2> compile(const std::string& pattern, bool ignore_case) {
    RE2::Options options;
    options.set_log_errors(false);
    options.set_case_sensitive(!ignore_case);
    auto regexp = std::make_unique<re2::RE2>(pattern, options);
    if (!regexp->ok()) return nullptr;
    return regexp;
}

bool ends_with_text(std::string_view text, std::string_view suffix) {
    return text.size() > suffix.size() &&
           http_text::same_text(text.substr(text.size() - suffix.size()), suffix);
}

bool starts_with_text(std::string_view text, std::string_view prefix) {
    return text.size() > prefix.size() &&
           http_text::same_text(text.substr(0, prefix.size()), prefix);
}

// Go's url.QueryUnescape: %XX and '+' as a space; false on a bad escape.
bool query_unescape(std::string_view raw, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '+') {
            out += ' ';
        } else if (raw[i] == '%') {
            if (i + 2 >= raw.size()) return false;
            const int hi = http_text::hex_digit(raw[i + 1]);
            const int lo = http_text::hex_digit(raw[i + 2]);
            if (hi < 0 || lo < 0) return false;
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += raw[i];
        }
    }
    return true;
}

bool needs_unescape(std::string_view raw) {
    return raw.find_first_of("%+") != std::string_view::npos;
}

// The first value of `key` in `query` as Go's url.Values.Get reads it (decoded; a pair with a
// bad escape or a ';' is skipped), "" when absent. `scratch` holds a decoded value.
std::string_view first_query_value(std::string_view query, std::string_view key,
                                   std::string& scratch) {
    while (!query.empty()) {
        const auto amp = query.find('&');
        const auto pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty() || pair.find(';') != std::string_view::npos) continue;
        const auto eq = pair.find('=');
        const auto raw_key = pair.substr(0, eq);
        const auto raw_value =
            eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        if (needs_unescape(raw_key)) {
            if (!query_unescape(raw_key, scratch) || scratch != key) continue;
        } else if (raw_key != key) {
            continue;
        }
        if (!needs_unescape(raw_value)) return raw_value;
        if (query_unescape(raw_value, scratch)) return scratch;
    }
    return {};
}

bool is_word_char(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// Go's regexp template ($1, ${1}, ${name}, $name, $$) as an RE2 rewrite string (\1 ... \9).
std::string re2_rewrite_of(std::string_view target, const re2::RE2& regexp) {
    const int groups = regexp.NumberOfCapturingGroups();
    const auto& names = regexp.NamedCapturingGroups();
    std::string out;
    for (std::size_t i = 0; i < target.size(); ++i) {
        const char c = target[i];
        if (c == '\\') {
            out += "\\\\";
            continue;
        }
        if (c != '$') {
            out += c;
            continue;
        }
        if (i + 1 < target.size() && target[i + 1] == '$') {
            out += '$';
            ++i;
            continue;
        }
        std::string_view name;
        std::size_t end = i + 1;
        if (end < target.size() && target[end] == '{') {
            const auto close = target.find('}', end);
            if (close != std::string_view::npos) {
                name = target.substr(end + 1, close - end - 1);
                end = close + 1;
            }
            if (name.empty() || !std::all_of(name.begin(), name.end(), is_word_char)) {
                out += '$';  // Go writes a malformed reference as it is
                continue;
            }
        } else {
            while (end < target.size() && is_word_char(target[end])) ++end;
            name = target.substr(i + 1, end - i - 1);
            if (name.empty()) {
                out += '$';
                continue;
            }
        }
        i = end - 1;
        int group = -1;
        if (std::all_of(name.begin(), name.end(), [](char d) { return d >= '0' && d <= '9'; })) {
            if (name.size() <= 3) group = std::stoi(std::string(name));
        } else if (const auto it = names.find(std::string(name)); it != names.end()) {
            group = it->second;
        }
        if (group >= 0 && group <= groups && group <= 9) {
            out += '\\';
            out += static_cast<char>('0' + group);
        }
    }
    return out;
}

}  // namespace

// ---- ip_address, ip_range, ip_filter ----

std::optional<ip_address> ip_address::parse(std::string_view text) {
    const auto ip = parse_literal(text);
    if (!ip) return std::nullopt;
    return unmapped(*ip);
}

std::optional<ip_range> ip_range::parse(std::string_view text) {
    const auto slash = text.find('/');
    const auto literal = parse_literal(text.substr(0, slash));
    if (!literal) return std::nullopt;
    ip_range range;
    range.base = *literal;
    range.bits = literal->v6 ? 128 : 32;
    if (slash != std::string_view::npos) {
        const auto digits = text.substr(slash + 1);
        if (digits.empty() || digits.size() > 3 ||
            !std::all_of(digits.begin(), digits.end(), [](char d) { return d >= '0' && d <= '9'; }))
            return std::nullopt;
        const int bits = std::stoi(std::string(digits));
        if (bits > range.bits) return std::nullopt;
        range.bits = bits;
    }
    if (is_ipv4_mapped(range.base) && range.bits >= 96) {
        range.base = unmapped(range.base);
        range.bits -= 96;
    }
    return range;
}

bool ip_range::contains(const ip_address& ip) const {
    if (base.v6 == ip.v6) return same_prefix(base, ip, bits);
    if (base.v6) return same_prefix(base, mapped(ip), bits);  // e.g. ::/0 holds every address
    return false;
}

ip_filter ip_filter::from_spec(const json& spec) {
    ip_filter filter;
    if (!spec.is_object()) {
        filter.refuse_all_ = true;
        return filter;
    }
    if (const auto it = spec.find("blockByDefault"); it != spec.end())
        filter.block_by_default_ = !it->is_boolean() || it->get<bool>();
    const auto ranges = [&](const char* key, std::vector<ip_range>& into) {
        const auto it = spec.find(key);
        if (it == spec.end()) return true;
        if (!it->is_array()) return false;
        for (const auto& entry : *it)
            if (entry.is_string())
                if (const auto range = ip_range::parse(entry.get_ref<const std::string&>()))
                    into.push_back(*range);
        return true;
    };
    if (const auto it = spec.find("allowIPs"); it != spec.end())
        filter.allow_list_given_ = !it->is_array() || !it->empty();
    ranges("allowIPs", filter.allow_);
    if (!ranges("blockIPs", filter.block_)) filter.refuse_all_ = true;
    return filter;
}

bool ip_filter::allows(const std::optional<ip_address>& client) const {
    if (refuse_all_) return false;
    if (!client) return !block_by_default_;
    const auto holds = [&](const std::vector<ip_range>& ranges) {
        return std::any_of(ranges.begin(), ranges.end(),
                           [&](const ip_range& range) { return range.contains(*client); });
    };
    if (holds(block_)) return false;
    if (holds(allow_)) return true;
    if (allow_list_given_) return false;
    return !block_by_default_;
}

// ---- the compiled routes ----

namespace {

struct host_matcher {
    enum class kind { exact, suffix, prefix, regexp, never };
    kind how = kind::never;
    std::string text;
    std::unique_ptr<re2::RE2> regexp;

    bool matches(std::string_view host) const {
        switch (how) {
            case kind::exact:
                return http_text::same_text(host, text);
            case kind::suffix:
                return ends_with_text(host, text);
            case kind::prefix:
                return starts_with_text(host, text);
            case kind::regexp:
                return re2::RE2::FullMatch(host, *regexp);
            case kind::never:
                break;
        }
        return false;
    }
};

host_matcher host_named(const std::string& value) {
    host_matcher matcher;
    matcher.how = host_matcher::kind::exact;
    matcher.text = value;
    if (std::count(value.begin(), value.end(), '*') == 1 && value.size() > 1) {
        if (value.front() == '*') {
            matcher.how = host_matcher::kind::suffix;
            matcher.text = value.substr(1);
        } else if (value.back() == '*') {
            matcher.how = host_matcher::kind::prefix;
            matcher.text = value.substr(0, value.size() - 1);
        }
    }
    return matcher;
}

host_matcher host_regexp(const std::string& pattern) {
    host_matcher matcher;
    matcher.regexp = compile(pattern, true);
    if (matcher.regexp) matcher.how = host_matcher::kind::regexp;
    return matcher;
}

// A header or query matcher: `{key, values[], regexp}`.
struct value_matcher {
    std::string key;
    std::vector<std::string> values;
    bool regexp_given = false;
    std::unique_ptr<re2::RE2> regexp;  // null when not given or not compiled
    bool broken = false;

    bool in_values(std::string_view value) const {
        return std::find(values.begin(), values.end(), value) != values.end();
    }
    bool regexp_matches(std::string_view value) const {
        return regexp && re2::RE2::PartialMatch(value, *regexp);
    }
    // matchAll false: either condition; true: each condition given.
    bool satisfied(std::string_view value, bool all) const {
        if (broken) return false;
        if (!all) return in_values(value) || regexp_matches(value);
        return (values.empty() || in_values(value)) && (!regexp_given || regexp_matches(value));
    }
};

enum class path_hit { none, exact, prefix, regexp, any };

}  // namespace

struct route_path {
    std::size_t index = 0;
    bool broken = false;  // a field of the wrong type: never matches
    std::optional<std::string> exact;
    std::optional<std::string> prefix;
    bool regexp_given = false;
    std::unique_ptr<re2::RE2> regexp;
    std::optional<std::string> rewrite;
    std::string regexp_rewrite;  // rewrite as RE2's rewrite string
    bool any_method = true;
    std::vector<std::string> methods;
    std::vector<value_matcher> headers;
    std::vector<value_matcher> queries;
    bool all_headers = false;
    bool all_queries = false;
    std::optional<ip_filter> filter;
    std::string backend;
    std::int64_t body_size = 0;
    std::vector<std::pair<std::string, std::string>> set_headers;
    // RadixTree: the pattern's parameter names in order (EG_WILDCARD last after a trailing *),
    // and rewriteTarget as pieces: text, or the index of a parameter (-1: none, nothing).
    std::vector<std::string> param_names;
    std::vector<std::pair<std::string, int>> radix_rewrite;

    path_hit hit(std::string_view path) const {
        if (broken) return path_hit::none;
        if (!exact && !prefix && !regexp_given) return path_hit::any;
        if (exact && path == *exact) return path_hit::exact;
        if (prefix && path.substr(0, prefix->size()) == *prefix) return path_hit::prefix;
        if (regexp && re2::RE2::PartialMatch(path, *regexp)) return path_hit::regexp;
        return path_hit::none;
    }
};

// A RadixTree pattern's parts: literal text, `{name}`, `{name:regexp}`, a trailing `*`.
struct pattern_part {
    enum class kind { literal, param, catch_all };
    kind what = kind::literal;
    std::string text;  // literal: the text; param: the regexp ("" for none)
    std::string name;  // param: its name
    char tail = '/';   // param: the character that ends its value
};

// The RadixTree routes of one rule: a trie of the literal characters, with the parameter and
// catch-all edges of each node. `routes` holds the indices of the paths ending at a node.
struct route_node {
    struct param_edge {
        std::string regexp_text;
        std::unique_ptr<re2::RE2> regexp;  // null: a plain {name}
        char tail = '/';
        std::unique_ptr<route_node> next;
    };
    std::map<char, std::unique_ptr<route_node>> literals;
    std::vector<param_edge> regexp_params;
    std::vector<param_edge> params;
    std::unique_ptr<route_node> catch_all;
    std::vector<std::size_t> routes;
};

struct route_table::rule {
    std::size_t index = 0;
    std::vector<host_matcher> hosts;
    std::optional<ip_filter> filter;
    std::vector<route_path> paths;
    std::unique_ptr<route_node> tree;  // RadixTree only

    bool host_matches(std::string_view host) const {
        if (hosts.empty()) return true;
        return std::any_of(hosts.begin(), hosts.end(),
                           [&](const host_matcher& matcher) { return matcher.matches(host); });
    }
};

namespace {

// What failed while searching, for the status when nothing matched.
struct failures {
    bool ip = false;
    bool headers = false;
    bool method = false;

    int status() const { return ip ? 403 : headers ? 400 : method ? 405 : 404; }
};

const std::string* string_field(const json& object, const char* key, bool& broken) {
    const auto it = object.find(key);
    if (it == object.end()) return nullptr;
    if (!it->is_string()) {
        broken = true;
        return nullptr;
    }
    return it->get_ref<const std::string&>().empty() ? nullptr : &it->get_ref<const std::string&>();
}

bool bool_field(const json& object, const char* key, bool& broken) {
    const auto it = object.find(key);
    if (it == object.end()) return false;
    if (!it->is_boolean()) {
        broken = true;
        return false;
    }
    return it->get<bool>();
}

std::int64_t body_size_field(const json& object, bool& broken) {
    const auto it = object.find("clientMaxBodySize");
    if (it == object.end()) return 0;
    if (it->is_number_unsigned()) {
        if (it->get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            broken = true;
            return 0;
        }
        return static_cast<std::int64_t>(it->get<std::uint64_t>());
    }
    if (!it->is_number_integer() || it->get<std::int64_t>() < -1) {
        broken = true;
        return 0;
    }
    return it->get<std::int64_t>();
}

std::vector<value_matcher> value_matchers(const json& entry, const char* key, bool& broken) {
    std::vector<value_matcher> matchers;
    const auto it = entry.find(key);
    if (it == entry.end()) return matchers;
    if (!it->is_array()) {
        broken = true;
        return matchers;
    }
    for (const auto& item : *it) {
        value_matcher matcher;
        matcher.broken = !item.is_object();
        if (!matcher.broken) {
            const std::string* name = string_field(item, "key", matcher.broken);
            if (name == nullptr) matcher.broken = true;
            if (name != nullptr) matcher.key = *name;
            if (const auto values = item.find("values"); values != item.end()) {
                if (!values->is_array()) matcher.broken = true;
                if (values->is_array())
                    for (const auto& value : *values) {
                        if (value.is_string())
                            matcher.values.push_back(value.get<std::string>());
                        else
                            matcher.broken = true;
                    }
            }
            if (const std::string* regexp = string_field(item, "regexp", matcher.broken)) {
                matcher.regexp_given = true;
                matcher.regexp = compile(*regexp, false);
            }
        }
        matchers.push_back(std::move(matcher));
    }
    return matchers;
}

route_path compile_path(const json& entry, std::size_t index) {
    route_path path;
    path.index = index;
    bool& broken = path.broken;
    if (const std::string* exact = string_field(entry, "path", broken)) path.exact = *exact;
    if (const std::string* prefix = string_field(entry, "pathPrefix", broken))
        path.prefix = *prefix;
    if (const std::string* regexp = string_field(entry, "pathRegexp", broken)) {
        path.regexp_given = true;
        path.regexp = compile(*regexp, false);
    }
    if (const std::string* rewrite = string_field(entry, "rewriteTarget", broken)) {
        path.rewrite = *rewrite;
        if (path.regexp) path.regexp_rewrite = re2_rewrite_of(*rewrite, *path.regexp);
    }
    if (const auto methods = entry.find("methods"); methods != entry.end()) {
        if (!methods->is_array()) broken = true;
        if (methods->is_array() && !methods->empty()) {
            path.any_method = false;
            for (const auto& method : *methods)
                if (method.is_string()) path.methods.push_back(method.get<std::string>());
        }
    }
    path.headers = value_matchers(entry, "headers", broken);
    path.queries = value_matchers(entry, "queries", broken);
    path.all_headers = bool_field(entry, "matchAllHeader", broken);
    path.all_queries = bool_field(entry, "matchAllQuery", broken);
    if (const auto filter = entry.find("ipFilter"); filter != entry.end())
        path.filter = ip_filter::from_spec(*filter);
    if (const std::string* backend = string_field(entry, "backend", broken))
        path.backend = *backend;
    path.body_size = body_size_field(entry, broken);
    if (const auto set = entry.find("setHeaders"); set != entry.end()) {
        if (!set->is_object()) broken = true;
        if (set->is_object())
            for (auto it = set->begin(); it != set->end(); ++it) {
                if (it.value().is_string())
                    path.set_headers.emplace_back(it.key(), it.value().get<std::string>());
                else
                    broken = true;
            }
    }
    return path;
}

void compile_hosts(const json& rule, std::vector<host_matcher>& hosts) {
    bool broken = false;
    if (const std::string* host = string_field(rule, "host", broken))
        hosts.push_back(host_named(*host));
    if (const std::string* regexp = string_field(rule, "hostRegexp", broken))
        hosts.push_back(host_regexp(*regexp));
    if (const auto list = rule.find("hosts"); list != rule.end()) {
        if (!list->is_array()) broken = true;
        if (list->is_array())
            for (const auto& item : *list) {
                bool bad = !item.is_object();
                const std::string* value = bad ? nullptr : string_field(item, "value", bad);
                const bool is_regexp = bad ? false : bool_field(item, "isRegexp", bad);
                if (bad || value == nullptr)
                    hosts.emplace_back();  // never matches
                else
                    hosts.push_back(is_regexp ? host_regexp(*value) : host_named(*value));
            }
    }
    if (broken) {
        // A host field of the wrong type: the rule matches no host.
        hosts.clear();
        hosts.emplace_back();
    }
}

bool values_match(const std::vector<value_matcher>& matchers, bool all, auto&& value_of) {
    if (matchers.empty()) return true;
    if (all)
        return std::all_of(matchers.begin(), matchers.end(), [&](const value_matcher& matcher) {
            return matcher.satisfied(value_of(matcher.key), true);
        });
    return std::any_of(matchers.begin(), matchers.end(), [&](const value_matcher& matcher) {
        return matcher.satisfied(value_of(matcher.key), false);
    });
}

// The checks of a candidate path after its path matched; false after noting what failed.
bool candidate_passes(const route_path& path, const request_view& request,
                      const std::optional<ip_address>& client, failures& failed) {
    if (!path.any_method &&
        std::find(path.methods.begin(), path.methods.end(), request.method) == path.methods.end()) {
        failed.method = true;
        return false;
    }
    if (!values_match(path.headers, path.all_headers,
                      [&](const std::string& key) { return request.header(key); })) {
        failed.headers = true;
        return false;
    }
    std::string scratch;
    if (!values_match(path.queries, path.all_queries, [&](const std::string& key) {
            return first_query_value(request.query, key, scratch);
        })) {
        failed.headers = true;
        return false;
    }
    if (path.filter && !path.filter->allows(client)) {
        failed.ip = true;
        return false;
    }
    return true;
}

std::string with_query(std::string path, std::string_view query) {
    if (!query.empty()) {
        path += '?';
        path += query;
    }
    return path;
}

std::string rewritten(const route_path& path, path_hit hit, const request_view& request) {
    if (!path.rewrite) return {};
    switch (hit) {
        case path_hit::exact:
            return with_query(*path.rewrite, request.query);
        case path_hit::prefix:
            return with_query(*path.rewrite + std::string(request.path.substr(path.prefix->size())),
                              request.query);
        case path_hit::regexp: {
            std::string target(request.path);
            re2::RE2::GlobalReplace(&target, *path.regexp, path.regexp_rewrite);
            return with_query(std::move(target), request.query);
        }
        case path_hit::any:
        case path_hit::none:
            break;
    }
    return {};
}

// ---- RadixTree ----

// The parts of a RadixTree pattern, or nullopt when the router cannot use it.
std::optional<std::vector<pattern_part>> pattern_parts(std::string_view pattern) {
    if (pattern.empty() || pattern.front() != '/') return std::nullopt;
    std::vector<pattern_part> parts;
    std::string literal;
    const auto flush = [&] {
        if (literal.empty()) return;
        pattern_part part;
        part.text = std::move(literal);
        parts.push_back(std::move(part));
        literal.clear();
    };
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '*') {
            if (i + 1 != pattern.size()) return std::nullopt;
            flush();
            pattern_part part;
            part.what = pattern_part::kind::catch_all;
            parts.push_back(std::move(part));
            continue;
        }
        if (c == '}') return std::nullopt;
        if (c != '{') {
            literal += c;
            continue;
        }
        int depth = 1;
        std::size_t end = i + 1;
        for (; end < pattern.size() && depth > 0; ++end) {
            if (pattern[end] == '{') ++depth;
            if (pattern[end] == '}') --depth;
        }
        if (depth != 0) return std::nullopt;
        const auto inside = pattern.substr(i + 1, end - i - 2);
        const auto colon = inside.find(':');
        const auto name = inside.substr(0, colon);
        if (name.empty() || !std::all_of(name.begin(), name.end(), is_word_char))
            return std::nullopt;
        flush();
        pattern_part part;
        part.what = pattern_part::kind::param;
        part.name = std::string(name);
        if (colon != std::string_view::npos) part.text = std::string(inside.substr(colon + 1));
        if (end < pattern.size()) part.tail = pattern[end];
        if (part.tail == '{' || part.tail == '*') return std::nullopt;  // nothing ends the value
        parts.push_back(std::move(part));
        i = end - 1;
    }
    flush();
    return parts;
}

// Adds the route `path_index` along `parts`; false (nothing added) when a regexp does not compile.
bool insert_route(route_node& root, const std::vector<pattern_part>& parts,
                  std::size_t path_index) {
    for (const auto& part : parts)
        if (part.what == pattern_part::kind::param && !part.text.empty() &&
            !compile(part.text, false))
            return false;
    route_node* node = &root;
    for (const auto& part : parts) {
        switch (part.what) {
            case pattern_part::kind::literal:
                for (const char c : part.text) {
                    auto& child = node->literals[c];
                    if (!child) child = std::make_unique<route_node>();
                    node = child.get();
                }
                break;
            case pattern_part::kind::param: {
                auto& edges = part.text.empty() ? node->params : node->regexp_params;
                auto edge = std::find_if(edges.begin(), edges.end(), [&](const auto& e) {
                    return e.regexp_text == part.text && e.tail == part.tail;
                });
                if (edge == edges.end()) {
                    route_node::param_edge added;
                    added.regexp_text = part.text;
                    if (!part.text.empty()) added.regexp = compile(part.text, false);
                    added.tail = part.tail;
                    added.next = std::make_unique<route_node>();
                    edges.push_back(std::move(added));
                    edge = edges.end() - 1;
                }
                node = edge->next.get();
                break;
            }
            case pattern_part::kind::catch_all:
                if (!node->catch_all) node->catch_all = std::make_unique<route_node>();
                node = node->catch_all.get();
                break;
        }
    }
    node->routes.push_back(path_index);
    return true;
}

// rewriteTarget's pieces: text, and `{name}` as the index of that parameter.
std::vector<std::pair<std::string, int>> radix_rewrite_of(std::string_view target,
                                                          const std::vector<std::string>& names) {
    std::vector<std::pair<std::string, int>> pieces;
    std::string text;
    for (std::size_t i = 0; i < target.size(); ++i) {
        const auto close = target[i] == '{' ? target.find('}', i) : std::string_view::npos;
        if (close == std::string_view::npos) {
            text += target[i];
            continue;
        }
        if (!text.empty()) pieces.emplace_back(std::move(text), -1);
        text.clear();
        const auto name = target.substr(i + 1, close - i - 1);
        const auto found = std::find(names.begin(), names.end(), name);
        pieces.emplace_back(std::string{},
                            found == names.end() ? -1 : static_cast<int>(found - names.begin()));
        i = close;
    }
    if (!text.empty()) pieces.emplace_back(std::move(text), -1);
    return pieces;
}

// One search of a rule's tree: the most specific route first (per character: literal, regexp
// parameter, parameter, catch-all), backtracking when a branch has no route that passes.
struct tree_search {
    const std::vector<route_path>& paths;
    const request_view& request;
    const std::optional<ip_address>& client;
    failures& failed;
    std::vector<std::string_view> values;
    const route_path* found = nullptr;

    bool routes_at(const route_node& node) {
        for (const std::size_t index : node.routes)
            if (candidate_passes(paths[index], request, client, failed)) {
                found = &paths[index];
                return true;
            }
        return false;
    }

    bool from(const route_node* node, std::size_t pos) {
        const std::string_view path = request.path;
        // Literal characters where nothing else could match are walked without recursion.
        while (node->regexp_params.empty() && node->params.empty() && !node->catch_all &&
               !(pos == path.size() && !node->routes.empty())) {
            if (pos == path.size()) return false;
            const auto next = node->literals.find(path[pos]);
            if (next == node->literals.end()) return false;
            node = next->second.get();
            ++pos;
        }
        if (pos == path.size() && routes_at(*node)) return true;
        if (pos < path.size())
            if (const auto next = node->literals.find(path[pos]);
                next != node->literals.end() && from(next->second.get(), pos + 1))
                return true;
        for (const auto* edges : {&node->regexp_params, &node->params})
            for (const auto& edge : *edges) {
                std::size_t end = pos;
                while (end < path.size() && path[end] != edge.tail && path[end] != '/') ++end;
                if (edge.tail != '/' && (end == path.size() || path[end] != edge.tail)) continue;
                const auto value = path.substr(pos, end - pos);
                if (edge.regexp ? !re2::RE2::FullMatch(value, *edge.regexp) : value.empty())
                    continue;
                values.push_back(value);
                if (from(edge.next.get(), end)) return true;
                values.pop_back();
            }
        if (node->catch_all) {
            values.push_back(path.substr(pos));
            if (routes_at(*node->catch_all)) return true;
            values.pop_back();
        }
        return false;
    }
};

std::string radix_rewritten(const route_path& path, const std::vector<std::string_view>& values,
                            std::string_view query) {
    if (!path.rewrite) return {};
    std::string target;
    for (const auto& [text, param] : path.radix_rewrite) {
        if (param < 0)
            target += text;
        else if (static_cast<std::size_t>(param) < values.size())
            target += values[static_cast<std::size_t>(param)];
    }
    return with_query(std::move(target), query);
}

}  // namespace

route_table::route_table() = default;
route_table::~route_table() = default;

std::shared_ptr<const route_table> route_table::build(const json& spec) {
    auto table = std::make_shared<route_table>();
    if (!spec.is_object()) return table;
    if (const auto filter = spec.find("ipFilter"); filter != spec.end())
        table->server_filter_ = ip_filter::from_spec(*filter);
    bool ignored = false;
    table->server_body_size_ = body_size_field(spec, ignored);
    if (const auto kind = spec.find("routerKind"); kind != spec.end() && kind->is_string())
        table->radix_ = kind->get_ref<const std::string&>() == "RadixTree";
    const auto rules = spec.find("rules");
    if (rules == spec.end() || !rules->is_array()) return table;
    for (std::size_t r = 0; r < rules->size(); ++r) {
        const json& spec_rule = (*rules)[r];
        if (!spec_rule.is_object()) continue;
        rule compiled;
        compiled.index = r;
        compile_hosts(spec_rule, compiled.hosts);
        if (const auto filter = spec_rule.find("ipFilter"); filter != spec_rule.end())
            compiled.filter = ip_filter::from_spec(*filter);
        if (const auto paths = spec_rule.find("paths");
            paths != spec_rule.end() && paths->is_array())
            for (std::size_t p = 0; p < paths->size(); ++p)
                if ((*paths)[p].is_object()) compiled.paths.push_back(compile_path((*paths)[p], p));
        if (table->radix_) {
            compiled.tree = std::make_unique<route_node>();
            for (std::size_t i = 0; i < compiled.paths.size(); ++i) {
                route_path& path = compiled.paths[i];
                const auto parts =
                    path.broken || !path.exact ? std::nullopt : pattern_parts(*path.exact);
                if (!parts || !insert_route(*compiled.tree, *parts, i)) continue;
                for (const auto& part : *parts) {
                    if (part.what == pattern_part::kind::param)
                        path.param_names.push_back(part.name);
                    if (part.what == pattern_part::kind::catch_all)
                        path.param_names.emplace_back("EG_WILDCARD");
                }
                if (path.rewrite)
                    path.radix_rewrite = radix_rewrite_of(*path.rewrite, path.param_names);
            }
        }
        table->path_count_ += compiled.paths.size();
        table->rules_.push_back(std::move(compiled));
    }
    return table;
}

route_match route_table::match(const request_view& request) const {
    route_match result;
    const auto client = ip_address::parse(request.client_ip);
    if (server_filter_ && !server_filter_->allows(client)) {
        result.status = 403;
        return result;
    }
    failures failed;
    for (const rule& candidate_rule : rules_) {
        if (!candidate_rule.host_matches(request.host)) continue;
        if (candidate_rule.filter && !candidate_rule.filter->allows(client)) {
            failed.ip = true;
            continue;
        }
        if (radix_) {
            tree_search search{candidate_rule.paths, request, client, failed, {}, nullptr};
            if (!search.from(candidate_rule.tree.get(), 0)) continue;
            const route_path& path = *search.found;
            result.backend = path.backend;
            result.rewritten_target = radix_rewritten(path, search.values, request.query);
            if (!path.set_headers.empty()) result.set_headers = &path.set_headers;
            result.client_max_body_size = path.body_size != 0 ? path.body_size : server_body_size_;
            result.rule_index = candidate_rule.index;
            result.path_index = path.index;
            result.params.reserve(search.values.size());
            for (std::size_t i = 0; i < search.values.size() && i < path.param_names.size(); ++i)
                result.params.emplace_back(path.param_names[i], search.values[i]);
            return result;
        }
        for (const route_path& path : candidate_rule.paths) {
            const path_hit hit = path.hit(request.path);
            if (hit == path_hit::none) continue;
            if (!candidate_passes(path, request, client, failed)) continue;
            result.backend = path.backend;
            result.rewritten_target = rewritten(path, hit, request);
            if (!path.set_headers.empty()) result.set_headers = &path.set_headers;
            result.client_max_body_size = path.body_size != 0 ? path.body_size : server_body_size_;
            result.rule_index = candidate_rule.index;
            result.path_index = path.index;
            return result;
        }
    }
    result.status = failed.status();
    return result;
}

}  // namespace eg::server
