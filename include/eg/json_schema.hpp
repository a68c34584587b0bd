#pragma once
// JSON Schemas (draft-07) for editors and CI, generated from the declarations: the server's YAML
// configuration (schemas/easegress-server.schema.json) and the cluster description
// (schemas/eg-cluster.schema.json).

#include <eg/cluster_description.hpp>
#include <eg/diagnostic_format.hpp>
#include <eg/server_options.hpp>

#include <string>
#include <string_view>

namespace eg::emit {

namespace detail {

using diag::json_string;

inline std::string value_schema(const config::option_spec& spec) {
    using config::value_kind;
    const std::string text_list =
        R"({"anyOf":[{"type":"array","items":{"type":["string","number"]}},{"type":"string"},{"type":"null"}]})";
    switch (spec.kind) {
        case value_kind::string: {
            if (spec.allowed_values[0].empty()) return R"({"type":["string","number","null"]})";
            std::string values;
            for (auto v : spec.allowed_values)
                if (!v.empty()) values += (values.empty() ? "" : ",") + json_string(v);
            for (const auto& alias : spec.deprecated_values)
                if (!alias.from.empty()) values += "," + json_string(alias.from);
            return R"({"enum":[)" + values + R"(,null]})";
        }
        case value_kind::boolean:
            return R"({"type":["boolean","null"]})";
        case value_kind::integer:
            return R"({"anyOf":[{"type":"integer"},{"type":"string","pattern":"^[-+]?(0[xX][0-9a-fA-F]+|[0-9]+)$"},{"type":"null"}]})";
        case value_kind::size:
            return R"({"anyOf":[{"type":"integer","minimum":0},{"type":"string","pattern":"^ *[0-9]+ *(B|KB|MB|GB|KiB|MiB|GiB)? *$"},{"type":"null"}]})";
        case value_kind::duration:
            return R"({"anyOf":[{"type":"string","pattern":"^[-+]?(0|([0-9]*\\.?[0-9]+(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$"},{"const":0},{"type":"null"}]})";
        case value_kind::url_list:
        case value_kind::path_list:
            return text_list;
        case value_kind::name_url_map:
            return R"({"anyOf":[{"type":"object","additionalProperties":{"type":"string"}},{"type":"array","items":{"type":"object","minProperties":1,"maxProperties":1,"additionalProperties":{"type":"string"}}},{"type":"null"}]})";
        case value_kind::string_map:
            return R"({"anyOf":[{"type":"object","additionalProperties":{"type":["string","number"]}},{"type":"null"}]})";
    }
    return "{}";
}

inline std::string described(const config::option_spec& spec) {
    std::string schema = value_schema(spec);
    std::string extra = ",\"description\":" + json_string(spec.help);
    if (!spec.default_text.empty())
        extra += ",\"default\":" + (spec.kind == config::value_kind::integer ||
                                            spec.kind == config::value_kind::size ||
                                            spec.kind == config::value_kind::boolean
                                        ? std::string(spec.default_text)
                                        : json_string(spec.default_text));
    return schema.substr(0, schema.size() - 1) + extra + "}";
}

// The properties of one YAML section ("" for the top level) as a schema object.
inline std::string section_schema(std::string_view section) {
    std::string properties;
    for (const auto* spec : config::all_options) {
        if (!spec->in_file() || spec->yaml_section() != section) continue;
        properties += (properties.empty() ? "" : ",") + json_string(spec->yaml_key()) + ":" +
                      described(*spec);
    }
    if (section.empty()) properties += R"(,"cluster":)" + section_schema("cluster");
    return R"({"type":["object","null"],"additionalProperties":false,"properties":{)" + properties +
           "}}";
}

}  // namespace detail

// Schema of a member's YAML configuration file.
inline std::string server_schema() {
    std::string body = detail::section_schema("");
    return R"({"$schema":"http://json-schema.org/draft-07/schema#","title":"easegress-server configuration","description":"A member's YAML configuration file (easegress-server --config-file).",)" +
           body.substr(1);
}

// Schema of a cluster description (eg-config generate).
inline std::string cluster_schema() {
    using description::field_scope;
    auto properties = [](bool member) {
        std::string out;
        for (const auto& f : description::fields) {
            if (f.scope == field_scope::cluster || (!member && f.scope == field_scope::member_only))
                continue;
            std::string schema;
            if (f.key() == "options")
                schema = R"({"$ref":"#/definitions/server-options")";
            else if (f.value.kind == config::value_kind::integer)
                schema = R"({"type":"integer","minimum":1,"maximum":65535)";
            else if (!f.value.allowed_values[0].empty())
                schema = R"({"enum":[)" + diag::json_string(f.value.allowed_values[0]) + "," +
                         diag::json_string(f.value.allowed_values[1]) + "]";
            else
                schema = R"({"type":"string")";
            schema += ",\"description\":" + diag::json_string(f.value.help) + "}";
            out += (out.empty() ? "" : ",") + diag::json_string(f.key()) + ":" + schema;
        }
        return out;
    };
    std::string required;
    for (const auto& f : description::fields)
        if (f.scope == field_scope::member_only && f.required)
            required += (required.empty() ? "" : ",") + diag::json_string(f.key());
    const std::string server = detail::section_schema("");
    return R"({"$schema":"http://json-schema.org/draft-07/schema#","title":"eg cluster description","description":"One file describing a whole cluster; eg-config generate writes each member's configuration from it.","type":"object","additionalProperties":false,"required":["cluster-name","members"],"properties":{"cluster-name":{"type":"string","description":)" +
           diag::json_string(description::field("cluster-name").value.help) +
           R"(},"defaults":{"type":"object","additionalProperties":false,"properties":{)" +
           properties(false) +
           R"(}},"members":{"type":"array","minItems":1,"items":{"type":"object","additionalProperties":false,"required":[)" +
           required + R"(],"properties":{)" + properties(true) +
           R"(}}}},"definitions":{"server-options":)" + server + "}}";
}

}  // namespace eg::emit
