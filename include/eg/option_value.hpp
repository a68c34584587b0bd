#pragma once
// The value types an option can have, and the one parser per type. The same parser reads a YAML
// scalar, an EASEGRESS_* variable and a flag, so a spelling never means one thing in a file and
// another on the command line.

#include <eg/diagnostic_catalogue.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace eg::config {

enum class value_kind {
    string,
    boolean,
    integer,
    size,          // bytes; accepts KB/KiB/MB/MiB/GB/GiB suffixes
    duration,      // Go duration syntax: 10s, 1h30m, 250ms
    url_list,      // comma-separated on the command line; a sequence in YAML
    path_list,     // like url_list, for file paths
    name_url_map,  // name=url pairs; a mapping or a list of single-entry maps in YAML
    string_map,    // k=v pairs; a mapping in YAML
};

constexpr std::string_view type_name(value_kind k) {
    switch (k) {
        case value_kind::string:
            return "string";
        case value_kind::boolean:
            return "bool";
        case value_kind::integer:
            return "int";
        case value_kind::size:
            return "size";
        case value_kind::duration:
            return "duration";
        case value_kind::url_list:
            return "URL list";
        case value_kind::path_list:
            return "path list";
        case value_kind::name_url_map:
            return "name=URL map";
        case value_kind::string_map:
            return "key=value map";
    }
    return "string";
}

constexpr bool is_list(value_kind k) {
    return k == value_kind::url_list || k == value_kind::path_list;
}
constexpr bool is_map(value_kind k) {
    return k == value_kind::name_url_map || k == value_kind::string_map;
}

struct byte_size {
    std::uint64_t bytes = 0;
    bool operator==(const byte_size&) const = default;
};

struct duration {
    std::int64_t nanoseconds = 0;
    bool operator==(const duration&) const = default;
};

using string_list = std::vector<std::string>;
using string_pairs = std::vector<std::pair<std::string, std::string>>;  // insertion order kept

using option_value =
    std::variant<std::string, bool, std::int64_t, byte_size, duration, string_list, string_pairs>;

// The C++ type holding a value of each kind.
template <value_kind K>
struct value_type {
    using type = std::string;
};
template <>
struct value_type<value_kind::boolean> {
    using type = bool;
};
template <>
struct value_type<value_kind::integer> {
    using type = std::int64_t;
};
template <>
struct value_type<value_kind::size> {
    using type = byte_size;
};
template <>
struct value_type<value_kind::duration> {
    using type = duration;
};
template <>
struct value_type<value_kind::url_list> {
    using type = string_list;
};
template <>
struct value_type<value_kind::path_list> {
    using type = string_list;
};
template <>
struct value_type<value_kind::name_url_map> {
    using type = string_pairs;
};
template <>
struct value_type<value_kind::string_map> {
    using type = string_pairs;
};
template <value_kind K>
using value_type_t = typename value_type<K>::type;

// Why a text did not parse: the code, the message and how to fix it.
struct parse_failure {
    const diag::code_info* code;
    std::string message;
    std::string hint;
};

template <class T>
using parsed = std::variant<T, parse_failure>;

namespace detail {

inline std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

inline bool is_yaml11_bool(std::string_view s) {
    for (std::string_view word : {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on",
                                  "On", "ON", "off", "Off", "OFF"})
        if (s == word) return true;
    return false;
}

inline parse_failure invalid(std::string message, std::string hint) {
    return {&diag::code("invalid-value"), std::move(message), std::move(hint)};
}

// Comma-separated items, CSV-style as Go's pflag reads them: an item in double quotes may hold
// commas, and "" inside it is one quote ("a,b",c -> [a,b] [c]). Items are trimmed.
inline std::vector<std::string> split_commas(std::string_view text) {
    std::vector<std::string> items;
    if (trim(text).empty()) return items;
    std::size_t i = 0;
    while (true) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
        std::string item;
        if (i < text.size() && text[i] == '"') {
            for (++i; i < text.size(); ++i) {
                if (text[i] != '"') {
                    item += text[i];
                } else if (i + 1 < text.size() && text[i + 1] == '"') {
                    item += '"';
                    ++i;
                } else {
                    ++i;
                    break;
                }
            }
            const std::size_t comma = text.find(',', i);
            item += std::string(trim(text.substr(i, comma - i)));
            items.push_back(std::move(item));
            if (comma == std::string_view::npos) break;
            i = comma + 1;
            continue;
        }
        const std::size_t comma = text.find(',', i);
        items.emplace_back(trim(text.substr(i, comma - i)));
        if (comma == std::string_view::npos) break;
        i = comma + 1;
    }
    return items;
}

// An item as split_commas reads it back: quoted when it holds a comma or starts with a quote.
inline std::string csv_item(const std::string& item) {
    if (item.find(',') == std::string::npos && (item.empty() || item.front() != '"')) return item;
    std::string quoted = "\"";
    for (char c : item) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

}  // namespace detail

inline parsed<bool> parse_bool(std::string_view text) {
    for (std::string_view t : {"true", "True", "TRUE", "t", "T", "1"})
        if (text == t) return true;
    for (std::string_view f : {"false", "False", "FALSE", "f", "F", "0"})
        if (text == f) return false;
    std::string hint = "write true or false";
    if (detail::is_yaml11_bool(text))
        hint += "; yes/no/on/off are YAML 1.1 spellings that YAML 1.2 reads as strings";
    return detail::invalid("\"" + std::string(text) + "\" is not a bool", hint);
}

inline parsed<std::int64_t> parse_int(std::string_view text) {
    std::string_view digits = detail::trim(text);
    bool negative = false;
    if (!digits.empty() && (digits.front() == '-' || digits.front() == '+')) {
        negative = digits.front() == '-';
        digits.remove_prefix(1);
    }
    int base = 10;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        base = 16;
        digits.remove_prefix(2);
    }
    std::uint64_t magnitude = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
    // The negative side reaches one further: -9223372036854775808 is an int64.
    const auto limit =
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + (negative ? 1 : 0);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() ||
        magnitude > limit)
        return detail::invalid("\"" + std::string(text) + "\" is not an integer",
                               "write a whole number such as 20");
    if (negative) return static_cast<std::int64_t>(0 - magnitude);
    return static_cast<std::int64_t>(magnitude);
}

inline parsed<byte_size> parse_size(std::string_view text) {
    std::string_view t = detail::trim(text);
    std::size_t digits = 0;
    while (digits < t.size() && t[digits] >= '0' && t[digits] <= '9') ++digits;
    std::string_view unit = detail::trim(t.substr(digits));
    struct unit_factor {
        std::string_view name;
        std::uint64_t factor;
    };
    constexpr unit_factor units[] = {{"", 1},
                                     {"B", 1},
                                     {"KB", 1000},
                                     {"MB", 1000 * 1000},
                                     {"GB", 1000 * 1000 * 1000},
                                     {"KiB", 1024},
                                     {"MiB", 1024 * 1024},
                                     {"GiB", 1024ULL * 1024 * 1024}};
    std::uint64_t number = 0;
    auto [end, ec] = std::from_chars(t.data(), t.data() + digits, number);
    if (digits > 0 && ec == std::errc{} && end == t.data() + digits) {
        for (const auto& u : units)
            if (u.name == unit && number <= std::numeric_limits<std::uint64_t>::max() / u.factor)
                return byte_size{number * u.factor};
    }
    return detail::invalid(
        "\"" + std::string(text) + "\" is not a size",
        "write a number of bytes, optionally with a unit: 10485760, 10MiB, 512KB");
}

inline parsed<duration> parse_duration(std::string_view text) {
    std::string_view t = detail::trim(text);
    const std::string quoted = "\"" + std::string(text) + "\"";
    bool negative = false;
    if (!t.empty() && (t.front() == '-' || t.front() == '+')) {
        negative = t.front() == '-';
        t.remove_prefix(1);
    }
    if (t == "0") return duration{0};
    if (t.empty()) return detail::invalid(quoted + " is not a duration", "write e.g. 10s or 1h30m");
    struct unit_scale {
        std::string_view name;
        long double ns;
    };
    // Longer names first so "ms" is not read as "m".
    constexpr unit_scale units[] = {{"ns", 1},          {"us", 1e3},  {"\xC2\xB5s", 1e3},
                                    {"\xCE\xBCs", 1e3}, {"ms", 1e6},  {"s", 1e9},
                                    {"m", 60e9},        {"h", 3600e9}};
    long double total = 0;
    while (!t.empty()) {
        std::size_t n = 0;
        while (n < t.size() && ((t[n] >= '0' && t[n] <= '9') || t[n] == '.')) ++n;
        const auto number_text = t.substr(0, n);
        if (n == 0 || number_text == "." || number_text.find('.') != number_text.rfind('.'))
            return detail::invalid(quoted + " is not a duration", "write e.g. 10s or 1h30m");
        long double number = 0;
        try {
            number = std::stold(std::string(t.substr(0, n)));
        } catch (...) {
            return detail::invalid(quoted + " is not a duration", "write e.g. 10s or 1h30m");
        }
        t.remove_prefix(n);
        if (t.empty() || (t.front() >= '0' && t.front() <= '9'))
            return parse_failure{&diag::code("duration-without-unit"),
                                 quoted + " is a duration without a unit",
                                 "add a unit: ns, us, ms, s, m or h, e.g. \"" +
                                     std::string(detail::trim(text)) + "s\""};
        const unit_scale* unit = nullptr;
        for (const auto& u : units)
            if (t.substr(0, u.name.size()) == u.name) {
                unit = &u;
                break;
            }
        if (unit == nullptr)
            return detail::invalid(quoted + " has an unknown duration unit",
                                   "use ns, us, ms, s, m or h, e.g. 10s or 1h30m");
        total += number * unit->ns;
        t.remove_prefix(unit->name.size());
    }
    // Whole nanoseconds; the negative side reaches one further, as int64 does.
    const long double limit =
        static_cast<long double>(std::numeric_limits<std::int64_t>::max()) + (negative ? 1 : 0);
    const long double rounded = std::floor(total + 0.5L);
    if (rounded > limit)
        return detail::invalid(quoted + " is too long a duration", "write at most 2562047h");
    const auto magnitude = static_cast<std::uint64_t>(rounded);
    return duration{negative ? static_cast<std::int64_t>(0 - magnitude)
                             : static_cast<std::int64_t>(magnitude)};
}

// Canonical text of a duration, read back identically by parse_duration: "1h30m", "10s", "1.5s".
inline std::string format_duration(duration d) {
    std::int64_t ns = d.nanoseconds;
    if (ns == 0) return "0s";
    std::string text = ns < 0 ? "-" : "";
    std::uint64_t u =
        ns < 0 ? static_cast<std::uint64_t>(-(ns + 1)) + 1 : static_cast<std::uint64_t>(ns);
    constexpr std::uint64_t second = 1000000000ULL;
    if (u < second) {
        constexpr std::pair<std::uint64_t, std::string_view> small[] = {
            {1000000ULL, "ms"}, {1000ULL, "us"}, {1ULL, "ns"}};
        for (auto [scale, name] : small)
            if (u % scale == 0) return text + std::to_string(u / scale) + std::string(name);
    }
    const std::uint64_t hours = u / (3600 * second);
    u %= 3600 * second;
    const std::uint64_t minutes = u / (60 * second);
    u %= 60 * second;
    if (hours > 0) text += std::to_string(hours) + "h";
    if (minutes > 0) text += std::to_string(minutes) + "m";
    if (u > 0) {
        text += std::to_string(u / second);
        if (std::uint64_t frac = u % second; frac > 0) {
            std::string digits = std::to_string(frac);
            digits.insert(0, 9 - digits.size(), '0');
            while (digits.back() == '0') digits.pop_back();
            text += "." + digits;
        }
        text += "s";
    }
    return text;
}

// A comma-separated list: "a, b,c". Empty text is an empty list; an empty item is an error.
inline parsed<string_list> parse_list(std::string_view text) {
    string_list items;
    for (auto item : detail::split_commas(text)) {
        if (item.empty())
            return detail::invalid("\"" + std::string(text) + "\" has an empty item",
                                   "separate items with single commas, without a trailing comma");
        items.emplace_back(item);
    }
    return items;
}

// Comma-separated k=v pairs: "zone=a,team=b". Keys are case-sensitive and unique.
inline parsed<string_pairs> parse_pairs(std::string_view text) {
    string_pairs pairs;
    for (auto item : detail::split_commas(text)) {
        if (item.empty())
            return detail::invalid("\"" + std::string(text) + "\" has an empty item",
                                   "separate pairs with single commas, without a trailing comma");
        const auto eq = item.find('=');
        if (eq == std::string_view::npos || eq == 0)
            return detail::invalid("\"" + std::string(item) + "\" is not a key=value pair",
                                   "write pairs as key=value separated by commas, e.g. "
                                   "machine-1=http://10.0.0.1:2380");
        std::string key(detail::trim(std::string_view(item).substr(0, eq)));
        for (const auto& [k, v] : pairs)
            if (k == key)
                return parse_failure{
                    &diag::code("duplicate-key"),
                    "\"" + key + "\" is given twice in \"" + std::string(text) + "\"",
                    "give each key once"};
        pairs.emplace_back(std::move(key),
                           std::string(detail::trim(std::string_view(item).substr(eq + 1))));
    }
    return pairs;
}

// The one parser per kind, from text (a flag, an environment variable or a YAML scalar).
inline parsed<option_value> parse_text(value_kind kind, std::string_view text) {
    auto widen = [](auto&& result) -> parsed<option_value> {
        if (auto* failure = std::get_if<parse_failure>(&result)) return std::move(*failure);
        return option_value(std::move(std::get<0>(result)));
    };
    switch (kind) {
        case value_kind::string:
            return option_value(std::string(text));
        case value_kind::boolean:
            return widen(parse_bool(text));
        case value_kind::integer:
            return widen(parse_int(text));
        case value_kind::size:
            return widen(parse_size(text));
        case value_kind::duration:
            return widen(parse_duration(text));
        case value_kind::url_list:
        case value_kind::path_list:
            return widen(parse_list(text));
        case value_kind::name_url_map:
        case value_kind::string_map:
            return widen(parse_pairs(text));
    }
    return option_value(std::string(text));
}

// The text form parse_text reads back: used for EASEGRESS_* lines and defaults.
inline std::string format_text(const option_value& value) {
    struct formatter {
        std::string operator()(const std::string& s) const { return s; }
        std::string operator()(bool b) const { return b ? "true" : "false"; }
        std::string operator()(std::int64_t i) const { return std::to_string(i); }
        std::string operator()(byte_size s) const { return std::to_string(s.bytes); }
        std::string operator()(duration d) const { return format_duration(d); }
        std::string operator()(const string_list& l) const {
            std::string out;
            for (const auto& item : l) out += (out.empty() ? "" : ",") + detail::csv_item(item);
            return out;
        }
        std::string operator()(const string_pairs& p) const {
            std::string out;
            for (const auto& [k, v] : p)
                out += (out.empty() ? "" : ",") + detail::csv_item(k + "=" + v);
            return out;
        }
    };
    return std::visit(formatter{}, value);
}

}  // namespace eg::config
