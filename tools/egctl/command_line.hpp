#pragma once
// egctl's command line, parsed as upstream's cobra/pflag command line is: global flags anywhere
// (before, between or after the command words; "--" ends them), `--flag=value`, `--flag value`,
// `-ovalue`, combined short flags; a command named by any unique prefix of its name; and the
// same argument checks and error texts per command. A command's own flags (-f/--file of create
// and apply, --all of delete) are unknown flags to every other command.

#include "tools/egctl/member_commands.hpp"
#include "tools/egctl/outcome.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eg::ctl {

struct global_flags {
    std::string server;  // --server; "" when not given
    std::string output = "default";
    bool force_tls = false;
    bool insecure_skip_verify = false;
};

// The flags of one command only.
struct command_flags {
    std::string file;  // -f, --file of create and apply ("-": stdin)
    bool all = false;  // --all of delete
};

// A command flag as written, with the error it is for any command that does not define it.
struct command_flag_use {
    std::string_view commands;  // the commands defining it, space-separated
    std::string error;          // e.g. "unknown flag: --all"
};

struct command_line {
    global_flags flags;
    command_flags local;
    bool help = false;
    bool version = false;
    std::vector<std::string> words;    // the command and its arguments
    std::optional<std::string> error;  // the first flag error
    std::vector<command_flag_use> command_flag_uses;
};

struct flag_spec {
    std::string_view name;
    char shorthand;  // 0: none
    bool takes_value;
    std::string_view commands;  // "" for a global flag, else the commands defining it
};

inline constexpr flag_spec known_flags[] = {
    {"all", 0, false, "delete"},
    {"file", 'f', true, "apply create"},
    {"force-tls", 0, false, ""},
    {"help", 'h', false, ""},
    {"insecure-skip-verify", 0, false, ""},
    {"output", 'o', true, ""},
    {"server", 0, true, ""},
    {"version", 'v', false, ""},
};

namespace command_line_detail {

inline const flag_spec* find_long(std::string_view name) {
    for (const auto& f : known_flags)
        if (f.name == name) return &f;
    return nullptr;
}

inline const flag_spec* find_short(char c) {
    for (const auto& f : known_flags)
        if (f.shorthand != 0 && f.shorthand == c) return &f;
    return nullptr;
}

// Go's strconv.ParseBool.
inline std::optional<bool> parse_bool(std::string_view text) {
    for (const auto* yes : {"1", "t", "T", "TRUE", "true", "True"})
        if (text == yes) return true;
    for (const auto* no : {"0", "f", "F", "FALSE", "false", "False"})
        if (text == no) return false;
    return std::nullopt;
}

inline std::string flag_display_name(const flag_spec& f) {
    if (f.shorthand != 0) return std::string("-") + f.shorthand + ", --" + std::string(f.name);
    return "--" + std::string(f.name);
}

// Applies a flag's value; the error text when it is not acceptable.
inline std::optional<std::string> apply(command_line& cl, const flag_spec& f,
                                        std::optional<std::string_view> value) {
    if (!f.takes_value) {
        bool on = true;
        if (value) {
            const auto parsed = parse_bool(*value);
            if (!parsed)
                return "invalid argument \"" + std::string(*value) + "\" for \"" +
                       flag_display_name(f) + "\" flag: strconv.ParseBool: parsing \"" +
                       std::string(*value) + "\": invalid syntax";
            on = *parsed;
        }
        if (f.name == "all") cl.local.all = on;
        if (f.name == "force-tls") cl.flags.force_tls = on;
        if (f.name == "insecure-skip-verify") cl.flags.insecure_skip_verify = on;
        if (f.name == "help") cl.help = on;
        if (f.name == "version") cl.version = on;
        return std::nullopt;
    }
    if (f.name == "server") cl.flags.server = std::string(*value);
    if (f.name == "output") cl.flags.output = std::string(*value);
    if (f.name == "file") cl.local.file = std::string(*value);
    return std::nullopt;
}

}  // namespace command_line_detail

// Parses the arguments after the program name. After a flag error the rest is still parsed
// (only the first error is kept), so that the words name the command whose usage is shown.
inline command_line parse_command_line(const std::vector<std::string>& args) {
    using namespace command_line_detail;
    command_line cl;
    const auto fail = [&](std::string message) {
        if (!cl.error) cl.error = std::move(message);
    };
    bool flags_ended = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (flags_ended || arg.size() < 2 || arg[0] != '-') {
            cl.words.push_back(arg);
            continue;
        }
        if (arg == "--") {
            flags_ended = true;
            continue;
        }
        if (arg.starts_with("--")) {
            const std::string_view body = std::string_view(arg).substr(2);
            const auto eq = body.find('=');
            const std::string_view name = body.substr(0, eq);
            const flag_spec* f = find_long(name);
            if (f == nullptr) {
                fail("unknown flag: --" + std::string(name));
                continue;
            }
            if (!f->commands.empty())
                cl.command_flag_uses.push_back(
                    {f->commands, "unknown flag: --" + std::string(name)});
            std::optional<std::string_view> value;
            if (eq != std::string_view::npos) {
                value = body.substr(eq + 1);
            } else if (f->takes_value) {
                if (i + 1 >= args.size()) {
                    fail("flag needs an argument: --" + std::string(name));
                    continue;
                }
                value = args[++i];
            }
            if (auto e = apply(cl, *f, value)) fail(*e);
            continue;
        }
        const std::string_view shorthands = std::string_view(arg).substr(1);
        for (std::size_t j = 0; j < shorthands.size(); ++j) {
            const char c = shorthands[j];
            const flag_spec* f = find_short(c);
            if (f == nullptr) {
                fail(std::string("unknown shorthand flag: '") + c + "' in -" +
                     std::string(shorthands));
                break;
            }
            if (!f->commands.empty())
                cl.command_flag_uses.push_back(
                    {f->commands, std::string("unknown shorthand flag: '") + c + "' in -" +
                                      std::string(shorthands)});
            std::optional<std::string_view> value;
            std::string_view rest = shorthands.substr(j + 1);
            if (!f->takes_value) {
                if (rest.starts_with("=")) {
                    value = rest.substr(1);
                    j = shorthands.size();
                }
            } else {
                if (!rest.empty()) {
                    value = rest.starts_with("=") ? rest.substr(1) : rest;
                } else if (i + 1 < args.size()) {
                    value = args[++i];
                } else {
                    fail(std::string("flag needs an argument: '") + c + "' in -" +
                         std::string(shorthands));
                    break;
                }
                j = shorthands.size();
            }
            if (auto e = apply(cl, *f, value)) {
                fail(*e);
                break;
            }
        }
    }
    return cl;
}

// The error for a command's own flag given to a command (or to egctl alone: "") that does not
// define it; nullopt when every command flag given belongs to `command`.
inline std::optional<std::string> command_flag_error(const command_line& cl,
                                                     std::string_view command) {
    for (const auto& use : cl.command_flag_uses) {
        bool defined = false;
        std::string_view rest = use.commands;
        while (!rest.empty()) {
            const auto space = rest.find(' ');
            if (rest.substr(0, space) == command && !command.empty()) defined = true;
            rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
        }
        if (!defined) return use.error;
    }
    return std::nullopt;
}

// The commands, in help order.
inline const std::vector<std::string>& command_names() {
    static const std::vector<std::string> names = {"apply", "create", "delete", "describe",
                                                   "edit",  "get",    "health", "help"};
    return names;
}

namespace command_line_detail {

inline std::size_t levenshtein_ignoring_case(std::string_view a, std::string_view b) {
    std::vector<std::size_t> previous(b.size() + 1);
    std::vector<std::size_t> current(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
    const auto lower = [](char c) {
        return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    };
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
        }
        std::swap(previous, current);
    }
    return previous[b.size()];
}

}  // namespace command_line_detail

// The command a word names: its full name or a prefix matching one command only. Otherwise
// cobra's `unknown command "x" for "egctl"`, with "Did you mean this?" suggestions.
inline outcome<std::string> resolve_command(std::string_view word) {
    std::vector<std::string> matches;
    for (const auto& name : command_names()) {
        if (name == word) return name;
        if (name.starts_with(word)) matches.push_back(name);
    }
    if (matches.size() == 1) return matches.front();
    std::string message = "unknown command \"" + std::string(word) + "\" for \"egctl\"";
    std::vector<std::string> suggestions;
    for (const auto& name : command_names()) {
        if (name == "help") continue;
        std::string lower_word(word);
        for (auto& c : lower_word)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (command_line_detail::levenshtein_ignoring_case(word, name) <= 2 ||
            name.starts_with(lower_word))
            suggestions.push_back(name);
    }
    if (!suggestions.empty()) {
        message += "\n\nDid you mean this?\n";
        for (const auto& s : suggestions) message += "\t" + s + "\n";
    }
    return outcome<std::string>::failure(message);
}

// What a resource word names: "Member", an object kind, or the error (see resolve_resource).
using resource_resolver = std::function<outcome<std::string>(std::string_view word)>;

// The argument check of each command (before the output format is checked); the error text
// when the arguments do not fit. `delete` resolves the resource (upstream asks the server for
// its kinds here) and names it in its error; `create` and `apply` need -f.
inline std::optional<std::string> check_arguments(
    std::string_view command, const std::vector<std::string>& args, const command_flags& local = {},
    const resource_resolver& resolve = resource_kind) {
    if (command == "create" || command == "apply") {
        if (local.file.empty()) return "yaml file is required";
        return std::nullopt;
    }
    if (command == "get" || command == "describe") {
        if (args.empty()) return "no resource specified";
        if (args.size() == 1) return std::nullopt;
        if (args[0] == "all") return "no more args allowed for arg 'all'";
        if (args.size() == 2) return std::nullopt;
        return "invalid args";
    }
    if (command == "delete") {
        if (args.empty()) return "no resource specified";
        const auto kind = resolve(args[0]);
        if (!kind) return "invalid resource for " + args[0] + ", " + kind.error();
        if (local.all) {
            if (args.size() != 1) return "invalid arguments for --all";
            return std::nullopt;
        }
        if (args.size() < 2) return "invalid arguments";
        return std::nullopt;
    }
    if (command == "edit") {
        if (args.size() <= 1) return "no resource and name specified";
        if (args.size() == 2) return std::nullopt;
        return "invalid args";
    }
    return std::nullopt;  // health and help take any arguments
}

}  // namespace eg::ctl
