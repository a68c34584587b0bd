// eg-config lint: member files and cluster descriptions, with text, JSON, SARIF or GitHub output.

#include "command.hpp"
#include "findings_io.hpp"

#include <eg/lint.hpp>

#include <string>
#include <vector>

namespace eg::tools {

int lint_command(const arguments& args) {
    const auto parsed =
        parse_arguments({{"format", true}, {"strict"}, {"each"}, {"host-checks"}}, args);
    using problem = parsed_arguments::problem;
    if (parsed.error == problem::missing_value)
        return usage_error("lint: " + parsed.where + " needs a value");
    if (parsed.error == problem::unknown_flag)
        return usage_error("lint: unknown option '" + parsed.where + "'");
    const auto format = parsed.value_or("format", "text");
    lint::lint_options options;
    options.each = parsed.values.contains("each");
    options.host_checks = parsed.values.contains("host-checks");
    if (!known_findings_format(format))
        return usage_error("lint: unknown format '" + format +
                           "'; use text, json, sarif or github");
    if (parsed.operands.empty()) return usage_error("lint: give at least one file or directory");

    diag::diagnostics unreadable;
    const auto files = read_input_files(parsed.operands, unreadable);
    if (files.empty() && unreadable.empty())
        return usage_error("lint: no *.yaml or *.yml files in the paths given");
    auto result = lint::lint_files(files, options);
    diag::diagnostics all = unreadable;
    all.append(result.findings);
    return report_findings(all, format, parsed.values.contains("strict"), !unreadable.empty(),
                           std::to_string(files.size()) + " file(s), " +
                               std::to_string(result.members) + " member(s)");
}

}  // namespace eg::tools
