#pragma once
// The member commands and `health`, as upstream egctl runs them: `get member [name]` (table),
// `describe member [name]`, `delete member <name>...` (purge) and `health`. Each takes the
// request function, so it runs the same against a server or a test's canned answers.

#include "tools/egctl/describe_format.hpp"
#include "tools/egctl/json_output.hpp"
#include "tools/egctl/member_table.hpp"
#include "tools/egctl/outcome.hpp"
#include "tools/egctl/server_url.hpp"
#include "tools/egctl/yaml_documents.hpp"

#include <nlohmann/json.hpp>

#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace eg::ctl {

// Sends METHOD to an /apis/v2 path, with a JSON body when `body` is not empty; the body of a
// successful answer, or the error (transport, rc file, or "<code>: <message>").
using request_function = std::function<outcome<std::string>(
    std::string_view method, std::string_view path, std::string_view body)>;

inline constexpr std::string_view member_kind = "Member";

// "member", "Member" and the aliases m, mem, members.
inline bool is_member_resource(std::string_view word) {
    return word == "member" || word == "Member" || word == "m" || word == "mem" ||
           word == "members";
}

// The resource kind a command word names, or upstream's "unknown resource: <word>".
inline outcome<std::string> resource_kind(std::string_view word) {
    if (is_member_resource(word)) return std::string(member_kind);
    return outcome<std::string>::failure("unknown resource: " + std::string(word));
}

namespace member_detail {

// The statuses in a members body: a JSON array of objects (null items are skipped).
inline outcome<nlohmann::ordered_json> parse_statuses(std::string_view body) {
    using result = outcome<nlohmann::ordered_json>;
    nlohmann::ordered_json parsed;
    try {
        parsed = nlohmann::ordered_json::parse(body);
    } catch (const nlohmann::json::parse_error& e) {
        return result::failure(e.what());
    }
    if (!parsed.is_array())
        return result::failure("json: cannot unmarshal " + yaml_json_detail::go_json_type(parsed) +
                               " into Go value of type []*cluster.MemberStatus");
    nlohmann::ordered_json statuses = nlohmann::ordered_json::array();
    for (const auto& item : parsed) {
        if (item.is_null()) continue;
        if (!item.is_object())
            return result::failure("json: cannot unmarshal " +
                                   yaml_json_detail::go_json_type(item) +
                                   " into Go value of type cluster.MemberStatus");
        statuses.push_back(item);
    }
    return statuses;
}

inline std::string member_name(const nlohmann::ordered_json& status) {
    const auto options = status.find("options");
    if (options == status.end() || !options->is_object()) return {};
    const auto name = options->find("Name");
    return name != options->end() && name->is_string() ? name->get<std::string>() : std::string();
}

// "get all Member" or "get Member <name>".
inline std::string subject(const std::optional<std::string>& name) {
    return name ? std::string(member_kind) + " " + *name : "all " + std::string(member_kind);
}

// The statuses to show: all, or the one named (an error when there is none).
inline outcome<nlohmann::ordered_json> select(const nlohmann::ordered_json& statuses,
                                              const std::optional<std::string>& name) {
    if (!name) return statuses;
    for (const auto& status : statuses)
        if (member_name(status) == *name) return nlohmann::ordered_json::array({status});
    return outcome<nlohmann::ordered_json>::failure("member " + *name + " not found");
}

}  // namespace member_detail

namespace member_detail {

// The statuses `get` and `describe` show: GET them, then either a finished result (the raw
// `-o json|yaml` output, or a failure worded "<action> <subject> failed, …") or the selected
// statuses for the command to render.
inline std::variant<command_result, nlohmann::ordered_json> fetch_shown(
    const request_function& request, const std::optional<std::string>& name, output_format format,
    const std::string& action) {
    const auto failed = [&](const std::string& why) {
        return command_result{{}, action + " " + subject(name) + " failed, " + why};
    };
    const auto body = request("GET", members_path, {});
    if (!body) return failed(body.error());
    if (format != output_format::standard) {
        auto text = format_body(*body, format);
        if (!text) return command_result{{}, text.error()};
        return command_result{*text, std::nullopt};
    }
    const auto statuses = parse_statuses(*body);
    if (!statuses) {
        if (action == "describe")
            return command_result{{}, "get members failed: " + statuses.error()};
        return failed(statuses.error());
    }
    auto shown = select(*statuses, name);
    if (!shown) return failed(shown.error());
    return std::move(*shown);
}

}  // namespace member_detail

// `egctl get member [name]`.
inline command_result get_member(const request_function& request,
                                 const std::optional<std::string>& name, output_format format,
                                 clock::time_point now) {
    auto shown = member_detail::fetch_shown(request, name, format, "get");
    if (auto* done = std::get_if<command_result>(&shown)) return std::move(*done);
    try {
        return {member_table(nlohmann::json::parse(std::get<nlohmann::ordered_json>(shown).dump()),
                             now),
                std::nullopt};
    } catch (const std::exception& e) {  // a malformed field the table cannot read
        return {
            {},
            "get " + member_detail::subject(name) + " failed, invalid member status: " + e.what()};
    }
}

// `egctl describe member [name]`.
inline command_result describe_member(const request_function& request,
                                      const std::optional<std::string>& name,
                                      output_format format) {
    auto shown = member_detail::fetch_shown(request, name, format, "describe");
    if (auto* done = std::get_if<command_result>(&shown)) return std::move(*done);
    return {describe_members(std::get<nlohmann::ordered_json>(shown)), std::nullopt};
}

// `egctl delete member <name>...`: purges each member in turn; stops at the first failure.
inline command_result delete_members(const request_function& request,
                                     const std::vector<std::string>& names) {
    command_result result;
    for (const auto& name : names) {
        const auto subject = std::string(member_kind) + " " + name;
        const auto body = request("DELETE", member_path(name), {});
        if (!body) {
            result.error = "purge " + subject + " failed, " + body.error();
            return result;
        }
        result.out += "purge " + subject + " successfully\n";
    }
    return result;
}

// `egctl health`: "OK" when the server answers 200; the server's error otherwise.
inline command_result health(const request_function& request, output_format format) {
    const auto body = request("GET", health_path, {});
    if (!body) return {{}, body.error()};
    if (format == output_format::standard) return {"OK\n", std::nullopt};
    auto text = format_body(R"({"message": "OK"})", format);
    if (!text) return {{}, text.error()};
    return {*text, std::nullopt};
}

}  // namespace eg::ctl
