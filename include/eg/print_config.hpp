#pragma once
// A member configuration as YAML in declaration order. --print-config writes every option with
// its source as a trailing comment and secrets redacted; with the comments stripped it is a valid
// configuration file that loads to the same values. Generated files write only the set options.

#include <eg/effective_config.hpp>
#include <eg/server_options.hpp>
#include <eg/yaml_text.hpp>

#include <string>
#include <string_view>

namespace eg::emit {

inline constexpr std::string_view redacted = "<redacted>";

struct yaml_style {
    bool source_comments = true;  // "  # file m.yaml:3:1" after each leaf
    bool only_set = false;        // skip options still at their default
    bool redact_secrets = true;
};

inline std::string write_yaml(const config::effective_config& config, const yaml_style& style) {
    using namespace config;
    std::string out;
    std::string_view open_section;
    for (const auto* spec : all_options) {
        if (!spec->in_file() || spec->removed) continue;
        const auto& slot = config.at(*spec);
        if (style.only_set && !slot.is_set()) continue;
        const auto section = spec->yaml_section();
        if (section != open_section) {
            if (!section.empty()) out += std::string(section) + ":\n";
            open_section = section;
        }
        const bool hide = style.redact_secrets && spec->secret;
        const std::string indent = section.empty() ? "" : "  ";
        const std::string end =
            style.source_comments ? "  # " + describe(slot.source) + "\n" : std::string("\n");
        out += indent + std::string(spec->yaml_key()) + ":";
        if (const auto* list = std::get_if<string_list>(&slot.value)) {
            out += list->empty() ? " []" + end : end;
            for (const auto& item : *list) out += indent + "  - " + scalar(item) + "\n";
        } else if (const auto* pairs = std::get_if<string_pairs>(&slot.value)) {
            out += pairs->empty() ? " {}" + end : end;
            for (const auto& [key, value] : *pairs)
                out += indent + "  " + scalar(key) + ": " + scalar(hide ? redacted : value) + "\n";
        } else if (const auto* text = std::get_if<std::string>(&slot.value)) {
            out += " " + scalar(hide && !text->empty() ? redacted : *text) + end;
        } else {
            out += " " + format_text(slot.value) + end;
        }
    }
    return out;
}

// What --print-config prints.
inline std::string print_config(const config::effective_config& config) {
    return write_yaml(config, yaml_style{});
}

}  // namespace eg::emit
