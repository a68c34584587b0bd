#pragma once
// yaml json: the one reading of an object spec written in YAML (or JSON, which is YAML too) as
// the JSON value that is stored. The admin API's POST/PUT bodies, initial-object-config-files
// and `egctl create/apply -f` documents all go through read_document, so one object text means
// one stored spec whichever way it comes in.
//
// The reading is upstream Easegress's: go-yaml v2 (YAML 1.1 scalars) turned into JSON, as
// upstream's YAMLToJSON does. yaml-cpp parses the text; plain (unquoted, untagged) scalars are
// then typed as go-yaml v2 types them:
//  - null: empty, ~, null, Null, NULL;
//  - bools: y Y yes Yes YES on On ON true True TRUE, and n N no No NO off Off OFF false False
//    FALSE;
//  - integers: decimal, 0x hex, 0o and leading-0 octal, 0b binary, a sign, underscores ignored;
//    past int64 an unsigned integer, past that a float;
//  - floats: 1.5, .5, 2., 1e3; a float without a fraction (1e3, 2.0) is the integer JSON has
//    for it (1000, 2), as Go writes it; .inf and .nan are refused (JSON has no such numbers);
//  - anything else (timestamps, versions, durations) and every quoted, block or !!str scalar is
//    a string.
// Merge keys (<<: *anchor, or a list of them) are applied: keys written in the mapping win over
// merged ones wherever they stand, and an earlier merged mapping wins over a later one. A key
// given twice in one mapping is refused with the line and column of the second (go-yaml v2 would
// keep the last silently). Keys are stored as written (`0x10:` is "0x10"). The value is a
// nlohmann::json: keys in byte order, as upstream stores its Go maps.
//
// A text that is JSON is read as JSON (fast), with the same numbers, and refused the same way
// for a key given twice. Every bound of an outside document holds: invalid UTF-8 is refused with
// its place, JSON is measured before it is parsed, YAML nesting is bounded (yaml-cpp's own
// DeepRecursion included), aliases are counted each time they are used (check_yaml_document), a
// text holds at most one document, and yaml-cpp's parser is never left looping on a text it
// cannot read on from (the trap of YAML::LoadAll).

#include <eg/diagnostic_catalogue.hpp>
#include <eg/input_limits.hpp>
#include <eg/utf8.hpp>
#include <eg/yaml_limits.hpp>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace eg::yaml_json {

// A text read: its value (null for a text without content: blank lines, comments), or why it
// cannot be stored. The problem's place is a file_location {source, line, column}, 1-based; the
// line is 0 when the problem has no place (a JSON text measured too deep).
struct reading {
    nlohmann::json value;
    std::optional<diag::diagnostic> problem;
    explicit operator bool() const { return !problem; }
};

namespace detail {

// Thrown inside the reading, caught by read_document.
struct refusal {
    diag::diagnostic why;
};

inline refusal refuse(const diag::code_info& code, const std::string& source, int line, int column,
                      std::string message, std::string hint = {}) {
    return {diag::make(code, "", diag::file_location{source, line, column}, std::move(message),
                       std::move(hint))};
}

inline refusal refuse_at(const diag::code_info& code, const std::string& source,
                         const YAML::Mark& mark, std::string message, std::string hint = {}) {
    return refuse(code, source, mark.line + 1, mark.column + 1, std::move(message),
                  std::move(hint));
}

// 1-based line and column of a byte of the text.
inline std::pair<int, int> place_of(std::string_view text, std::size_t offset) {
    int line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i)
        if (text[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
    return {line, static_cast<int>(offset - line_start) + 1};
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

// A float as JSON holds it once Go has written it: without a fraction (and within int64) it is
// an integer, as Go writes 1e3 as 1000.
inline nlohmann::json go_number(double value) {
    constexpr double int64_bound = 9223372036854775808.0;  // 2^63
    if (std::trunc(value) == value && value >= -int64_bound && value < int64_bound)
        return static_cast<std::int64_t>(value);
    return value;
}

// Go's strconv.ParseFloat(s, 64) for decimal text: nullopt when it overflows.
inline std::optional<nlohmann::json> go_parse_float(const std::string& s) {
    errno = 0;
    char* end = nullptr;
    const double value = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size()) return std::nullopt;
    if (errno == ERANGE && std::isinf(value)) return std::nullopt;
    return go_number(value);
}

// The number a plain scalar starting with a sign or a digit stands for, or nullopt.
inline std::optional<nlohmann::json> go_number_text(const std::string& text) {
    std::string plain = text;
    std::erase(plain, '_');
    if (const auto value = go_parse_int(plain)) return *value;
    if (const auto value = go_parse_uint(plain)) return *value;
    static const std::regex yaml_float("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    if (std::regex_match(plain, yaml_float)) return go_parse_float(plain);
    return std::nullopt;
}

// Why a plain scalar cannot be JSON (.inf, .nan), in Go's words, or nullopt.
inline std::optional<std::string> unsupported_number(const std::string& text) {
    for (const char* infinity : {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})
        if (text == infinity) return "json: unsupported value: +Inf";
    for (const char* infinity : {"-.inf", "-.Inf", "-.INF"})
        if (text == infinity) return "json: unsupported value: -Inf";
    for (const char* nan : {".nan", ".NaN", ".NAN"})
        if (text == nan) return "json: unsupported value: NaN";
    return std::nullopt;
}

// The JSON value of a plain (unquoted, untagged) scalar, as go-yaml v2 resolves it; nullopt for
// .inf and .nan, which JSON cannot hold.
inline std::optional<nlohmann::json> resolve_plain(const std::string& text) {
    static const std::set<std::string_view> yes = {"y",  "Y",  "yes",  "Yes",  "YES", "on",
                                                   "On", "ON", "true", "True", "TRUE"};
    static const std::set<std::string_view> no = {"n",   "N",   "no",    "No",    "NO",   "off",
                                                  "Off", "OFF", "false", "False", "FALSE"};
    if (yes.count(text) != 0) return true;
    if (no.count(text) != 0) return false;
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
        return nullptr;
    if (unsupported_number(text)) return std::nullopt;
    const char first = text.front();
    if (first == '.') {
        static const std::regex dot_float("\\.[0-9]+([eE][-+]?[0-9]+)?");
        if (std::regex_match(text, dot_float))
            if (auto value = go_parse_float(text)) return value;
        return text;
    }
    if (!(first == '+' || first == '-' || (first >= '0' && first <= '9'))) return text;
    if (auto value = go_number_text(text)) return value;
    return text;
}

inline bool is_string_tag(const std::string& tag) {
    return tag == "!" || tag == "tag:yaml.org,2002:str" || tag == "tag:yaml.org,2002:binary" ||
           tag == "tag:yaml.org,2002:timestamp";
}

inline bool is_merge_key(const YAML::Node& key) {
    return key.IsScalar() && key.Tag() == "?" && key.Scalar() == "<<";
}

// Turns a checked document (check_yaml_document) into JSON: the recursion is as deep as the
// document, at most limits::max_nesting_depth.
class converter {
public:
    explicit converter(std::string source) : source_(std::move(source)) {}

    nlohmann::json convert(const YAML::Node& node) const {
        switch (node.Type()) {
            case YAML::NodeType::Null:
            case YAML::NodeType::Undefined:
                return nullptr;
            case YAML::NodeType::Scalar:
                return scalar(node);
            case YAML::NodeType::Sequence: {
                nlohmann::json out = nlohmann::json::array();
                for (const auto& item : node) out.push_back(convert(item));
                return out;
            }
            case YAML::NodeType::Map:
                break;
        }
        return mapping(node);
    }

private:
    // Escapes in double-quoted scalars (a lone \ud800) can make text that is not UTF-8.
    std::string text_of(const YAML::Node& node) const {
        if (const auto bad = first_invalid_utf8(node.Scalar()))
            throw refuse_at(diag::code("yaml-syntax"), source_, node.Mark(),
                            "an escape makes text that is not valid UTF-8 (a lone surrogate?)",
                            "write the character itself, or a \\U escape of it");
        return node.Scalar();
    }

    nlohmann::json scalar(const YAML::Node& node) const {
        const std::string text = text_of(node);
        if (is_string_tag(node.Tag())) return text;
        if (auto value = resolve_plain(text)) return *value;
        throw refuse_at(diag::code("invalid-value"), source_, node.Mark(),
                        *unsupported_number(text),
                        "JSON has no infinity or NaN: quote the value to keep it as text");
    }

    std::string key_text(const YAML::Node& key) const {
        if (key.IsNull()) return "null";
        if (!key.IsScalar())
            throw refuse_at(diag::code("wrong-type"), source_, key.Mark(),
                            "a mapping key must be a scalar",
                            "use a string, number or bool as the key");
        return text_of(key);
    }

    // The keys written in a mapping (merge keys aside), each once, with the line of each.
    using written_keys = std::unordered_map<std::string, int>;
    written_keys explicit_keys(const YAML::Node& map) const {
        written_keys lines;
        for (const auto& entry : map) {
            if (is_merge_key(entry.first)) continue;
            const auto [first, inserted] =
                lines.try_emplace(key_text(entry.first), entry.first.Mark().line + 1);
            if (!inserted)
                throw refuse_at(diag::code("duplicate-key"), source_, entry.first.Mark(),
                                "mapping key \"" + first->first + "\" already defined at line " +
                                    std::to_string(first->second),
                                "keep one of them");
        }
        return lines;
    }

    // The entries a merge key brings: those of a mapping, or of each mapping of a sequence (an
    // earlier mapping wins over a later one; keys written in the mapping win over all).
    void merge_into(nlohmann::json& out, const YAML::Node& value,
                    const written_keys& written) const {
        const auto merge_map = [&](const YAML::Node& map) {
            if (!map.IsMap())
                throw refuse_at(diag::code("wrong-type"), source_, map.Mark(),
                                "map merge requires map or sequence of maps as the value",
                                "merge an anchored mapping: <<: *name, or <<: [*a, *b]");
            auto merged = convert(map);
            for (auto& [key, item] : merged.items())
                if (written.count(key) == 0 && !out.contains(key)) out[key] = std::move(item);
        };
        if (value.IsSequence()) {
            for (const auto& item : value) merge_map(item);
        } else {
            merge_map(value);
        }
    }

    nlohmann::json mapping(const YAML::Node& node) const {
        const auto written = explicit_keys(node);
        nlohmann::json out = nlohmann::json::object();
        for (const auto& entry : node)
            if (!is_merge_key(entry.first)) out[key_text(entry.first)] = convert(entry.second);
        for (const auto& entry : node)
            if (is_merge_key(entry.first)) merge_into(out, entry.second, written);
        return out;
    }

    std::string source_;
};

// Counts the events of one YAML document: whether it has content (anything but a lone null)
// and where it starts.
class document_events : public YAML::EventHandler {
public:
    void OnDocumentStart(const YAML::Mark& mark) override {
        start = mark;
        content = false;
    }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override { content = true; }
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  const std::string&) override {
        content = true;
    }
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {
        content = true;
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {
        content = true;
    }
    void OnMapEnd() override {}

    YAML::Mark start = YAML::Mark::null_mark();
    bool content = false;
};

// Refuses a text of several documents with content. yaml-cpp 0.7's parser can hand out empty
// documents forever without reading on (the text ", ]" does), which is why YAML::LoadAll is
// never used: a document that starts where the previous one did ends the count with a syntax
// error there, instead of a reading that never returns.
inline void check_one_document(const std::string& text, const std::string& source) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    document_events events;
    std::size_t documents = 0;
    std::optional<int> previous_start;
    while (documents < 2 && parser.HandleNextDocument(events)) {
        if (previous_start == events.start.pos)
            throw refuse_at(diag::code("yaml-syntax"), source, events.start,
                            "the YAML parser cannot read on from here");
        previous_start = events.start.pos;
        if (events.content) ++documents;
    }
    if (documents > 1)
        throw refuse_at(diag::code("yaml-syntax"), source, events.start,
                        "the text holds " + std::to_string(documents) + " YAML documents",
                        "send one object per request (egctl apply -f sends each document of a "
                        "file)");
}

inline refusal beyond_limits(const std::string& source, const limits::yaml_limit_problem& p) {
    if (p.too_deep)
        return refuse_at(diag::code("beyond-limits"), source, p.mark,
                         "the document is " + p.message,
                         "objects nest at most " + std::to_string(limits::max_nesting_depth) +
                             " levels: look for brackets or indentation that never close, or "
                             "an alias used inside its own anchor");
    return refuse_at(diag::code("beyond-limits"), source, p.mark, "the document " + p.message,
                     "objects have at most " + std::to_string(limits::max_document_nodes) +
                         " nodes, and a text at most " + std::to_string(limits::nodes_of_any_text) +
                         " plus " + std::to_string(limits::nodes_per_text_byte) +
                         " per byte; each use of an alias (*name) counts every node under its "
                         "anchor: write the values out, or use fewer aliases");
}

// The YAML text as JSON; throws refusal.
inline nlohmann::json read_yaml(const std::string& text, const std::string& source) {
    YAML::Node root;
    try {
        check_one_document(text, source);
        root = YAML::Load(text);
        if (const auto problem = limits::check_yaml_document(
                root, limits::document_budget(
                          limits::max_nesting_depth,
                          limits::node_bound_for(text.size(), limits::max_document_nodes))))
            throw beyond_limits(source, *problem);
    } catch (const YAML::DeepRecursion& e) {
        throw beyond_limits(source, limits::deep_recursion_problem(e));
    } catch (const YAML::ParserException& e) {
        throw refuse_at(diag::code("yaml-syntax"), source, e.mark, e.msg,
                        "check the indentation and the quoting around this place");
    } catch (const YAML::Exception& e) {
        throw refuse(diag::code("yaml-syntax"), source, 0, 0, e.what());
    }
    try {
        return converter(source).convert(root);
    } catch (const YAML::Exception& e) {
        throw refuse(diag::code("yaml-syntax"), source, 0, 0, e.what());
    }
}

// A JSON value's numbers as the YAML reading gives them: floats without a fraction are
// integers. The recursion is as deep as the value, which was measured before it was parsed.
inline void go_numbers(nlohmann::json& value) {
    if (value.is_number_float()) {
        value = go_number(value.get<double>());
    } else if (value.is_structured()) {
        for (auto& item : value) go_numbers(item);
    }
}

// Whether a JSON text gives a key twice in one object: a SAX pass that keeps the keys of each
// open object (nlohmann's parser callback is far slower on long arrays).
class repeated_keys : public nlohmann::json::json_sax_t {
public:
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override {
        keys_.emplace_back();
        return true;
    }
    bool key(string_t& key) override {
        found = found || !keys_.back().insert(key).second;
        return !found;
    }
    bool end_object() override {
        keys_.pop_back();
        return true;
    }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
        return false;
    }

    bool found = false;

private:
    std::vector<std::unordered_set<std::string>> keys_;  // of each open object
};

// The text parsed as JSON, or nullopt when it is not JSON or gives a key twice in one object
// (the YAML reading then says where).
inline std::optional<nlohmann::json> read_json(std::string_view text) {
    repeated_keys repeated;
    if (!nlohmann::json::sax_parse(text, &repeated) || repeated.found) return std::nullopt;
    auto value = nlohmann::json::parse(text, nullptr, false);
    if (value.is_discarded()) return std::nullopt;
    go_numbers(value);
    return value;
}

inline bool looks_like_json(std::string_view text) {
    const auto start = text.find_first_not_of(" \t\r\n");
    return start != std::string_view::npos && (text[start] == '{' || text[start] == '[');
}

}  // namespace detail

// One object text (YAML or JSON) as the JSON value that is stored. `source` names the text in
// the problem's place (a file's path, "body").
inline reading read_document(std::string_view text, const std::string& source = {}) {
    using namespace detail;
    reading result;
    try {
        if (const auto bad = first_invalid_utf8(text)) {
            const auto [line, column] = place_of(text, *bad);
            throw refuse(diag::code("yaml-syntax"), source, line, column,
                         "the text is not valid UTF-8 (byte " + std::to_string(*bad) + ")",
                         "save the file as UTF-8");
        }
        if (looks_like_json(text)) {
            // Measured before any parser builds it: a value is copied and dumped recursively.
            if (const auto deep = limits::json_nesting_problem(text))
                throw refuse(diag::code("beyond-limits"), source, 0, 0, "the document is " + *deep,
                             "objects nest at most " + std::to_string(limits::max_nesting_depth) +
                                 " levels");
            if (auto value = read_json(text)) {
                result.value = std::move(*value);
                return result;
            }
        }
        result.value = read_yaml(std::string(text), source);
    } catch (const refusal& e) {
        result.problem = e.why;
    }
    return result;
}

// A problem of a reading on one line: "place: message [CODE] (hint)", the place being
// "file:line:col", or "line L, column C" for a text without a name.
inline std::string one_line(const diag::diagnostic& problem) {
    std::string text;
    if (const auto* at = std::get_if<diag::file_location>(&problem.where); at && at->line > 0)
        text = at->file.empty() ? "line " + std::to_string(at->line) + ", column " +
                                      std::to_string(at->column) + ": "
                                : diag::location_text(problem.where) + ": ";
    text += problem.message + " [" + std::string(problem.code) + "]";
    if (!problem.hint.empty()) text += " (" + problem.hint + ")";
    return text;
}

}  // namespace eg::yaml_json
