#pragma once
// `egctl create -f` and `egctl apply -f`: a YAML file (or stdin) read as upstream egctl reads it.
// The text is cut into documents at lines starting with "---" (Kubernetes' YAML reader: only
// spaces or a comment may follow the dashes), each document is converted to the JSON the admin
// API takes, and each must name its kind. Plain scalars are typed as go-yaml v2 (YAML 1.1) types
// them: null (~, null), bools (true, yes, on, y and their spellings), integers (decimal, 0x, 0o,
// 0b, leading-0 octal, underscores ignored), floats; anything else, and every quoted or block
// scalar, is a string (timestamps included). Merge keys (<<) are applied; a key given twice in
// one mapping is an error.

#include "tools/egctl/outcome.hpp"

#include <eg/input_limits.hpp>
#include <eg/yaml_limits.hpp>

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace eg::ctl {

// One document of a spec file: the kind and name it declares, its text as read, and the JSON
// that is sent to the admin API (keys in the file's order).
struct object_spec {
    std::string kind;
    std::string name;
    std::string doc;
    nlohmann::ordered_json json;
};

namespace yaml_json_detail {

// Why a document cannot be converted; the text follows "error parsing <doc>: ".
struct conversion_error {
    std::string message;
};

inline std::string_view trim_space(std::string_view s) {
    const auto space = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
    };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

// Go's strconv.ParseUint(s, 0, 64) for text without underscores.
inline std::optional<std::uint64_t> go_parse_uint(std::string_view s) {
    if (s.empty()) return std::nullopt;
    unsigned base = 10;
    if (s[0] == '0') {
        const char prefix = s.size() >= 3 ? static_cast<char>(s[1] | 0x20) : '\0';
        if (prefix == 'b' || prefix == 'o' || prefix == 'x') {
            base = prefix == 'b' ? 2 : (prefix == 'o' ? 8 : 16);
            s.remove_prefix(2);
        } else {
            base = 8;
            s.remove_prefix(1);
        }
    }
    std::uint64_t value = 0;
    for (const char c : s) {
        unsigned digit = 0;
        if (c >= '0' && c <= '9')
            digit = static_cast<unsigned>(c - '0');
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
            digit = static_cast<unsigned>((c | 0x20) - 'a' + 10);
        else
            return std::nullopt;
        if (digit >= base) return std::nullopt;
        if (value > (UINT64_MAX - digit) / base) return std::nullopt;  // out of range
        value = value * base + digit;
    }
    return value;
}

// Go's strconv.ParseInt(s, 0, 64) for text without underscores.
inline std::optional<std::int64_t> go_parse_int(std::string_view s) {
    bool negative = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    const auto magnitude = go_parse_uint(s);
    if (!magnitude) return std::nullopt;
    constexpr std::uint64_t cutoff = std::uint64_t{1} << 63;
    if (!negative && *magnitude >= cutoff) return std::nullopt;
    if (negative && *magnitude > cutoff) return std::nullopt;
    if (negative) return *magnitude == cutoff ? INT64_MIN : -static_cast<std::int64_t>(*magnitude);
    return static_cast<std::int64_t>(*magnitude);
}

// Go's strconv.ParseFloat(s, 64) for decimal text: nullopt when it overflows.
inline std::optional<double> go_parse_float(const std::string& s) {
    errno = 0;
    char* end = nullptr;
    const double value = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size()) return std::nullopt;
    if (errno == ERANGE && std::isinf(value)) return std::nullopt;
    return value;
}

// The JSON value of a plain (unquoted, untagged) scalar, as go-yaml v2 resolves it.
inline nlohmann::ordered_json resolve_plain(const std::string& text) {
    static const std::set<std::string_view> yes = {"y",  "Y",  "yes",  "Yes",  "YES", "on",
                                                   "On", "ON", "true", "True", "TRUE"};
    static const std::set<std::string_view> no = {"n",   "N",   "no",    "No",    "NO",   "off",
                                                  "Off", "OFF", "false", "False", "FALSE"};
    if (yes.count(text) != 0) return true;
    if (no.count(text) != 0) return false;
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
        return nullptr;
    for (const char* infinity : {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})
        if (text == infinity) throw conversion_error{"json: unsupported value: +Inf"};
    for (const char* infinity : {"-.inf", "-.Inf", "-.INF"})
        if (text == infinity) throw conversion_error{"json: unsupported value: -Inf"};
    for (const char* nan : {".nan", ".NaN", ".NAN"})
        if (text == nan) throw conversion_error{"json: unsupported value: NaN"};
    const char first = text.front();
    if (first == '.') {
        static const std::regex dot_float("\\.[0-9]+([eE][-+]?[0-9]+)?");
        if (std::regex_match(text, dot_float))
            if (const auto value = go_parse_float(text)) return *value;
        return text;
    }
    if (!(first == '+' || first == '-' || (first >= '0' && first <= '9'))) return text;
    std::string plain = text;
    std::erase(plain, '_');
    if (const auto value = go_parse_int(plain)) return *value;
    if (const auto value = go_parse_uint(plain)) return *value;
    static const std::regex yaml_float("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    if (std::regex_match(plain, yaml_float))
        if (const auto value = go_parse_float(plain)) return *value;
    return text;
}

inline std::string line_of(const YAML::Node& node) { return std::to_string(node.Mark().line + 1); }

inline bool is_string_tag(const std::string& tag) {
    return tag == "!" || tag == "tag:yaml.org,2002:str" || tag == "tag:yaml.org,2002:binary" ||
           tag == "tag:yaml.org,2002:timestamp";
}

inline std::string key_text(const YAML::Node& key) {
    if (key.IsNull()) return "null";
    if (!key.IsScalar())
        throw conversion_error{"yaml: line " + line_of(key) + ": a mapping key must be a scalar"};
    return key.Scalar();
}

inline bool is_merge_key(const YAML::Node& key) {
    return key.IsScalar() && key.Tag() == "?" && key.Scalar() == "<<";
}

inline nlohmann::ordered_json convert(const YAML::Node& node);

// The fields of a JSON object being built, each key once: a key is appended without the
// linear search nlohmann's ordered_map makes on every insertion.
class object_builder {
public:
    void add(const std::string& key, nlohmann::ordered_json value) {
        if (!present_.insert(key).second) return;
        auto& fields = object_.get_ref<nlohmann::ordered_json::object_t&>();
        static_cast<nlohmann::ordered_json::object_t::Container&>(fields).emplace_back(
            key, std::move(value));
    }
    bool has(const std::string& key) const { return present_.count(key) != 0; }
    nlohmann::ordered_json take() { return std::move(object_); }

private:
    nlohmann::ordered_json object_ = nlohmann::ordered_json::object();
    std::unordered_set<std::string> present_;
};

// Keys written in a mapping (not merged), with the line of each.
using explicit_key_lines = std::unordered_map<std::string, std::string>;

// The entries a merge key brings: those of a mapping, or of each mapping of a sequence (an
// earlier mapping wins over a later one).
inline void merge_into(object_builder& out, const YAML::Node& value,
                       const explicit_key_lines& explicit_keys) {
    const auto merge_map = [&](const YAML::Node& map) {
        if (!map.IsMap())
            throw conversion_error{"yaml: line " + line_of(map) +
                                   ": map merge requires map or sequence of maps as the value"};
        auto merged = convert(map);
        for (auto& [key, item] : merged.items())
            if (explicit_keys.count(key) == 0) out.add(key, std::move(item));
    };
    if (value.IsSequence()) {
        for (const auto& item : value) merge_map(item);
    } else {
        merge_map(value);
    }
}

// A document checked against the limits (check_yaml_document): the recursion is as deep as the
// document, at most limits::max_nesting_depth.
inline nlohmann::ordered_json convert(const YAML::Node& node) {
    using json = nlohmann::ordered_json;
    switch (node.Type()) {
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            return nullptr;
        case YAML::NodeType::Scalar:
            if (is_string_tag(node.Tag())) return node.Scalar();
            return resolve_plain(node.Scalar());
        case YAML::NodeType::Sequence: {
            json out = json::array();
            for (const auto& item : node) out.push_back(convert(item));
            return out;
        }
        case YAML::NodeType::Map:
            break;
    }
    explicit_key_lines explicit_keys;
    for (const auto& entry : node) {
        if (is_merge_key(entry.first)) continue;
        const auto [first, inserted] =
            explicit_keys.try_emplace(key_text(entry.first), line_of(entry.first));
        if (!inserted)
            throw conversion_error{"yaml: line " + line_of(entry.first) + ": mapping key \"" +
                                   first->first + "\" already defined at line " + first->second};
    }
    object_builder out;
    for (const auto& entry : node) {
        if (is_merge_key(entry.first)) {
            merge_into(out, entry.second, explicit_keys);
            continue;
        }
        out.add(key_text(entry.first), convert(entry.second));
    }
    return out.take();
}

// Go's name of a JSON value's type in an unmarshal error.
inline std::string go_json_type(const nlohmann::ordered_json& v) {
    if (v.is_object()) return "object";
    if (v.is_array()) return "array";
    if (v.is_string()) return "string";
    if (v.is_boolean()) return "bool";
    if (v.is_number()) return "number";
    return "null";
}

}  // namespace yaml_json_detail

// The documents of a YAML text, cut as Kubernetes' YAML reader cuts them: at each line starting
// with "---" followed by nothing but spaces or a comment; each document keeps its lines as read.
// Empty documents (nothing between two separators) are left out.
inline outcome<std::vector<std::string>> split_yaml_documents(std::string_view text) {
    std::vector<std::string> documents;
    std::string buffer;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        const std::size_t next = end == std::string_view::npos ? text.size() : end + 1;
        const std::string_view line = text.substr(start, next - start);
        start = next;
        if (line.starts_with("---")) {
            const auto rest = yaml_json_detail::trim_space(line.substr(3));
            if (!rest.empty() && rest.front() != '#')
                return outcome<std::vector<std::string>>::failure(
                    "invalid Yaml document separator: " + std::string(rest));
            if (!buffer.empty()) documents.push_back(std::move(buffer));
            buffer.clear();
            continue;
        }
        buffer.append(line);
    }
    if (!buffer.empty()) documents.push_back(std::move(buffer));
    return documents;
}

// One YAML document as JSON: null for a document with no content (blank lines, comments).
// The error is worded as "error converting YAML to JSON: yaml: line N: <reason>" or Go's
// "json: unsupported value: +Inf".
inline outcome<nlohmann::ordered_json> yaml_to_json(const std::string& doc) {
    using result = outcome<nlohmann::ordered_json>;
    const auto beyond_limits = [](const limits::yaml_limit_problem& problem) {
        return result::failure("error converting YAML to JSON: yaml: line " +
                               std::to_string(problem.mark.line + 1) + ": the document " +
                               (problem.too_deep ? "is " : "") + problem.message);
    };
    // A JSON document: its nesting is counted before any parser builds it.
    if (const auto start = yaml_json_detail::trim_space(doc);
        !start.empty() && (start.front() == '{' || start.front() == '['))
        if (const auto deep = limits::json_nesting_problem(doc))
            return result::failure("error converting YAML to JSON: the document is " + *deep);
    YAML::Node root;
    try {
        root = YAML::Load(doc);
        if (const auto problem = limits::check_yaml_document(root)) return beyond_limits(*problem);
    } catch (const YAML::DeepRecursion& e) {
        return beyond_limits(limits::deep_recursion_problem(e));
    } catch (const YAML::ParserException& e) {
        return result::failure("error converting YAML to JSON: yaml: line " +
                               std::to_string(e.mark.line + 1) + ": " + e.msg);
    } catch (const YAML::Exception& e) {
        return result::failure(std::string("error converting YAML to JSON: ") + e.what());
    }
    try {
        return yaml_json_detail::convert(root);
    } catch (const yaml_json_detail::conversion_error& e) {
        return result::failure(e.message);
    } catch (const YAML::Exception& e) {
        return result::failure(std::string("error converting YAML to JSON: ") + e.what());
    }
}

// The specs of a spec file, all read before any is sent (upstream reads every document first):
// the first document that is not YAML (`error parsing <doc>: <reason>`), not a mapping, or has
// no kind (`kind is empty: <doc>`) fails them all. Documents without content are skipped.
inline outcome<std::vector<object_spec>> read_object_specs(std::string_view text) {
    using result = outcome<std::vector<object_spec>>;
    using yaml_json_detail::go_json_type;
    const auto documents = split_yaml_documents(text);
    if (!documents) return result::failure(documents.error());
    std::vector<object_spec> specs;
    for (const auto& doc : *documents) {
        auto json = yaml_to_json(doc);
        if (!json) return result::failure("error parsing " + doc + ": " + json.error());
        if (json->is_null()) continue;
        const std::string unmarshal_error =
            "error parsing " + doc + ": error unmarshaling JSON: while decoding JSON: ";
        if (!json->is_object())
            return result::failure(unmarshal_error + "json: cannot unmarshal " +
                                   go_json_type(*json) + " into Go value of type general.Spec");
        object_spec spec;
        for (const auto& [key, field] : {std::pair{"kind", &spec.kind}, {"name", &spec.name}}) {
            const auto it = json->find(key);
            if (it == json->end() || it->is_null()) continue;
            if (!it->is_string())
                return result::failure(unmarshal_error + "json: cannot unmarshal " +
                                       go_json_type(*it) + " into Go struct field Spec." +
                                       (key == std::string_view("kind") ? "Kind" : "Name") +
                                       " of type string");
            *field = it->get<std::string>();
        }
        if (spec.kind.empty()) return result::failure("kind is empty: " + doc);
        spec.doc = doc;
        spec.json = std::move(*json);
        specs.push_back(std::move(spec));
    }
    return specs;
}

}  // namespace eg::ctl
