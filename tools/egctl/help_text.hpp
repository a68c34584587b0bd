#pragma once
// egctl's help and usage texts, laid out as cobra lays out upstream's: the description, then
// the usage (usage line, examples, commands by group, flags, global flags). The usage alone is
// what an argument error prints before the error.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace eg::ctl {

struct flag_help {
    char shorthand;  // 0: none
    std::string_view name;
    std::string_view value_type;  // "string", or "" for a bool flag
    std::string_view usage;
    std::string_view default_text;  // shown as (default "...") when not empty
};

struct command_help {
    std::string_view name;
    std::string_view group;  // "basic", "other" or "" (Additional Commands)
    std::string_view summary;
    std::string_view long_text;  // help's first paragraph; the summary when empty
    std::string_view use;        // the usage line after "egctl "
    std::string_view examples;
    std::vector<flag_help> flags;  // the command's own flags (besides --help)
};

inline const std::vector<command_help>& command_helps() {
    static const std::vector<command_help> commands = {
        {"apply",
         "basic",
         "Apply a configuration to a resource by filename or stdin",
         "",
         "apply [flags]",
         "  # Apply a configuration to a resource by filename\n"
         "  egctl apply -f <filename>.yaml\n"
         "\n"
         "  # Apply a configuration to a resource from stdin\n"
         "  cat <filename>.yaml | egctl apply -f -",
         {{'f', "file", "string", "A yaml file specifying the object.", ""}}},
        {"create",
         "basic",
         "Create a resource from a file or from stdin.",
         "",
         "create [flags]",
         "  # Create a resource from a file\n"
         "  egctl create -f <filename>.yaml\n"
         "\n"
         "  # Create a resource from stdin\n"
         "  cat <filename>.yaml | egctl create -f -",
         {{'f', "file", "string", "A yaml file specifying the object.", ""}}},
        {"delete",
         "basic",
         "Delete a resource or group of resources",
         "",
         "delete [flags]",
         "  # Delete a resource with name\n"
         "  egctl delete <resource> <name>\n"
         "\n"
         "  # Delete multiply resource in same kind\n"
         "  egctl delete <resource> <name1> <name2> <name3>\n"
         "\n"
         "  # Delete all instances in that resource\n"
         "  egctl delete <resource> --all\n"
         "\n"
         "  # Delete a httpserver\n"
         "  egctl delete httpserver <name>\n"
         "\n"
         "  # Delete multiply pipeline\n"
         "  egctl delete pipeline <name1> <name2> <name3>\n"
         "\n"
         "  # Delete all globalfilter\n"
         "  egctl delete globalfilter --all\n"
         "\n"
         "  # Purge a Easegress member. This command should be run after the easegress node "
         "uninstalled\n"
         "  egctl delete member <name>",
         {{0, "all", "", "delete all resources in given kind", ""}}},
        {"describe",
         "basic",
         "Show details of a specific resource or group of resources",
         "",
         "describe [flags]",
         "  # Describe a resource with name\n"
         "  egctl describe <resource> <name>\n"
         "\n"
         "  # Describe all instances in that resource\n"
         "  egctl describe <resource>\n"
         "\n"
         "  # Describe a httpserver\n"
         "  egctl describe httpserver <name>\n"
         "\n"
         "  # Describe all pipelines\n"
         "  egctl describe pipeline\n"
         "\n"
         "  # Describe all members\n"
         "  egctl describe member",
         {}},
        {"edit",
         "basic",
         "Edit a resource",
         "",
         "edit [flags]",
         "  # Edit a resource with name\n"
         "  egctl edit <resource> <name>",
         {}},
        {"get",
         "basic",
         "Display one or many resources",
         "",
         "get [flags]",
         "  # Get a resource with name\n"
         "  egctl get <resource> <name>\n"
         "\n"
         "  # Get all resource\n"
         "  egctl get all\n"
         "\n"
         "  # Get a resource with yaml output\n"
         "  egctl get <resource> <name> -o yaml\n"
         "\n"
         "  # Get all instances in that resource\n"
         "  egctl get <resource>\n"
         "\n"
         "  # Get a httpserver\n"
         "  egctl get httpserver <name>\n"
         "\n"
         "  # Get all pipelines\n"
         "  egctl get pipeline\n"
         "\n"
         "  # Get all members\n"
         "  egctl get member",
         {}},
        {"health",
         "other",
         "Probe Easegress health",
         "",
         "health [flags]",
         "  # Probe Easegress health\n"
         "  egctl health",
         {}},
        {"help",
         "",
         "Help about any command",
         "Help provides help for any command in the application.\n"
         "Simply type egctl help [path to command] for full details.",
         "help [command] [flags]",
         "",
         {}},
    };
    return commands;
}

inline const command_help* find_command_help(std::string_view name) {
    for (const auto& c : command_helps())
        if (c.name == name) return &c;
    return nullptr;
}

// The global flags (root's persistent flags), sorted by name.
inline const std::vector<flag_help>& global_flag_helps() {
    static const std::vector<flag_help> flags = {
        {0, "force-tls", "",
         "Whether to forcibly use HTTPS, if not, client will auto upgrade to HTTPS on-demand", ""},
        {0, "insecure-skip-verify", "",
         "Whether to verify the server's certificate chain and host name", ""},
        {'o', "output", "string", "Output format(default, json, yaml)", "default"},
        {0, "server", "string", "The address of the Easegress endpoint", ""},
    };
    return flags;
}

// pflag's FlagUsages: one line per flag, the usage column 3 spaces after the longest flag.
inline std::string flag_usages(const std::vector<flag_help>& flags) {
    std::vector<std::string> heads;
    std::size_t widest = 0;
    for (const auto& f : flags) {
        std::string head =
            f.shorthand != 0 ? std::string("  -") + f.shorthand + ", --" : std::string("      --");
        head += f.name;
        if (!f.value_type.empty()) head += " " + std::string(f.value_type);
        widest = std::max(widest, head.size());
        heads.push_back(std::move(head));
    }
    std::string out;
    for (std::size_t i = 0; i < flags.size(); ++i) {
        out += heads[i] + std::string(widest - heads[i].size() + 3, ' ');
        out += flags[i].usage;
        if (!flags[i].default_text.empty())
            out += " (default \"" + std::string(flags[i].default_text) + "\")";
        out += '\n';
    }
    return out;
}

// The usage of the root command (`egctl`), as shown by `egctl --help`.
inline std::string root_usage() {
    std::string out = "Usage:\n  egctl [command]\n";
    const auto group = [&](std::string_view title, std::string_view id) {
        out += "\n" + std::string(title) + "\n";
        for (const auto& c : command_helps())
            if (c.group == id) {
                std::string name(c.name);
                name.resize(std::max<std::size_t>(name.size(), 11), ' ');
                out += "  " + name + " " + std::string(c.summary) + "\n";
            }
    };
    group("Basic Commands:", "basic");
    group("Other Commands:", "other");
    group("Additional Commands:", "");
    auto flags = global_flag_helps();
    flags.insert(flags.begin() + 1, {'h', "help", "", "help for egctl", ""});
    flags.push_back({'v', "version", "", "version for egctl", ""});
    out += "\nFlags:\n" + flag_usages(flags);
    out += "\nUse \"egctl [command] --help\" for more information about a command.\n";
    return out;
}

// The usage of a command, as an argument error prints it.
inline std::string command_usage(const command_help& c) {
    std::string out = "Usage:\n  egctl " + std::string(c.use) + "\n";
    if (!c.examples.empty()) out += "\nExamples:\n" + std::string(c.examples) + "\n";
    const std::string help_usage = "help for " + std::string(c.name);
    auto flags = c.flags;
    flags.push_back({'h', "help", "", help_usage, ""});
    std::sort(flags.begin(), flags.end(),
              [](const flag_help& a, const flag_help& b) { return a.name < b.name; });
    out += "\nFlags:\n" + flag_usages(flags);
    out += "\nGlobal Flags:\n" + flag_usages(global_flag_helps());
    return out;
}

inline std::string root_help() {
    return "A command line admin tool for Easegress.\n\n" + root_usage();
}

inline std::string command_help_text(const command_help& c) {
    const std::string_view description = c.long_text.empty() ? c.summary : c.long_text;
    return std::string(description) + "\n\n" + command_usage(c);
}

}  // namespace eg::ctl
