#include "daemon/object_store.hpp"

#include "daemon/time_text.hpp"

#include <chrono>

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

object_store::stored_state object_store::read(const std::string& name, bool local) {
    // Both keys in one round trip: a transaction of two reads.
    auto read_of = [local](const std::string& key) {
        return json{{"request_range", {{"key", etcd::base64(key)}, {"serializable", local}}}};
    };
    const json body = {{"success", json::array({read_of(key_of(name)),
                                                read_of(std::string(config_version_key))})}};
    const auto answer = etcd_.call("/v3/kv/txn", body, etcd::client::repeat::safe);
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
                                               const std::string* spec) {
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
    const auto answer = etcd_.txn(body);
    if (!answer.value("succeeded", false)) return std::nullopt;
    object_write written;
    written.version = state.version + 1;
    written.revision = etcd::as_i64(answer.value("header", json::object()), "revision");
    return written;
}

// Each change first reads what the local etcd member has (no round trip to the leader): the
// compare-and-swap catches a stale read, and an answer that depends on the read (exists, not
// found) is confirmed by a linearizable read first.
object_write object_store::create(const json& spec) {
    const std::string name = spec.at("name").get<std::string>();
    const std::string text =
        with_created_at(spec, rfc3339(std::chrono::system_clock::now())).dump();
    for (int i = 0; i < attempts; ++i) {
        auto state = read(name, i == 0);
        if (state.object && i == 0) state = read(name, false);
        if (state.object) return {object_write::exists, 0, "conflict name: " + name};
        if (const auto written = swap(name, state, &text)) return *written;
    }
    return {object_write::refused, 0, "too many concurrent changes; try again"};
}

object_write object_store::update(const std::string& name, const json& spec) {
    for (int i = 0; i < attempts; ++i) {
        auto state = read(name, i == 0);
        if (!state.object && i == 0) state = read(name, false);
        if (!state.object) return {object_write::not_found, 0, "not found"};
        const auto old = json::parse(state.object->value, nullptr, false);
        const std::string old_kind = old.is_object() ? old.value("kind", "") : "";
        const std::string new_kind = spec.value("kind", "");
        if (old_kind != new_kind) {
            if (i == 0) continue;  // the kind read may be stale: read again, linearizably
            return {object_write::refused, 0, "different kinds: " + old_kind + ", " + new_kind};
        }
        // The object keeps the time it was created at.
        const std::string text =
            with_created_at(spec, old.is_object() ? old.value("createdAt", "") : "").dump();
        if (const auto written = swap(name, state, &text)) return *written;
    }
    return {object_write::refused, 0, "too many concurrent changes; try again"};
}

object_write object_store::remove(const std::string& name) {
    for (int i = 0; i < attempts; ++i) {
        auto state = read(name, i == 0);
        if (!state.object && i == 0) state = read(name, false);
        if (!state.object) return {object_write::not_found, 0, "not found"};
        if (const auto written = swap(name, state, nullptr)) return *written;
    }
    return {object_write::refused, 0, "too many concurrent changes; try again"};
}

}  // namespace eg::server
