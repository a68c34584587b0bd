#pragma once
// The object commands, as upstream egctl runs them against the admin API: `create -f`,
// `apply -f`, `get <kind> [name]`, `get all`, `describe <kind> [name]` and
// `delete <kind> <name>...|--all`. A kind is named by any spelling of one of the server's
// object kinds (GET /apis/v2/object-kinds), in any case, optionally with a trailing "s". Like
// the member commands, each takes the request function, so it runs the same against a server or
// a test's canned answers.

#include "tools/egctl/describe_format.hpp"
#include "tools/egctl/json_output.hpp"
#include "tools/egctl/member_commands.hpp"
#include "tools/egctl/member_table.hpp"
#include "tools/egctl/outcome.hpp"
#include "tools/egctl/server_url.hpp"
#include "tools/egctl/table_format.hpp"
#include "tools/egctl/yaml_documents.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eg::ctl {

namespace object_detail {

using json = nlohmann::ordered_json;

inline std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

inline outcome<json> parse_json(std::string_view body) {
    try {
        return json::parse(body);
    } catch (const nlohmann::json::parse_error& e) {
        return outcome<json>::failure(e.what());
    }
}

inline std::string unmarshal_error(const json& value, std::string_view go_type) {
    return "json: cannot unmarshal " + yaml_json_detail::go_json_type(value) +
           " into Go value of type " + std::string(go_type);
}

// A string field of a spec ("" when absent or not a string).
inline std::string field(const json& spec, std::string_view key) {
    const auto it = spec.find(std::string(key));
    return it != spec.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The specs of a GET /objects body: a JSON array of objects (null items are skipped).
inline outcome<json> parse_spec_list(std::string_view body) {
    auto parsed = parse_json(body);
    if (!parsed) return parsed;
    if (!parsed->is_array())
        return outcome<json>::failure(unmarshal_error(*parsed, "[]*supervisor.MetaSpec"));
    json specs = json::array();
    for (auto& item : *parsed) {
        if (item.is_null()) continue;
        if (!item.is_object())
            return outcome<json>::failure(unmarshal_error(item, "supervisor.MetaSpec"));
        specs.push_back(std::move(item));
    }
    return specs;
}

// The spec of a GET /objects/{name} body: a JSON object.
inline outcome<json> parse_spec(std::string_view body) {
    auto parsed = parse_json(body);
    if (!parsed) return parsed;
    if (!parsed->is_object())
        return outcome<json>::failure(unmarshal_error(*parsed, "supervisor.MetaSpec"));
    return parsed;
}

inline void sort_by_name(json& specs) {
    std::stable_sort(specs.begin(), specs.end(), [](const json& a, const json& b) {
        return field(a, "name") < field(b, "name");
    });
}

// "get all HTTPServer" or "get HTTPServer demo" (after the action).
inline std::string subject(const std::string& kind, const std::optional<std::string>& name) {
    return name ? kind + " " + *name : "all " + kind;
}

// The specs as upstream re-encodes them for `-o json|yaml` (keys sorted, compact).
inline std::string reencoded(const json& specs) {
    return nlohmann::json::parse(
               specs.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

struct fetched_specs {
    std::string body;  // as the server sent it
    json specs;        // those of the kind, sorted by name
};

// The specs of a kind (GET /objects), or the one named (GET /objects/{name}; an error when it
// is of another kind).
inline outcome<fetched_specs> fetch_specs(const request_function& request, const std::string& kind,
                                          const std::optional<std::string>& name) {
    using result = outcome<fetched_specs>;
    const auto body = request("GET", name ? object_path(*name) : std::string(objects_path), {});
    if (!body) return result::failure(body.error());
    fetched_specs fetched{*body, json::array()};
    if (name) {
        auto spec = parse_spec(*body);
        if (!spec) return result::failure(spec.error());
        if (field(*spec, "kind") != kind) return result::failure("no such " + kind + " " + *name);
        fetched.specs.push_back(std::move(*spec));
        return fetched;
    }
    auto specs = parse_spec_list(*body);
    if (!specs) return result::failure(specs.error());
    for (auto& spec : *specs)
        if (field(spec, "kind") == kind) fetched.specs.push_back(std::move(spec));
    sort_by_name(fetched.specs);
    return fetched;
}

// The statuses of GET /status/objects ({"<namespace>/<name>/<member>": status}) of the objects
// users create (namespace "default", or upstream's "eg-traffic-default"), by object name: the
// array upstream's describe shows as AllStatus, [{"Node": member, "Status": status}], by member.
inline outcome<std::map<std::string, json>> parse_statuses(std::string_view body) {
    using result = outcome<std::map<std::string, json>>;
    const auto parsed = parse_json(body);
    if (!parsed) return result::failure(parsed.error());
    if (!parsed->is_object())
        return result::failure(unmarshal_error(*parsed, "map[string]interface {}"));
    std::map<std::string, std::map<std::string, json>> by_object;
    for (const auto& [key, value] : parsed->items()) {
        const auto first = key.find('/');
        const auto second = first == std::string::npos ? first : key.find('/', first + 1);
        if (second == std::string::npos || key.find('/', second + 1) != std::string::npos)
            return result::failure("invalid status key");
        const std::string ns = key.substr(0, first);
        if (ns != "default" && ns != "eg-traffic-default") continue;
        // Upstream's members report {"spec": ..., "status": ...}; a bare status is taken as is.
        bool wrapped = value.is_object() && value.contains("status");
        if (wrapped)
            for (const auto& item : value.items())
                if (item.key() != "spec" && item.key() != "status") wrapped = false;
        json status = wrapped ? value.at("status") : value;
        by_object[key.substr(first + 1, second - first - 1)][key.substr(second + 1)] =
            std::move(status);
    }
    std::map<std::string, json> statuses;
    for (auto& [object, members] : by_object) {
        json all = json::array();
        for (auto& [member, status] : members)
            all.push_back(json{{"Node", member}, {"Status", std::move(status)}});
        statuses[object] = std::move(all);
    }
    return statuses;
}

}  // namespace object_detail

// The object kinds the server knows (GET /apis/v2/object-kinds: a JSON array of names).
inline outcome<std::vector<std::string>> object_kinds(const request_function& request) {
    using result = outcome<std::vector<std::string>>;
    const auto body = request("GET", object_kinds_path, {});
    if (!body) return result::failure(body.error());
    const auto parsed = object_detail::parse_json(*body);
    if (!parsed) return result::failure(parsed.error());
    if (!parsed->is_array())
        return result::failure(object_detail::unmarshal_error(*parsed, "[]string"));
    std::vector<std::string> kinds;
    for (const auto& kind : *parsed) {
        if (!kind.is_string())
            return result::failure(object_detail::unmarshal_error(kind, "string"));
        kinds.push_back(kind.get<std::string>());
    }
    return kinds;
}

// The kind a word names: a kind spelled in any case, alone or followed by "s" ("httpserver",
// "HTTPServers" for HTTPServer).
inline std::optional<std::string> match_object_kind(const std::vector<std::string>& kinds,
                                                    std::string_view word) {
    const std::string wanted = object_detail::lower(word);
    for (const auto& kind : kinds) {
        const std::string k = object_detail::lower(kind);
        if (wanted == k || wanted == k + "s") return kind;
    }
    return std::nullopt;
}

// The resource a command word names: Member for the member aliases (asked first, without the
// server), else an object kind the server knows; upstream's "unknown resource: <word>", or the
// error of the kinds request.
inline outcome<std::string> resolve_resource(const request_function& request,
                                             std::string_view word) {
    if (is_member_resource(word)) return std::string(member_kind);
    const auto kinds = object_kinds(request);
    if (!kinds) return outcome<std::string>::failure(kinds.error());
    if (auto kind = match_object_kind(*kinds, word)) return std::move(*kind);
    return outcome<std::string>::failure("unknown resource: " + std::string(word));
}

// `egctl get <kind>`: the table NAME KIND AGE of specs, sorted by name; AGE is the time since
// the spec's createdAt (RFC 3339), or "unknown".
inline std::string object_table(const nlohmann::ordered_json& specs, clock::time_point now) {
    using object_detail::field;
    std::vector<std::pair<std::string, table_row>> rows;
    for (const auto& spec : specs) {
        std::string age = "unknown";
        if (const auto created = parse_rfc3339(field(spec, "createdAt")))
            age = human_duration(std::chrono::duration<double>(now - *created).count());
        rows.push_back({field(spec, "name"), {field(spec, "name"), field(spec, "kind"), age}});
    }
    std::stable_sort(rows.begin(), rows.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<table_row> table = {{"NAME", "KIND", "AGE"}};
    for (auto& row : rows) table.push_back(std::move(row.second));
    return tab_table(table);
}

// `egctl get <kind> [name]`. `-o json|yaml` prints the object as the server sent it, or the
// objects of the kind re-encoded (keys sorted).
inline command_result get_objects(const request_function& request, const std::string& kind,
                                  const std::optional<std::string>& name, output_format format,
                                  clock::time_point now) {
    const auto failed = [&](const std::string& why) {
        return command_result{{}, "get " + object_detail::subject(kind, name) + " failed, " + why};
    };
    const auto fetched = object_detail::fetch_specs(request, kind, name);
    if (!fetched) return failed(fetched.error());
    if (format != output_format::standard) {
        auto text =
            format_body(name ? fetched->body : object_detail::reencoded(fetched->specs), format);
        if (!text) return {{}, text.error()};
        return {*text, std::nullopt};
    }
    return {object_table(fetched->specs, now), std::nullopt};
}

// `egctl describe <kind> [name]`: each spec as upstream prints it (name, kind, version; flow;
// filters; rules; the other keys sorted; then AllStatus, the status each member reports), values
// in 2-space YAML. `-o json|yaml` prints the specs with their allStatus.
inline command_result describe_objects(const request_function& request, const std::string& kind,
                                       const std::optional<std::string>& name,
                                       output_format format) {
    const auto failed = [&](const std::string& why) {
        return command_result{{},
                              "describe " + object_detail::subject(kind, name) + " failed, " + why};
    };
    auto fetched = object_detail::fetch_specs(request, kind, name);
    if (!fetched) return failed(fetched.error());
    auto status_body = request("GET", object_statuses_path, {});
    // A server that keeps no per-member object statuses: every AllStatus is null.
    if (!status_body && (status_body.error().starts_with("404: ") ||
                         status_body.error().find("404 page not found") != std::string::npos))
        status_body = std::string("{}");
    if (!status_body) return failed(status_body.error());
    const auto statuses = object_detail::parse_statuses(*status_body);
    if (!statuses) return failed(statuses.error());
    std::vector<nlohmann::ordered_json> specs;
    for (auto& spec : fetched->specs) {
        const auto it = statuses->find(object_detail::field(spec, "name"));
        spec["allStatus"] = it != statuses->end() ? it->second : nlohmann::ordered_json();
        specs.push_back(spec);
    }
    if (format != output_format::standard) {
        auto text = format_body(object_detail::reencoded(fetched->specs), format);
        if (!text) return {{}, text.error()};
        return {*text, std::nullopt};
    }
    return {describe_maps(specs,
                          {"name", "kind", "version", "", "flow", "", "filters", "", "rules", ""},
                          {"allStatus"}),
            std::nullopt};
}

// `egctl delete <kind> <name>...` and `egctl delete <kind> --all`: the objects of the kind
// (GET /objects), then DELETE /objects/{name} for each named (or each of the kind, by name), in
// turn; stops at the first name not of the kind or the first failure.
inline command_result delete_objects(const request_function& request, const std::string& kind,
                                     const std::vector<std::string>& names, bool all) {
    std::string subject = "all " + kind;
    if (!all) {
        subject = kind + " ";
        for (std::size_t i = 0; i < names.size(); ++i) subject += (i ? ", " : "") + names[i];
    }
    command_result result;
    const auto failed = [&](const std::string& why) {
        result.error = "delete " + subject + " failed, " + why;
        return result;
    };
    const auto body = request("GET", objects_path, {});
    if (!body) return failed(body.error());
    const auto specs = object_detail::parse_spec_list(*body);
    if (!specs) return failed(specs.error());
    std::vector<std::string> of_kind;
    for (const auto& spec : *specs)
        if (object_detail::field(spec, "kind") == kind)
            of_kind.push_back(object_detail::field(spec, "name"));
    std::sort(of_kind.begin(), of_kind.end());
    const std::set<std::string> known(of_kind.begin(), of_kind.end());
    for (const auto& name : all ? of_kind : names) {
        if (known.count(name) == 0) return failed("no such " + kind + " " + name);
        const auto deleted = request("DELETE", object_path(name), {});
        if (!deleted) return failed(deleted.error());
        result.out += "delete " + kind + " " + name + " successfully\n";
    }
    return result;
}

// `egctl create -f FILE`: POST /objects with each document of the file as JSON, in turn; stops
// at the first failure. The file is read whole first: a document that is not YAML or has no
// kind fails the command before anything is sent.
inline command_result create_objects(const request_function& request, std::string_view yaml_text) {
    const auto specs = read_object_specs(yaml_text);
    if (!specs) return {{}, specs.error()};
    command_result result;
    for (const auto& spec : *specs) {
        const auto subject = spec.kind + " " + spec.name;
        const auto created =
            request("POST", objects_path,
                    spec.json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        if (!created) {
            result.error = "create " + subject + " failed, " + created.error();
            return result;
        }
        result.out += "create " + subject + " successfully\n";
    }
    return result;
}

// Whether a request failed with the server's 404.
inline bool is_not_found(const std::string& error) { return error.starts_with("404: "); }

// `egctl apply -f FILE`: for each document, GET /objects/{name}; when it exists, PUT it
// ("update"), when the server answers 404, POST it ("create"). Any other failure of the GET
// stops the command ("apply <Kind> <name> failed, ..."), as does any failed PUT or POST.
inline command_result apply_objects(const request_function& request, std::string_view yaml_text) {
    const auto specs = read_object_specs(yaml_text);
    if (!specs) return {{}, specs.error()};
    command_result result;
    for (const auto& spec : *specs) {
        const auto subject = spec.kind + " " + spec.name;
        const auto body = spec.json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        bool exists = false;
        if (!spec.name.empty()) {  // without a name, the server's POST says what is wrong
            const auto current = request("GET", object_path(spec.name), {});
            if (!current && !is_not_found(current.error())) {
                result.error = "apply " + subject + " failed, " + current.error();
                return result;
            }
            exists = static_cast<bool>(current);
        }
        const std::string action = exists ? "update" : "create";
        const auto sent = exists ? request("PUT", object_path(spec.name), body)
                                 : request("POST", objects_path, body);
        if (!sent) {
            result.error = action + " " + subject + " failed, " + sent.error();
            return result;
        }
        result.out += action + " " + subject + " successfully\n";
    }
    return result;
}

// `egctl get all`: the table of every object, a blank line, the member table, a blank line
// (with `-o json|yaml`, the two bodies as the server sent them). A part that fails is left out;
// the errors of both parts are joined by newlines.
inline command_result get_all(const request_function& request, output_format format,
                              clock::time_point now) {
    command_result result;
    std::vector<std::string> errors;
    const auto body = request("GET", objects_path, {});
    if (!body) {
        errors.push_back("get resource failed, " + body.error());
    } else if (format != output_format::standard) {
        auto text = format_body(*body, format);
        if (!text)
            errors.push_back(text.error());
        else
            result.out += *text + "\n";
    } else {
        const auto specs = object_detail::parse_spec_list(*body);
        if (!specs)
            errors.push_back("get resource failed, " + specs.error());
        else
            result.out += object_table(*specs, now) + "\n";
    }
    const auto members = get_member(request, std::nullopt, format, now);
    if (members.error) {
        errors.push_back(*members.error);
    } else {
        result.out += members.out + "\n";
    }
    if (!errors.empty()) {
        std::string joined;
        for (std::size_t i = 0; i < errors.size(); ++i) joined += (i ? "\n" : "") + errors[i];
        result.error = joined;
    }
    return result;
}

}  // namespace eg::ctl
