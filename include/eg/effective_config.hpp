#pragma once
// The effective configuration of one member: for every declared option, its value and where the
// value came from. Components receive it immutable and read it through typed declarations.

#include <eg/diagnostic.hpp>
#include <eg/server_options.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace eg::config {

enum class source_kind { default_value, file, env, flag };

struct value_source {
    source_kind kind = source_kind::default_value;
    diag::location where;                     // file:line:col, env:NAME or flag:--x
    std::vector<diag::location> item_places;  // per list item or map entry, when known
};

// "default", "file PATH:LINE:COL", "env EASEGRESS_X", "flag --x".
inline std::string describe(const value_source& source) {
    switch (source.kind) {
        case source_kind::default_value:
            return "default";
        case source_kind::file:
            return "file " + diag::location_text(source.where);
        case source_kind::env:
            return "env " + std::get<diag::env_location>(source.where).name;
        case source_kind::flag:
            return "flag " + std::get<diag::flag_location>(source.where).flag;
    }
    return "default";
}

struct sourced_value {
    option_value value;
    value_source source;
};

struct resolved_value {
    option_value value;
    value_source source;
    std::optional<sourced_value> overridden_file;  // the file value a higher source replaced

    bool is_set() const { return source.kind != source_kind::default_value; }

    // Where the idx-th list item or map entry came from; the whole value's place if unknown.
    const diag::location& place_of_item(std::size_t idx) const {
        return idx < source.item_places.size() ? source.item_places[idx] : source.where;
    }
};

class effective_config {
public:
    effective_config() : values_(all_options.size()) {}

    template <value_kind K>
    const value_type_t<K>& get(const option_decl<K>& decl) const {
        return std::get<value_type_t<K>>(values_[index_of(decl.spec)].value);
    }

    const resolved_value& at(const option_spec& spec) const { return values_[index_of(spec)]; }
    template <value_kind K>
    const resolved_value& at(const option_decl<K>& decl) const {
        return at(decl.spec);
    }

    resolved_value& mutable_at(const option_spec& spec) { return values_[index_of(spec)]; }

    // The configuration file that was read, if any.
    const std::string& config_file() const { return config_file_; }
    void set_config_file(std::string path) { config_file_ = std::move(path); }

private:
    std::vector<resolved_value> values_;
    std::string config_file_;
};

// Every option at its declared default.
inline effective_config default_config() {
    effective_config config;
    for (const auto* spec : all_options) {
        auto result = parse_text(spec->kind, spec->default_text);
        config.mutable_at(*spec).value = std::get<option_value>(std::move(result));
    }
    return config;
}

// The option's path in diagnostics: its YAML path, or its flag for command-line-only options.
inline std::string option_path(const option_spec& spec) {
    return spec.in_file() ? std::string(spec.yaml_path) : std::string(spec.flag);
}

}  // namespace eg::config
