#pragma once
// The eg-config subcommands. Each takes the arguments after its name and returns the exit code:
// 0 success, 1 findings (errors, or warnings under --strict), 2 usage error or unreadable input.

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
int schema_command(const arguments& args);
int docs_command(const arguments& args);

// "eg-config: <message>" on stderr; returns exit_usage.
int usage_error(const std::string& message);

}  // namespace eg::tools
