#pragma once
// object store: objects under the upstream key layout, /config/objects/<name> (the spec as
// JSON), each change bumping /config/version in the same etcd transaction. Writes are
// compare-and-swap: a concurrent change makes them start over, never overwrite it.
// A change whose outcome is unknown (its etcd endpoint stopped answering, its leader was lost)
// is settled before anything else: once /config/version has moved, the first transaction
// after the one read decides (the object as it was at that revision says whether it was this
// change); while it has not moved, the change is tried again with the same comparison, so at
// most one of the two can apply. Nothing is acknowledged that did not apply, nothing applies
// twice; an outcome still unknown at the request timeout is an error (503), never a success.

#include "daemon/etcd/kv_store.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace eg::server {

inline constexpr std::string_view objects_prefix = "/config/objects/";
inline constexpr std::string_view config_version_key = "/config/version";

struct object_write {
    enum outcome { done, exists, not_found, refused } result = done;
    std::int64_t version = 0;   // the config version after the change (done)
    std::string why;            // refused: the reason
    std::int64_t revision = 0;  // the etcd revision of the change (done)
};

// The spec as stored: with createdAt (RFC 3339, UTC) set to created_at unless the spec has one
// or created_at is empty. Objects are stored with the time they were created, kept by updates
// (egctl's AGE).
nlohmann::json with_created_at(const nlohmann::json& spec, const std::string& created_at);

class object_store {
public:
    explicit object_store(etcd::kv_store& etcd) : etcd_(etcd) {}

    object_write create(const nlohmann::json& spec);
    object_write update(const std::string& name, const nlohmann::json& spec);
    object_write remove(const std::string& name);

private:
    // The object and the config version as stored; local: as the etcd member this client talks
    // to has them (maybe behind), otherwise as the cluster has them now.
    struct stored_state {
        std::optional<etcd::key_value> object;
        std::int64_t version = 0;           // the config version
        std::int64_t version_revision = 0;  // its mod revision (0: absent)
    };
    using time_point = etcd::kv_store::time_point;
    stored_state read(const std::string& name, bool local, time_point deadline);
    // One compare-and-swap attempt of a change of `name` (spec null: delete) from `state`;
    // nullopt when something moved meanwhile.
    std::optional<object_write> swap(const std::string& name, const stored_state& state,
                                     const std::string* spec, time_point deadline);

    // What a change does from a state: an answer without writing (exists, not found, refused),
    // or the spec to store (nullopt: delete the object).
    struct plan {
        std::optional<object_write> answer;
        std::optional<std::string> spec;
    };
    using planner = std::function<plan(const stored_state&)>;
    // A change whose transaction was sent but not answered: the state it compared with.
    struct unsure_change {
        std::int64_t version = 0;
        std::int64_t version_revision = 0;
        std::optional<std::string> spec;
    };
    object_write change(const std::string& name, const planner& decide);
    // Whether the unsure change applied, given the state now (read linearizably): the write
    // when it did, nullopt when it did not or cannot any more (`open` false) or may still
    // (`open` true: nothing has changed since).
    std::optional<object_write> settle(const std::string& name, const unsure_change& unsure,
                                       const stored_state& now, bool& open, time_point deadline);

    etcd::kv_store& etcd_;
};

}  // namespace eg::server
