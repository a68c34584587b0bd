#pragma once
// easegress-server --help, derived from the option declarations.

#include <eg/server_options.hpp>
#include <eg/yaml_text.hpp>

#include <string>
#include <string_view>

namespace eg::emit {

namespace detail {

inline std::string value_placeholder(config::value_kind kind) {
    using config::value_kind;
    switch (kind) {
        case value_kind::boolean:
            return "";
        case value_kind::integer:
            return " int";
        case value_kind::size:
            return " size";
        case value_kind::duration:
            return " duration";
        case value_kind::url_list:
            return " url,...";
        case value_kind::path_list:
            return " path,...";
        case value_kind::name_url_map:
            return " name=url,...";
        case value_kind::string_map:
            return " key=value,...";
        case value_kind::string:
            return " string";
    }
    return " string";
}

// Words of `text` wrapped at 100 columns, each line indented by `indent` spaces.
inline std::string wrap(std::string_view text, std::size_t indent) {
    constexpr std::size_t width = 100;
    std::string out(indent, ' ');
    std::size_t column = indent;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find(' ', start);
        if (end == std::string_view::npos) end = text.size();
        const auto word = text.substr(start, end - start);
        if (column > indent && column + 1 + word.size() > width) {
            out += "\n" + std::string(indent, ' ');
            column = indent;
        } else if (column > indent) {
            out += ' ';
            ++column;
        }
        out += word;
        column += word.size();
        start = end + 1;
    }
    return out + "\n";
}

inline std::string option_entry(const config::option_spec& spec) {
    using namespace config;
    std::string head = "  ";
    head += spec.short_flag != 0 ? std::string("-") + spec.short_flag + ", " : "    ";
    head += flag_name(spec) + value_placeholder(spec.kind) + "\n";
    std::string text(spec.help);
    if (!spec.default_text.empty() && spec.kind != value_kind::boolean) {
        const bool quoted = spec.kind == value_kind::string || is_list(spec.kind);
        text += " (default " +
                (quoted ? "\"" + std::string(spec.default_text) + "\""
                        : std::string(spec.default_text)) +
                ")";
    }
    if (spec.roles == role_set::primary) text += " Primary only.";
    if (spec.roles == role_set::secondary) text += " Secondary only.";
    std::string where = "env " + env_name(spec);
    if (spec.in_file()) where += ", file key " + std::string(spec.yaml_path);
    return head + wrap(text, 8) + wrap(where, 8);
}

}  // namespace detail

inline std::string help_text() {
    using namespace config;
    std::string out =
        "Usage: easegress-server [FLAGS]\n"
        "\n"
        "Runs one member of an Easegress cluster. Primary members run etcd and persist the\n"
        "cluster state; secondary members are etcd clients of the primaries.\n"
        "\n"
        "Every option can be set in the YAML file given with --config-file, in its EASEGRESS_*\n"
        "environment variable, or as a flag. One rule decides for every option:\n"
        "  default < config file < EASEGRESS_* variable < flag\n"
        "A list or map from a higher source replaces the lower one whole; each value that\n"
        "overrides the file is reported at start-up. EG_* variables are not read.\n"
        "Lists are comma-separated (a,b); maps are key=value pairs (a=x,b=y).\n";
    for (auto group : group_order) {
        if (group == option_group::removed) continue;  // listed at the end, with its note
        out += "\n" + std::string(group_title(group)) + ":\n";
        for (const auto* spec : all_options)
            if (spec->group == group && spec->has_flag()) out += detail::option_entry(*spec);
    }
    out += "\nConfig file only:\n";
    for (const auto* spec : all_options)
        if (spec->scope == option_scope::file_only)
            out +=
                "  " + std::string(spec->yaml_path) + "\n" +
                detail::wrap(
                    std::string(spec->help) + (spec->secret ? " Secret: never printed." : ""), 8);
    out += "\nRemoved (accepted with a warning, no effect):\n";
    for (const auto* spec : all_options)
        if (spec->removed) out += "  " + flag_name(*spec) + ", env " + env_name(*spec) + "\n";
    return out;
}

}  // namespace eg::emit
