#pragma once
// live check: a running cluster against its description, from what the admin API serves:
//  - GET /status/members: every member's published status (eg/member_status.hpp);
//  - GET /status/etcd-members: etcd's membership and leader;
//  - GET /status/objects: the revision of each object every member runs.
// It finds members described but missing or Offline, members running but not described, each
// option that runs differently from its description, etcd members that do not match the
// primaries, learners, the quorum margin, and members whose view of the objects is stale. The
// findings are diagnostics like lint's (EG7xx), located at the description where they can be.
// Reading the cluster is the caller's (eg-config check --live): everything here is pure.

#include <eg/diagnostic_catalogue.hpp>
#include <eg/member_status.hpp>
#include <eg/topology.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace eg::live {

using json = nlohmann::json;
using status::clock;

// What the admin API served, parsed.
struct cluster_state {
    json members = json::array();          // GET /status/members
    std::optional<json> etcd;              // GET /status/etcd-members; nullopt: not served
    std::string etcd_problem;              // why etcd's membership could not be read
    std::optional<json> object_statuses;   // GET /status/objects; nullopt: not served
    clock::time_point now = clock::now();  // when it was read
};

// An object a member runs at an older revision than the newest another member runs.
struct stale_object {
    std::string object;  // "<namespace>/<name>"
    std::string member;
    std::int64_t revision = 0;
    std::int64_t newest = 0;
    bool operator<(const stale_object& o) const {
        return std::tie(object, member) < std::tie(o.object, o.member);
    }
};

namespace detail {

using diag::code;
using topology::member_view;

inline std::string name_of(const member_view& m) { return m.config.get(config::opt::name); }
inline bool is_primary(const member_view& m) {
    return m.config.get(config::opt::cluster_role) == "primary";
}

// A running member's name, as its status publishes it.
inline std::string published_name(const json& status) {
    return status::text_at(status.value("options", json::object()), "Name");
}

// "true", "\"text\"", "[\"a\",\"b\"]": a value as the messages quote it.
inline std::string quoted(const json& value) {
    return value.is_null() ? std::string("(none)")
                           : value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Where the member's value of an option comes from: its place when given, else the member.
inline diag::location place_of(const member_view& m, const config::option_spec& spec) {
    const auto& source = m.config.at(spec).source;
    if (std::holds_alternative<std::monostate>(source.where)) return m.where;
    return source.where;
}

inline void compare_options(const member_view& m, const json& status, diag::diagnostics& out) {
    const auto published = status.value("options", json::object());
    const auto described = status::options_json(m.config);
    const auto name = name_of(m);
    for (const auto* spec : config::all_options) {
        const auto pointer = status::option_pointer(*spec);
        // Flag-only options (config-file) say how a member was started, not what it is.
        if (pointer.empty() || !spec->in_file()) continue;
        const json::json_pointer at(pointer);
        // A member of another version may not publish every option: nothing to compare.
        if (!published.contains(at)) continue;
        const json want = json::parse(described[at].dump());
        const json& have = published[at];
        if (want == have) continue;
        const std::string path(spec->in_file() ? spec->yaml_path : spec->flag);
        out.add(diag::make(code("option-differs"), path, place_of(m, *spec),
                           name + " runs with " + path + " " + quoted(have) +
                               "; its description says " + quoted(want),
                           "regenerate the member's files (eg-config generate) and restart it "
                           "with them, or change the description to what runs"));
    }
}

inline std::map<std::string, const json*> statuses_by_name(const json& members) {
    std::map<std::string, const json*> by_name;
    if (!members.is_array()) return by_name;
    for (const auto& status : members)
        if (status.is_object()) by_name.emplace(published_name(status), &status);
    return by_name;
}

inline std::vector<std::string> strings_at(const json& object, const char* key) {
    std::vector<std::string> out;
    if (!object.is_object() || !object.contains(key) || !object[key].is_array()) return out;
    for (const auto& item : object[key])
        if (item.is_string()) out.push_back(item.get<std::string>());
    return out;
}

inline std::string joined(std::vector<std::string> items) {
    std::sort(items.begin(), items.end());
    std::string text;
    for (const auto& item : items) text += (text.empty() ? "" : ",") + item;
    return text.empty() ? "(none)" : text;
}

inline void check_etcd(const std::vector<member_view>& described, const cluster_state& state,
                       const std::map<std::string, const json*>& running,
                       const diag::location& cluster_place, diag::diagnostics& out) {
    if (!state.etcd) {
        out.add(diag::make(code("live-unreadable"), "", cluster_place,
                           "etcd's membership cannot be read: " + state.etcd_problem,
                           "ask a member of this version, or check its etcd"));
        return;
    }
    const json members = state.etcd->value("members", json::array());
    const std::string leader = status::text_at(*state.etcd, "leader");
    std::map<std::string, const json*> etcd_by_name;
    std::string leader_name;
    int voting = 0;
    int voting_running = 0;
    for (const auto& m : members) {
        if (!m.is_object()) continue;
        const std::string name = status::text_at(m, "name");
        const std::string id = status::text_at(m, "id");
        etcd_by_name.emplace(name, &m);
        if (!leader.empty() && id == leader) leader_name = name.empty() ? id : name;
        const auto found = running.find(name);
        if (name.empty() || found == running.end()) {
            out.add(diag::make(
                code("etcd-member-unknown"), name, cluster_place,
                "etcd member " + (name.empty() ? id + " (never started)" : name + " (" + id + ")") +
                    " with peer URLs " + joined(strings_at(m, "peerURLs")) +
                    " has no running member",
                "start the primary it was added for with state-flag: existing, or remove it "
                "from etcd (egctl delete member NAME for a member that is gone)"));
        }
        if (m.value("isLearner", false)) {
            out.add(diag::make(code("etcd-learner"), name, cluster_place,
                               "etcd member " + name + " is a learner: it does not vote yet",
                               "wait for it to catch up and be promoted before the next step"));
            continue;
        }
        ++voting;
        if (found != running.end() && status::state_of(*found->second, state.now) != "Offline")
            ++voting_running;
    }
    for (const auto& m : described) {
        if (!is_primary(m)) continue;
        const auto name = name_of(m);
        const auto in_etcd = etcd_by_name.find(name);
        if (in_etcd == etcd_by_name.end()) {
            if (running.count(name))
                out.add(diag::make(code("primary-not-in-etcd"), name, m.where,
                                   "primary " + name + " runs but is not a member of etcd",
                                   "it was removed from etcd: stop it, wipe its data directory "
                                   "and add it again with state-flag: existing"));
            continue;
        }
        const auto want = config::opt::initial_advertise_peer_urls;
        const auto described_urls = m.config.get(want);
        const auto etcd_urls = strings_at(*in_etcd->second, "peerURLs");
        if (joined(etcd_urls) != joined(described_urls))
            out.add(diag::make(code("etcd-peer-urls-differ"), std::string(want.spec.yaml_path),
                               place_of(m, want.spec),
                               "etcd knows " + name + " by peer URLs " + joined(etcd_urls) +
                                   "; its description advertises " + joined(described_urls),
                               "change the peer URLs one member at a time (etcdctl member "
                               "update), or the description to what runs"));
    }
    const int quorum = voting / 2 + 1;
    const std::string counts = std::to_string(voting) + " voting member(s), " +
                               std::to_string(voting_running) + " running";
    if (leader_name.empty() || voting_running < quorum) {
        out.add(diag::make(code("quorum-lost"), "", cluster_place,
                           counts + (leader_name.empty() ? ", no leader" : "") + ": quorum is " +
                               std::to_string(quorum) + "; writes fail",
                           "start the Offline primaries; do not change membership until a "
                           "leader is back"));
        return;
    }
    const int may_fail = voting_running - quorum;
    const std::string margin = counts + ", leader " + leader_name + ", quorum " +
                               std::to_string(quorum) + ": " + std::to_string(may_fail) +
                               " may fail";
    if (may_fail == 0)
        out.add(diag::make(code("quorum-at-risk"), "", cluster_place, margin,
                           "start the Offline primaries, or grow the cluster by two primaries, "
                           "before maintenance"));
    else
        out.add(diag::make(code("quorum-margin"), "", cluster_place, margin));
}

}  // namespace detail

// Objects that a member runs at an older revision than another member, among the members
// named in `alive` (the statuses of a member that is gone stay until its lease expires).
// `statuses`: GET /status/objects, "<namespace>/<name>/<member>" to {"revision", ...}.
inline std::set<stale_object> stale_objects(const json& statuses,
                                            const std::set<std::string>& alive) {
    std::map<std::string, std::map<std::string, std::int64_t>> revisions;  // object, member
    if (statuses.is_object())
        for (const auto& [key, status] : statuses.items()) {
            const auto last = key.rfind('/');
            if (last == std::string::npos || !status.is_object()) continue;
            const auto member = key.substr(last + 1);
            const auto revision = status.find("revision");
            if (!alive.count(member) || revision == status.end() || !revision->is_number_integer())
                continue;
            revisions[key.substr(0, last)][member] = revision->get<std::int64_t>();
        }
    std::set<stale_object> stale;
    for (const auto& [object, by_member] : revisions) {
        std::int64_t newest = 0;
        for (const auto& [member, revision] : by_member) newest = std::max(newest, revision);
        for (const auto& [member, revision] : by_member)
            if (revision < newest) stale.insert({object, member, revision, newest});
    }
    return stale;
}

// The members of the running cluster that are not Offline.
inline std::set<std::string> alive_members(const cluster_state& state) {
    std::set<std::string> alive;
    for (const auto& [name, status] : detail::statuses_by_name(state.members))
        if (status::state_of(*status, state.now) != "Offline") alive.insert(name);
    return alive;
}

// The findings of one member's stale objects (what stayed stale over two reads).
inline diag::diagnostics stale_findings(const std::set<stale_object>& stale,
                                        const diag::location& cluster_place) {
    diag::diagnostics out;
    for (const auto& s : stale)
        out.add(diag::make(diag::code("stale-view"), s.member, cluster_place,
                           s.member + " runs " + s.object + " at revision " +
                               std::to_string(s.revision) + "; other members run revision " +
                               std::to_string(s.newest),
                           "look at its log for watch errors; restarting it reloads its view"));
    return out;
}

// The running cluster against the described members. `cluster_place`: where findings about the
// cluster as a whole point (the description, or the first member file).
inline diag::diagnostics check_cluster(const std::vector<topology::member_view>& described,
                                       const cluster_state& state,
                                       const diag::location& cluster_place) {
    using diag::code;
    diag::diagnostics out;
    const auto running = detail::statuses_by_name(state.members);
    std::set<std::string> described_names;
    for (const auto& m : described) {
        const auto name = detail::name_of(m);
        described_names.insert(name);
        const auto found = running.find(name);
        if (found == running.end()) {
            out.add(diag::make(code("member-missing"), name, m.where,
                               name + " is described but no running member has that name",
                               "start it with its generated files (eg-config generate); a "
                               "primary that joins a running cluster needs state-flag: "
                               "existing"));
            continue;
        }
        if (status::state_of(*found->second, state.now) == "Offline") {
            const auto heartbeat = status::last_heartbeat(*found->second);
            out.add(diag::make(
                code("member-offline"), name, m.where,
                name + " is Offline (last heartbeat " +
                    status::text_at(*found->second, "lastHeartbeatTime") +
                    (heartbeat
                         ? ", " +
                               std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                                  state.now - *heartbeat)
                                                  .count()) +
                               " s ago)"
                         : ")"),
                "start it again (systemctl start easegress-server), or purge it when it is gone "
                "for good (egctl delete member " +
                    name + ")"));
            continue;
        }
        detail::compare_options(m, *found->second, out);
    }
    for (const auto& [name, status] : running) {
        if (described_names.count(name)) continue;
        const auto role = status::text_at(status->value("options", json::object()), "ClusterRole");
        const auto state_text = status::state_of(*status, state.now);
        out.add(diag::make(code("member-not-described"), name, cluster_place,
                           role + " " + name + (state_text.empty() ? "" : " (" + state_text + ")") +
                               " runs but is not described",
                           "add it to the description, or purge it when it is gone for good "
                           "(egctl delete member " +
                               name + ")"));
    }
    detail::check_etcd(described, state, running, cluster_place, out);
    return out;
}

}  // namespace eg::live
