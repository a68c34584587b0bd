#pragma once
// Config loading, a pure function: (arguments, environment, file reader) -> effective
// configuration with sources, and diagnostics. One precedence rule for every option:
//   default < config file < EASEGRESS_* environment variable < command-line flag.
// A list or map from a higher source replaces the lower one whole.

#include <eg/config_file.hpp>
#include <eg/diagnostic_catalogue.hpp>
#include <eg/effective_config.hpp>
#include <eg/server_options.hpp>
#include <eg/suggest.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eg::config {

using environment = std::map<std::string, std::string>;

// Reads a file's text, or says why it cannot. Injected so loading stays testable (a reader
// returning std::optional<std::string> converts: nullopt is a missing file).
using file_reader = std::function<limits::file_text(const std::string& path)>;

// A regular file of at most limits::max_config_file_bytes; never blocks on a FIFO.
inline limits::file_text read_file_from_disk(const std::string& path) {
    return read_config_source(path);
}

struct load_result {
    effective_config config;
    diag::diagnostics diagnostics;
};

// One value given on the command line or in the environment, not yet parsed.
struct raw_setting {
    const option_spec* spec;
    std::string text;
    value_source source;
};

namespace detail {

inline std::vector<std::string> all_flag_names() {
    std::vector<std::string> names;
    for (const auto* spec : all_options)
        if (spec->has_flag() && !spec->removed) names.push_back(flag_name(*spec));
    return names;
}

inline const option_spec* find_flag(std::string_view name) {
    for (const auto* spec : all_options)
        if (spec->has_flag() && spec->flag == name) return spec;
    return nullptr;
}

inline const option_spec* find_short_flag(char c) {
    for (const auto* spec : all_options)
        if (spec->short_flag != 0 && spec->short_flag == c) return spec;
    return nullptr;
}

inline const option_spec* find_file_only(std::string_view name) {
    for (const auto* spec : all_options)
        if (spec->scope == option_scope::file_only && spec->yaml_key() == name) return spec;
    return nullptr;
}

inline void warn_removed(const option_spec& spec, diag::location where, std::string_view spelling,
                         diag::diagnostics& out) {
    out.add(diag::make(diag::code("removed-option"), std::string(spec.flag), std::move(where),
                       std::string(spelling) + " was removed and has no effect",
                       "remove it; the member directory no longer exists"));
}

// Splits argv into settings. Accepts --flag value, --flag=value, -f value, -fvalue and bare
// bool flags. A flag that cannot be used still takes its value, so the value is not mistaken
// for a stray argument.
inline std::vector<raw_setting> scan_flags(const std::vector<std::string>& args,
                                           diag::diagnostics& out) {
    std::vector<raw_setting> settings;
    auto next_is_value = [&](std::size_t i) {
        return i + 1 < args.size() && args[i + 1].rfind("-", 0) != 0;
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        const option_spec* spec = nullptr;
        std::string spelling;
        std::optional<std::string> inline_value;
        if (arg.rfind("--", 0) == 0 && arg.size() > 2) {
            std::string body = arg.substr(2);
            if (const auto eq = body.find('='); eq != std::string::npos) {
                inline_value = body.substr(eq + 1);
                body.resize(eq);
            }
            spelling = "--" + body;
            spec = find_flag(body);
            if (spec == nullptr) {
                if (!inline_value && next_is_value(i)) ++i;  // its value goes with it
                if (const auto* file_only = find_file_only(body)) {
                    out.add(diag::make(diag::code("file-only-option"),
                                       std::string(file_only->yaml_path),
                                       diag::flag_location{spelling},
                                       "'" + std::string(file_only->yaml_path) +
                                           "' can only be set in the configuration file",
                                       "write `" + std::string(file_only->yaml_path) +
                                           ":` in the file given with --config-file"));
                } else {
                    out.add(diag::make(diag::code("unknown-flag"), "",
                                       diag::flag_location{spelling}, "unknown flag " + spelling,
                                       diag::did_you_mean(spelling, all_flag_names())));
                }
                continue;
            }
        } else if (arg.size() >= 2 && arg[0] == '-' && arg[1] != '-') {
            // Shorthands combine as in Go's pflag: -cf FILE, -fFILE, -f=FILE, -c=true.
            std::size_t k = 1;
            while (true) {
                spelling = std::string("-") + arg[k];
                spec = find_short_flag(arg[k]);
                if (spec == nullptr) break;
                std::string rest = arg.substr(k + 1);
                if (!rest.empty() && rest.front() == '=') {
                    inline_value = rest.substr(1);
                    break;
                }
                if (spec->kind != value_kind::boolean) {
                    if (!rest.empty()) inline_value = rest;
                    break;
                }
                if (rest.empty()) break;
                settings.push_back(
                    {spec, "true",
                     value_source{source_kind::flag, diag::flag_location{flag_name(*spec)}, {}}});
                ++k;
            }
            if (spec == nullptr) {
                out.add(diag::make(diag::code("unknown-flag"), "", diag::flag_location{spelling},
                                   "unknown flag " + spelling,
                                   "run with --help to list the flags"));
                continue;
            }
        } else {
            out.add(diag::make(diag::code("unexpected-argument"), "", {},
                               "unexpected argument \"" + arg + "\"",
                               "the server takes flags only; a value goes after its flag, e.g. "
                               "--name " +
                                   arg));
            continue;
        }
        std::string text;
        if (inline_value) {
            text = *inline_value;
        } else if (spec->kind == value_kind::boolean) {
            text = "true";
        } else if (i + 1 < args.size()) {
            text = args[++i];
        } else {
            out.add(diag::make(diag::code("flag-needs-value"), option_path(*spec),
                               diag::flag_location{spelling}, spelling + " needs a value",
                               "write " + spelling + " VALUE or " + spelling + "=VALUE"));
            continue;
        }
        if (spec->removed) {
            warn_removed(*spec, diag::flag_location{spelling}, spelling, out);
            continue;
        }
        if (spec == &opt::config_file.spec && text.empty()) {
            out.add(diag::make(diag::code("flag-needs-value"), option_path(*spec),
                               diag::flag_location{spelling}, spelling + " is given an empty path",
                               "name the configuration file, or leave the flag out"));
            continue;
        }
        settings.push_back(
            {spec, std::move(text),
             value_source{source_kind::flag, diag::flag_location{flag_name(*spec)}, {}}});
    }
    return settings;
}

// EASEGRESS_* variables; warnings for unknown ones and for EG_* spellings.
inline std::vector<raw_setting> scan_environment(const environment& env, diag::diagnostics& out) {
    std::vector<raw_setting> settings;
    std::vector<std::string> known;
    for (const auto* spec : all_options)
        if (spec->has_flag() && !spec->removed) known.push_back(env_name(*spec));
    for (const auto& [name, text] : env) {
        if (name.rfind("EASEGRESS_", 0) == 0) {
            const option_spec* match = nullptr;
            for (const auto* spec : all_options)
                if (spec->has_flag() && env_name(*spec) == name) match = spec;
            if (match == nullptr) {
                out.add(diag::make(diag::code("unknown-env"), "", diag::env_location{name},
                                   "unknown environment variable " + name,
                                   diag::did_you_mean(name, known)));
                continue;
            }
            if (text.empty()) continue;  // an empty variable counts as unset
            if (match->removed) {
                warn_removed(*match, diag::env_location{name}, name, out);
                continue;
            }
            settings.push_back(
                {match, text, value_source{source_kind::env, diag::env_location{name}, {}}});
        } else if (name.rfind("EG_", 0) == 0) {
            for (const auto* spec : all_options) {
                if (!spec->has_flag() || spec->removed) continue;
                std::string from_key = "EG_";
                for (char c : spec->yaml_key()) from_key += c == '-' ? '_' : std::toupper(c);
                const std::string target = env_name(*spec);
                if (name == "EG_" + target.substr(10) || (spec->in_file() && name == from_key)) {
                    out.add(diag::make(
                        diag::code("eg-env-ignored"), option_path(*spec), diag::env_location{name},
                        name + " is not read; it has no effect", "set " + target + " instead"));
                    break;
                }
            }
        }
    }
    return settings;
}

inline std::string quote(const option_value& value) { return "\"" + format_text(value) + "\""; }

}  // namespace detail

// Parses each raw setting with its option's parser and applies it over the current value.
inline void apply_settings(const std::vector<raw_setting>& settings, effective_config& config,
                           diag::diagnostics& out) {
    std::vector<const option_spec*> applied;  // repeated list/map flags accumulate
    for (const auto& setting : settings) {
        const option_spec& spec = *setting.spec;
        auto result = parse_text(spec.kind, setting.text);
        if (auto* failure = std::get_if<parse_failure>(&result)) {
            out.add(diag::make(*failure->code, option_path(spec), setting.source.where,
                               failure->message, failure->hint));
            continue;
        }
        option_value value = std::get<option_value>(std::move(result));
        resolved_value& slot = config.mutable_at(spec);
        const bool repeated = std::find(applied.begin(), applied.end(), &spec) != applied.end() &&
                              slot.source.kind == setting.source.kind;
        if (repeated && (is_list(spec.kind) || is_map(spec.kind))) {
            if (auto* list = std::get_if<string_list>(&slot.value)) {
                for (auto& item : std::get<string_list>(value)) list->push_back(std::move(item));
                continue;
            }
            auto& pairs = std::get<string_pairs>(slot.value);
            for (auto& entry : std::get<string_pairs>(value)) {
                const bool taken = std::any_of(pairs.begin(), pairs.end(), [&](const auto& p) {
                    return p.first == entry.first;
                });
                if (taken) {
                    out.add(diag::make(
                        diag::code("duplicate-key"), option_path(spec), setting.source.where,
                        "\"" + entry.first + "\" is given twice in " + describe(setting.source),
                        "give each key once"));
                    continue;
                }
                pairs.push_back(std::move(entry));
            }
            continue;
        }
        applied.push_back(&spec);
        if (slot.source.kind == source_kind::file)
            slot.overridden_file = sourced_value{slot.value, slot.source};
        slot.value = std::move(value);
        slot.source = setting.source;
    }
}

// One notice per value that the environment or a flag took over from the file.
inline void note_file_overrides(const effective_config& config, diag::diagnostics& out) {
    for (const auto* spec : all_options) {
        const resolved_value& slot = config.at(*spec);
        if (!slot.overridden_file) continue;
        const auto& file = *slot.overridden_file;
        out.add(diag::make(diag::code("overrides-file"), option_path(*spec), slot.source.where,
                           std::string(spec->yaml_path) + " " + detail::quote(slot.value) +
                               " from " + describe(slot.source) + " overrides " +
                               detail::quote(file.value) + " from " + describe(file.source)));
    }
}

// Deprecated spellings of values (cluster-role writer/reader) become their meaning, with a warning.
inline void resolve_deprecated_values(effective_config& config, diag::diagnostics& out) {
    for (const auto* spec : all_options) {
        resolved_value& slot = config.mutable_at(*spec);
        auto* text = std::get_if<std::string>(&slot.value);
        if (text == nullptr) continue;
        for (const auto& alias : spec->deprecated_values) {
            if (alias.from.empty() || *text != alias.from) continue;
            out.add(diag::make(diag::code("deprecated-role"), option_path(*spec), slot.source.where,
                               std::string(spec->yaml_key()) + " '" + *text +
                                   "' is deprecated; it means '" + std::string(alias.to) + "'",
                               "write '" + std::string(alias.to) + "' instead"));
            *text = std::string(alias.to);
        }
    }
}

// Values read from a configuration file, over the defaults.
inline void apply_file_values(file_values values, effective_config& config) {
    for (auto& fv : values) {
        auto& slot = config.mutable_at(*fv.spec);
        slot.value = std::move(fv.value);
        slot.source = std::move(fv.source);
    }
}

// A member configuration file already parsed as YAML, with no flags or environment: what
// `eg-config lint` checks.
inline load_result load_config_file(const YAML::Node& root, const std::string& path) {
    load_result result{default_config(), {}};
    result.config.set_config_file(path);
    apply_file_values(read_config_node(root, path, result.diagnostics), result.config);
    resolve_deprecated_values(result.config, result.diagnostics);
    return result;
}

// The whole load: flags and environment are scanned first so that --config-file (or
// EASEGRESS_CONFIG_FILE) is known; then file < environment < flags are applied in order.
inline load_result load_config(const std::vector<std::string>& args, const environment& env,
                               const file_reader& read = read_file_from_disk) {
    load_result result{default_config(), {}};
    auto& out = result.diagnostics;
    const auto flag_settings = detail::scan_flags(args, out);
    const auto env_settings = detail::scan_environment(env, out);

    std::string path;
    for (const auto* settings : {&env_settings, &flag_settings})
        for (const auto& s : *settings)
            if (s.spec == &opt::config_file.spec) path = s.text;
    if (!path.empty()) {
        result.config.set_config_file(path);
        if (const auto file = read(path); file.text) {
            apply_file_values(read_config_text(*file.text, path, out), result.config);
        } else {
            out.add(unreadable_file(path, "the configuration file", file, "config-file"));
        }
    }
    apply_settings(env_settings, result.config, out);
    apply_settings(flag_settings, result.config, out);
    note_file_overrides(result.config, out);
    resolve_deprecated_values(result.config, out);
    return result;
}

// Environment of the current process as a map.
inline environment environment_from(char** envp) {
    environment env;
    for (char** e = envp; e != nullptr && *e != nullptr; ++e) {
        std::string_view entry(*e);
        const auto eq = entry.find('=');
        if (eq == std::string_view::npos) continue;
        env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
    }
    return env;
}

}  // namespace eg::config
