#pragma once
// Diagnostics as SARIF 2.1.0, for code-scanning uploads. Every catalogue code is a rule.

#include <eg/diagnostic.hpp>
#include <eg/diagnostic_catalogue.hpp>
#include <eg/diagnostic_format.hpp>

#include <cstdio>
#include <string>
#include <string_view>

namespace eg::diag {

namespace detail {

// A relative path or absolute path as a URI reference: unreserved characters and '/' kept.
inline std::string uri_reference(std::string_view path) {
    std::string out;
    for (unsigned char c : path) {
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~' ||
                          c == '/';
        if (keep) {
            out += static_cast<char>(c);
        } else {
            char buffer[4];
            std::snprintf(buffer, sizeof buffer, "%%%02X", c);
            out += buffer;
        }
    }
    return out;
}

inline std::string sarif_level(severity s) {
    return s == severity::error ? "error" : s == severity::warning ? "warning" : "note";
}

}  // namespace detail

inline std::string format_sarif(const diagnostics& all, std::string_view tool,
                                std::string_view version) {
    std::string rules;
    for (const auto& c : catalogue) {
        rules += rules.empty() ? "" : ",";
        rules += "{\"id\":" + json_string(c.code) + ",\"name\":" + json_string(c.slug) +
                 ",\"shortDescription\":{\"text\":" + json_string(c.summary) +
                 "},\"defaultConfiguration\":{\"level\":\"" + detail::sarif_level(c.level) + "\"}}";
    }
    std::string results;
    for (const auto& d : all) {
        std::size_t rule_index = 0;
        while (rule_index < std::size(catalogue) && catalogue[rule_index].code != d.code)
            ++rule_index;
        std::string text = d.message;
        if (!d.hint.empty()) text += "\nhint: " + d.hint;
        results += results.empty() ? "" : ",";
        results += "{\"ruleId\":" + json_string(d.code) +
                   ",\"ruleIndex\":" + std::to_string(rule_index) + ",\"level\":\"" +
                   detail::sarif_level(d.level) + "\",\"message\":{\"text\":" + json_string(text) +
                   "}";
        if (const auto* f = std::get_if<file_location>(&d.where)) {
            results += ",\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":" +
                       json_string(detail::uri_reference(f->file)) + "}";
            if (f->line > 0) {
                results += ",\"region\":{\"startLine\":" + std::to_string(f->line);
                if (f->column > 0) results += ",\"startColumn\":" + std::to_string(f->column);
                results += "}";
            }
            results += "}}]";
        } else if (!std::holds_alternative<std::monostate>(d.where)) {
            results += ",\"locations\":[{\"logicalLocations\":[{\"name\":" +
                       json_string(location_text(d.where)) + "}]}]";
        }
        results += "}";
    }
    return "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
           "\"runs\":[{\"tool\":{\"driver\":{\"name\":" +
           json_string(tool) + ",\"version\":" + json_string(version) +
           ",\"informationUri\":\"https://github.com/easegress-io/easegress\",\"rules\":[" + rules +
           "]}},\"results\":[" + results + "]}]}";
}

}  // namespace eg::diag
