#pragma once
// The effective configuration as YAML, each leaf with its source as a trailing comment. With the
// comments stripped it is a valid configuration file that loads to the same values.

#include <eg/effective_config.hpp>
#include <eg/server_options.hpp>
#include <eg/yaml_text.hpp>

#include <string>
#include <string_view>

namespace eg::emit {

inline constexpr std::string_view redacted = "<redacted>";

namespace detail {

inline std::string leaf(const config::option_spec& spec, const config::option_value& value) {
    using namespace config;
    if (const auto* s = std::get_if<std::string>(&value))
        return spec.secret && !s->empty() ? scalar(redacted) : scalar(*s);
    if (std::holds_alternative<string_list>(value) || std::holds_alternative<string_pairs>(value))
        return "";  // written as a block below the key
    return format_text(value);
}

}  // namespace detail

inline std::string print_config(const config::effective_config& config) {
    using namespace config;
    std::string out;
    std::string_view open_section;
    for (const auto* spec : all_options) {
        if (!spec->in_file() || spec->removed) continue;
        const auto section = spec->yaml_section();
        if (section != open_section) {
            if (!section.empty()) out += std::string(section) + ":\n";
            open_section = section;
        }
        const std::string indent = section.empty() ? "" : "  ";
        const auto& slot = config.at(*spec);
        const std::string comment = "  # " + describe(slot.source) + "\n";
        out += indent + std::string(spec->yaml_key()) + ":";
        if (const auto* list = std::get_if<string_list>(&slot.value)) {
            if (list->empty()) {
                out += " []" + comment;
                continue;
            }
            out += comment;
            for (const auto& item : *list) out += indent + "  - " + scalar(item) + "\n";
        } else if (const auto* pairs = std::get_if<string_pairs>(&slot.value)) {
            if (pairs->empty()) {
                out += " {}" + comment;
                continue;
            }
            out += comment;
            for (const auto& [key, value] : *pairs)
                out += indent + "  " + scalar(key) + ": " +
                       (spec->secret ? scalar(redacted) : scalar(value)) + "\n";
        } else {
            out += " " + detail::leaf(*spec, slot.value) + comment;
        }
    }
    return out;
}

}  // namespace eg::emit
