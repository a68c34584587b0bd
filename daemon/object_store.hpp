#pragma once
// object store: objects under the upstream key layout, /config/objects/<name> (the spec as
// JSON), each change bumping /config/version in the same etcd transaction. Writes are
// compare-and-swap: a concurrent change makes them start over, never overwrite it.

#include "daemon/etcd_client.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace eg::server {

inline constexpr std::string_view objects_prefix = "/config/objects/";
inline constexpr std::string_view config_version_key = "/config/version";

struct object_write {
    enum outcome { done, exists, not_found, refused } result = done;
    std::int64_t version = 0;  // the config version after the change (done)
    std::string why;           // refused: the reason
};

class object_store {
public:
    explicit object_store(etcd::client& etcd) : etcd_(etcd) {}

    object_write create(const nlohmann::json& spec);
    object_write update(const std::string& name, const nlohmann::json& spec);
    object_write remove(const std::string& name);

private:
    // One compare-and-swap attempt of a change of `name` (spec empty: delete) expecting the
    // object's mod revision `expected` (0: absent); nullopt when something moved meanwhile.
    std::optional<std::int64_t> swap(const std::string& name, std::int64_t expected,
                                     const std::string* spec);

    etcd::client& etcd_;
};

}  // namespace eg::server
