#pragma once
// Writing YAML scalars that read back as the same strings, in YAML 1.1 and 1.2 readers alike.

#include <cstddef>
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

// The escape for one character of a double-quoted scalar, or empty when the character may be
// written as it is. Every C0 control, DEL, the C1 controls (U+0080..U+009F), the YAML 1.1 line
// breaks U+2028/U+2029 and the byte-order mark are escaped: written raw, a reader would fold a
// line break, refuse the character or drop it.
inline std::string escape_at(std::string_view text, std::size_t i) {
    static constexpr char hex[] = "0123456789ABCDEF";
    const auto byte = [&](std::size_t k) -> unsigned char {
        return k < text.size() ? static_cast<unsigned char>(text[k])
                               : static_cast<unsigned char>(0);
    };
    const unsigned char c = byte(i);
    switch (c) {
        case '"':
            return "\\\"";
        case '\\':
            return "\\\\";
        case '\0':
            return "\\0";
        case '\a':
            return "\\a";
        case '\b':
            return "\\b";
        case '\t':
            return "\\t";
        case '\n':
            return "\\n";
        case '\v':
            return "\\v";
        case '\f':
            return "\\f";
        case '\r':
            return "\\r";
        case 0x1B:
            return "\\e";
        default:
            break;
    }
    if (c < 0x20 || c == 0x7F) return std::string("\\x") + hex[c >> 4] + hex[c & 0xF];
    if (c == 0xC2 && byte(i + 1) >= 0x80 && byte(i + 1) <= 0x9F) {
        const unsigned char d = byte(i + 1);
        return std::string("\\x") + hex[d >> 4] + hex[d & 0xF];
    }
    if (c == 0xE2 && byte(i + 1) == 0x80 && (byte(i + 2) == 0xA8 || byte(i + 2) == 0xA9))
        return byte(i + 2) == 0xA8 ? "\\L" : "\\P";
    if (c == 0xEF && byte(i + 1) == 0xBB && byte(i + 2) == 0xBF) return "\\uFEFF";
    return {};
}

// How many bytes of the text the escape at `i` stands for.
inline std::size_t escaped_length(std::string_view text, std::size_t i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0xC2) return 2;
    if (c == 0xE2 || c == 0xEF) return 3;
    return 1;
}

// The text as a YAML scalar: plain when safe, double-quoted with escapes otherwise. Bytes that
// are not UTF-8 are written as they are (YAML has no escape for a raw byte): yaml-cpp reads them
// back unchanged; callers that feed a strict UTF-8 reader refuse such input where it enters.
inline std::string scalar(std::string_view text) {
    if (!needs_quotes(text)) return std::string(text);
    std::string out = "\"";
    for (std::size_t i = 0; i < text.size();) {
        const std::string escape = escape_at(text, i);
        if (escape.empty()) {
            out += text[i++];
        } else {
            out += escape;
            i += escaped_length(text, i);
        }
    }
    return out + "\"";
}

}  // namespace eg::emit
