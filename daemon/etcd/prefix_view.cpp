#include "daemon/etcd/prefix_view.hpp"

#include <algorithm>

namespace eg::server::etcd {
namespace {

// "view members" for /status/members/: the last part of the prefix.
std::string thread_name(std::string prefix) {
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    return "view " + prefix.substr(prefix.rfind('/') + 1);
}

}  // namespace

prefix_view::prefix_view(kv_store& etcd, std::string prefix, on_change changed, on_trouble trouble,
                         std::chrono::milliseconds idle)
    : etcd_(etcd),
      prefix_(std::move(prefix)),
      changed_(std::move(changed)),
      trouble_(std::move(trouble)),
      idle_(idle),
      worker_(thread_name(prefix_)) {}

prefix_view::~prefix_view() { stop(); }

void prefix_view::start() {
    if (worker_.running()) return;
    {
        std::lock_guard lock(mutex_);
        stopping_ = false;
    }
    worker_.start([this] { run(); });
}

void prefix_view::stop() {
    worker_.stop([this] {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
            if (streaming_ != nullptr) streaming_->abort();
        }
        updated_.notify_all();
    });
}

bool prefix_view::synced() const {
    std::lock_guard lock(mutex_);
    return synced_;
}

std::map<std::string, key_value> prefix_view::snapshot() const {
    std::lock_guard lock(mutex_);
    return entries_;
}

std::int64_t prefix_view::revision() const {
    std::lock_guard lock(mutex_);
    return revision_;
}

bool prefix_view::wait_for_revision(std::int64_t revision,
                                    std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return updated_.wait_for(lock, timeout, [&] {
        return (synced_ && revision_ >= revision) || stopping_;
    }) && !stopping_;
}

void prefix_view::read_all() {
    auto read = etcd_.get_prefix(prefix_);
    {
        std::lock_guard lock(mutex_);
        entries_.clear();
        for (auto& kv : read.kvs) entries_[kv.key] = std::move(kv);
        revision_ = read.revision;
        synced_ = true;
    }
    updated_.notify_all();
    if (changed_) changed_();
}

void prefix_view::run() {
    auto backoff = std::chrono::milliseconds(100);
    std::size_t failures = 0;  // streams failed so far: each failure moves to the next endpoint
    bool need_read = true;
    while (!worker_.stopping()) {
        try {
            if (need_read) {
                read_all();
                need_read = false;
            }
            if (!stream(failures)) {
                need_read = true;  // compacted: start over from a full read
                continue;
            }
            backoff = std::chrono::milliseconds(100);
            continue;  // idle stream re-established on the same endpoint
        } catch (const std::exception& e) {
            if (trouble_) trouble_(std::string("watch ") + prefix_ + ": " + e.what());
            ++failures;
        }
        if (worker_.pause_for(backoff) == worker::pause_end::stopping) return;
        backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
    }
}

bool prefix_view::stream(std::size_t attempt) {
    watch_request request{prefix_, 0, idle_, attempt};
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return true;
        request.start_revision = revision_ + 1;
    }
    const auto watch = etcd_.watch(request);
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return true;
        streaming_ = watch.get();
    }
    struct unregister {
        prefix_view* self;
        ~unregister() {
            std::lock_guard lock(self->mutex_);
            self->streaming_ = nullptr;
        }
    } guard{this};
    try {
        while (true) {
            const auto update = watch->next();
            if (update.what == watch_update::kind::ended) return true;  // re-establish it
            if (update.what == watch_update::kind::compacted) return false;
            apply(update);
        }
    } catch (const error&) {
        std::lock_guard lock(mutex_);
        if (stopping_) return true;
        throw;
    }
}

void prefix_view::apply(const watch_update& update) {
    {
        std::lock_guard lock(mutex_);
        for (const auto& event : update.events) {
            revision_ = std::max(revision_, event.kv.mod_revision);
            if (event.deleted)
                entries_.erase(event.kv.key);
            else
                entries_[event.kv.key] = event.kv;
        }
        // A progress notification (no events) says every revision up to its header was sent.
        if (update.events.empty()) revision_ = std::max(revision_, update.revision);
    }
    updated_.notify_all();
    if (!update.events.empty() && changed_) changed_();
}

}  // namespace eg::server::etcd
