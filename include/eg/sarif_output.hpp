#pragma once
// Diagnostics as SARIF 2.1.0, for code-scanning uploads. Every catalogue code is a rule.

#include <eg/diagnostic.hpp>
#include <eg/diagnostic_catalogue.hpp>
#include <eg/diagnostic_format.hpp>

#include <nlohmann/json.hpp>

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
    using json = nlohmann::ordered_json;
    json rules = json::array();
    for (const auto& c : catalogue)
        rules.push_back({{"id", c.code},
                         {"name", c.slug},
                         {"shortDescription", {{"text", c.summary}}},
                         {"defaultConfiguration", {{"level", detail::sarif_level(c.level)}}}});
    json results = json::array();
    for (const auto& d : all) {
        std::size_t rule_index = 0;
        while (rule_index < std::size(catalogue) && catalogue[rule_index].code != d.code)
            ++rule_index;
        std::string text = d.message;
        if (!d.hint.empty()) text += "\nhint: " + d.hint;
        json result = {{"ruleId", d.code},
                       {"ruleIndex", rule_index},
                       {"level", detail::sarif_level(d.level)},
                       {"message", {{"text", text}}}};
        if (const auto* f = std::get_if<file_location>(&d.where)) {
            json physical = {{"artifactLocation", {{"uri", detail::uri_reference(f->file)}}}};
            if (f->line > 0) {
                json region = {{"startLine", f->line}};
                if (f->column > 0) region["startColumn"] = f->column;
                physical["region"] = std::move(region);
            }
            result["locations"] = json::array({{{"physicalLocation", std::move(physical)}}});
        } else if (!std::holds_alternative<std::monostate>(d.where)) {
            result["locations"] = json::array(
                {{{"logicalLocations", json::array({{{"name", location_text(d.where)}}})}}});
        }
        results.push_back(std::move(result));
    }
    json driver = {{"name", tool},
                   {"version", version},
                   {"informationUri", "https://github.com/easegress-io/easegress"},
                   {"rules", std::move(rules)}};
    json run = {{"tool", {{"driver", std::move(driver)}}}, {"results", std::move(results)}};
    return dump_json({{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                      {"version", "2.1.0"},
                      {"runs", json::array({std::move(run)})}});
}

}  // namespace eg::diag
