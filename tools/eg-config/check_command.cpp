// eg-config check --live: a running cluster, read through one member's admin API, against its
// description (a cluster description or member files), with lint's formats and exit codes.

#include "command.hpp"
#include "findings_io.hpp"
#include "tools/egctl/admin_client.hpp"

#include <eg/admin_api.hpp>
#include <eg/input_limits.hpp>
#include <eg/live_check.hpp>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

namespace eg::tools {

namespace {

using namespace std::chrono_literals;

// A status round of the members is 5 s: a difference of revisions still there after one round
// is a stale view, not an update on its way.
constexpr auto status_round = 6s;

// The JSON of an admin API answer, or why there is none.
ctl::outcome<nlohmann::json> read_json(ctl::admin_client& client, admin_api::route_id route) {
    const auto body = client.request("GET", admin_api::path_of(route));
    if (!body) return ctl::outcome<nlohmann::json>::failure(body.error());
    if (const auto deep = limits::json_nesting_problem(*body))
        return ctl::outcome<nlohmann::json>::failure("the answer is " + *deep);
    auto parsed = nlohmann::json::parse(*body, nullptr, false);
    if (parsed.is_discarded())
        return ctl::outcome<nlohmann::json>::failure("the answer is not JSON");
    return parsed;
}

diag::location server_place(const std::string& server) {
    return diag::flag_location{"--server" + (server.empty() ? "" : "=" + server)};
}

}  // namespace

int check_command(const arguments& args) {
    const auto parsed = parse_arguments({{"live"},
                                         {"server", true},
                                         {"force-tls"},
                                         {"insecure-skip-verify"},
                                         {"format", true},
                                         {"strict"}},
                                        args);
    using problem = parsed_arguments::problem;
    if (parsed.error == problem::missing_value)
        return usage_error("check: " + parsed.where + " needs a value");
    if (parsed.error == problem::unknown_flag)
        return usage_error("check: unknown option '" + parsed.where + "'");
    if (!parsed.values.contains("live"))
        return usage_error(
            "check: give --live (the running cluster against its description); "
            "files alone: eg-config lint");
    const auto format = parsed.value_or("format", "text");
    if (!known_findings_format(format))
        return usage_error("check: unknown format '" + format +
                           "'; use text, json, sarif or github");
    if (parsed.operands.empty())
        return usage_error("check: give the cluster description or the member files");

    diag::diagnostics all;
    const auto files = read_input_files(parsed.operands, all);
    const bool unreadable = !all.empty();
    if (files.empty() && !unreadable)
        return usage_error("check: no *.yaml or *.yml files in the paths given");
    const auto described = lint::read_cluster(files, all);
    const std::string server = parsed.value_or("server", "");
    const auto summary = [&] {
        return std::to_string(described.members.size()) + " member(s) described";
    };
    if (all.has_errors() || described.members.empty()) {
        if (described.members.empty() && !unreadable)
            return usage_error("check: the files describe no member");
        return report_findings(all, format, parsed.values.contains("strict"), unreadable,
                               summary());
    }

    ctl::admin_client client(
        {.server = server,
         .force_tls = parsed.values.contains("force-tls"),
         .insecure_skip_verify = parsed.values.contains("insecure-skip-verify")},
        std::getenv("HOME"));
    const auto place = server_place(server);
    live::cluster_state state;
    const auto members = read_json(client, admin_api::route_id::member_list);
    if (!members || !members->is_array()) {
        all.add(diag::make(
            diag::code("live-unreadable"), "", place,
            "the members cannot be read: " +
                (members ? std::string("the answer is not a list of member statuses")
                         : members.error()),
            "name a member's admin API with --server HOST:PORT (or in ~/.egctlrc); with TLS "
            "or basic auth, give them as for egctl"));
        return report_findings(all, format, parsed.values.contains("strict"), false, summary());
    }
    state.members = *members;
    if (auto etcd = read_json(client, admin_api::route_id::etcd_members); etcd && etcd->is_object())
        state.etcd = *etcd;
    else
        state.etcd_problem = etcd ? "the answer is not an object" : etcd.error();
    state.now = live::clock::now();
    all.append(live::check_cluster(described.members, state, described.place));

    // Stale views: a difference of revisions that outlasts a status round.
    const auto alive = live::alive_members(state);
    auto statuses = read_json(client, admin_api::route_id::object_status_list);
    auto stale = statuses ? live::stale_objects(*statuses, alive) : std::set<live::stale_object>{};
    if (!stale.empty()) {
        std::this_thread::sleep_for(status_round);
        statuses = read_json(client, admin_api::route_id::object_status_list);
        const auto again =
            statuses ? live::stale_objects(*statuses, alive) : std::set<live::stale_object>{};
        std::set<live::stale_object> lasting;
        for (const auto& s : again)
            if (stale.count(s)) lasting.insert(s);
        all.append(live::stale_findings(lasting, place));
    }
    return report_findings(all, format, parsed.values.contains("strict"), false, summary());
}

}  // namespace eg::tools
