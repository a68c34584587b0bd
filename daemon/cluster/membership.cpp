#include "daemon/cluster/membership.hpp"

#include <thread>

namespace eg::server {

membership::membership(etcd::kv_store& etcd, membership_settings settings, status_document document,
                       std::function<std::chrono::system_clock::time_point()> etcd_started,
                       logger& log)
    : etcd_(etcd),
      settings_(std::move(settings)),
      document_(std::move(document)),
      etcd_started_(std::move(etcd_started)),
      log_(log) {}

membership::~membership() { stop(); }

void membership::start() {
    if (heartbeat_.running()) return;
    probe_once();  // so that the first status of a primary carries its etcd state
    probe_.start([this] { probe_loop(); });
    heartbeat_.start([this] { heartbeat_loop(); });
}

void membership::stop() {
    heartbeat_.stop();
    probe_.stop();
}

bool membership::published() const {
    std::lock_guard lock(mutex_);
    return published_;
}

std::string membership::leader_id() const {
    std::lock_guard lock(mutex_);
    return leader_ == 0 ? std::string() : etcd::hex_id(leader_);
}

std::string membership::etcd_problem() const {
    std::lock_guard lock(mutex_);
    return etcd_problem_;
}

std::uint64_t membership::lease() const {
    std::lock_guard lock(mutex_);
    return lease_;
}

void membership::ensure_lease() {
    std::uint64_t lease = 0;
    {
        std::lock_guard lock(mutex_);
        lease = lease_;
    }
    if (lease != 0) {
        if (etcd_.keep_alive(lease) > 0) return;
        log_.warn("membership", "lease " + etcd::hex_id(lease) + " expired; granting a new one");
        lease = 0;
    } else {
        // After a restart: reuse the lease this member held, if it still lives.
        const auto stored = etcd_.get(std::string(leases_prefix) + settings_.name);
        if (!stored.kvs.empty()) {
            const std::uint64_t previous = stored.kvs.front().lease;
            if (previous != 0 && etcd_.keep_alive(previous) >= 5) lease = previous;
        }
    }
    if (lease == 0) {
        lease = etcd_.grant_lease(settings_.lease_ttl_seconds);
        etcd_.put(std::string(leases_prefix) + settings_.name, etcd::hex_id(lease), lease);
        log_.info("membership", "holding lease " + etcd::hex_id(lease));
    }
    std::lock_guard lock(mutex_);
    lease_ = lease;
}

void membership::publish() {
    std::optional<etcd_member_state> state;
    std::uint64_t lease = 0;
    {
        std::lock_guard lock(mutex_);
        state = etcd_state_;
        lease = lease_;
    }
    const std::string document = document_(std::chrono::system_clock::now(), state);
    etcd_.put(std::string(members_prefix) + settings_.name, document, lease);
    std::lock_guard lock(mutex_);
    if (!published_) log_.info("membership", "member status published");
    published_ = true;
}

void membership::heartbeat_loop() {
    bool failing = false;
    auto pause = std::chrono::milliseconds(0);
    while (true) {
        const auto pause_end = heartbeat_.pause_for(pause);
        if (pause_end == worker::pause_end::stopping) return;
        const bool now = pause_end == worker::pause_end::woken;  // the etcd state changed
        try {
            bool has_lease = false;
            {
                std::lock_guard lock(mutex_);
                has_lease = lease_ != 0;
            }
            if (!now || !has_lease) ensure_lease();
            publish();
            if (failing) log_.info("membership", "heartbeats are written again");
            failing = false;
            pause = settings_.heartbeat;
        } catch (const std::exception& e) {
            if (heartbeat_.stopping()) return;  // the member is stopping: nothing to report
            if (!failing) log_.warn("membership", std::string("heartbeat failed: ") + e.what());
            failing = true;
            pause = std::min(settings_.heartbeat, std::chrono::milliseconds(1000));
        }
    }
}

void membership::probe_failed(const std::string& why) {
    const bool primary = !settings_.own_etcd.empty();
    bool changed = false;
    {
        std::lock_guard lock(mutex_);
        const std::string problem = "etcd not reachable: " + why;
        if (etcd_problem_.empty()) log_.warn("membership", problem);
        etcd_problem_ = problem;
        leader_ = 0;
        if (primary && (!etcd_state_ || etcd_state_->state != etcd_offline_state)) {
            auto state = etcd_state_.value_or(etcd_member_state{});
            state.state = etcd_offline_state;
            etcd_state_ = state;
            changed = true;
        }
    }
    if (changed) heartbeat_.wake();  // publish now
}

void membership::probe_once() {
    const bool primary = !settings_.own_etcd.empty();
    std::uint64_t leader = 0;
    std::optional<etcd_member_state> state;
    try {
        if (primary) {
            const auto status = etcd_.status_of(settings_.own_etcd);
            leader = status.leader;
            const bool leading = status.leader != 0 && status.leader == status.member_id;
            state = etcd_member_state{etcd::hex_id(status.member_id), rfc3339(etcd_started_()),
                                      leading ? "Leader" : "Follower"};
        } else {
            leader = etcd_.status().leader;
        }
    } catch (const std::exception& e) {
        probe_failed(e.what());
        return;
    }
    bool changed = false;
    {
        std::lock_guard lock(mutex_);
        const std::string problem =
            leader == 0 ? "etcd has no leader: no quorum of primaries is reachable" : "";
        if (problem != etcd_problem_) {
            if (problem.empty())
                log_.info("membership", "etcd answers again");
            else
                log_.warn("membership", problem);
        }
        etcd_problem_ = problem;
        leader_ = leader;
        if (primary &&
            (!etcd_state_ || etcd_state_->state != state->state || etcd_state_->id != state->id ||
             etcd_state_->start_time != state->start_time)) {
            if (etcd_state_ && etcd_state_->state != state->state)
                log_.info("membership", "etcd state is now " + state->state);
            etcd_state_ = state;
            changed = true;
        }
    }
    if (changed) heartbeat_.wake();  // publish now
}

void membership::probe_loop() {
    const bool primary = !settings_.own_etcd.empty();
    const auto interval = primary ? settings_.leader_probe : std::chrono::milliseconds(1000);
    while (probe_.pause_for(interval) != worker::pause_end::stopping) probe_once();
}

namespace {

bool listed(etcd::kv_store& etcd, std::uint64_t id) {
    for (const auto& m : etcd.members())
        if (m.id == id) return true;
    return false;
}

}  // namespace

purge_result membership::purge(const std::string& name) {
    const auto lease = etcd_.get(std::string(leases_prefix) + name);
    const auto status = etcd_.get(std::string(members_prefix) + name);
    if (lease.kvs.empty() && status.kvs.empty()) return purge_result::not_found;
    for (const auto& m : etcd_.members()) {
        if (m.name != name) continue;
        // etcd refuses reconfiguration (503) until every voter has been connected for 5 s.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(8);
        while (true) {
            try {
                etcd_.remove_member(m.id);
                log_.info("membership",
                          "removed etcd member " + name + " (" + etcd::hex_id(m.id) + ")");
                break;
            } catch (const etcd::error& e) {
                if (e.outcome_unknown() && !listed(etcd_, m.id)) break;  // it was applied
                if (e.http_status() != 503 || std::chrono::steady_clock::now() > deadline) throw;
                std::this_thread::sleep_for(std::chrono::milliseconds(300));
            }
        }
    }
    if (!lease.kvs.empty() && lease.kvs.front().lease != 0)
        etcd_.revoke_lease(lease.kvs.front().lease);
    if (!status.kvs.empty()) etcd_.erase(std::string(members_prefix) + name);
    etcd_.erase(std::string(leases_prefix) + name);
    log_.info("membership", "purged member " + name);
    return purge_result::purged;
}

}  // namespace eg::server
