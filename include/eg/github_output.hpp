#pragma once
// Diagnostics as GitHub Actions workflow commands, so findings show on the pull request diff:
//   ::error file=m.yaml,line=3,col=1,title=EG102 unknown-key::unknown key 'cluster-rol'

#include <eg/diagnostic.hpp>
#include <eg/diagnostic_catalogue.hpp>

#include <string>
#include <string_view>

namespace eg::diag {

namespace detail {

inline std::string escape_workflow(std::string_view text, bool property) {
    std::string out;
    for (char c : text) {
        if (c == '%')
            out += "%25";
        else if (c == '\r')
            out += "%0D";
        else if (c == '\n')
            out += "%0A";
        else if (property && c == ':')
            out += "%3A";
        else if (property && c == ',')
            out += "%2C";
        else
            out += c;
    }
    return out;
}

}  // namespace detail

inline std::string format_github(const diagnostics& all) {
    std::string out;
    for (const auto& d : all) {
        const std::string command = d.level == severity::error     ? "error"
                                    : d.level == severity::warning ? "warning"
                                                                   : "notice";
        std::string slug;
        for (const auto& c : catalogue)
            if (c.code == d.code) slug = std::string(c.slug);
        std::string properties;
        std::string message = d.message;
        if (const auto* f = std::get_if<file_location>(&d.where)) {
            properties = "file=" + detail::escape_workflow(f->file, true);
            if (f->line > 0) properties += ",line=" + std::to_string(f->line);
            if (f->column > 0) properties += ",col=" + std::to_string(f->column);
            properties += ",";
        } else if (!std::holds_alternative<std::monostate>(d.where)) {
            message = location_text(d.where) + ": " + message;
        }
        properties += "title=" + detail::escape_workflow(std::string(d.code) + " " + slug, true);
        if (!d.hint.empty()) message += "\nhint: " + d.hint;
        out += "::" + command + " " + properties + "::" + detail::escape_workflow(message, false) +
               "\n";
    }
    return out;
}

}  // namespace eg::diag
