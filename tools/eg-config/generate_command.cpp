// eg-config generate: one cluster description in, per member a YAML configuration, an
// EASEGRESS_* environment file and a systemd unit out. Nothing is written unless the whole
// cluster is free of errors, and everything written is linted again as one cluster first.

#include "command.hpp"

#include <eg/cluster_description.hpp>
#include <eg/diagnostic_format.hpp>
#include <eg/lint.hpp>
#include <eg/member_files.hpp>
#include <eg/member_rules.hpp>
#include <eg/topology.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace eg::tools {

namespace {

namespace fs = std::filesystem;

struct output_file {
    fs::path path;
    std::string content;
};

// Writes every file beside its final name, then renames: no half-written file is ever seen.
bool write_all(const std::vector<output_file>& files, std::string& error) {
    std::vector<std::pair<fs::path, fs::path>> staged;
    for (const auto& f : files) {
        fs::path temporary = f.path;
        temporary += ".tmp";
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << f.content;
        out.close();
        if (!out) {
            error = "cannot write " + temporary.string();
            for (const auto& [tmp, final_path] : staged) fs::remove(tmp);
            fs::remove(temporary);
            return false;
        }
        staged.emplace_back(temporary, f.path);
    }
    for (const auto& [temporary, final_path] : staged) {
        std::error_code ec;
        fs::rename(temporary, final_path, ec);
        if (ec) {
            error = "cannot rename " + temporary.string() + ": " + ec.message();
            return false;
        }
    }
    return true;
}

void report(const diag::diagnostics& findings) {
    std::fputs(diag::format_text(findings, isatty(STDERR_FILENO) == 1).c_str(), stderr);
}

}  // namespace

int generate_command(const arguments& args) {
    const auto parsed = parse_arguments({{"o,output", true}}, args);
    using problem = parsed_arguments::problem;
    if (parsed.operands.size() > 1)
        return usage_error("generate: one cluster description at a time");
    if (parsed.error == problem::missing_value)
        return usage_error("generate: " + parsed.where + " needs a directory");
    if (parsed.error == problem::unknown_flag)
        return usage_error("generate: unknown option '" + parsed.where + "'");
    const std::string input = parsed.operands.empty() ? "" : parsed.operands.front();
    const std::string output_dir = parsed.value_or("output", "");
    if (input.empty() || output_dir.empty())
        return usage_error("generate: usage is eg-config generate CLUSTER.yaml -o DIR");

    diag::diagnostics findings;
    const auto source = config::read_config_source(input);
    if (!source.text) {
        findings.add(config::unreadable_file(input, "the cluster description", source));
        report(findings);
        return exit_usage;
    }
    const auto described = description::read_description(*source.text, input, findings);
    std::vector<topology::member_view> members;
    if (described) {
        members = description::members_of(*described);
        for (const auto& m : members) findings.append(config::rules::check_member(m.config));
        findings.append(topology::check_topology(members));
    }
    if (!described || findings.has_errors()) {
        report(findings);
        std::fprintf(stderr, "eg-config: %s has errors; nothing was written\n", input.c_str());
        return exit_findings;
    }

    std::vector<output_file> outputs;
    std::vector<lint::source_file> generated_yaml;
    for (const auto& m : members) {
        const auto files = emit::files_for(*described, m);
        const fs::path base = fs::path(output_dir) / m.config.get(config::opt::name);
        outputs.push_back({fs::path(base).concat(".yaml"), files.yaml});
        outputs.push_back({fs::path(base).concat(".env"), files.env});
        outputs.push_back({fs::path(base).concat(".service"), files.unit});
        generated_yaml.push_back({fs::path(base).concat(".yaml").string(), files.yaml});
    }
    const auto self_check = lint::lint_files(generated_yaml, {});
    if (self_check.findings.has_errors()) {
        report(self_check.findings);
        std::fprintf(stderr,
                     "eg-config: internal error: the generated files do not lint clean; nothing "
                     "was written\n");
        return exit_findings;
    }
    report(findings);
    std::error_code ec;
    fs::create_directories(output_dir, ec);
    std::string error;
    if (ec || !write_all(outputs, error)) {
        std::fprintf(
            stderr, "eg-config: %s\n",
            ec ? ("cannot create " + output_dir + ": " + ec.message()).c_str() : error.c_str());
        return exit_usage;
    }
    for (const auto& f : outputs) std::printf("wrote %s\n", f.path.string().c_str());
    return exit_ok;
}

}  // namespace eg::tools
