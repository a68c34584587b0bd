#pragma once
// startup state: how far start-up is, shared by the start-up steps and the admin API's
// /healthz: what the member is waiting for, whether it is ready, and whether a graceful upgrade
// has handed its etcd over to the new process.

#include "daemon/process/service_manager.hpp"

#include <atomic>
#include <mutex>
#include <string>

namespace eg::server {

class startup_state {
public:
    // Says what start-up waits for now (also to the service manager, when it changed).
    void waiting_for(const std::string& text) {
        std::lock_guard lock(mutex_);
        if (text != waiting_) notify_service_manager("STATUS=" + text);
        waiting_ = text;
    }
    // Empty once the member is ready; otherwise what start-up waits for.
    std::string waiting_for() const {
        if (ready_) return {};
        std::lock_guard lock(mutex_);
        return waiting_;
    }

    void set_ready() { ready_ = true; }
    bool ready() const { return ready_; }

    // During a graceful upgrade this process stops its etcd for the new process to start: not
    // a fault of this member (the new process takes over only once its etcd is healthy).
    void set_etcd_handed_over(bool handed_over) { etcd_handed_over_ = handed_over; }
    bool etcd_handed_over() const { return etcd_handed_over_; }

private:
    mutable std::mutex mutex_;
    std::string waiting_ = "starting";
    std::atomic<bool> ready_{false};
    std::atomic<bool> etcd_handed_over_{false};
};

}  // namespace eg::server
