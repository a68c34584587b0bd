#pragma once
// object spec: what an object written through the admin API must look like. Every object is a
// JSON object with `kind` (a known kind) and `name` (1-253 of A-Z a-z 0-9 - _ . ~); each kind
// checks its own top-level structure.

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace eg::server {

// The kinds the store accepts, sorted.
std::vector<std::string> object_kinds();

// Why spec is not a valid object, or nullopt when it is. HTTPServer and Pipeline objects are
// checked field by field (eg::traffic): the refusal names each error's field path and code.
std::optional<std::string> object_problem(const nlohmann::json& spec);

// The warnings of a valid object, each on one line with its field path and code: e.g. an
// HTTPServer backend that names none of `pipelines` (EG610).
std::vector<std::string> object_warnings(const nlohmann::json& spec,
                                         const std::set<std::string>& pipelines);

// A request body or an initial object file (YAML, or JSON) as an object spec, read as every
// object text is (eg::yaml_json::read_document): nullopt, and why on one line with the line and
// column and the diagnostic's code, when it cannot be read or is not a mapping.
std::optional<nlohmann::json> parse_object_body(std::string_view body, std::string& why);

}  // namespace eg::server
