#pragma once
// Pieces shared by every YAML reader of the toolkit: loading with syntax errors as diagnostics,
// positions as file:line:col, and duplicate-key detection (yaml-cpp keeps duplicates silently).

#include <eg/diagnostic_catalogue.hpp>

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

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

// Parses YAML text; a syntax error becomes EG101 at its line and column.
inline std::optional<YAML::Node> load_yaml(const std::string& text, const std::string& path,
                                           diag::diagnostics& out) {
    try {
        return YAML::Load(text);
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
        for (const auto& [k, line] : seen_)
            if (k == text) {
                out.add(diag::make(diag::code("duplicate-key"), option_path, yaml_place(path_, key),
                                   "key '" + text + "' is given twice; the first is at line " +
                                       std::to_string(line),
                                   "keep one of them; YAML readers silently use only one"));
                return false;
            }
        seen_.emplace_back(text, key.Mark().line + 1);
        return true;
    }

private:
    std::string path_;
    std::vector<std::pair<std::string, int>> seen_;
};

}  // namespace eg::config
