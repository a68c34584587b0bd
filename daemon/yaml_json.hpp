#pragma once
// yaml json: a YAML document as JSON, for object specs given as YAML (initial object files).
// Plain scalars become numbers, booleans or null where YAML 1.2's core schema says so; quoted
// scalars stay strings.

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <string>

namespace eg::server {

inline nlohmann::json scalar_json(const YAML::Node& node) {
    const std::string& text = node.Scalar();
    if (node.Tag() == "!") return text;  // quoted
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
        return nullptr;
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
    char* end = nullptr;
    const long long integer = std::strtoll(text.c_str(), &end, 10);
    if (end != nullptr && *end == '\0' && end != text.c_str()) return integer;
    const double real = std::strtod(text.c_str(), &end);
    if (end != nullptr && *end == '\0' && end != text.c_str() &&
        text.find_first_of("0123456789") != std::string::npos)
        return real;
    return text;
}

inline nlohmann::json yaml_json(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Sequence: {
            nlohmann::json list = nlohmann::json::array();
            for (const auto& item : node) list.push_back(yaml_json(item));
            return list;
        }
        case YAML::NodeType::Map: {
            nlohmann::json object = nlohmann::json::object();
            for (const auto& entry : node)
                object[entry.first.as<std::string>()] = yaml_json(entry.second);
            return object;
        }
        case YAML::NodeType::Scalar:
            return scalar_json(node);
        default:
            return nullptr;
    }
}

}  // namespace eg::server
