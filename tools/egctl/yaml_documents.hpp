#pragma once
// `egctl create -f` and `egctl apply -f`: a YAML file (or stdin) read as upstream egctl reads it.
// The text is cut into documents at lines starting with "---" (Kubernetes' YAML reader: only
// spaces or a comment may follow the dashes), each document is read as the member reads an
// object body (eg::yaml_json::read_document: go-yaml v2 scalars, merge keys, a key given twice
// refused, keys in byte order) into the JSON the admin API takes, and each must name its kind.
// Problems are worded as upstream egctl words them.

#include "tools/egctl/outcome.hpp"

#include <eg/yaml_json.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace eg::ctl {

// One document of a spec file: the kind and name it declares, its text as read, and the JSON
// that is sent to the admin API.
struct object_spec {
    std::string kind;
    std::string name;
    std::string doc;
    nlohmann::json json;
};

namespace yaml_json_detail {

inline std::string_view trim_space(std::string_view s) {
    const auto space = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
    };
    while (!s.empty() && space(s.front())) s.remove_prefix(1);
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

// Go's name of a JSON value's type in an unmarshal error.
template <class Json>
std::string go_json_type(const Json& v) {
    if (v.is_object()) return "object";
    if (v.is_array()) return "array";
    if (v.is_string()) return "string";
    if (v.is_boolean()) return "bool";
    if (v.is_number()) return "number";
    return "null";
}

// A reading's problem as upstream egctl words it: "yaml: line N: <reason>" for go-yaml's own
// refusals (a key twice, a key or merge of the wrong type), Go's "json: unsupported value: +Inf",
// and "error converting YAML to JSON: [yaml: line N: ]<reason>" for the rest.
inline std::string upstream_text(const diag::diagnostic& problem) {
    const auto* at = std::get_if<diag::file_location>(&problem.where);
    const std::string line =
        at && at->line > 0 ? "yaml: line " + std::to_string(at->line) + ": " : std::string();
    if (problem.code == diag::code("duplicate-key").code ||
        problem.code == diag::code("wrong-type").code)
        return line + problem.message;
    if (problem.code == diag::code("invalid-value").code) return problem.message;
    return "error converting YAML to JSON: " + line + problem.message;
}

}  // namespace yaml_json_detail

// The documents of a YAML text, cut as Kubernetes' YAML reader cuts them: at each line starting
// with "---" followed by nothing but spaces or a comment; each document keeps its lines as read.
// Empty documents (nothing between two separators) are left out.
inline outcome<std::vector<std::string>> split_yaml_documents(std::string_view text) {
    std::vector<std::string> documents;
    std::string buffer;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        const std::size_t next = end == std::string_view::npos ? text.size() : end + 1;
        const std::string_view line = text.substr(start, next - start);
        start = next;
        if (line.starts_with("---")) {
            const auto rest = yaml_json_detail::trim_space(line.substr(3));
            if (!rest.empty() && rest.front() != '#')
                return outcome<std::vector<std::string>>::failure(
                    "invalid Yaml document separator: " + std::string(rest));
            if (!buffer.empty()) documents.push_back(std::move(buffer));
            buffer.clear();
            continue;
        }
        buffer.append(line);
    }
    if (!buffer.empty()) documents.push_back(std::move(buffer));
    return documents;
}

// One YAML document as JSON: null for a document with no content (blank lines, comments).
// The error is worded as upstream egctl words it (upstream_text).
inline outcome<nlohmann::json> yaml_to_json(const std::string& doc) {
    auto read = yaml_json::read_document(doc);
    if (!read)
        return outcome<nlohmann::json>::failure(yaml_json_detail::upstream_text(*read.problem));
    return std::move(read.value);
}

// The specs of a spec file, all read before any is sent (upstream reads every document first):
// the first document that is not YAML (`error parsing <doc>: <reason>`), not a mapping, or has
// no kind (`kind is empty: <doc>`) fails them all. Documents without content are skipped.
inline outcome<std::vector<object_spec>> read_object_specs(std::string_view text) {
    using result = outcome<std::vector<object_spec>>;
    using yaml_json_detail::go_json_type;
    const auto documents = split_yaml_documents(text);
    if (!documents) return result::failure(documents.error());
    std::vector<object_spec> specs;
    for (const auto& doc : *documents) {
        auto json = yaml_to_json(doc);
        if (!json) return result::failure("error parsing " + doc + ": " + json.error());
        if (json->is_null()) continue;
        const std::string unmarshal_error =
            "error parsing " + doc + ": error unmarshaling JSON: while decoding JSON: ";
        if (!json->is_object())
            return result::failure(unmarshal_error + "json: cannot unmarshal " +
                                   go_json_type(*json) + " into Go value of type general.Spec");
        object_spec spec;
        for (const auto& [key, field] : {std::pair{"kind", &spec.kind}, {"name", &spec.name}}) {
            const auto it = json->find(key);
            if (it == json->end() || it->is_null()) continue;
            if (!it->is_string())
                return result::failure(unmarshal_error + "json: cannot unmarshal " +
                                       go_json_type(*it) + " into Go struct field Spec." +
                                       (key == std::string_view("kind") ? "Kind" : "Name") +
                                       " of type string");
            *field = it->get<std::string>();
        }
        if (spec.kind.empty()) return result::failure("kind is empty: " + doc);
        spec.doc = doc;
        spec.json = std::move(*json);
        specs.push_back(std::move(spec));
    }
    return specs;
}

}  // namespace eg::ctl
