#pragma once
// Reading a member's YAML configuration file into option values with their file:line:col, and
// every problem of the file as a diagnostic (syntax, unknown or misplaced keys, duplicates, wrong
// types, YAML 1.1 traps, durations without unit, removed and legacy keys).

#include <eg/diagnostic_catalogue.hpp>
#include <eg/effective_config.hpp>
#include <eg/input_limits.hpp>
#include <eg/option_value.hpp>
#include <eg/server_options.hpp>
#include <eg/suggest.hpp>
#include <eg/yaml_reading.hpp>

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eg::config {

struct file_value {
    const option_spec* spec;
    option_value value;
    value_source source;
};

using file_values = std::vector<file_value>;

namespace detail {

// Unknown keys of one file that get a "did you mean".
inline constexpr std::size_t max_suggestions = 1000;

class config_file_reader {
public:
    config_file_reader(std::string display_path, diag::diagnostics& out)
        : path_(std::move(display_path)), out_(out) {}

    file_values read(const YAML::Node& root) {
        if (root.IsNull()) return {};
        if (!root.IsMap()) {
            report(
                diag::code("not-a-mapping"), "", root,
                "the configuration file must be a mapping of keys, but it is a " + node_kind(root),
                "write one `key: value` per line, e.g. `name: machine-1`");
            return {};
        }
        read_section(root, "");
        return std::move(values_);
    }

    diag::file_location place(const YAML::Node& node) const { return yaml_place(path_, node); }

private:
    void report(const diag::code_info& code, std::string path, const YAML::Node& at,
                std::string message, std::string hint = {}) {
        out_.add(diag::make(code, std::move(path), place(at), std::move(message), std::move(hint)));
    }

    // The keys a section declares, for "did you mean"; listed once per section and reader.
    const std::vector<std::string>& keys_in(std::string_view section) {
        auto [at, inserted] = known_keys_.try_emplace(std::string(section));
        if (!inserted) return at->second;
        if (section.empty()) at->second.emplace_back("cluster");
        for (const auto* spec : all_options)
            if (spec->in_file() && spec->yaml_section() == section && !spec->removed)
                at->second.emplace_back(spec->yaml_key());
        return at->second;
    }

    static const option_spec* find(std::string_view section, std::string_view key) {
        for (const auto* spec : all_options)
            if (spec->in_file() && spec->yaml_section() == section && spec->yaml_key() == key)
                return spec;
        return nullptr;
    }

    void read_section(const YAML::Node& map, std::string_view section) {
        unique_keys seen(path_);
        for (auto it = map.begin(); it != map.end(); ++it) {
            const YAML::Node key = it->first;
            const YAML::Node value = it->second;
            const std::string prefix = section.empty() ? "" : std::string(section) + ".";
            if (!key.IsScalar()) {
                report(diag::code("wrong-type"), std::string(section), key,
                       "a key must be a plain word, not a " + node_kind(key));
                continue;
            }
            const std::string name = key.Scalar();
            if (!seen.first(key, prefix + name, out_)) continue;
            if (section.empty() && name == "cluster") {
                if (value.IsNull()) continue;
                if (!value.IsMap()) {
                    report(diag::code("wrong-type"), "cluster", value,
                           "'cluster' must be a mapping, but it is a " + node_kind(value),
                           "indent the cluster keys under `cluster:`");
                    continue;
                }
                read_section(value, "cluster");
                continue;
            }
            if (const auto* spec = find(section, name)) {
                read_option(*spec, key, value);
                continue;
            }
            explain_unknown(section, name, key);
        }
    }

    void explain_unknown(std::string_view section, const std::string& name, const YAML::Node& key) {
        const std::string path = section.empty() ? name : std::string(section) + "." + name;
        for (const auto* spec : all_options) {
            for (auto legacy : spec->legacy_keys)
                if (!legacy.empty() && legacy == name) {
                    report(diag::code("legacy-key"), path, key,
                           "'" + name + "' is a pre-v2 key that Easegress silently ignores",
                           "use '" + std::string(spec->yaml_path) + "' instead");
                    return;
                }
        }
        for (const auto* spec : all_options) {
            if (spec->in_file() && spec->yaml_key() == name) {
                const std::string where =
                    spec->yaml_section().empty()
                        ? "at the top level"
                        : "under '" + std::string(spec->yaml_section()) + ":'";
                report(diag::code("wrong-level"), path, key,
                       "'" + name + "' belongs " + where + ", not " +
                           (section.empty() ? std::string("at the top level")
                                            : "under '" + std::string(section) + ":'"),
                       "move it to '" + std::string(spec->yaml_path) + "'");
                return;
            }
            if (spec->scope == option_scope::command_line && spec->flag == name) {
                report(diag::code("command-line-only"), path, key,
                       "'" + name + "' is command-line only and is ignored in a file",
                       "pass " + flag_name(*spec) + " or set " + env_name(*spec) +
                           " when you need it, and remove it from the file");
                return;
            }
        }
        // "Did you mean" for the first unknown keys only: a file with thousands of them is not a
        // few typos, and the edit distances would cost more than the rest of the reading.
        std::string hint;
        if (suggestions_left_ > 0) {
            --suggestions_left_;
            hint = diag::did_you_mean(name, keys_in(section));
        }
        report(diag::code("unknown-key"), path, key,
               "unknown key '" + name + "'" +
                   (section.empty() ? "" : " under '" + std::string(section) + ":'"),
               std::move(hint));
    }

    void read_option(const option_spec& spec, const YAML::Node& key, const YAML::Node& value) {
        const std::string path(spec.yaml_path);
        if (spec.removed) {
            report(diag::code("removed-option"), path, key,
                   "'" + std::string(spec.yaml_key()) + "' was removed and has no effect",
                   "delete this line");
            return;
        }
        if (value.IsNull()) return;  // `key:` with no value counts as absent
        value_source source{source_kind::file, place(key), {}};
        auto parsed_value = read_value(spec, value, path, source);
        if (parsed_value) values_.push_back({&spec, std::move(*parsed_value), std::move(source)});
    }

public:
    // One value of a declaration, read from its node with the declaration's kind; `path` names
    // it in diagnostics ("cluster.listen-peer-urls", "members[0].role"). The places of a list's
    // or map's items go to source. nullopt when the value is refused (and reported).
    std::optional<option_value> read_value(const option_spec& spec, const YAML::Node& value,
                                           const std::string& path, value_source& source) {
        if (is_list(spec.kind)) return read_list(spec, value, source, path);
        if (is_map(spec.kind)) return read_map(spec, value, source, path);
        return read_scalar(spec, value, path);
    }

private:
    std::optional<option_value> parse_scalar_as(const option_spec& spec, const YAML::Node& node,
                                                const std::string& path) {
        auto result = parse_text(spec.kind, node.Scalar());
        if (auto* failure = std::get_if<parse_failure>(&result)) {
            report(*failure->code, path, node,
                   std::string(spec.yaml_key()) + ": " + failure->message, failure->hint);
            return std::nullopt;
        }
        return std::get<option_value>(std::move(result));
    }

    // A scalar where text is expected: a plain true/false is a YAML boolean (EG105); a plain
    // yes/no/on/off is text here but a boolean to YAML 1.1 tools (EG106, a warning).
    bool text_scalar_ok(const option_spec& spec, const YAML::Node& value, const std::string& path) {
        if (value.Tag() != "?") return true;
        const std::string& text = value.Scalar();
        if (text == "true" || text == "True" || text == "TRUE" || text == "false" ||
            text == "False" || text == "FALSE") {
            report(
                diag::code("wrong-type"), path, value,
                std::string(spec.yaml_key()) + " expects text, but " + text + " is a YAML boolean",
                "quote it if you mean the text: \"" + text + "\"");
            return false;
        }
        if (is_yaml11_bool(text))
            report(diag::code("yaml11-trap"), path, value,
                   std::string(spec.yaml_key()) + ": the unquoted " + text +
                       " is read as the string \"" + text +
                       "\" here, but YAML 1.1 tools read it as a boolean",
                   "quote it: \"" + text + "\"");
        return true;
    }

    std::optional<option_value> read_scalar(const option_spec& spec, const YAML::Node& value,
                                            const std::string& path) {
        if (!value.IsScalar()) {
            report(diag::code("wrong-type"), path, value,
                   std::string(spec.yaml_key()) + " expects a " +
                       std::string(type_name(spec.kind)) + ", but the value is a " +
                       node_kind(value));
            return std::nullopt;
        }
        if (spec.kind == value_kind::string && !text_scalar_ok(spec, value, path))
            return std::nullopt;
        return parse_scalar_as(spec, value, path);
    }

    std::optional<option_value> read_list(const option_spec& spec, const YAML::Node& value,
                                          value_source& source, const std::string& path) {
        if (value.IsScalar()) {  // "a,b" is accepted as a comma-separated list
            auto parsed_value = parse_scalar_as(spec, value, path);
            if (parsed_value)
                source.item_places.assign(std::get<string_list>(*parsed_value).size(),
                                          place(value));
            return parsed_value;
        }
        if (!value.IsSequence()) {
            report(diag::code("wrong-type"), path, value,
                   std::string(spec.yaml_key()) + " expects a list, but the value is a " +
                       node_kind(value),
                   "write one `- item` per line under the key");
            return std::nullopt;
        }
        string_list items;
        bool ok = true;
        for (const auto& item : value) {
            if (!item.IsScalar() || item.Scalar().empty()) {
                report(diag::code("wrong-type"), path, item,
                       std::string(spec.yaml_key()) +
                           " expects a list of strings, but an item is " +
                           (item.IsScalar() ? std::string("empty") : "a " + node_kind(item)));
                ok = false;
                continue;
            }
            if (!text_scalar_ok(spec, item, path)) {
                ok = false;
                continue;
            }
            items.push_back(item.Scalar());
            source.item_places.emplace_back(place(item));
        }
        if (!ok) return std::nullopt;
        return option_value(std::move(items));
    }

    // One `name: value` entry of a map option; false when it is rejected.
    bool add_entry(const option_spec& spec, const YAML::Node& key, const YAML::Node& value,
                   string_pairs& pairs, value_source& source, unique_keys& seen,
                   const std::string& base) {
        if (!key.IsScalar() || !value.IsScalar() || value.Scalar().empty()) {
            report(diag::code("wrong-type"), base,
                   value.IsDefined() && !value.IsNull() ? value : key,
                   std::string(spec.yaml_key()) + " expects `name: value` entries with a text " +
                       "value" + (key.IsScalar() ? " for '" + key.Scalar() + "'" : ""));
            return false;
        }
        if (!seen.first(key, base + "." + key.Scalar(), out_)) return false;
        if (!text_scalar_ok(spec, value, base + "." + key.Scalar())) return false;
        pairs.emplace_back(key.Scalar(), value.Scalar());
        source.item_places.emplace_back(place(key));
        return true;
    }

    std::optional<option_value> read_map(const option_spec& spec, const YAML::Node& value,
                                         value_source& source, const std::string& path) {
        string_pairs pairs;
        unique_keys seen(path_);
        bool ok = true;
        if (value.IsMap()) {
            for (auto it = value.begin(); it != value.end(); ++it)
                ok = add_entry(spec, it->first, it->second, pairs, source, seen, path) && ok;
        } else if (value.IsSequence() && spec.kind == value_kind::name_url_map) {
            for (const auto& item : value) {
                if (!item.IsMap() || item.size() != 1) {
                    report(diag::code("wrong-type"), path, item,
                           std::string(spec.yaml_key()) +
                               " list items must each be one `name: url` entry",
                           "write `- machine-1: http://10.0.0.1:2380`");
                    ok = false;
                    continue;
                }
                const auto entry = item.begin();
                ok = add_entry(spec, entry->first, entry->second, pairs, source, seen, path) && ok;
            }
        } else {
            report(diag::code("wrong-type"), path, value,
                   std::string(spec.yaml_key()) + " expects a mapping, but the value is a " +
                       node_kind(value),
                   spec.kind == value_kind::name_url_map
                       ? "write `name: url` entries, or a list of `- name: url` entries"
                       : "write `key: value` entries indented under the key");
            return std::nullopt;
        }
        if (!ok) return std::nullopt;
        return option_value(std::move(pairs));
    }

    std::string path_;
    diag::diagnostics& out_;
    file_values values_;
    std::map<std::string, std::vector<std::string>, std::less<>> known_keys_;
    std::size_t suggestions_left_ = max_suggestions;
};

}  // namespace detail

// Reads a parsed configuration (a whole file, or a node inside another file such as a cluster
// description's `options:`); `display_path` names the file in diagnostics.
inline file_values read_config_node(const YAML::Node& root, const std::string& display_path,
                                    diag::diagnostics& out) {
    return detail::config_file_reader(display_path, out).read(root);
}

// Reads YAML text; `display_path` names it in diagnostics.
inline file_values read_config_text(const std::string& text, const std::string& display_path,
                                    diag::diagnostics& out) {
    auto root = load_yaml(text, display_path, out);
    return root ? read_config_node(*root, display_path, out) : file_values{};
}

// A configuration file or cluster description: a regular file of at most
// limits::max_config_file_bytes, or why it cannot be read (EG100 names the reason).
inline limits::file_text read_config_source(const std::string& path) {
    return limits::read_input_file(path, limits::max_config_file_bytes);
}

// The text of a configuration file, nullopt when read_config_source cannot read it.
inline std::optional<std::string> read_text_file(const std::string& path) {
    return read_config_source(path).text;
}

// EG100 for a file that cannot be read, with read_input_file's reason: `what` names the file
// ("the configuration file"), or is empty.
inline diag::diagnostic unreadable_file(const std::string& path, const std::string& what,
                                        const limits::file_text& file,
                                        std::string option_path = {}) {
    const bool missing = file.kind == limits::file_problem::cannot_open;
    return diag::make(
        diag::code("file-unreadable"), std::move(option_path), diag::file_location{path, 0, 0},
        "cannot read " + (what.empty() ? "" : what + " ") + "\"" + path + "\": " + file.problem,
        missing
            ? "check that the file exists and is readable"
            : "give a regular file of at most " + std::to_string(limits::max_config_file_bytes) +
                  " bytes (not a directory, device or FIFO)");
}

}  // namespace eg::config
