#pragma once
// What lint and check share: the YAML files their PATH arguments stand for, and their findings
// printed in one of the formats (text, json, sarif, github) with the exit code they mean.

#include "command.hpp"

#include <eg/diagnostic.hpp>
#include <eg/lint.hpp>

#include <string>
#include <vector>

namespace eg::tools {

// Whether `format` is one of the finding formats.
bool known_findings_format(const std::string& format);

// The files PATHS stand for (a directory: its *.yaml and *.yml files in name order), each once,
// read; a path that cannot be read is a finding in `unreadable`.
std::vector<lint::source_file> read_input_files(const arguments& paths,
                                                diag::diagnostics& unreadable);

// Prints the findings to stdout in `format` (text: a summary line, `summary`, on stderr) and
// returns the exit code: exit_usage when something was unreadable, exit_findings for errors (or
// warnings under `strict`), exit_ok otherwise.
int report_findings(const diag::diagnostics& all, const std::string& format, bool strict,
                    bool unreadable, const std::string& summary);

}  // namespace eg::tools
