#pragma once
// initial objects (initial-object-config-files): each file is one object spec (YAML or JSON),
// written at start-up only when no object of that name exists yet. A file that cannot be read
// or is not a valid object is logged and skipped; a write etcd cannot take right after start-up
// is retried for a while.

#include "daemon/etcd/kv_store.hpp"
#include "daemon/process/logger.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace eg::server {

void create_initial_objects(const std::vector<std::string>& paths, etcd::kv_store& etcd,
                            logger& log,
                            std::chrono::milliseconds settle_for = std::chrono::seconds(30));

}  // namespace eg::server
