#pragma once
// Rendering diagnostics: human text (colour only when asked, i.e. on a TTY) and JSON.

#include <eg/diagnostic.hpp>

#include <nlohmann/json.hpp>

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

// A JSON document as one line. Bytes that are not UTF-8 (a file name or a quoted value can hold
// any) become U+FFFD instead of throwing: JSON text must be UTF-8 (RFC 8259).
inline std::string dump_json(const nlohmann::ordered_json& document) {
    return document.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

// {"diagnostics":[{"code","severity","path","message","hint","file","line","column"}],
//  "summary":{"errors":N,"warnings":N,"notes":N}}, with null where a field does not apply.
inline std::string format_json(const diagnostics& all) {
    using json = nlohmann::ordered_json;
    auto text_or_null = [](const std::string& s) { return s.empty() ? json() : json(s); };
    auto number_or_null = [](int n) { return n > 0 ? json(n) : json(); };
    json list = json::array();
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
        list.push_back({{"code", d.code},
                        {"severity", to_string(d.level)},
                        {"path", text_or_null(d.path)},
                        {"message", d.message},
                        {"hint", text_or_null(d.hint)},
                        {"file", text_or_null(file)},
                        {"line", number_or_null(line)},
                        {"column", number_or_null(column)}});
    }
    return dump_json({{"diagnostics", std::move(list)},
                      {"summary",
                       {{"errors", all.count(severity::error)},
                        {"warnings", all.count(severity::warning)},
                        {"notes", all.count(severity::note)}}}});
}

}  // namespace eg::diag
