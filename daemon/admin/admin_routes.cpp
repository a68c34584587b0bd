#include "daemon/admin/admin_routes.hpp"

#include "daemon/objects/bounded_json.hpp"
#include "daemon/objects/object_spec.hpp"

#include <eg/server_options.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ctime>
#include <exception>
#include <set>
#include <string_view>
#include <variant>

namespace eg::server {

namespace {

using json = nlohmann::ordered_json;

// The option that bounds an object's size, as users write it.
constexpr std::string_view max_object_option = config::opt::max_call_send_msg_size.spec.yaml_key();

using admin_api::route_id;

std::string strip_query(const std::string& target) {
    const auto q = target.find('?');
    return q == std::string::npos ? target : target.substr(0, q);
}

// "/apis/v2/status/members/" → "/status/members"; nullopt when not under /apis/v1|v2.
std::optional<std::string> api_path(const std::string& target) {
    std::string path = strip_query(target);
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    for (std::string_view base : {admin_api::prefix, admin_api::v1_prefix}) {
        if (path == base) return std::string();
        if (path.size() > base.size() && path.compare(0, base.size(), base) == 0 &&
            path[base.size()] == '/')
            return path.substr(base.size());
    }
    return std::nullopt;
}

// Matches path against a pattern; the {name} segment goes to name.
bool matches(std::string_view pattern, std::string_view path, std::string& name) {
    while (!pattern.empty() || !path.empty()) {
        if (pattern.empty() || path.empty() || pattern.front() != '/' || path.front() != '/')
            return false;
        pattern.remove_prefix(1);
        path.remove_prefix(1);
        const auto p_end = std::min(pattern.find('/'), pattern.size());
        const auto s_end = std::min(path.find('/'), path.size());
        const auto p_seg = pattern.substr(0, p_end);
        const auto s_seg = path.substr(0, s_end);
        if (p_seg == "{name}") {
            if (s_seg.empty()) return false;
            name = std::string(s_seg);
        } else if (p_seg != s_seg) {
            return false;
        }
        pattern.remove_prefix(p_end);
        path.remove_prefix(s_end);
    }
    return true;
}

std::string percent_decode(const std::string& text);

// The value of a query parameter of target ("" when absent).
std::string query_parameter(const std::string& target, std::string_view key) {
    const auto q = target.find('?');
    if (q == std::string::npos) return {};
    std::string_view query = std::string_view(target).substr(q + 1);
    while (!query.empty()) {
        const auto end = std::min(query.find('&'), query.size());
        const auto pair = query.substr(0, end);
        const auto equals = pair.find('=');
        if (pair.substr(0, equals) == key)
            return equals == std::string_view::npos
                       ? std::string()
                       : percent_decode(std::string(pair.substr(equals + 1)));
        query.remove_prefix(std::min(end + 1, query.size()));
    }
    return {};
}

std::string percent_decode(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(text[i + 1]) &&
            std::isxdigit(text[i + 2])) {
            out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

api_response route_list() {
    json groups = json::array();
    std::vector<std::string_view> names;
    for (const auto& r : admin_api::routes)
        if (std::find(names.begin(), names.end(), r.group) == names.end()) names.push_back(r.group);
    std::sort(names.begin(), names.end());
    for (const auto group : names) {
        json entries = json::array();
        for (const auto& r : admin_api::routes)
            if (r.group == group) entries.push_back({{"path", r.path}, {"method", r.method}});
        groups.push_back({{"Group", group}, {"Entries", entries}});
    }
    return {200, groups.dump(), "application/json"};
}

api_response page_not_found() { return {404, "404 page not found\n", "text/plain; charset=utf-8"}; }

api_response about() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    return {200,
            "Copyright \xC2\xA9 2017 - " + std::to_string(utc.tm_year + 1900) +
                " The Easegress Authors. All rights reserved.\n"
                "Powered by open-source software: Etcd(https://etcd.io), Apache License 2.0.\n",
            "text/plain; charset=utf-8"};
}

}  // namespace

api_response error_response(int status, const std::string& message) {
    return {status, admin_api::error_body(status, message), "text/plain; charset=utf-8"};
}

std::string member_list_json(const std::vector<std::string>& statuses, const std::string& leader) {
    std::vector<std::pair<std::string, json>> members;
    for (const auto& text : statuses) {
        auto status = parse_bounded_json<json>(text);
        if (status.is_discarded() || !status.is_object()) continue;
        std::string name;
        if (status.contains("options") && status["options"].is_object())
            name = status["options"].value("Name", "");
        if (!leader.empty() && status.contains("etcd") && status["etcd"].is_object() &&
            status["etcd"].contains("id") &&
            (status["etcd"].value("state", "") == "Leader" ||
             status["etcd"].value("state", "") == "Follower"))
            status["etcd"]["state"] = status["etcd"]["id"] == leader ? "Leader" : "Follower";
        members.emplace_back(std::move(name), std::move(status));
    }
    std::stable_sort(members.begin(), members.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    json list = json::array();
    for (auto& [name, status] : members) list.push_back(std::move(status));
    return list.dump();
}

api_response admin_routes::member_list() const {
    std::optional<std::int64_t> version;
    if (backend_.statuses_version) version = backend_.statuses_version();
    const std::string leader = backend_.leader_id();
    std::lock_guard lock(rendered_->mutex);
    if (version && rendered_->version == version && rendered_->leader == leader)
        return {200, rendered_->json, ""};
    const auto statuses = backend_.member_statuses();
    if (!statuses) {
        const std::string waiting = backend_.waiting_for();
        return error_response(503, waiting.empty() ? "member statuses are not known yet" : waiting);
    }
    rendered_->json = member_list_json(*statuses, leader);
    rendered_->version = version;
    rendered_->leader = leader;
    return {200, rendered_->json, ""};
}

std::string etcd_members_json(const std::vector<etcd_member_entry>& members,
                              const std::string& leader) {
    std::vector<const etcd_member_entry*> sorted;
    for (const auto& m : members) sorted.push_back(&m);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto* a, const auto* b) { return a->name < b->name; });
    json list = json::array();
    for (const auto* m : sorted)
        list.push_back({{"id", m->id},
                        {"name", m->name},
                        {"peerURLs", m->peer_urls},
                        {"clientURLs", m->client_urls},
                        {"isLearner", m->is_learner}});
    return json({{"leader", leader}, {"members", std::move(list)}}).dump();
}

api_response admin_routes::etcd_member_list() const {
    if (!backend_.etcd_members) return error_response(503, "etcd is not available on this member");
    return {200, etcd_members_json(backend_.etcd_members(), backend_.leader_id()),
            "application/json"};
}

bool admin_routes::objects_available() const {
    return backend_.object_specs && backend_.create_object && backend_.update_object &&
           backend_.delete_object;
}

api_response admin_routes::object_list() const {
    const auto specs = backend_.object_specs();
    if (!specs) return error_response(503, "objects are not known yet");
    json list = json::array();  // by name, as the map is
    for (const auto& [spec_name, text] : *specs) {
        auto spec = parse_bounded_json<json>(text);
        if (spec.is_object()) list.push_back(std::move(spec));
    }
    return {200, list.dump(), "application/json"};
}

api_response admin_routes::object_get(const std::string& name) const {
    const auto specs = backend_.object_specs();
    if (!specs) return error_response(503, "objects are not known yet");
    // One object: only its spec is parsed.
    const auto found = specs->find(name);
    if (found == specs->end()) return error_response(404, "not found");
    const auto spec = parse_bounded_json<json>(found->second);
    if (!spec.is_object()) return error_response(404, "not found");
    return {200, spec.dump(), "application/json"};
}

// The object a POST or PUT body carries, or the 4xx answer that refuses it.
std::variant<nlohmann::json, api_response> admin_routes::object_of_body(
    const std::string& body, const std::string* url_name) const {
    std::string why;
    auto spec = parse_object_body(body, why);
    if (!spec) return error_response(400, why);
    if (const auto problem = object_problem(*spec)) return error_response(400, *problem);
    if (url_name != nullptr && spec->value("name", "") != *url_name)
        return error_response(400, "inconsistent name in url and spec ");
    // YAML aliases may make the object larger than the body that carried it.
    if (backend_.max_object_bytes > 0) {
        const auto size = spec->dump().size();
        if (size > backend_.max_object_bytes)
            return error_response(
                413, "the object is " + std::to_string(size) +
                         " bytes once its YAML aliases are expanded, more than the " +
                         std::to_string(backend_.max_object_bytes) + " bytes allowed (" +
                         std::string(max_object_option) + ")");
    }
    return std::move(*spec);
}

// The names of the Pipelines in the store, with `written` when it is one.
std::set<std::string> admin_routes::known_pipelines(const nlohmann::json& written) const {
    std::set<std::string> names;
    if (written.value("kind", "") == "Pipeline") names.insert(written.value("name", ""));
    if (!backend_.object_specs) return names;
    const auto specs = backend_.object_specs();
    if (!specs) return names;
    for (const auto& [name, text] : *specs) {
        const auto spec = parse_bounded_json<json>(text);
        if (!spec.is_discarded() && spec.is_object() && spec.value("kind", "") == "Pipeline")
            names.insert(name);
    }
    return names;
}

api_response admin_routes::write_object(route_id id, const std::string& name,
                                        const std::string& body) const {
    object_write written;
    std::vector<std::string> warnings;
    if (id == route_id::object_delete) {
        written = backend_.delete_object(name);
    } else {
        auto spec = object_of_body(body, id == route_id::object_update ? &name : nullptr);
        if (auto* refusal = std::get_if<api_response>(&spec)) return std::move(*refusal);
        const auto& object = std::get<nlohmann::json>(spec);
        written = id == route_id::object_create ? backend_.create_object(object)
                                                : backend_.update_object(name, object);
        if (written.result == object_write::done)
            warnings = object_warnings(object, known_pipelines(object));
    }
    switch (written.result) {
        case object_write::exists:
            return error_response(409, written.why);
        case object_write::not_found:
            return error_response(404, "not found");
        case object_write::refused:
            return error_response(400, written.why);
        case object_write::done:
            break;
    }
    api_response answer{id == route_id::object_create ? 201 : 200, "", ""};
    // Warnings do not fail the write; they come back with it.
    if (!warnings.empty()) {
        answer.body = json({{"warnings", warnings}}).dump();
        answer.content_type = "application/json";
    }
    answer.config_version = std::to_string(written.version);
    return answer;
}

api_response admin_routes::object_statuses(const std::string& name,
                                           const std::string& target) const {
    if (!backend_.object_statuses || !backend_.object_specs)
        return error_response(503, "objects are not available on this member");
    if (!name.empty()) {
        const auto specs = backend_.object_specs();
        if (!specs) return error_response(503, "objects are not known yet");
        if (!specs->count(name)) return error_response(404, "not found");
    }
    const auto statuses = backend_.object_statuses();
    if (!statuses) return error_response(503, "object statuses are not known yet");
    const std::string ns = query_parameter(target, "namespace");
    json answer = json::object();
    for (const auto& [key, text] : *statuses) {
        // key: <namespace>/<name>/<member>
        const auto first = key.find('/');
        const auto last = key.rfind('/');
        if (first == std::string::npos || first == last) continue;
        if (!name.empty() && key.substr(first + 1, last - first - 1) != name) continue;
        if (!ns.empty() && key.substr(0, first) != ns) continue;
        auto status = parse_bounded_json<json>(text);
        if (!status.is_discarded()) answer[key] = std::move(status);
    }
    return {200, answer.dump(), "application/json"};
}

api_response admin_routes::handle(const std::string& method, const std::string& target,
                                  const std::string& body) const {
    api_response answer = route(method, target, body);
    // Every answer carries the config version, as upstream's (errors and 404s included).
    if (answer.config_version.empty() && backend_.config_version)
        answer.config_version = backend_.config_version();
    return answer;
}

api_response admin_routes::route(const std::string& method, const std::string& target,
                                 const std::string& body) const {
    const auto path = api_path(target);
    if (!path) return page_not_found();
    if (path->empty()) return method == "GET" ? route_list() : api_response{405, "", ""};
    bool known_path = false;
    for (const auto& r : admin_api::routes) {
        std::string name;
        if (!matches(r.path, *path, name)) continue;
        known_path = true;
        if (method != r.method) continue;
        name = percent_decode(name);
        try {
            return serve(r.id, name, target, body);
        } catch (const std::exception& e) {
            if (r.id == route_id::member_purge)
                return error_response(503, "purge member " + name + " failed: " + e.what());
            return error_response(503, e.what());
        }
    }
    return known_path ? api_response{405, "", ""} : page_not_found();
}

// One handler per route of the contract: a route without one does not compile (-Wswitch).
api_response admin_routes::serve(route_id id, const std::string& name, const std::string& target,
                                 const std::string& body) const {
    const bool object_route = id == route_id::object_list || id == route_id::object_get ||
                              id == route_id::object_create || id == route_id::object_update ||
                              id == route_id::object_delete;
    if (object_route && !objects_available())
        return error_response(503, "objects are not available on this member");
    switch (id) {
        case route_id::health:
            return health();
        case route_id::about:
            return about();
        case route_id::member_list:
            return member_list();
        case route_id::member_purge:
            if (!backend_.purge(name)) return error_response(404, "not found");
            return {200, "", ""};
        case route_id::etcd_members:
            return etcd_member_list();
        case route_id::object_kinds:
            return {200, json(object_kinds()).dump(), "application/json"};
        case route_id::object_list:
            return object_list();
        case route_id::object_get:
            return object_get(name);
        case route_id::object_create:
        case route_id::object_update:
        case route_id::object_delete:
            return write_object(id, name, body);
        case route_id::object_status_list:
        case route_id::object_status_get:
            return object_statuses(name, target);
    }
    return page_not_found();
}

api_response admin_routes::health() const {
    const std::string waiting = backend_.waiting_for();
    if (!waiting.empty()) return error_response(503, waiting);
    if (backend_.health_problem)
        if (const std::string problem = backend_.health_problem(); !problem.empty())
            return error_response(503, problem);
    return {200, "", ""};
}

}  // namespace eg::server
