#pragma once
// Writing YAML scalars that read back as the same strings, in YAML 1.1 and 1.2 readers alike.

#include <string>
#include <string_view>

namespace eg::emit {

inline bool needs_quotes(std::string_view text) {
    if (text.empty()) return true;
    static constexpr std::string_view special[] = {
        "y",    "Y",     "yes",   "Yes",   "YES",  "n",    "N",    "no",   "No",
        "NO",   "on",    "On",    "ON",    "off",  "Off",  "OFF",  "true", "True",
        "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "~"};
    for (auto word : special)
        if (text == word) return true;
    bool numeric = true;
    for (char c : text) {
        const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '/' || c == ':' ||
                          c == '@' || c == '+' || c == '=' || c == '~' || c == '-' || c == '<' ||
                          c == '>';
        if (!safe) return true;
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == '_' || c == 'e' ||
              c == 'E' || c == 'x' || c == 'o'))
            numeric = false;
    }
    const char first = text.front();
    if (first == '-' || first == ':' || first == '@' || first == '<' || first == '>' ||
        first == '~')
        return true;
    return numeric || text.back() == ':';
}

// The text as a YAML scalar: plain when safe, double-quoted otherwise.
inline std::string scalar(std::string_view text) {
    if (!needs_quotes(text)) return std::string(text);
    std::string out = "\"";
    for (char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                out += c;
        }
    }
    return out + "\"";
}

}  // namespace eg::emit
