// eg-config: lint member configurations and cluster descriptions, generate per-host files,
// print effective configurations, and regenerate the schemas and reference docs.

#include "command.hpp"

#include <cstdio>
#include <iterator>
#include <string>

namespace eg::tools {

int usage_error(const std::string& message) {
    std::fprintf(stderr, "eg-config: %s\nRun 'eg-config --help' for usage.\n", message.c_str());
    return exit_usage;
}

}  // namespace eg::tools

namespace {

struct command_entry {
    const char* name;
    const char* synopsis;     // after "eg-config "
    const char* description;  // wrapped, each line indented by 6
    int (*run)(const eg::tools::arguments&);
};

constexpr command_entry commands[] = {
    {"lint", "lint [--format text|json|sarif|github] [--strict] [--each] [--host-checks] PATH...",
     "      Check member configuration files and cluster descriptions. PATH is a YAML file or a\n"
     "      directory (its *.yaml and *.yml files). Member files given together are also checked\n"
     "      as one cluster (--each: each file alone). A file with a top-level `members:` key is a\n"
     "      cluster description. --host-checks also checks ports, files and addresses on this\n"
     "      machine. Exit 0: no errors; 1: errors (or warnings with --strict); 2: usage error or\n"
     "      unreadable input.\n",
     eg::tools::lint_command},
    {"check",
     "check --live [--server HOST:PORT] [--force-tls] [--insecure-skip-verify]\n"
     "      [--format text|json|sarif|github] [--strict] PATH...",
     "      Check the running cluster, through one member's admin API (--server, TLS, client\n"
     "      certificates and basic auth as egctl takes them, ~/.egctlrc honoured), against its\n"
     "      cluster description or member files: members missing, Offline or not described,\n"
     "      every option that runs differently, etcd's membership against the primaries,\n"
     "      learners, the leader and quorum margin, stale views of the objects. Exit codes as\n"
     "      lint's.\n",
     eg::tools::check_command},
    {"generate", "generate CLUSTER.yaml -o DIR",
     "      Write DIR/<member>.yaml, .env and .service for every member of a cluster\n"
     "      description. Writes nothing when the description has errors.\n",
     eg::tools::generate_command},
    {"print", "print FILE [--env] [-- FLAGS...]",
     "      Print a member's effective configuration with the source of every value, as\n"
     "      easegress-server --print-config does. --env also reads EASEGRESS_* variables.\n",
     eg::tools::print_command},
    {"schema", "schema [--kind server|cluster]",
     "      Print the JSON Schema of a member configuration file or of a cluster description.\n",
     eg::tools::schema_command},
    {"docs", "docs [--kind options|diagnostics]",
     "      Print the options or diagnostic-code reference (Markdown).\n", eg::tools::docs_command},
};

std::string usage() {
    std::string text = "Usage: eg-config COMMAND [ARGS]\n\nCommands:\n";
    for (const auto& c : commands) text += std::string("  ") + c.synopsis + "\n" + c.description;
    text += "\n'eg-config COMMAND --help' shows one command.\n";
    return text;
}

std::string usage_of(const command_entry& c) {
    return std::string("Usage: eg-config ") + c.synopsis + "\n\n" + c.description;
}

// Whether the arguments ask for help (before a "--", after which they belong to someone else).
bool asks_for_help(const eg::tools::arguments& args) {
    for (const auto& arg : args) {
        if (arg == "--") return false;
        if (arg == "--help" || arg == "-h") return true;
    }
    return false;
}

// "lint, check, generate, print, schema and docs": the commands, from the table.
std::string command_names() {
    std::string text;
    const auto count = std::size(commands);
    for (std::size_t i = 0; i < count; ++i)
        text += (i == 0 ? "" : i + 1 == count ? " and " : ", ") + std::string(commands[i].name);
    return text;
}

const command_entry* find_command(const std::string& name) {
    for (const auto& c : commands)
        if (name == c.name) return &c;
    return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace eg::tools;
    if (argc < 2) return usage_error("a command is required: " + command_names());
    const std::string command = argv[1];
    const arguments args(argv + 2, argv + argc);
    if (command == "--help" || command == "-h" || command == "help") {
        if (!args.empty()) {
            if (const auto* c = find_command(args.front())) {
                std::fputs(usage_of(*c).c_str(), stdout);
                return exit_ok;
            }
            return usage_error("unknown command '" + args.front() + "'; the commands are " +
                               command_names());
        }
        std::fputs(usage().c_str(), stdout);
        return exit_ok;
    }
    if (command == "--version" || command == "-v") {
        std::printf("eg-config %s\n", EG_VERSION);
        return exit_ok;
    }
    if (const auto* c = find_command(command)) {
        if (asks_for_help(args)) {
            std::fputs(usage_of(*c).c_str(), stdout);
            return exit_ok;
        }
        return c->run(args);
    }
    return usage_error("unknown command '" + command + "'; the commands are " + command_names());
}
