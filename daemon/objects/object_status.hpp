#pragma once
// object status: each member reports, for every object it holds, the revision of the spec it
// has applied, under upstream's layout /status/objects/<namespace>/<name>/<member> and under
// the member's lease (a member that is gone leaves no statuses behind).
//  - traffic objects (HTTPServer, Pipeline, GRPCServer) use namespace eg-traffic-default, the
//    others default;
//  - the value is {"revision": <mod revision of the spec>, "timestamp": <Unix seconds>}, plus
//    "status": what the member's runtime says of the object (traffic objects: whether they run,
//    why not, their request statistics), when it says something;
//  - every 5 s, aligned to Unix multiples of 5 s (the first round at once), the statuses of
//    objects that no longer exist are deleted first, then every status is written, in
//    transactions of at most status-update-max-batch-size operations;
//  - the statuses this member stored are read from etcd once (those of an earlier run), then
//    known from what it writes; GET /status/objects reads them all from etcd when asked.

#include "daemon/etcd/prefix_view.hpp"
#include "daemon/process/logger.hpp"
#include "daemon/process/worker.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eg::server {

inline constexpr std::string_view object_statuses_prefix = "/status/objects/";
// etcd's default limit of operations in one transaction (--max-txn-ops).
inline constexpr int etcd_max_txn_ops = 128;

// The status namespace of an object of that kind.
std::string status_namespace(std::string_view kind);

// What one reporting round writes and deletes.
struct status_round {
    std::vector<std::pair<std::string, std::string>> puts;  // key, value
    std::vector<std::string> deletes;                       // keys
};

// The runtime's status of each object it runs, by object name.
using runtime_statuses = std::map<std::string, etcd::json>;

// The round of `member` at `unix_seconds`, from the objects it holds (view of
// /config/objects/), the statuses stored now (view of /status/objects/) and the runtime's.
status_round plan_status_round(const std::map<std::string, etcd::key_value>& objects,
                               const std::map<std::string, etcd::key_value>& statuses,
                               const std::string& member, std::int64_t unix_seconds,
                               const runtime_statuses& runtime = {});

// The gateway bodies of the transactions that carry `round`: the deletes first, then the puts
// (under `lease`), each transaction at most `batch` operations.
std::vector<etcd::json> status_transactions(const status_round& round, std::uint64_t lease,
                                            int batch);

class object_status_reporter {
public:
    // lease: the member's lease (0 while it has none yet: the round waits for it); runtime:
    // called once per round (every 5 s), the runtime's statuses (may be empty).
    object_status_reporter(etcd::kv_store& etcd, std::string member, int batch,
                           std::function<std::uint64_t()> lease, const etcd::prefix_view& objects,
                           logger& log, std::function<runtime_statuses()> runtime = {});
    ~object_status_reporter();
    object_status_reporter(const object_status_reporter&) = delete;
    object_status_reporter& operator=(const object_status_reporter&) = delete;

    void start();
    void stop();

private:
    void run();
    void report_once();

    etcd::kv_store& etcd_;
    std::string member_;
    int batch_;
    std::function<std::uint64_t()> lease_;
    const etcd::prefix_view& objects_;
    std::function<runtime_statuses()> runtime_;
    logger& log_;
    // The statuses this member has stored (read from etcd once, then kept as written): other
    // members' statuses are never watched or read here.
    std::optional<std::map<std::string, etcd::key_value>> stored_;

    worker worker_{"object-status"};
};

}  // namespace eg::server
