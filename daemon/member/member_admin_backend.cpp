// The admin API's view of a running member: what each route reads and writes.

#include "daemon/member/member_components.hpp"

namespace eg::server {
namespace {

using namespace std::chrono_literals;

// A whole watched prefix as name (key without the prefix) to value; nullopt until synced.
std::optional<std::map<std::string, std::string>> entries_by_name(const etcd::prefix_view& view,
                                                                  std::string_view prefix) {
    if (!view.synced()) return std::nullopt;
    std::map<std::string, std::string> named;
    for (auto& [key, entry] : view.snapshot())
        named.emplace(key.substr(prefix.size()), std::move(entry.value));
    return named;
}

// Why this member cannot serve now, for /healthz; empty when it can.
std::string health_problem(const member_components& parts, const startup_state& state) {
    // The supervisor knows first when this primary's etcd is down; the probes see an etcd
    // that runs but does not answer, or every endpoint unreachable.
    if (parts.own_etcd && state.etcd_handed_over()) return {};
    if (parts.own_etcd)
        if (std::string down = parts.own_etcd->down_reason(); !down.empty()) return down;
    return parts.member.etcd_problem();
}

// Object statuses are asked for rarely: read from etcd, not watched (every member's statuses
// change every 5 s).
std::map<std::string, std::string> object_statuses(etcd::kv_store& etcd) {
    std::map<std::string, std::string> statuses;
    for (auto& kv : etcd.get_prefix(object_statuses_prefix).kvs)
        statuses.emplace(kv.key.substr(object_statuses_prefix.size()), std::move(kv.value));
    return statuses;
}

std::string config_version(const etcd::prefix_view& version_view) {
    const auto entries = version_view.snapshot();
    const auto found = entries.find(std::string(config_version_key));
    return found == entries.end() ? std::string("0") : found->second.value;
}

void require_ready(const startup_state& state) {
    if (!state.ready()) throw std::runtime_error(state.waiting_for());
}

// Read your writes: this member's view has the change before the answer.
object_write visible(member_components& parts, object_write written) {
    if (written.result == object_write::done)
        parts.objects_view.wait_for_revision(written.revision, 2s);
    return written;
}

}  // namespace

admin_backend member_admin_backend(member_components& parts, const startup_state& state,
                                   std::size_t max_object_bytes) {
    member_components* p = &parts;
    const startup_state* s = &state;
    return admin_backend{
        .waiting_for = [s] { return s->waiting_for(); },
        .health_problem = [p, s] { return health_problem(*p, *s); },
        .member_statuses = [p]() -> std::optional<std::vector<std::string>> {
            const auto statuses = entries_by_name(p->members_view, members_prefix);
            if (!statuses) return std::nullopt;
            std::vector<std::string> documents;
            for (const auto& [name, document] : *statuses) documents.push_back(document);
            return documents;
        },
        .leader_id = [p] { return p->member.leader_id(); },
        .statuses_version = [p] { return p->members_view.revision(); },
        .purge =
            [p, s](const std::string& name) {
                require_ready(*s);
                return p->member.purge(name) == purge_result::purged;
            },
        .etcd_members =
            [p, s] {
                require_ready(*s);
                std::vector<etcd_member_entry> entries;
                for (const auto& m : p->etcd.members())
                    entries.push_back(
                        {etcd::hex_id(m.id), m.name, m.peer_urls, m.client_urls, m.is_learner});
                return entries;
            },
        .object_specs = [p] { return entries_by_name(p->objects_view, objects_prefix); },
        .object_statuses = [p, s]() -> std::optional<std::map<std::string, std::string>> {
            if (!s->ready()) return std::nullopt;
            return object_statuses(p->etcd);
        },
        .config_version = [p] { return config_version(p->version_view); },
        .max_object_bytes = max_object_bytes,
        .create_object =
            [p, s](const nlohmann::json& spec) {
                require_ready(*s);
                return visible(*p, p->objects.create(spec));
            },
        .update_object =
            [p, s](const std::string& name, const nlohmann::json& spec) {
                require_ready(*s);
                return visible(*p, p->objects.update(name, spec));
            },
        .delete_object =
            [p, s](const std::string& name) {
                require_ready(*s);
                return visible(*p, p->objects.remove(name));
            },
    };
}

}  // namespace eg::server
