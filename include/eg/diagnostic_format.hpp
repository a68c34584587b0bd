#pragma once
// Rendering diagnostics: human text (colour only when asked, i.e. on a TTY) and JSON.

#include <eg/diagnostic.hpp>

#include <cstdio>
#include <string>
#include <string_view>

namespace eg::diag {

// "file:line:col: error: message [CODE]" and an indented "hint:" line when there is a hint.
inline std::string format_text(const diagnostic& d, bool colour = false) {
    const std::string where = location_text(d.where);
    std::string_view tint;
    switch (d.level) {
        case severity::error:
            tint = "\033[1;31m";
            break;
        case severity::warning:
            tint = "\033[1;35m";
            break;
        case severity::note:
            tint = "\033[1;36m";
            break;
    }
    std::string out;
    if (!where.empty()) out += (colour ? "\033[1m" + where + "\033[0m" : where) + ": ";
    out += colour ? std::string(tint) + std::string(to_string(d.level)) + "\033[0m"
                  : std::string(to_string(d.level));
    out += ": " + d.message + " [" + std::string(d.code) + "]\n";
    if (!d.hint.empty()) out += "  hint: " + d.hint + "\n";
    return out;
}

inline std::string format_text(const diagnostics& all, bool colour = false) {
    std::string out;
    for (const auto& d : all) out += format_text(d, colour);
    return out;
}

// Length of the well-formed UTF-8 sequence starting at text[i], or 0 when it is ill-formed.
inline std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;
        if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;
        if (lead == 0xF4) high = 0x8F;
    } else {
        return 0;
    }
    if (i + length > text.size()) return 0;
    for (std::size_t k = 1; k < length; ++k) {
        const unsigned char c = byte(i + k);
        if (c < (k == 1 ? low : 0x80) || c > (k == 1 ? high : 0xBF)) return 0;
    }
    return length;
}

// A JSON string literal; bytes that are not valid UTF-8 become U+FFFD.
inline std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            const std::size_t length = utf8_sequence_length(text, i);
            if (length == 0) {
                out += "\\ufffd";
            } else {
                out += text.substr(i, length);
                i += length - 1;
            }
            continue;
        }
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
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20) {
                    char buffer[8];
                    std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
                    out += buffer;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out + "\"";
}

// {"diagnostics":[{"code","severity","path","message","hint","file","line","column"}],
//  "summary":{"errors":N,"warnings":N,"notes":N}}, with null where a field does not apply.
inline std::string format_json(const diagnostics& all) {
    auto text_or_null = [](std::string_view s) { return s.empty() ? "null" : json_string(s); };
    auto number_or_null = [](int n) { return n > 0 ? std::to_string(n) : std::string("null"); };
    std::string out = "{\"diagnostics\":[";
    bool first = true;
    for (const auto& d : all) {
        std::string file;
        int line = 0;
        int column = 0;
        if (const auto* f = std::get_if<file_location>(&d.where)) {
            file = f->file;
            line = f->line;
            column = f->column;
        } else {
            file = location_text(d.where);
        }
        out += first ? "" : ",";
        first = false;
        out += "{\"code\":" + json_string(d.code) +
               ",\"severity\":" + json_string(to_string(d.level)) +
               ",\"path\":" + text_or_null(d.path) + ",\"message\":" + json_string(d.message) +
               ",\"hint\":" + text_or_null(d.hint) + ",\"file\":" + text_or_null(file) +
               ",\"line\":" + number_or_null(line) + ",\"column\":" + number_or_null(column) + "}";
    }
    out += "],\"summary\":{\"errors\":" + std::to_string(all.count(severity::error)) +
           ",\"warnings\":" + std::to_string(all.count(severity::warning)) +
           ",\"notes\":" + std::to_string(all.count(severity::note)) + "}}";
    return out;
}

}  // namespace eg::diag
