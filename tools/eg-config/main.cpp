// eg-config: lint member configurations and cluster descriptions, generate per-host files,
// print effective configurations, and regenerate the schemas and reference docs.

#include "command.hpp"

#include <cstdio>
#include <string>

namespace eg::tools {

int usage_error(const std::string& message) {
    std::fprintf(stderr, "eg-config: %s\nRun 'eg-config --help' for usage.\n", message.c_str());
    return exit_usage;
}

}  // namespace eg::tools

namespace {

constexpr const char* usage =
    "Usage: eg-config COMMAND [ARGS]\n"
    "\n"
    "Commands:\n"
    "  lint [--format text|json|sarif|github] [--strict] [--each] [--host-checks] PATH...\n"
    "      Check member configuration files and cluster descriptions. PATH is a YAML file or a\n"
    "      directory (its *.yaml and *.yml files). Member files given together are also checked\n"
    "      as one cluster (--each: each file alone). A file with a top-level `members:` key is a\n"
    "      cluster description. --host-checks also checks ports, files and addresses on this\n"
    "      machine. Exit 0: no errors; 1: errors (or warnings with --strict); 2: usage error or\n"
    "      unreadable input.\n"
    "  generate CLUSTER.yaml -o DIR\n"
    "      Write DIR/<member>.yaml, .env and .service for every member of a cluster\n"
    "      description. Writes nothing when the description has errors.\n"
    "  print FILE [--env] [-- FLAGS...]\n"
    "      Print a member's effective configuration with the source of every value, as\n"
    "      easegress-server --print-config does. --env also reads EASEGRESS_* variables.\n"
    "  schema [--kind server|cluster]\n"
    "      Print the JSON Schema of a member configuration file or of a cluster description.\n"
    "  docs [--kind options|diagnostics]\n"
    "      Print the options or diagnostic-code reference (Markdown).\n";

}  // namespace

int main(int argc, char** argv) {
    using namespace eg::tools;
    if (argc < 2) return usage_error("a command is required: lint, generate, print, schema, docs");
    const std::string command = argv[1];
    const arguments args(argv + 2, argv + argc);
    if (command == "--help" || command == "-h" || command == "help") {
        std::fputs(usage, stdout);
        return exit_ok;
    }
    if (command == "--version" || command == "-v") {
        std::printf("eg-config %s\n", EG_VERSION);
        return exit_ok;
    }
    if (command == "lint") return lint_command(args);
    if (command == "generate") return generate_command(args);
    if (command == "print") return print_command(args);
    if (command == "schema") return schema_command(args);
    if (command == "docs") return docs_command(args);
    return usage_error("unknown command '" + command +
                       "'; the commands are lint, generate, print, schema and docs");
}
