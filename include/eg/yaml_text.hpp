#pragma once
// Writing YAML scalars that read back as the same strings, in YAML 1.1 and 1.2 readers alike.

#include <regex>
#include <string>
#include <string_view>

namespace eg::emit {

// Plain scalars that a YAML 1.1 or 1.2 reader would take for a number, a timestamp, a bool or
// null: they must be quoted to stay strings.
inline bool resolves_to_non_string(std::string_view text) {
    static const std::regex patterns(
        "[-+]?[0-9][0-9_]*"                                             // ints (1.1 allows _)
        "|[-+]?0[bB][01_]+|[-+]?0[oO]?[0-7_]+|[-+]?0[xX][0-9a-fA-F_]+"  // binary, octal, hex
        "|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?"                // YAML 1.1 base 60
        "|[-+]?([0-9][0-9_]*)?\\.[0-9._]*([eE][-+]?[0-9]+)?"            // floats
        "|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+"                             // 1e5
        "|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)"                       // infinities, NaN
        "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?"                     // YAML 1.1 timestamps
        "|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF"
        "|true|True|TRUE|false|False|FALSE|null|Null|NULL|~");
    return std::regex_match(text.begin(), text.end(), patterns);
}

inline bool needs_quotes(std::string_view text) {
    if (text.empty() || resolves_to_non_string(text)) return true;
    for (char c : text) {
        const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '/' || c == ':' ||
                          c == '@' || c == '+' || c == '=' || c == '~' || c == '-' || c == '<' ||
                          c == '>';
        if (!safe) return true;
    }
    const char first = text.front();
    return first == '-' || first == ':' || first == '@' || first == '<' || first == '>' ||
           first == '~' || text.back() == ':';
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
