#pragma once
// cluster endpoints: where this member reaches etcd.
//  - a secondary is given the primaries' peer URLs; it asks them for the member list
//    (GET <peer>/members) and uses the advertised client URLs of the started members;
//  - every member refreshes that list from etcd now and then, so that primaries that joined or
//    moved are used and a primary that is down is only one of several endpoints.

#include "daemon/etcd/etcd_client.hpp"
#include "daemon/process/logger.hpp"
#include "daemon/process/worker.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace eg::server {

// The client URLs of the started members, learned from the first peer URL that answers;
// nullopt when none answers.
std::optional<std::vector<std::string>> client_urls_from_peers(
    const std::vector<std::string>& peer_urls, std::chrono::milliseconds timeout,
    std::string& failures);

// The client URLs of members (started ones only), first_ ones first.
std::vector<std::string> client_urls_of(const std::vector<etcd::member>& members,
                                        const std::vector<std::string>& first);

class endpoint_sync {
public:
    endpoint_sync(etcd::kv_store& etcd, std::vector<std::string> first, logger& log,
                  std::chrono::milliseconds every = std::chrono::seconds(30));
    ~endpoint_sync();
    void start();
    void stop();
    // Refreshes once now.
    void refresh();

private:
    etcd::kv_store& etcd_;
    std::vector<std::string> first_;
    logger& log_;
    std::chrono::milliseconds every_;
    worker worker_{"etcd-endpoints"};
};

}  // namespace eg::server
