#include "daemon/objects/object_store.hpp"

#include "daemon/cluster/time_text.hpp"

#include <chrono>
#include <thread>

namespace eg::server {

namespace {

using json = nlohmann::json;
constexpr int attempts = 20;

std::string key_of(const std::string& name) { return std::string(objects_prefix) + name; }

}  // namespace

json with_created_at(const json& spec, const std::string& created_at) {
    json stored = spec;
    if (!created_at.empty() && !stored.contains("createdAt")) stored["createdAt"] = created_at;
    return stored;
}

object_store::stored_state object_store::read(const std::string& name, bool local,
                                              time_point deadline) {
    // Both keys in one round trip: a transaction of two reads.
    auto read_of = [local](const std::string& key) {
        return json{{"request_range", {{"key", etcd::base64(key)}, {"serializable", local}}}};
    };
    const json body = {{"success", json::array({read_of(key_of(name)),
                                                read_of(std::string(config_version_key))})}};
    const auto answer = etcd_.txn(body, etcd::kv_store::repeat::safe, deadline);
    const auto responses = answer.value("responses", json::array());
    auto first_kv = [&](std::size_t i) -> std::optional<etcd::key_value> {
        if (i >= responses.size()) return std::nullopt;
        const auto range = responses[i].value("response_range", json::object());
        const auto kvs = range.value("kvs", json::array());
        if (kvs.empty()) return std::nullopt;
        return etcd::key_value_from(kvs.front());
    };
    stored_state state;
    state.object = first_kv(0);
    if (const auto version = first_kv(1)) {
        state.version_revision = version->mod_revision;
        try {
            state.version = std::stoll(version->value);
        } catch (const std::exception&) {
            state.version = 0;
        }
    }
    return state;
}

std::optional<object_write> object_store::swap(const std::string& name, const stored_state& state,
                                               const std::string* spec, time_point deadline) {
    const std::int64_t expected = state.object ? state.object->mod_revision : 0;
    const std::string next = std::to_string(state.version + 1);
    const std::string key = key_of(name);
    json change =
        spec != nullptr
            ? json{{"request_put", {{"key", etcd::base64(key)}, {"value", etcd::base64(*spec)}}}}
            : json{{"request_delete_range", {{"key", etcd::base64(key)}}}};
    const json body = {
        {"compare", json::array({{{"key", etcd::base64(key)},
                                  {"target", "MOD"},
                                  {"result", "EQUAL"},
                                  {"mod_revision", std::to_string(expected)}},
                                 {{"key", etcd::base64(std::string(config_version_key))},
                                  {"target", "MOD"},
                                  {"result", "EQUAL"},
                                  {"mod_revision", std::to_string(state.version_revision)}}})},
        {"success", json::array({change,
                                 {{"request_put",
                                   {{"key", etcd::base64(std::string(config_version_key))},
                                    {"value", etcd::base64(next)}}}}})}};
    const auto answer = etcd_.txn(body, etcd::kv_store::repeat::unsafe, deadline);
    if (!answer.value("succeeded", false)) return std::nullopt;
    object_write written;
    written.version = state.version + 1;
    written.revision = etcd::as_i64(answer.value("header", json::object()), "revision");
    return written;
}

std::optional<object_write> object_store::settle(const std::string& name,
                                                 const unsure_change& unsure,
                                                 const stored_state& now, bool& open,
                                                 time_point deadline) {
    open = now.version_revision == unsure.version_revision;
    if (open) return std::nullopt;  // nothing changed since: it did not apply (yet)
    // The first change of the config version after the state the change compared with: the
    // only transaction that could have been this change.
    std::int64_t first = now.version_revision;
    try {
        if (now.version != unsure.version + 1) {
            std::int64_t low = unsure.version_revision + 1;
            std::int64_t high = now.version_revision;
            while (low < high) {
                const std::int64_t middle = low + (high - low) / 2;
                const auto version = etcd_.get_at(config_version_key, middle, deadline);
                if (version && version->mod_revision > unsure.version_revision)
                    high = middle;
                else
                    low = middle + 1;
            }
            first = low;
        }
        const auto object = etcd_.get_at(key_of(name), first, deadline);
        const bool applied =
            unsure.spec ? object && object->mod_revision == first && object->value == *unsure.spec
                        : !object;
        if (!applied) return std::nullopt;
    } catch (const etcd::error& e) {
        if (e.unavailable()) throw;
        throw etcd::error(
            std::string("cannot tell whether the change of ") + name + " was applied: " + e.what(),
            503);
    }
    object_write written;
    written.version = unsure.version + 1;
    written.revision = first;
    return written;
}

// Each change first reads what the local etcd member has (no round trip to the leader): the
// compare-and-swap catches a stale read, and an answer that depends on the read (exists, not
// found, different kinds) is confirmed by a linearizable read first.
object_write object_store::change(const std::string& name, const planner& decide) {
    const auto deadline = std::chrono::steady_clock::now() + etcd_.timeout();
    std::optional<unsure_change> unsure;
    bool local = true;
    int attempt = 0;
    std::string trouble = "etcd did not answer in time";
    while (true) {
        if (std::chrono::steady_clock::now() >= deadline) {
            if (unsure)
                throw etcd::error("the change of " + name +
                                      " was sent but not answered, and whether it applied "
                                      "could not be read back in time: " +
                                      trouble,
                                  503);
            throw etcd::error(trouble, 503);
        }
        // (Not while a change is unsure: it may have applied, and is settled first.)
        if (attempt >= attempts && !unsure)
            return {object_write::refused, 0, "too many concurrent changes; try again"};
        stored_state state;
        try {
            state = read(name, local && !unsure, deadline);
            if (unsure) {
                bool open = false;
                if (auto written = settle(name, *unsure, state, open, deadline)) return *written;
                if (!open) unsure.reset();
            }
        } catch (const etcd::error& e) {
            if (!e.unavailable()) throw;
            trouble = e.what();
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            continue;
        }
        const bool confirmed = !local || unsure;
        local = false;
        const auto planned = decide(state);
        if (planned.answer) {
            if (!confirmed) continue;  // the local member may be behind: read again
            return *planned.answer;
        }
        ++attempt;
        try {
            if (const auto written =
                    swap(name, state, planned.spec ? &*planned.spec : nullptr, deadline))
                return *written;
        } catch (const etcd::error& e) {
            if (!e.unavailable()) throw;
            trouble = e.what();
            // Sent but not answered: settled by the next read. (An unsure change whose state
            // has not moved was tried again with the same comparison: it stays the one.)
            if (e.outcome_unknown() && !unsure)
                unsure = unsure_change{state.version, state.version_revision, planned.spec};
            if (!e.outcome_unknown()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
}

object_write object_store::create(const json& spec) {
    const std::string name = spec.at("name").get<std::string>();
    const std::string text =
        with_created_at(spec, rfc3339(std::chrono::system_clock::now())).dump();
    return change(name, [&](const stored_state& state) -> plan {
        if (state.object)
            return {object_write{object_write::exists, 0, "conflict name: " + name}, {}};
        return {std::nullopt, text};
    });
}

object_write object_store::update(const std::string& name, const json& spec) {
    return change(name, [&](const stored_state& state) -> plan {
        if (!state.object) return {object_write{object_write::not_found, 0, "not found"}, {}};
        const auto old = json::parse(state.object->value, nullptr, false);
        const std::string old_kind = old.is_object() ? old.value("kind", "") : "";
        const std::string new_kind = spec.value("kind", "");
        if (old_kind != new_kind)
            return {object_write{object_write::refused, 0,
                                 "different kinds: " + old_kind + ", " + new_kind},
                    {}};
        // The object keeps the time it was created at.
        return {std::nullopt,
                with_created_at(spec, old.is_object() ? old.value("createdAt", "") : "").dump()};
    });
}

object_write object_store::remove(const std::string& name) {
    return change(name, [&](const stored_state& state) -> plan {
        if (!state.object) return {object_write{object_write::not_found, 0, "not found"}, {}};
        return {std::nullopt, std::nullopt};
    });
}

}  // namespace eg::server
