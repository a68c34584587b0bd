// The input files and the finding output that lint and check share.

#include "findings_io.hpp"

#include <eg/config_file.hpp>
#include <eg/diagnostic_format.hpp>
#include <eg/github_output.hpp>
#include <eg/sarif_output.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

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

bool known_findings_format(const std::string& format) {
    return format == "text" || format == "json" || format == "sarif" || format == "github";
}

std::vector<lint::source_file> read_input_files(const arguments& paths,
                                                diag::diagnostics& unreadable) {
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
    return files;
}

int report_findings(const diag::diagnostics& all, const std::string& format, bool strict,
                    bool unreadable, const std::string& summary) {
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
        std::fprintf(stderr, "%s: %zu error(s), %zu warning(s), %zu note(s)\n", summary.c_str(),
                     all.count(diag::severity::error), all.count(diag::severity::warning),
                     all.count(diag::severity::note));
    if (unreadable) return exit_usage;
    if (all.has_errors()) return exit_findings;
    if (strict && all.count(diag::severity::warning) > 0) return exit_findings;
    return exit_ok;
}

}  // namespace eg::tools
