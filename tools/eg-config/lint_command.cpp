// eg-config lint: member files and cluster descriptions, with text, JSON, SARIF or GitHub output.

#include "command.hpp"

#include <eg/config_file.hpp>
#include <eg/diagnostic_format.hpp>
#include <eg/github_output.hpp>
#include <eg/lint.hpp>
#include <eg/sarif_output.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace eg::tools {

namespace {

namespace fs = std::filesystem;

bool is_yaml_name(const fs::path& p) {
    const auto ext = p.extension().string();
    return ext == ".yaml" || ext == ".yml";
}

// The files PATH stands for: itself, or a directory's *.yaml and *.yml files in name order.
std::vector<std::string> expand(const std::string& path, diag::diagnostics& out) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        std::vector<std::string> files;
        for (const auto& entry : fs::directory_iterator(path, ec))
            if (entry.is_regular_file() && is_yaml_name(entry.path()))
                files.push_back(entry.path().string());
        if (ec)
            out.add(diag::make(diag::code("file-unreadable"), "", diag::file_location{path, 0, 0},
                               "cannot list the directory \"" + path + "\": " + ec.message()));
        std::sort(files.begin(), files.end());
        return files;
    }
    return {path};
}

}  // namespace

int lint_command(const arguments& args) {
    const auto parsed =
        parse_arguments({{"format", true}, {"strict"}, {"each"}, {"host-checks"}}, args);
    using problem = parsed_arguments::problem;
    if (parsed.error == problem::missing_value)
        return usage_error("lint: " + parsed.where + " needs a value");
    if (parsed.error == problem::unknown_flag)
        return usage_error("lint: unknown option '" + parsed.where + "'");
    const auto format = parsed.value_or("format", "text");
    const bool strict = parsed.values.contains("strict");
    lint::lint_options options;
    options.each = parsed.values.contains("each");
    options.host_checks = parsed.values.contains("host-checks");
    const auto& paths = parsed.operands;
    if (format != "text" && format != "json" && format != "sarif" && format != "github")
        return usage_error("lint: unknown format '" + format +
                           "'; use text, json, sarif or github");
    if (paths.empty()) return usage_error("lint: give at least one file or directory");

    diag::diagnostics unreadable;
    std::vector<lint::source_file> files;
    std::set<fs::path> seen;  // a file named twice (itself and through its directory) counts once
    for (const auto& path : paths) {
        for (const auto& file : expand(path, unreadable)) {
            std::error_code ec;
            const auto identity = fs::weakly_canonical(file, ec);
            if (!seen.insert(ec ? fs::path(file) : identity).second) continue;
            if (auto source = config::read_config_source(file); source.text)
                files.push_back({file, std::move(*source.text)});
            else
                unreadable.add(config::unreadable_file(file, "", source));
        }
    }
    if (files.empty() && unreadable.empty())
        return usage_error("lint: no *.yaml or *.yml files in the paths given");
    auto result = lint::lint_files(files, options);
    diag::diagnostics all = unreadable;
    all.append(result.findings);

    std::string output;
    if (format == "json")
        output = diag::format_json(all) + "\n";
    else if (format == "sarif")
        output = diag::format_sarif(all, "eg-config", EG_VERSION) + "\n";
    else if (format == "github")
        output = diag::format_github(all);
    else
        output = diag::format_text(all, isatty(STDOUT_FILENO) == 1);
    std::fputs(output.c_str(), stdout);
    if (format == "text")
        std::fprintf(stderr,
                     "%zu file(s), %zu member(s): %zu error(s), %zu warning(s), %zu note(s)\n",
                     files.size(), result.members, all.count(diag::severity::error),
                     all.count(diag::severity::warning), all.count(diag::severity::note));

    if (!unreadable.empty()) return exit_usage;
    if (all.has_errors()) return exit_findings;
    if (strict && all.count(diag::severity::warning) > 0) return exit_findings;
    return exit_ok;
}

}  // namespace eg::tools
