#pragma once
// Pieces shared by every YAML reader of the toolkit: loading with syntax errors and documents
// beyond the limits as diagnostics, positions as file:line:col, and duplicate-key detection
// (yaml-cpp keeps duplicates silently).

#include <eg/diagnostic_catalogue.hpp>
#include <eg/input_limits.hpp>
#include <eg/yaml_limits.hpp>

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace eg::config {

// 1-based position of a node (yaml-cpp marks are 0-based).
inline diag::file_location yaml_place(const std::string& path, const YAML::Node& node) {
    return {path, node.Mark().line + 1, node.Mark().column + 1};
}

inline std::string node_kind(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Sequence:
            return "list";
        case YAML::NodeType::Map:
            return "mapping";
        case YAML::NodeType::Null:
            return "null";
        default:
            return "scalar";
    }
}

// EG122 for a document beyond the nesting or node bound.
inline diag::diagnostic beyond_limits(const std::string& path,
                                      const limits::yaml_limit_problem& problem) {
    const diag::file_location where{path, problem.mark.line + 1, problem.mark.column + 1};
    if (problem.too_deep)
        return diag::make(diag::code("beyond-limits"), "", where,
                          "the YAML is " + problem.message + " of mappings and lists",
                          "a configuration needs a few levels: look for brackets or indentation "
                          "that never close, or an alias used inside its own anchor");
    return diag::make(diag::code("beyond-limits"), "", where, "the YAML " + problem.message,
                      "each use of an alias (*name) counts every node under its anchor: write "
                      "the values out, or use fewer aliases");
}

// Parses YAML text; a syntax error becomes EG101 at its line and column, a document nested
// deeper or (aliases expanded) larger than the config-file limits EG122.
inline std::optional<YAML::Node> load_yaml(const std::string& text, const std::string& path,
                                           diag::diagnostics& out) {
    try {
        YAML::Node root = YAML::Load(text);
        const auto problem = limits::check_yaml_document(
            root, limits::document_budget(
                      limits::max_nesting_depth,
                      limits::node_bound_for(text.size(), limits::max_config_document_nodes)));
        if (!problem) return root;
        out.add(beyond_limits(path, *problem));
    } catch (const YAML::DeepRecursion& e) {
        out.add(beyond_limits(path, limits::deep_recursion_problem(e)));
    } catch (const YAML::ParserException& e) {
        out.add(diag::make(diag::code("yaml-syntax"), "",
                           diag::file_location{path, e.mark.line + 1, e.mark.column + 1},
                           "YAML syntax error: " + e.msg,
                           "check the indentation and the quoting around this place"));
    } catch (const YAML::Exception& e) {
        out.add(diag::make(diag::code("yaml-syntax"), "", diag::file_location{path, 0, 0},
                           std::string("YAML error: ") + e.what()));
    }
    return std::nullopt;
}

// Keys seen in one mapping; the second and later occurrences of a key are reported as EG104.
class unique_keys {
public:
    explicit unique_keys(std::string path) : path_(std::move(path)) {}

    // False (and EG104) when the key was seen before in this mapping.
    bool first(const YAML::Node& key, const std::string& option_path, diag::diagnostics& out) {
        const auto& text = key.Scalar();
        const auto [at, inserted] = seen_.try_emplace(text, key.Mark().line + 1);
        if (inserted) return true;
        out.add(diag::make(
            diag::code("duplicate-key"), option_path, yaml_place(path_, key),
            "key '" + text + "' is given twice; the first is at line " + std::to_string(at->second),
            "keep one of them; YAML readers silently use only one"));
        return false;
    }

private:
    std::string path_;
    std::unordered_map<std::string, int> seen_;  // key -> line of its first use
};

}  // namespace eg::config
