#pragma once
// yaml json: a YAML document as JSON, for object specs given as YAML (request bodies, initial
// object files). Plain scalars become numbers, booleans or null where YAML 1.2's core schema
// says so; quoted scalars stay strings.
//
// The walk is bounded by a document budget: aliases share nodes in yaml-cpp, so expanding
// them naively lets a few hundred bytes become millions of nodes. The conversion stops with
// yaml_too_large when the depth or node budget is spent.

#include <eg/input_limits.hpp>

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace eg::server {

// A document deeper or larger (aliases expanded) than its budget allows.
class yaml_too_large : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

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

namespace detail {

// Recursion is bounded by the budget's depth.
inline nlohmann::json yaml_json(const YAML::Node& node, limits::document_budget& budget) {
    if (!budget.enter()) throw yaml_too_large("the document " + budget.problem());
    nlohmann::json value;
    switch (node.Type()) {
        case YAML::NodeType::Sequence:
            value = nlohmann::json::array();
            for (const auto& item : node) value.push_back(yaml_json(item, budget));
            break;
        case YAML::NodeType::Map:
            value = nlohmann::json::object();
            for (const auto& entry : node) {
                if (!entry.first.IsScalar())
                    throw YAML::ParserException(entry.first.Mark(), "a key must be a scalar");
                value[entry.first.Scalar()] = yaml_json(entry.second, budget);
            }
            break;
        case YAML::NodeType::Scalar:
            value = scalar_json(node);
            break;
        default:
            value = nullptr;
    }
    budget.leave();
    return value;
}

}  // namespace detail

// Throws yaml_too_large past the budget, YAML::Exception for a non-scalar key.
inline nlohmann::json yaml_json(const YAML::Node& node,
                                limits::document_budget budget = limits::document_budget()) {
    return detail::yaml_json(node, budget);
}

}  // namespace eg::server
