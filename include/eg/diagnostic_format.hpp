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

inline std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (unsigned char c : text) {
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
