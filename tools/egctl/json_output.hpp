#pragma once
// `-o json` and `-o yaml`: a response body printed as upstream egctl prints it. JSON is the
// body re-indented by 2 spaces with every token kept as sent (Go's json.Indent: leading
// whitespace dropped, trailing whitespace kept); YAML is the body converted by yaml_output.

#include "tools/egctl/outcome.hpp"
#include "tools/egctl/yaml_output.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace eg::ctl {

enum class output_format { standard, yaml, json };  // standard: upstream's "default"

// `-o`'s value, or upstream's error for anything else.
inline outcome<output_format> parse_output_format(std::string_view text) {
    if (text == "default") return output_format::standard;
    if (text == "yaml") return output_format::yaml;
    if (text == "json") return output_format::json;
    return outcome<output_format>::failure("unsupported output format: " + std::string(text) +
                                           ", only support (yaml, json and default)");
}

// Go's json.Indent(dst, src, "", "  "); nullopt when `src` is not JSON.
inline std::optional<std::string> indent_json(std::string_view src) {
    if (!nlohmann::json::accept(src)) return std::nullopt;
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    std::size_t begin = 0;
    while (begin < src.size() && is_space(src[begin])) ++begin;
    std::size_t end = src.size();
    while (end > begin && is_space(src[end - 1])) --end;
    std::string out;
    int depth = 0;
    bool need_indent = false;  // just opened an object or array
    bool in_string = false;
    bool escaped = false;
    const auto newline = [&] {
        out += '\n';
        out.append(static_cast<std::size_t>(depth) * 2, ' ');
    };
    for (std::size_t i = begin; i < end; ++i) {
        const char c = src[i];
        if (in_string) {
            out += c;
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (is_space(c)) continue;
        if (need_indent && c != '}' && c != ']') {
            need_indent = false;
            ++depth;
            newline();
        }
        switch (c) {
            case '"':
                in_string = true;
                out += c;
                break;
            case '{':
            case '[':
                need_indent = true;
                out += c;
                break;
            case ',':
                out += c;
                newline();
                break;
            case ':':
                out += ": ";
                break;
            case '}':
            case ']':
                if (need_indent) {
                    need_indent = false;  // an empty object or array stays "{}" / "[]"
                } else {
                    --depth;
                    newline();
                }
                out += c;
                break;
            default:
                out += c;
        }
    }
    out.append(src.substr(end));
    return out;
}

// The body in the `-o` format (json or yaml); an empty body prints nothing.
inline outcome<std::string> format_body(std::string_view body, output_format format) {
    if (body.empty()) return std::string();
    if (format == output_format::json) {
        if (auto indented = indent_json(body)) return std::move(*indented);
        return std::string(body);
    }
    const auto parsed = nlohmann::ordered_json::parse(body, nullptr, false);
    if (parsed.is_discarded())
        return outcome<std::string>::failure("json " + std::string(body) +
                                             " to yaml failed: the body is not JSON");
    return to_yaml(parsed, yaml_dialect::v3);
}

}  // namespace eg::ctl
