#include "daemon/object_spec.hpp"

#include "daemon/yaml_json.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <regex>
#include <set>

namespace eg::server {

namespace {

using json = nlohmann::json;
using kind_check = std::function<std::optional<std::string>(const json&)>;

bool valid_name(const std::string& name) {
    static const std::regex pattern("^[A-Za-z0-9\\-_.~]{1,253}$");
    return std::regex_match(name, pattern);
}

std::optional<std::string> http_server_problem(const json& spec) {
    if (!spec.contains("port") || !spec["port"].is_number_integer())
        return "HTTPServer " + spec.value("name", "") + ": port is required, an integer";
    const auto port = spec["port"].get<std::int64_t>();
    if (port < 1 || port > 65535)
        return "HTTPServer port " + std::to_string(port) + " is out of range 1-65535";
    for (const char* flag : {"https", "keepAlive", "http3"})
        if (spec.contains(flag) && !spec[flag].is_boolean())
            return std::string("HTTPServer ") + flag + " must be true or false";
    if (spec.contains("rules")) {
        if (!spec["rules"].is_array()) return "HTTPServer rules must be a list";
        for (const auto& rule : spec["rules"]) {
            if (!rule.is_object()) return "HTTPServer rules must be a list of objects";
            if (rule.contains("paths") && !rule["paths"].is_array())
                return "HTTPServer rule paths must be a list";
            for (const auto& path : rule.value("paths", json::array()))
                if (!path.is_object() || (path.contains("backend") && !path["backend"].is_string()))
                    return "HTTPServer paths must be objects whose backend is a pipeline name";
        }
    }
    return std::nullopt;
}

std::optional<std::string> pipeline_problem(const json& spec) {
    if (!spec.contains("filters") || !spec["filters"].is_array())
        return "Pipeline " + spec.value("name", "") + ": filters is required, a list";
    std::set<std::string> filters;
    for (const auto& filter : spec["filters"]) {
        if (!filter.is_object() || !filter.contains("name") || !filter["name"].is_string() ||
            !filter.contains("kind") || !filter["kind"].is_string())
            return "Pipeline filters need a name and a kind";
        if (!filters.insert(filter["name"].get<std::string>()).second)
            return "Pipeline filter name " + filter["name"].get<std::string>() + " is repeated";
    }
    if (spec.contains("flow")) {
        if (!spec["flow"].is_array()) return "Pipeline flow must be a list";
        for (const auto& step : spec["flow"]) {
            if (!step.is_object() || !step.contains("filter") || !step["filter"].is_string())
                return "Pipeline flow steps need a filter";
            const auto name = step["filter"].get<std::string>();
            if (name != "END" && filters.count(name) == 0)
                return "Pipeline flow names filter " + name + ", which is not in filters";
        }
    }
    return std::nullopt;
}

const std::map<std::string, kind_check>& registry() {
    static const std::map<std::string, kind_check> kinds = {
        {"HTTPServer", http_server_problem},
        {"Pipeline", pipeline_problem},
    };
    return kinds;
}

}  // namespace

std::vector<std::string> object_kinds() {
    std::vector<std::string> kinds;
    for (const auto& [kind, check] : registry()) kinds.push_back(kind);
    return kinds;
}

std::optional<std::string> object_problem(const json& spec) {
    if (!spec.is_object()) return "an object spec must be a mapping";
    if (!spec.contains("kind") || !spec["kind"].is_string() ||
        spec["kind"].get<std::string>().empty())
        return "kind is required";
    if (!spec.contains("name") || !spec["name"].is_string()) return "name is required";
    const auto name = spec["name"].get<std::string>();
    if (!valid_name(name)) return "invalid name " + name + ": use 1-253 of A-Z a-z 0-9 - _ . ~";
    const auto kind = spec["kind"].get<std::string>();
    const auto found = registry().find(kind);
    if (found == registry().end()) {
        std::string known;
        for (const auto& k : object_kinds()) known += (known.empty() ? "" : ", ") + k;
        return "kind " + kind + " not found, known kinds: " + known;
    }
    return found->second(spec);
}

std::optional<nlohmann::json> parse_object_body(std::string_view body, std::string& why) {
    auto spec = json::parse(body, nullptr, false);
    if (spec.is_discarded()) {
        // Not JSON: YAML, as upstream accepts.
        try {
            spec = yaml_json(YAML::Load(std::string(body)));
        } catch (const YAML::Exception& e) {
            why = "the body is neither JSON nor YAML: " + std::string(e.what());
            return std::nullopt;
        }
    }
    if (!spec.is_object()) {
        why = "an object spec must be a mapping";
        return std::nullopt;
    }
    return spec;
}

}  // namespace eg::server
