#pragma once
// etcd member: a primary's etcd, from plan to healthy.
//  - plan: the etcd configuration from the effective config, and whether this primary must join
//    a running cluster (it was purged, or is new with state-flag existing): then it is added to
//    the etcd membership first and its old member data is moved aside;
//  - start: the config file, the cluster marker in the data dir, the supervisor;
//  - wait: until its etcd is healthy, reporting which peers are reachable meanwhile.

#include "daemon/etcd/etcd_client.hpp"
#include "daemon/etcd/etcd_command.hpp"
#include "daemon/etcd/etcd_supervisor.hpp"
#include "daemon/process/logger.hpp"

#include <eg/diagnostic.hpp>
#include <eg/effective_config.hpp>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace eg::server {

// The executable to run for etcd-binary: a path as given, or a name looked up on PATH;
// empty when nothing runnable is found.
std::string find_executable(const std::string& name, const std::string& path_variable);

// The finding when etcd-binary names nothing runnable.
diag::diagnostic etcd_not_found(const config::effective_config& config);

// How a primary starts, from the members of the running cluster (empty: none answered).
enum class join_plan {
    as_configured,  // no cluster runs yet
    member,         // it is a member of the running cluster
    join_listed,    // it is not, but has been added (listed, not started): join
    join_add,       // it is not: add it, then join
};
join_plan plan_join(const std::vector<etcd::member>& running, const std::string& name,
                    const std::vector<std::string>& peer_urls);

// etcd's initial cluster for joining the running one: its started members and this one.
std::string joining_cluster(const std::vector<etcd::member>& running, const std::string& name,
                            const std::vector<std::string>& peer_urls);

// Whether the cluster lists a member at peer_urls that has not started (false when it cannot
// tell).
bool listed_unstarted(etcd::kv_store& cluster, const std::vector<std::string>& peer_urls);

// Adds the member at peer_urls to the cluster: true when added by this call, false when an add
// whose answer was lost (or an earlier one) left it listed. While etcd answers 503 (it refuses
// a reconfiguration until every voter has been connected for a while), says why through
// `waiting` and tries again every `pause`, until the deadline or a stop; throws etcd::error
// when the member is not added.
bool add_member_to(etcd::kv_store& cluster, const std::vector<std::string>& peer_urls,
                   std::chrono::steady_clock::time_point deadline,
                   const std::atomic<bool>& stopping,
                   const std::function<void(const std::string&)>& waiting,
                   std::chrono::milliseconds pause = std::chrono::milliseconds(500));

class etcd_member {
public:
    etcd_member(const config::effective_config& config, std::filesystem::path working_dir,
                logger& log, std::function<void(const std::string&)> report_waiting);
    ~etcd_member();

    // Decides new/existing/join and prepares the data dir; throws startup_failure.
    void plan(const std::atomic<bool>& stopping);
    // Starts etcd under supervision; throws startup_failure.
    void start();
    // Waits until etcd is healthy; false when stopping first. Throws startup_failure when etcd
    // keeps exiting.
    bool wait_healthy(const std::atomic<bool>& stopping);
    void stop();
    // Starts etcd without force-new-cluster from now on (a graceful upgrade keeps the cluster).
    void keep_cluster() { etcd_.force_new_cluster = false; }

    const std::string& client_url() const { return client_url_; }
    const etcd_configuration& configuration() const { return etcd_; }
    std::chrono::system_clock::time_point started_at() const;
    bool removed() const;
    // Why this primary's etcd is not running now ("etcd is restarting after it was killed by
    // signal 9; next start in 0.4 s"); empty while it runs.
    std::string down_reason() const;

private:
    std::string waiting_text();
    // The members of the running cluster, from the first other primary that answers; empty
    // when none does.
    std::vector<etcd::member> running_members(const std::atomic<bool>& stopping) const;
    // Moves the member data of an earlier membership aside (it is not in the cluster now).
    void move_old_data_aside();
    // Adds this primary to the running cluster; throws startup_failure.
    void add_self(const std::vector<etcd::member>& running, const std::atomic<bool>& stopping);

    const config::effective_config& config_;
    std::filesystem::path working_dir_;
    logger& log_;
    std::function<void(const std::string&)> report_waiting_;
    etcd_configuration etcd_;
    std::string client_url_;
    std::string binary_;
    std::unique_ptr<etcd_supervisor> supervisor_;
};

}  // namespace eg::server
