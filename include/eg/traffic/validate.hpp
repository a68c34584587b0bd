#pragma once
// The traffic objects' validation, as the admin API and `eg-config lint` run it:
//  - check_object takes one parsed object (the JSON value the store holds) and returns its
//    findings (EG6xx), each with its field path (`rules[0].paths[2].pathRegexp`, relative to the
//    object's top level) in `path` and at the start of its message;
//  - locate gives the findings of an object read from a YAML or JSON text their file:line:col,
//    from their field paths.

#include <eg/traffic/checker.hpp>
#include <eg/traffic/http_server.hpp>
#include <eg/traffic/pipeline.hpp>
#include <eg/traffic/runnable.hpp>

#include <yaml-cpp/yaml.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace eg::traffic {

// The kinds whose fields are checked here.
inline bool is_traffic_kind(std::string_view kind) {
    return kind == "HTTPServer" || kind == "Pipeline";
}

// The findings of one object. `pipelines`: the names of the Pipelines that exist (those of the
// store, or of the files linted together); an HTTPServer backend outside them is EG610, a
// warning. nullopt: not known, not checked.
inline diag::diagnostics check_object(const json& object,
                                      const std::optional<std::set<std::string>>& pipelines) {
    diag::diagnostics out;
    if (!object.is_object()) return out;
    checker c(out);
    const auto kind = object.value("kind", json()).is_string() ? object["kind"].get<std::string>()
                                                               : std::string();
    if (kind == "HTTPServer") check_http_server(c, object, pipelines);
    if (kind == "Pipeline") check_pipeline(c, object);
    check_runnable(c, object);
    return out;
}

// The names of the Pipelines among objects.
inline std::set<std::string> pipeline_names(const std::vector<json>& objects) {
    std::set<std::string> names;
    for (const auto& o : objects)
        if (o.is_object() && o.value("kind", json()) == "Pipeline" && o.contains("name") &&
            o["name"].is_string())
            names.insert(o["name"].get<std::string>());
    return names;
}

namespace detail {

// The steps of a field path: keys and list indexes. `a.b[2].c` -> a, b, [2], c.
struct path_step {
    std::string key;
    std::optional<std::size_t> index;
};

inline std::vector<path_step> split_path(const std::string& path) {
    std::vector<path_step> steps;
    std::string key;
    for (std::size_t i = 0; i < path.size(); ++i) {
        const char ch = path[i];
        if (ch == '.' || ch == '[') {
            if (!key.empty()) steps.push_back({key, std::nullopt});
            key.clear();
            if (ch == '[') {
                const auto end = path.find(']', i);
                if (end == std::string::npos) break;
                steps.push_back(
                    {"", static_cast<std::size_t>(std::stoul(path.substr(i + 1, end - i - 1)))});
                i = end;
            }
            continue;
        }
        key += ch;
    }
    if (!key.empty()) steps.push_back({key, std::nullopt});
    return steps;
}

}  // namespace detail

// The place of a field path in a YAML (or JSON) document: the key of the deepest field found
// (a key containing dots, such as a header name, is matched across the path's dots); the
// document's start when nothing is found.
inline diag::file_location place_of(const YAML::Node& root, const std::string& path,
                                    const std::string& file) {
    const auto steps = detail::split_path(path);
    YAML::Mark mark = root.Mark();
    YAML::Node node;
    node.reset(root);
    for (std::size_t i = 0; i < steps.size(); ++i) {
        if (steps[i].index) {
            if (!node.IsSequence() || *steps[i].index >= node.size()) break;
            node.reset(node[*steps[i].index]);  // reset: = would assign into the tree
            mark = node.Mark();
            continue;
        }
        if (!node.IsMap()) break;
        bool found = false;
        std::string key;
        for (std::size_t j = i; j < steps.size() && !steps[j].index && !found; ++j) {
            key += (j == i ? "" : ".") + steps[j].key;
            for (auto it = node.begin(); it != node.end(); ++it)
                if (it->first.IsScalar() && it->first.Scalar() == key) {
                    mark = it->first.Mark();
                    node.reset(it->second);
                    i = j;
                    found = true;
                    break;
                }
        }
        if (!found) break;
    }
    return {file, mark.line + 1, mark.column + 1};
}

// Gives each finding without a place the place of its field path in the document.
inline void locate(diag::diagnostics& findings, const YAML::Node& root, const std::string& file) {
    diag::diagnostics placed;
    for (auto d : findings) {
        if (std::holds_alternative<std::monostate>(d.where)) d.where = place_of(root, d.path, file);
        placed.add(std::move(d));
    }
    findings = std::move(placed);
}

}  // namespace eg::traffic
