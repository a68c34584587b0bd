#pragma once
// traffic controller: makes this member run the traffic objects it holds. It follows the
// objects view (/config/objects/): on every change it builds each HTTPServer (settings and
// routes) and each Pipeline (program) anew, publishes them to the traffic engine as one
// snapshot, then makes the engine listen where the servers say (new listeners before old
// ones close) and stop listening for the servers that are gone. An HTTPServer that cannot
// listen (its port taken) keeps the reason, shown in its status on this member; the member
// and its other objects keep running. Each Pipeline version built gets its health_checker
// (the active health checks of its Proxy pools), stopped when the version is replaced or the
// object deleted, and on stop().

#include "daemon/etcd/prefix_view.hpp"
#include "daemon/process/logger.hpp"
#include "daemon/process/worker.hpp"
#include "daemon/traffic/health_checker.hpp"
#include "daemon/traffic/traffic_engine.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace eg::server {

// The served form of an HTTPServer spec (settings, routes); counters are kept by the caller.
served_server served_server_of(const std::string& name, const nlohmann::json& spec);

class traffic_controller {
public:
    traffic_controller(const etcd::prefix_view& objects, traffic_engine& engine, logger& log);
    ~traffic_controller();
    traffic_controller(const traffic_controller&) = delete;
    traffic_controller& operator=(const traffic_controller&) = delete;

    void start();
    void stop();
    // The objects changed: apply them soon.
    void changed() { worker_.wake(); }

    // Per traffic object (by name) on this member: "" when it runs, else why it does not.
    std::map<std::string, std::string> problems() const;
    // The status round (every `seconds`): advances every server's rates, then gives each
    // traffic object's status on this member, by name: {"state": "running"} or {"state":
    // "failed", "error": why}; an HTTPServer's also holds its name and its request statistics
    // (upstream's block: count, errCount, m1.., p50.., codes, ...); a Pipeline's with health
    // checks holds "health": health_checker::status().
    std::map<std::string, nlohmann::json> status_round(double seconds);

private:
    void run();
    void apply(const std::map<std::string, etcd::key_value>& objects);

    const etcd::prefix_view& objects_;
    traffic_engine& engine_;
    logger& log_;
    mutable std::mutex mutex_;
    std::map<std::string, std::string> problems_;
    std::map<std::string, std::shared_ptr<server_counters>> counters_;
    std::map<std::string, std::string> applied_;  // object name -> spec text last applied
    // What was built, by name, with the spec text it was built from (rebuilt when it changes).
    std::map<std::string, std::pair<std::string, std::shared_ptr<const served_server>>> servers_;
    std::map<std::string, std::pair<std::string, std::shared_ptr<const pipeline_program>>>
        pipelines_;
    // The health checks of the Pipelines built, by name (guarded by mutex_).
    std::map<std::string, std::unique_ptr<health_checker>> checkers_;
    std::shared_ptr<const traffic_snapshot> published_;
    worker worker_{"traffic-objects"};
};

}  // namespace eg::server
