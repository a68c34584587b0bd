#pragma once
// JSON Schemas (draft-07) for editors and CI, generated from the declarations: the server's YAML
// configuration (schemas/easegress-server.schema.json) and the cluster description
// (schemas/eg-cluster.schema.json). Keys keep the order they are written in here.

#include <eg/cluster_description.hpp>
#include <eg/diagnostic_format.hpp>
#include <eg/server_options.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace eg::emit {

namespace detail {

using json = nlohmann::ordered_json;

// {"anyOf":[alternatives..., {"type":"null"}]}: every option may be left empty.
inline json any_of_or_null(json alternatives) {
    alternatives.push_back({{"type", "null"}});
    return {{"anyOf", std::move(alternatives)}};
}

inline json value_schema(const config::option_spec& spec) {
    using config::value_kind;
    const json string_or_number = json::array({"string", "number"});
    switch (spec.kind) {
        case value_kind::string: {
            if (spec.allowed_values[0].empty())
                return {{"type", json::array({"string", "number", "null"})}};
            json values = json::array();
            for (auto v : spec.allowed_values)
                if (!v.empty()) values.push_back(v);
            for (const auto& alias : spec.deprecated_values)
                if (!alias.from.empty()) values.push_back(alias.from);
            values.push_back(nullptr);
            return {{"enum", std::move(values)}};
        }
        case value_kind::boolean:
            return {{"type", json::array({"boolean", "null"})}};
        case value_kind::integer:
            return any_of_or_null(json::array(
                {{{"type", "integer"}},
                 {{"type", "string"}, {"pattern", "^[-+]?(0[xX][0-9a-fA-F]+|[0-9]+)$"}}}));
        case value_kind::size:
            return any_of_or_null(json::array(
                {{{"type", "integer"}, {"minimum", 0}},
                 {{"type", "string"}, {"pattern", "^ *[0-9]+ *(B|KB|MB|GB|KiB|MiB|GiB)? *$"}}}));
        case value_kind::duration:
            return any_of_or_null(json::array(
                {{{"type", "string"},
                  {"pattern", "^[-+]?(0|([0-9]*\\.?[0-9]+(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$"}},
                 {{"const", 0}}}));
        case value_kind::url_list:
        case value_kind::path_list:
            return any_of_or_null(
                json::array({{{"type", "array"}, {"items", {{"type", string_or_number}}}},
                             {{"type", "string"}}}));
        case value_kind::name_url_map: {
            const json string_values = {{"type", "string"}};
            return any_of_or_null(
                json::array({{{"type", "object"}, {"additionalProperties", string_values}},
                             {{"type", "array"},
                              {"items",
                               {{"type", "object"},
                                {"minProperties", 1},
                                {"maxProperties", 1},
                                {"additionalProperties", string_values}}}}}));
        }
        case value_kind::string_map:
            return any_of_or_null(json::array(
                {{{"type", "object"}, {"additionalProperties", {{"type", string_or_number}}}}}));
    }
    return json::object();
}

// A declared text (default or example) as the JSON value a YAML file would hold.
inline json typed_value(const config::option_spec& spec, std::string_view text) {
    const auto parsed = config::parse_text(spec.kind, text);
    const auto* value = std::get_if<config::option_value>(&parsed);
    if (value == nullptr) return json(text);
    if (const auto* flag = std::get_if<bool>(value)) return *flag;
    if (const auto* number = std::get_if<std::int64_t>(value)) return *number;
    if (const auto* size = std::get_if<config::byte_size>(value))
        return text.find_first_not_of("0123456789") == std::string_view::npos ? json(size->bytes)
                                                                              : json(text);
    if (const auto* list = std::get_if<config::string_list>(value)) return *list;
    if (const auto* pairs = std::get_if<config::string_pairs>(value)) {
        json object = json::object();
        for (const auto& [key, item] : *pairs) object[key] = item;
        return object;
    }
    return json(text);
}

// The description, default and example of a declaration, added to its schema.
inline void annotate(json& schema, const config::option_spec& spec) {
    schema["description"] = spec.help;
    if (!spec.default_text.empty()) schema["default"] = typed_value(spec, spec.default_text);
    if (!spec.example.empty()) schema["examples"] = json::array({typed_value(spec, spec.example)});
}

inline json described(const config::option_spec& spec) {
    json schema = value_schema(spec);
    annotate(schema, spec);
    return schema;
}

// The properties of one YAML section ("" for the top level) as a schema object.
inline json section_schema(std::string_view section) {
    json properties = json::object();
    for (const auto* spec : config::all_options) {
        if (!spec->in_file() || spec->yaml_section() != section) continue;
        properties[std::string(spec->yaml_key())] = described(*spec);
    }
    if (section.empty()) properties["cluster"] = section_schema("cluster");
    return {{"type", json::array({"object", "null"})},
            {"additionalProperties", false},
            {"properties", std::move(properties)}};
}

// The properties of a cluster description's member (or, without member-only fields, defaults).
inline json description_properties(bool member) {
    using description::field_scope;
    json out = json::object();
    for (const auto& f : description::fields) {
        if (f.scope == field_scope::cluster || (!member && f.scope == field_scope::member_only))
            continue;
        json schema;
        if (f.key() == "options") {
            out[std::string(f.key())] = {{"$ref", "#/definitions/server-options"},
                                         {"description", f.value.help}};
            continue;
        }
        if (f.value.kind == config::value_kind::integer)
            schema = {{"type", "integer"}, {"minimum", 1}, {"maximum", 65535}};
        else if (!f.value.allowed_values[0].empty())
            schema = {
                {"enum", json::array({f.value.allowed_values[0], f.value.allowed_values[1]})}};
        else
            schema = {{"type", "string"}};
        annotate(schema, f.value);
        out[std::string(f.key())] = std::move(schema);
    }
    return out;
}

}  // namespace detail

// Schema of a member's YAML configuration file.
inline nlohmann::ordered_json server_schema_document() {
    nlohmann::ordered_json schema = {
        {"$schema", "http://json-schema.org/draft-07/schema#"},
        {"title", "easegress-server configuration"},
        {"description", "A member's YAML configuration file (easegress-server --config-file)."}};
    auto top_level = detail::section_schema("");
    for (auto& [key, value] : top_level.items()) schema[key] = std::move(value);
    return schema;
}

// Schema of a cluster description (eg-config generate).
inline nlohmann::ordered_json cluster_schema_document() {
    using description::field_scope;
    using detail::json;
    json required = json::array();
    for (const auto& f : description::fields)
        if (f.scope == field_scope::member_only && f.required) required.push_back(f.key());
    const json members = {{"type", "array"},
                          {"minItems", 1},
                          {"items",
                           {{"type", "object"},
                            {"additionalProperties", false},
                            {"required", std::move(required)},
                            {"properties", detail::description_properties(true)}}}};
    const json properties = {{"cluster-name",
                              [] {
                                  json schema = {{"type", "string"}};
                                  detail::annotate(schema,
                                                   description::field("cluster-name").value);
                                  return schema;
                              }()},
                             {"defaults",
                              {{"type", "object"},
                               {"additionalProperties", false},
                               {"properties", detail::description_properties(false)}}},
                             {"members", members}};
    return {{"$schema", "http://json-schema.org/draft-07/schema#"},
            {"title", "eg cluster description"},
            {"description",
             "One file describing a whole cluster; eg-config generate writes each member's "
             "configuration from it."},
            {"type", "object"},
            {"additionalProperties", false},
            {"required", json::array({"cluster-name", "members"})},
            {"properties", properties},
            {"definitions", {{"server-options", detail::section_schema("")}}}};
}

inline std::string server_schema() { return diag::dump_json(server_schema_document()); }

inline std::string cluster_schema() { return diag::dump_json(cluster_schema_document()); }

}  // namespace eg::emit
