#pragma once
// The pieces every traffic-object check is made of: field paths (`rules[0].paths[2].pathRegexp`,
// relative to the object's top level, where upstream keeps its spec fields), typed reading of a
// field with EG600 for the wrong type, and the value checks shared by the kinds (durations, URLs,
// IPs, base64, status codes, methods, regexps).

#include <eg/diagnostic_catalogue.hpp>

#include <arpa/inet.h>
#include <re2/re2.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace eg::traffic {

using json = nlohmann::json;

// Bounds of the lists of a traffic object: far above any real configuration, low enough that
// validating and routing stay cheap. docs/limits.md lists them.
namespace bounds {
inline constexpr std::size_t rules = 1000;         // HTTPServer rules; Mock rules
inline constexpr std::size_t paths = 1000;         // paths of one rule
inline constexpr std::size_t hosts = 1000;         // hosts of one rule
inline constexpr std::size_t filters = 256;        // filters of one Pipeline
inline constexpr std::size_t flow_steps = 1024;    // flow steps of one Pipeline
inline constexpr std::size_t pools = 64;           // pools of one Proxy
inline constexpr std::size_t servers = 10000;      // servers of one pool
inline constexpr std::size_t headers = 100;        // header/query matchers, set headers
inline constexpr std::size_t ip_entries = 10000;   // allowIPs / blockIPs of one ipFilter
inline constexpr std::size_t list_entries = 1000;  // other lists (methods, codes, tags)
inline constexpr std::int64_t max_connections = 20000000;
}  // namespace bounds

// `path.key`, or `key` at the top.
inline std::string field_path(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

inline std::string item_path(const std::string& path, std::size_t index) {
    return path + "[" + std::to_string(index) + "]";
}

inline std::string type_name(const json& value) {
    if (value.is_string()) return "a string";
    if (value.is_boolean()) return "a boolean";
    if (value.is_number()) return "a number";
    if (value.is_array()) return "a list";
    if (value.is_object()) return "a mapping";
    return "null";
}

// Go's time.ParseDuration: an optional sign, then one or more <number><unit> with units ns, us,
// µs, ms, s, m, h; "0" alone is allowed.
inline bool is_go_duration(std::string_view text) {
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) text.remove_prefix(1);
    if (text == "0") return true;
    if (text.empty()) return false;
    while (!text.empty()) {
        std::size_t i = 0;
        bool digits = false;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, digits = true;
        if (i < text.size() && text[i] == '.') {
            ++i;
            while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i, digits = true;
        }
        if (!digits) return false;
        text.remove_prefix(i);
        std::size_t unit = 0;
        for (std::string_view u : {"ns", "us", "\xC2\xB5s", "\xCE\xBCs", "ms", "s", "m", "h"})
            if (text.substr(0, u.size()) == u && u.size() > unit) unit = u.size();
        if (unit == 0) return false;
        text.remove_prefix(unit);
    }
    return true;
}

inline bool is_base64(std::string_view text) {
    if (text.empty() || text.size() % 4 != 0) return false;
    std::size_t pad = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '=') {
            ++pad;
            continue;
        }
        if (pad > 0) return false;
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '+' || c == '/';
        if (!ok) return false;
    }
    return pad <= 2;
}

inline bool is_ip(const std::string& text) {
    unsigned char buffer[16];
    return inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
           inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

// An IP or a CIDR (`10.0.0.0/8`, `fd00::/8`).
inline bool is_ip_or_cidr(const std::string& text) {
    const auto slash = text.find('/');
    if (slash == std::string::npos) return is_ip(text);
    const std::string address = text.substr(0, slash);
    const std::string bits = text.substr(slash + 1);
    if (!is_ip(address) || bits.empty() || bits.size() > 3) return false;
    if (!std::all_of(bits.begin(), bits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return false;
    const int n = std::stoi(bits);
    return n <= (address.find(':') == std::string::npos ? 32 : 128);
}

// An http or https URL with a host: `http://127.0.0.1:9095`, `https://h/api`.
inline bool is_http_url(std::string_view text) {
    std::string_view rest;
    if (text.substr(0, 7) == "http://")
        rest = text.substr(7);
    else if (text.substr(0, 8) == "https://")
        rest = text.substr(8);
    else
        return false;
    const auto end = rest.find_first_of("/?#");
    const auto authority = rest.substr(0, end);
    if (authority.empty() || authority.front() == ':') return false;
    return authority.find_first_of(" \t@") == std::string_view::npos;
}

inline bool is_http_method(std::string_view method) {
    for (std::string_view m :
         {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE"})
        if (m == method) return true;
    return false;
}

inline bool is_header_name(std::string_view name) {
    if (name.empty()) return false;
    for (const char c : name) {
        const bool token = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                           (c >= '0' && c <= '9') ||
                           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
        if (!token) return false;
    }
    return true;
}

// Why a regexp does not compile with RE2, or nullopt when it does.
inline std::optional<std::string> regexp_problem(const std::string& pattern) {
    RE2::Options options;
    options.set_log_errors(false);
    const RE2 compiled(pattern, options);
    if (compiled.ok()) return std::nullopt;
    return compiled.error();
}

// One check of one object: its findings and the typed reading of its fields.
class checker {
public:
    explicit checker(diag::diagnostics& out) : out_(out) {}

    // A finding; the message starts with the field path.
    void report(const diag::code_info& code, const std::string& path, const std::string& message,
                std::string hint = {}) {
        out_.add(diag::make(code, path, {}, (path.empty() ? "" : path + ": ") + message,
                            std::move(hint)));
    }

    // The field, or nullptr when it is absent or null (upstream's zero value).
    static const json* find(const json& object, std::string_view key) {
        if (!object.is_object()) return nullptr;
        const auto at = object.find(std::string(key));
        if (at == object.end() || at->is_null()) return nullptr;
        return &*at;
    }

    bool expect(const json& value, bool ok, const std::string& path, std::string_view wanted) {
        if (ok) return true;
        report(diag::code("field-type"), path,
               "is " + type_name(value) + ", expected " + std::string(wanted),
               "write it as " + std::string(wanted));
        return false;
    }

    const json* object(const json& parent, std::string_view key, const std::string& path) {
        const json* value = find(parent, key);
        if (value == nullptr) return nullptr;
        return expect(*value, value->is_object(), field_path(path, key), "a mapping") ? value
                                                                                      : nullptr;
    }

    // A list, reported EG606 (and not walked) beyond `most` entries.
    const json* list(const json& parent, std::string_view key, const std::string& path,
                     std::size_t most) {
        const json* value = find(parent, key);
        if (value == nullptr) return nullptr;
        const auto where = field_path(path, key);
        if (!expect(*value, value->is_array(), where, "a list")) return nullptr;
        if (!bounded(*value, where, most)) return nullptr;
        return value;
    }

    // A mapping of any keys, bounded like a list.
    const json* map(const json& parent, std::string_view key, const std::string& path,
                    std::size_t most) {
        const json* value = object(parent, key, path);
        if (value == nullptr) return nullptr;
        return bounded(*value, field_path(path, key), most) ? value : nullptr;
    }

    bool bounded(const json& value, const std::string& path, std::size_t most) {
        if (value.size() <= most) return true;
        report(diag::code("too-many-entries"), path,
               "has " + std::to_string(value.size()) + " entries, more than the " +
                   std::to_string(most) + " allowed",
               "split the object, or group the entries");
        return false;
    }

    std::optional<std::string> string(const json& parent, std::string_view key,
                                      const std::string& path) {
        const json* value = find(parent, key);
        if (value == nullptr) return std::nullopt;
        if (!expect(*value, value->is_string(), field_path(path, key), "a string"))
            return std::nullopt;
        return value->get<std::string>();
    }

    std::optional<bool> boolean(const json& parent, std::string_view key, const std::string& path) {
        const json* value = find(parent, key);
        if (value == nullptr) return std::nullopt;
        if (!expect(*value, value->is_boolean(), field_path(path, key), "true or false"))
            return std::nullopt;
        return value->get<bool>();
    }

    // An integer within [low, high].
    std::optional<std::int64_t> integer(const json& parent, std::string_view key,
                                        const std::string& path, std::int64_t low,
                                        std::int64_t high) {
        const json* value = find(parent, key);
        if (value == nullptr) return std::nullopt;
        const auto where = field_path(path, key);
        if (!expect(*value, value->is_number_integer(), where, "an integer")) return std::nullopt;
        if (value->is_number_unsigned() && value->get<std::uint64_t>() > INT64_MAX) {
            out_of_range(where, low, high);
            return std::nullopt;
        }
        const auto n = value->get<std::int64_t>();
        if (n < low || n > high) {
            out_of_range(where, low, high);
            return std::nullopt;
        }
        return n;
    }

    void duration(const json& parent, std::string_view key, const std::string& path) {
        const auto text = string(parent, key, path);
        if (text && !is_go_duration(*text))
            report(diag::code("field-value"), field_path(path, key),
                   "'" + *text + "' is not a duration",
                   "write a number and a unit, e.g. 500ms, 10s, 1m30s");
    }

    void base64(const json& parent, std::string_view key, const std::string& path) {
        const auto text = string(parent, key, path);
        if (text && !text->empty() && !is_base64(*text))
            report(diag::code("field-value"), field_path(path, key), "is not base64 text",
                   "encode the PEM file, e.g. base64 -w0 cert.pem");
    }

    void regexp(const json& parent, std::string_view key, const std::string& path) {
        const auto text = string(parent, key, path);
        if (text) regexp_value(*text, field_path(path, key));
    }

    void regexp_value(const std::string& pattern, const std::string& path) {
        if (const auto problem = regexp_problem(pattern))
            report(diag::code("regexp-invalid"), path,
                   "regexp '" + pattern + "' does not compile: " + *problem,
                   "the syntax is Go's (RE2): no look-around, no back-references");
    }

    // One of `allowed`; an empty string counts as absent when `empty_ok`.
    void one_of(const json& parent, std::string_view key, const std::string& path,
                std::initializer_list<std::string_view> allowed, bool empty_ok = true) {
        const auto text = string(parent, key, path);
        if (!text || (empty_ok && text->empty())) return;
        if (std::find(allowed.begin(), allowed.end(), *text) != allowed.end()) return;
        std::string names;
        for (const auto a : allowed) names += (names.empty() ? "" : ", ") + std::string(a);
        report(diag::code("field-value"), field_path(path, key),
               "'" + *text + "' is not one of " + names, "use one of " + names);
    }

    void required(const json& parent, std::string_view key, const std::string& path,
                  std::string_view what) {
        if (find(parent, key) == nullptr)
            report(diag::code("field-required"), field_path(path, key), "is required",
                   "give " + std::string(what));
    }

    // A list of strings, each passed to `each` with its path.
    template <class Each>
    void strings(const json& parent, std::string_view key, const std::string& path,
                 std::size_t most, Each each) {
        const json* items = list(parent, key, path, most);
        if (items == nullptr) return;
        const auto where = field_path(path, key);
        for (std::size_t i = 0; i < items->size(); ++i) {
            const auto& item = (*items)[i];
            if (expect(item, item.is_string(), item_path(where, i), "a string"))
                each(item.get<std::string>(), item_path(where, i));
        }
    }

    void methods(const json& parent, std::string_view key, const std::string& path) {
        strings(parent, key, path, bounds::list_entries,
                [&](const std::string& method, const std::string& where) {
                    if (!is_http_method(method))
                        report(diag::code("field-value"), where,
                               "'" + method + "' is not an HTTP method",
                               "use GET, HEAD, POST, PUT, PATCH, DELETE, CONNECT, OPTIONS or "
                               "TRACE");
                });
    }

    void status_codes(const json& parent, std::string_view key, const std::string& path) {
        const json* items = list(parent, key, path, bounds::list_entries);
        if (items == nullptr) return;
        const auto where = field_path(path, key);
        for (std::size_t i = 0; i < items->size(); ++i)
            status_code((*items)[i], item_path(where, i));
    }

    void status_code(const json& value, const std::string& path) {
        if (!expect(value, value.is_number_integer(), path, "an integer")) return;
        const auto n = value.get<std::int64_t>();
        if (n < 100 || n > 599) out_of_range(path, 100, 599);
    }

    // Warns (EG612) about each key of `object` outside `known`.
    void known_fields(const json& object, const std::string& path,
                      std::initializer_list<std::string_view> known) {
        for (auto it = object.begin(); it != object.end(); ++it)
            if (std::find(known.begin(), known.end(), it.key()) == known.end())
                report(diag::code("field-unknown"), field_path(path, it.key()),
                       "is not a field of this kind", "check its spelling, or remove it");
    }

    void out_of_range(const std::string& path, std::int64_t low, std::int64_t high) {
        report(diag::code("field-value"), path,
               "is out of range " + std::to_string(low) + " to " + std::to_string(high),
               "give a value from " + std::to_string(low) + " to " + std::to_string(high));
    }

private:
    diag::diagnostics& out_;
};

}  // namespace eg::traffic
