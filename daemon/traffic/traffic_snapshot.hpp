#pragma once
// traffic snapshot: everything the traffic engine serves at one moment, immutable once
// published: each HTTPServer's settings and routes, and each Pipeline's program. A change of
// objects publishes a new snapshot; a request keeps the snapshot it started with until it ends,
// so a change never cuts an exchange in half.

#include "daemon/traffic/pipeline_program.hpp"
#include "daemon/traffic/request_statistics.hpp"
#include "daemon/traffic/route_table.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace eg::server {

// What lives as long as an HTTPServer object, across its versions: its statistics and its
// connection count.
struct server_counters {
    request_statistics statistics;
    std::atomic<std::size_t> connections{0};
};

struct served_server {
    std::string name;
    bool keep_alive = true;
    std::chrono::milliseconds keep_alive_timeout{60'000};  // 0: none
    std::size_t max_connections = 10'240;
    std::uint64_t client_max_body_size = 4 * 1024 * 1024;  // bytes the engine buffers
    bool x_forwarded_for = false;
    std::shared_ptr<const route_table> routes;
    std::shared_ptr<server_counters> counters;
};

struct traffic_snapshot {
    std::map<std::string, std::shared_ptr<const served_server>, std::less<>> servers;
    std::map<std::string, std::shared_ptr<const pipeline_program>, std::less<>> pipelines;
};

}  // namespace eg::server
