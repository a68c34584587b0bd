#include "daemon/object_store.hpp"

namespace eg::server {

namespace {

using json = nlohmann::json;
constexpr int attempts = 20;

std::string key_of(const std::string& name) { return std::string(objects_prefix) + name; }

}  // namespace

std::optional<std::int64_t> object_store::swap(const std::string& name, std::int64_t expected,
                                               const std::string* spec) {
    const auto version = etcd_.get(config_version_key);
    std::int64_t current = 0;
    std::int64_t version_revision = 0;
    if (!version.kvs.empty()) {
        version_revision = version.kvs.front().mod_revision;
        try {
            current = std::stoll(version.kvs.front().value);
        } catch (const std::exception&) {
            current = 0;
        }
    }
    const std::string next = std::to_string(current + 1);
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
                                  {"mod_revision", std::to_string(version_revision)}}})},
        {"success", json::array({change,
                                 {{"request_put",
                                   {{"key", etcd::base64(std::string(config_version_key))},
                                    {"value", etcd::base64(next)}}}}})}};
    if (!etcd_.txn(body).value("succeeded", false)) return std::nullopt;
    return current + 1;
}

object_write object_store::create(const json& spec) {
    const std::string name = spec.at("name").get<std::string>();
    for (int i = 0; i < attempts; ++i) {
        if (!etcd_.get(key_of(name)).kvs.empty())
            return {object_write::exists, 0, "conflict name: " + name};
        const std::string text = spec.dump();
        if (const auto version = swap(name, 0, &text)) return {object_write::done, *version, {}};
    }
    return {object_write::refused, 0, "too many concurrent changes; try again"};
}

object_write object_store::update(const std::string& name, const json& spec) {
    for (int i = 0; i < attempts; ++i) {
        const auto stored = etcd_.get(key_of(name));
        if (stored.kvs.empty()) return {object_write::not_found, 0, "not found"};
        const auto old = json::parse(stored.kvs.front().value, nullptr, false);
        const std::string old_kind = old.is_object() ? old.value("kind", "") : "";
        const std::string new_kind = spec.value("kind", "");
        if (old_kind != new_kind)
            return {object_write::refused, 0, "different kinds: " + old_kind + ", " + new_kind};
        const std::string text = spec.dump();
        if (const auto version = swap(name, stored.kvs.front().mod_revision, &text))
            return {object_write::done, *version, {}};
    }
    return {object_write::refused, 0, "too many concurrent changes; try again"};
}

object_write object_store::remove(const std::string& name) {
    for (int i = 0; i < attempts; ++i) {
        const auto stored = etcd_.get(key_of(name));
        if (stored.kvs.empty()) return {object_write::not_found, 0, "not found"};
        if (const auto version = swap(name, stored.kvs.front().mod_revision, nullptr))
            return {object_write::done, *version, {}};
    }
    return {object_write::refused, 0, "too many concurrent changes; try again"};
}

}  // namespace eg::server
