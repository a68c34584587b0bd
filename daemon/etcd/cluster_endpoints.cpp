#include "daemon/etcd/cluster_endpoints.hpp"

#include <algorithm>

namespace eg::server {

std::vector<std::string> client_urls_of(const std::vector<etcd::member>& members,
                                        const std::vector<std::string>& first) {
    std::vector<std::string> urls = first;
    for (const auto& m : members) {
        if (m.name.empty()) continue;  // added, not started
        for (const auto& url : m.client_urls)
            if (std::find(urls.begin(), urls.end(), url) == urls.end()) urls.push_back(url);
    }
    return urls;
}

std::optional<std::vector<std::string>> client_urls_from_peers(
    const std::vector<std::string>& peer_urls, std::chrono::milliseconds timeout,
    std::string& failures) {
    failures.clear();
    for (const auto& peer : peer_urls) {
        try {
            auto urls = client_urls_of(etcd::members_from_peer(peer, timeout), {});
            if (!urls.empty()) return urls;
            failures += (failures.empty() ? "" : "; ") + peer + ": no started member listed";
        } catch (const etcd::error& e) {
            failures += std::string(failures.empty() ? "" : "; ") + e.what();
        }
    }
    return std::nullopt;
}

endpoint_sync::endpoint_sync(etcd::kv_store& etcd, std::vector<std::string> first, logger& log,
                             std::chrono::milliseconds every)
    : etcd_(etcd), first_(std::move(first)), log_(log), every_(every) {}

endpoint_sync::~endpoint_sync() { stop(); }

void endpoint_sync::refresh() {
    try {
        auto urls = client_urls_of(etcd_.members(), first_);
        if (urls != etcd_.endpoints()) {
            std::string text;
            for (const auto& url : urls) text += (text.empty() ? "" : ", ") + url;
            log_.info("cluster", "etcd endpoints: " + text);
            etcd_.set_endpoints(std::move(urls));
        }
    } catch (const etcd::error& e) {
        log_.debug("cluster", std::string("cannot refresh etcd endpoints: ") + e.what());
    }
}

void endpoint_sync::start() {
    worker_.start([this] {
        while (worker_.pause_for(every_) != worker::pause_end::stopping) refresh();
    });
}

void endpoint_sync::stop() { worker_.stop(); }

}  // namespace eg::server
