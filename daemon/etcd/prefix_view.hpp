#pragma once
// prefix view: a local copy of every key under one etcd prefix, fed by a watch stream.
// It reads the prefix once, then watches from the next revision; a broken stream reconnects
// (to the next endpoint) from the last revision seen, and a compacted history triggers a full
// read again. Readers get snapshots without any etcd round trip.

#include "daemon/etcd/kv_store.hpp"
#include "daemon/process/worker.hpp"

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace eg::server::etcd {

class prefix_view {
public:
    using on_change = std::function<void()>;
    using on_trouble = std::function<void(const std::string&)>;

    // idle: how long a silent stream is kept before it is re-established (liveness check).
    prefix_view(kv_store& etcd, std::string prefix, on_change changed = {}, on_trouble trouble = {},
                std::chrono::milliseconds idle = std::chrono::seconds(10));
    ~prefix_view();
    prefix_view(const prefix_view&) = delete;
    prefix_view& operator=(const prefix_view&) = delete;

    void start();
    void stop();

    // Whether the view has been read from etcd at least once.
    bool synced() const;
    // Key (whole key, prefix included) to its entry.
    std::map<std::string, key_value> snapshot() const;
    std::int64_t revision() const;
    // Waits until the view has seen revision (or later); false on timeout.
    bool wait_for_revision(std::int64_t revision, std::chrono::milliseconds timeout) const;

private:
    void run();
    void read_all();
    // One watch stream from revision_ + 1 until it breaks; false when history was compacted.
    // attempt: how many streams failed so far.
    bool stream(std::size_t attempt);
    void apply(const watch_update& update);

    kv_store& etcd_;
    std::string prefix_;
    on_change changed_;
    on_trouble trouble_;
    std::chrono::milliseconds idle_;

    mutable std::mutex mutex_;
    mutable std::condition_variable updated_;
    std::map<std::string, key_value> entries_;
    std::int64_t revision_ = 0;
    bool synced_ = false;
    bool stopping_ = false;              // for the readers waiting
    watch_stream* streaming_ = nullptr;  // to abort it on stop
    worker worker_;
};

}  // namespace eg::server::etcd
