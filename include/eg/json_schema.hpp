#pragma once
// JSON Schemas (draft-07) for editors and CI, generated from the declarations: the server's YAML
// configuration (schemas/easegress-server.schema.json) and the cluster description
// (schemas/eg-cluster.schema.json). Keys keep the order they are written in here.

#include <eg/cluster_description.hpp>
#include <eg/diagnostic_format.hpp>
#include <eg/server_options.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

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

inline json described(const config::option_spec& spec) {
    json schema = value_schema(spec);
    schema["description"] = spec.help;
    if (!spec.default_text.empty()) {
        const bool literal = spec.kind == config::value_kind::integer ||
                             spec.kind == config::value_kind::size ||
                             spec.kind == config::value_kind::boolean;
        schema["default"] = literal ? json::parse(spec.default_text) : json(spec.default_text);
    }
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
        if (f.key == "options")
            schema = {{"$ref", "#/definitions/server-options"}};
        else if (f.kind == config::value_kind::integer)
            schema = {{"type", "integer"}, {"minimum", 1}, {"maximum", 65535}};
        else if (!f.allowed_values[0].empty())
            schema = {{"enum", json::array({f.allowed_values[0], f.allowed_values[1]})}};
        else
            schema = {{"type", "string"}};
        schema["description"] = f.help;
        out[std::string(f.key)] = std::move(schema);
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
        if (f.scope == field_scope::member_only && f.required) required.push_back(f.key);
    const json members = {{"type", "array"},
                          {"minItems", 1},
                          {"items",
                           {{"type", "object"},
                            {"additionalProperties", false},
                            {"required", std::move(required)},
                            {"properties", detail::description_properties(true)}}}};
    const json properties = {
        {"cluster-name",
         {{"type", "string"}, {"description", description::field("cluster-name").help}}},
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
