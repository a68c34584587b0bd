#pragma once
// membership: this member's entry in the cluster.
//  - holds a lease (its id in /leases/<name>, reused after a restart while it lives);
//  - writes the member status to /status/members/<name> under that lease every heartbeat;
//  - for a primary, reads Leader/Follower from its own etcd every probe interval and
//    republishes at once when it changes; while its etcd does not answer, the state published
//    (through the other primaries' etcd) is Offline;
//  - knows whether the etcd it relies on answers (a primary: its own; a secondary: any
//    endpoint), for /healthz;
//  - knows the cluster's current leader (any member), for the admin API;
//  - purges a member: its etcd membership (a primary) and its lease, hence its keys.

#include "daemon/cluster/member_status.hpp"
#include "daemon/etcd/kv_store.hpp"
#include "daemon/process/logger.hpp"
#include "daemon/process/worker.hpp"

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace eg::server {

inline constexpr std::string_view members_prefix = "/status/members/";
inline constexpr std::string_view leases_prefix = "/leases/";
inline constexpr std::string_view cluster_name_key = "/eg/cluster/name";
// etcd.state of a primary whose etcd does not answer (egctl's word for a member that is gone).
inline constexpr std::string_view etcd_offline_state = "Offline";

struct membership_settings {
    std::string name;
    std::chrono::milliseconds heartbeat{5000};
    // Long enough to show a silent member as Offline for a while, finite so that a member that
    // is gone for good does not stay listed forever.
    std::int64_t lease_ttl_seconds = 3600;
    // A primary's own etcd client URL; empty for a secondary.
    std::string own_etcd;
    std::chrono::milliseconds leader_probe{200};
};

// Builds the status document for a heartbeat time and the etcd state (primaries).
using status_document = std::function<std::string(std::chrono::system_clock::time_point,
                                                  const std::optional<etcd_member_state>&)>;

enum class purge_result { purged, not_found };

class membership {
public:
    membership(etcd::kv_store& etcd, membership_settings settings, status_document document,
               std::function<std::chrono::system_clock::time_point()> etcd_started, logger& log);
    ~membership();
    membership(const membership&) = delete;
    membership& operator=(const membership&) = delete;

    // Starts heartbeats (the first one at once) and the leader probe.
    void start();
    void stop();

    // Whether the first status has been written.
    bool published() const;
    // The cluster's current etcd leader as lower-case hex, or empty when unknown.
    std::string leader_id() const;
    // The lease this member's keys live under; 0 until the first heartbeat has one.
    std::uint64_t lease() const;
    // Why the etcd this member relies on is not usable ("etcd not reachable: …", "etcd has no
    // leader"), as the last probe found; empty when it is.
    std::string etcd_problem() const;

    purge_result purge(const std::string& name);

private:
    void heartbeat_loop();
    void probe_loop();
    void probe_once();
    // The probe failed: the etcd relied on does not answer.
    void probe_failed(const std::string& why);
    void publish();
    void ensure_lease();

    etcd::kv_store& etcd_;
    membership_settings settings_;
    status_document document_;
    std::function<std::chrono::system_clock::time_point()> etcd_started_;
    logger& log_;

    mutable std::mutex mutex_;
    bool published_ = false;
    std::uint64_t lease_ = 0;
    std::optional<etcd_member_state> etcd_state_;
    std::uint64_t leader_ = 0;
    std::string etcd_problem_;
    worker heartbeat_{"heartbeat"};
    worker probe_{"leader-probe"};
};

}  // namespace eg::server
