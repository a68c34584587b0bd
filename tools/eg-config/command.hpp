#pragma once
// The eg-config subcommands. Each takes the arguments after its name and returns the exit code:
// 0 success, 1 findings (errors, or warnings under --strict), 2 usage error or unreadable input.

#include <map>
#include <string>
#include <vector>

namespace eg::tools {

inline constexpr int exit_ok = 0;
inline constexpr int exit_findings = 1;
inline constexpr int exit_usage = 2;

using arguments = std::vector<std::string>;

int lint_command(const arguments& args);
int generate_command(const arguments& args);
int print_command(const arguments& args);
int check_command(const arguments& args);
int schema_command(const arguments& args);
int docs_command(const arguments& args);

// "eg-config: <message>" on stderr; returns exit_usage.
int usage_error(const std::string& message);

// A flag of a subcommand, as cxxopts declares it: "o,output" or "strict".
struct flag {
    const char* names;
    bool takes_value = false;
};

// A subcommand's arguments as cxxopts reads them. On a usage problem, `where` is the argument it
// is about as given ("--bogus", "-o") and `operands` holds only the operands before it, so that a
// command reports its problems in the order of the arguments.
struct parsed_arguments {
    enum class problem { none, unknown_flag, missing_value };
    problem error = problem::none;
    std::string where;
    std::map<std::string, std::string> values;  // by long name; a flag without a value: "true"
    arguments operands;                         // the arguments that are not flags, in order
    arguments after_separator;                  // after "--", when the command takes them

    std::string value_or(const std::string& name, const std::string& fallback) const {
        const auto found = values.find(name);
        return found == values.end() ? fallback : found->second;
    }
};

// Reads args with cxxopts. A "--" ends the flags when separator_allowed, and is an unknown flag
// otherwise.
parsed_arguments parse_arguments(const std::vector<flag>& flags, const arguments& args,
                                 bool separator_allowed = false);

}  // namespace eg::tools
