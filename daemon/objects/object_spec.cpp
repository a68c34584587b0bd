#include "daemon/objects/object_spec.hpp"

#include <eg/traffic/validate.hpp>
#include <eg/yaml_json.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <utility>

namespace eg::server {

namespace {

using json = nlohmann::json;
using kind_check = std::function<std::optional<std::string>(const json&)>;

// Upstream's charset; "." and ".." are refused, as they are path segments in URLs and keys.
bool valid_name(const std::string& name) {
    static const std::regex pattern("^[A-Za-z0-9\\-_.~]{1,253}$");
    return name != "." && name != ".." && std::regex_match(name, pattern);
}

// Most entries a list of an object may have: far above any real configuration, low enough
// that validating and routing stay cheap.
constexpr std::size_t max_rules = 1000;
constexpr std::size_t max_paths = 1000;
constexpr std::size_t max_filters = 256;
constexpr std::size_t max_flow_steps = 1024;
constexpr std::size_t max_pool_servers = 10000;
// Errors of one object named in a refusal; the others are counted.
constexpr std::size_t max_errors_shown = 10;

std::optional<std::string> too_many(const json& list, std::size_t most, const std::string& what) {
    if (list.is_array() && list.size() > most)
        return what + " has " + std::to_string(list.size()) + " entries, more than the " +
               std::to_string(most) + " allowed";
    return std::nullopt;
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
        if (auto many = too_many(spec["rules"], max_rules, "HTTPServer rules")) return many;
        for (const auto& rule : spec["rules"]) {
            if (!rule.is_object()) return "HTTPServer rules must be a list of objects";
            if (rule.contains("paths") && !rule["paths"].is_array())
                return "HTTPServer rule paths must be a list";
            if (auto many = too_many(rule.value("paths", json::array()), max_paths,
                                     "an HTTPServer rule's paths"))
                return many;
            for (const auto& path : rule.value("paths", json::array()))
                if (!path.is_object() || (path.contains("backend") && !path["backend"].is_string()))
                    return "HTTPServer paths must be objects whose backend is a pipeline name";
        }
    }
    return std::nullopt;
}

// A Proxy filter's pools (and mirror pool) hold at most max_pool_servers servers each.
std::optional<std::string> pool_servers_problem(const json& filter) {
    std::vector<const json*> pools;
    if (filter.contains("pools") && filter["pools"].is_array())
        for (const auto& pool : filter["pools"]) pools.push_back(&pool);
    if (filter.contains("mirrorPool")) pools.push_back(&filter["mirrorPool"]);
    for (const json* pool : pools)
        if (pool->is_object() && pool->contains("servers"))
            if (auto many =
                    too_many((*pool)["servers"], max_pool_servers,
                             "filter " + filter["name"].get<std::string>() + ": a pool's servers"))
                return many;
    return std::nullopt;
}

std::optional<std::string> pipeline_problem(const json& spec) {
    if (!spec.contains("filters") || !spec["filters"].is_array())
        return "Pipeline " + spec.value("name", "") + ": filters is required, a list";
    if (auto many = too_many(spec["filters"], max_filters, "Pipeline filters")) return many;
    std::set<std::string> filters;
    for (const auto& filter : spec["filters"]) {
        if (!filter.is_object() || !filter.contains("name") || !filter["name"].is_string() ||
            !filter.contains("kind") || !filter["kind"].is_string())
            return "Pipeline filters need a name and a kind";
        if (!filters.insert(filter["name"].get<std::string>()).second)
            return "Pipeline filter name " + filter["name"].get<std::string>() + " is repeated";
        if (auto many = pool_servers_problem(filter)) return many;
    }
    if (spec.contains("flow")) {
        if (!spec["flow"].is_array()) return "Pipeline flow must be a list";
        if (auto many = too_many(spec["flow"], max_flow_steps, "Pipeline flow")) return many;
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
    if (!valid_name(name))
        return "invalid name " + name + ": use 1-253 of A-Z a-z 0-9 - _ . ~, not \".\" or \"..\"";
    const auto kind = spec["kind"].get<std::string>();
    const auto found = registry().find(kind);
    if (found == registry().end()) {
        std::string known;
        for (const auto& k : object_kinds()) known += (known.empty() ? "" : ", ") + k;
        return "kind " + kind + " not found, known kinds: " + known;
    }
    if (auto problem = found->second(spec)) return problem;
    // The traffic objects' field rules (EG6xx): every error, each with its field path.
    const auto findings = traffic::check_object(spec, std::nullopt);
    if (!findings.has_errors()) return std::nullopt;
    std::string text;
    std::size_t shown = 0;
    for (const auto& d : findings) {
        if (d.level != diag::severity::error) continue;
        if (++shown > max_errors_shown) {
            text += "; and " +
                    std::to_string(findings.count(diag::severity::error) - max_errors_shown) +
                    " more";
            break;
        }
        text += (text.empty() ? "" : "; ") + d.message + " [" + std::string(d.code) + "]";
        if (!d.hint.empty()) text += " (" + d.hint + ")";
    }
    return text;
}

std::vector<std::string> object_warnings(const nlohmann::json& spec,
                                         const std::set<std::string>& pipelines) {
    std::vector<std::string> warnings;
    for (const auto& d : traffic::check_object(spec, pipelines))
        if (d.level == diag::severity::warning)
            warnings.push_back(d.message + " [" + std::string(d.code) + "]" +
                               (d.hint.empty() ? "" : " (" + d.hint + ")"));
    return warnings;
}

std::optional<nlohmann::json> parse_object_body(std::string_view body, std::string& why) {
    auto read = yaml_json::read_document(body);
    if (!read) {
        why = yaml_json::one_line(*read.problem);
        return std::nullopt;
    }
    if (!read.value.is_object()) {
        why = "an object spec must be a mapping";
        return std::nullopt;
    }
    return std::move(read.value);
}

}  // namespace eg::server
