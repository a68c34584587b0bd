// Test support: an in-memory etcd behind the daemon's kv_store interface, for fast
// deterministic unit tests of the components that use etcd.
//  - one global revision (1 when empty, as etcd); each write (a put, a delete that deletes
//    something, a transaction with such writes) takes the next one; every key has its
//    create_revision, mod_revision and version; the history is kept for reads at a revision and
//    for watches, up to a compaction;
//  - transactions take the gateway's JSON: compares on VERSION, CREATE, MOD, VALUE and LEASE
//    (EQUAL, NOT_EQUAL, GREATER, LESS) of one key; request_range, request_put (with a lease)
//    and request_delete_range (one key, or a range_end); the answer is the gateway's;
//  - leases with their TTL on a clock of the test's own (advance()); an expired or revoked
//    lease deletes its keys, in one revision;
//  - a cluster membership (members(), add_member(), remove_member()) and an endpoint status
//    the test sets;
//  - watches deliver the events of each revision in order, as etcd does, from any start
//    revision not compacted; the test ends or breaks the open streams, or sends progress;
//  - fault injection: the next call of an operation (after some that pass) fails as
//    unavailable, or with its outcome unknown, applied or not; or runs an action first (a
//    concurrent writer).
#pragma once

#include "daemon/etcd/kv_store.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace eg::test {

class fake_kv final : public eg::server::etcd::kv_store {
public:
    using json = eg::server::etcd::json;
    using key_value = eg::server::etcd::key_value;
    using error = eg::server::etcd::error;
    using watch_update = eg::server::etcd::watch_update;

    enum class fault {
        unavailable,       // refused before applying (503)
        unknown_applied,   // applied, but the answer is lost (outcome unknown)
        unknown_unapplied  // not applied, and the answer is lost (outcome unknown)
    };

    explicit fake_kv(std::chrono::milliseconds timeout = std::chrono::milliseconds(2000))
        : timeout_(timeout) {}
    fake_kv(const fake_kv&) = delete;
    fake_kv& operator=(const fake_kv&) = delete;

    // ---- what the test controls

    // The call of `operation` ("get", "txn", "keep_alive", …; empty: any) after `skip` calls of
    // it fails with `kind`, and so do the `times` - 1 calls after it.
    void fail_next(fault kind, std::string operation = {}, int skip = 0, int times = 1) {
        std::lock_guard lock(mutex_);
        plans_.push_back({std::move(operation), skip, times, kind, {}});
    }
    // No planned fault or action any more.
    void clear_plans() {
        std::lock_guard lock(mutex_);
        plans_.clear();
    }
    // The same call runs `action` first (without holding the store: it may call it).
    void before_next(std::string operation, std::function<void()> action, int skip = 0) {
        std::lock_guard lock(mutex_);
        plans_.push_back({std::move(operation), skip, 1, std::nullopt, std::move(action)});
    }
    // The lease clock moves on; leases whose TTL ran out are revoked.
    void advance(std::chrono::seconds by) {
        std::lock_guard lock(mutex_);
        now_ += by;
        std::vector<std::uint64_t> expired;
        for (const auto& [id, lease] : leases_)
            if (lease.expires <= now_) expired.push_back(id);
        for (const auto id : expired) revoke_locked(id);
        changed_locked();
    }
    // History before `revision` is gone: reads at and watches from earlier revisions fail.
    void compact(std::int64_t revision) {
        std::lock_guard lock(mutex_);
        compacted_ = std::max(compacted_, revision);
        changed_locked();
    }
    // Every open watch stream ends (as a quiet one does), once its pending events are sent.
    void end_watches() {
        std::lock_guard lock(mutex_);
        ++end_epoch_;
        changed_locked();
    }
    // Every open watch stream fails (as when its endpoint goes away).
    void break_watches() {
        std::lock_guard lock(mutex_);
        ++break_epoch_;
        changed_locked();
    }
    // Every open watch stream that has sent all events gets a progress notification.
    void notify_progress() {
        std::lock_guard lock(mutex_);
        ++progress_epoch_;
        changed_locked();
    }
    void set_members(std::vector<eg::server::etcd::member> members) {
        std::lock_guard lock(mutex_);
        members_ = std::move(members);
        changed_locked();
    }
    // What status() and status_of() answer.
    void set_status(eg::server::etcd::endpoint_status status) {
        std::lock_guard lock(mutex_);
        status_ = status;
    }

    // ---- what the test reads (no fault, not counted)

    std::int64_t revision() const {
        std::lock_guard lock(mutex_);
        return revision_;
    }
    std::optional<key_value> value_of(std::string_view key) const {
        std::lock_guard lock(mutex_);
        const auto found = data_.find(std::string(key));
        if (found == data_.end()) return std::nullopt;
        return found->second;
    }
    bool lease_alive(std::uint64_t lease) const {
        std::lock_guard lock(mutex_);
        return leases_.count(lease) != 0;
    }
    // The start revision of every watch asked for, in order.
    std::vector<std::int64_t> watch_starts() const {
        std::lock_guard lock(mutex_);
        return watch_starts_;
    }
    // How many calls of operation were made.
    std::size_t calls(const std::string& operation) const {
        std::lock_guard lock(mutex_);
        const auto found = calls_.find(operation);
        return found == calls_.end() ? 0 : found->second;
    }
    // Waits until condition holds (evaluated after each change of the store); false when it
    // still does not after `bound` (a bound against hanging, not a timing expectation).
    bool wait_until(const std::function<bool()>& condition,
                    std::chrono::milliseconds bound = std::chrono::seconds(20)) const {
        const auto give_up = std::chrono::steady_clock::now() + bound;
        while (true) {
            std::uint64_t seen = 0;
            {
                std::lock_guard lock(mutex_);
                seen = changes_;
            }
            if (condition()) return true;
            std::unique_lock lock(mutex_);
            // Components also change state of their own: look again now and then.
            changed_.wait_until(
                lock,
                std::min(give_up, std::chrono::steady_clock::now() + std::chrono::milliseconds(5)),
                [&] { return changes_ != seen; });
            if (std::chrono::steady_clock::now() >= give_up) return condition();
        }
    }

    // ---- kv_store

    void set_endpoints(std::vector<std::string> endpoints) override {
        std::lock_guard lock(mutex_);
        endpoints_ = std::move(endpoints);
    }
    std::vector<std::string> endpoints() const override {
        std::lock_guard lock(mutex_);
        return endpoints_;
    }
    std::chrono::milliseconds timeout() const override { return timeout_; }

    eg::server::etcd::range_result get(std::string_view key) override {
        return call("get", [&] { return range_locked(std::string(key), {}); });
    }
    eg::server::etcd::range_result get_prefix(std::string_view prefix) override {
        return call("get_prefix", [&] {
            return range_locked(std::string(prefix), eg::server::etcd::prefix_end(prefix));
        });
    }
    std::optional<key_value> get_at(std::string_view key, std::int64_t revision,
                                    std::optional<time_point> = std::nullopt) override {
        return call("get_at", [&] { return at_locked(std::string(key), revision); });
    }
    std::int64_t put(std::string_view key, std::string_view value,
                     std::uint64_t lease = 0) override {
        return call("put", [&] {
            check_lease_locked(lease);
            put_locked(std::string(key), std::string(value), lease, revision_ + 1);
            return ++revision_;
        });
    }
    bool put_if_absent(std::string_view key, std::string_view value,
                       std::uint64_t lease = 0) override {
        return call("put_if_absent", [&] {
            check_lease_locked(lease);
            if (data_.count(std::string(key)) != 0) return false;
            put_locked(std::string(key), std::string(value), lease, ++revision_);
            return true;
        });
    }
    std::int64_t erase(std::string_view key) override {
        return call("erase", [&] {
            const auto deleted = delete_locked(std::string(key), {}, revision_ + 1);
            if (deleted > 0) ++revision_;
            return deleted;
        });
    }
    json txn(const json& body, repeat, std::optional<time_point>) override {
        return call("txn", [&] { return txn_locked(body); });
    }

    std::uint64_t grant_lease(std::int64_t ttl_seconds) override {
        return call("grant_lease", [&] {
            const std::uint64_t id = next_lease_++;
            leases_[id] = {ttl_seconds, now_ + std::chrono::seconds(ttl_seconds)};
            return id;
        });
    }
    std::int64_t keep_alive(std::uint64_t lease) override {
        return call("keep_alive", [&]() -> std::int64_t {
            const auto found = leases_.find(lease);
            if (found == leases_.end()) return 0;
            found->second.expires = now_ + std::chrono::seconds(found->second.ttl);
            return found->second.ttl;
        });
    }
    void revoke_lease(std::uint64_t lease) override {
        call("revoke_lease", [&] { revoke_locked(lease); });
    }

    std::vector<eg::server::etcd::member> members() override {
        return call("members", [&] { return members_; });
    }
    std::uint64_t add_member(const std::vector<std::string>& peer_urls) override {
        return call("add_member", [&] {
            for (const auto& m : members_)
                for (const auto& url : m.peer_urls)
                    if (std::find(peer_urls.begin(), peer_urls.end(), url) != peer_urls.end())
                        throw error("etcdserver: Peer URLs already exists", 400, 9);
            members_.push_back({next_member_, {}, peer_urls, {}});
            return next_member_++;
        });
    }
    void remove_member(std::uint64_t id) override {
        call("remove_member", [&] {
            const auto gone = std::erase_if(members_, [&](const auto& m) { return m.id == id; });
            if (gone == 0) throw error("etcdserver: member not found", 404, 5);
        });
    }
    eg::server::etcd::endpoint_status status_of(const std::string&) override {
        return call("status_of", [&] { return status_; });
    }
    eg::server::etcd::endpoint_status status() override {
        return call("status", [&] { return status_; });
    }

    std::unique_ptr<eg::server::etcd::watch_stream> watch(
        const eg::server::etcd::watch_request& request) override {
        return call("watch", [&] {
            watch_starts_.push_back(request.start_revision);
            return std::unique_ptr<eg::server::etcd::watch_stream>(
                new stream(*this, request.prefix, request.start_revision));
        });
    }

private:
    struct lease_entry {
        std::int64_t ttl = 0;
        std::chrono::seconds expires{0};
    };
    struct logged_event {
        std::int64_t revision = 0;
        watch_update::event event;
    };
    struct plan {
        std::string operation;
        int skip = 0;
        int times = 1;
        std::optional<fault> failure;
        std::function<void()> action;
    };

    class stream final : public eg::server::etcd::watch_stream {
    public:
        stream(fake_kv& store, std::string prefix, std::int64_t start)
            : store_(store),
              prefix_(std::move(prefix)),
              end_(eg::server::etcd::prefix_end(prefix_)),
              start_(start),
              end_epoch_(store.end_epoch_),
              break_epoch_(store.break_epoch_),
              progress_epoch_(store.progress_epoch_) {}

        watch_update next() override {
            std::unique_lock lock(store_.mutex_);
            if (start_ > 0 && start_ < store_.compacted_ && !started_)
                return {watch_update::kind::compacted, {}, store_.revision_};
            started_ = true;
            while (true) {
                if (aborted_) throw error("fake etcd: watch aborted");
                if (store_.break_epoch_ != break_epoch_)
                    throw error("fake etcd: watch stream broken", 503);
                if (auto events = pending_locked(); !events.empty())
                    return {watch_update::kind::events, std::move(events), store_.revision_};
                if (store_.end_epoch_ != end_epoch_) return {watch_update::kind::ended, {}, 0};
                if (store_.progress_epoch_ != progress_epoch_) {
                    progress_epoch_ = store_.progress_epoch_;
                    return {watch_update::kind::progress, {}, store_.revision_};
                }
                store_.changed_.wait(lock);
            }
        }

        void abort() override {
            std::lock_guard lock(store_.mutex_);
            aborted_ = true;
            store_.changed_.notify_all();
        }

    private:
        // The events of the first revision from start_ on with events under the prefix.
        std::vector<watch_update::event> pending_locked() {
            std::vector<watch_update::event> events;
            std::int64_t revision = 0;
            for (; cursor_ < store_.history_.size(); ++cursor_) {
                const auto& logged = store_.history_[cursor_];
                if (logged.revision < start_) continue;
                if (revision != 0 && logged.revision != revision) break;
                if (!in_range(logged.event.kv.key, prefix_, end_)) continue;
                revision = logged.revision;
                events.push_back(logged.event);
            }
            return events;
        }

        fake_kv& store_;
        std::string prefix_;
        std::string end_;
        std::int64_t start_;
        std::size_t cursor_ = 0;
        std::uint64_t end_epoch_;
        std::uint64_t break_epoch_;
        std::uint64_t progress_epoch_;
        bool started_ = false;
        bool aborted_ = false;
    };

    // Whether key is in [from, end): end empty is the one key from, "\0" every key from on.
    static bool in_range(const std::string& key, const std::string& from, const std::string& end) {
        if (end.empty()) return key == from;
        if (end == std::string(1, '\0')) return key >= from;
        return key >= from && key < end;
    }

    static json gateway_kv(const key_value& kv) {
        json out = {{"key", eg::server::etcd::base64(kv.key)},
                    {"value", eg::server::etcd::base64(kv.value)},
                    {"create_revision", std::to_string(kv.create_revision)},
                    {"mod_revision", std::to_string(kv.mod_revision)},
                    {"version", std::to_string(kv.version)}};
        if (kv.lease != 0) out["lease"] = std::to_string(kv.lease);
        return out;
    }

    // Runs body under the store's lock, with the planned fault or action of this call.
    template <class body_type>
    std::invoke_result_t<body_type&> call(const std::string& operation, body_type&& body) {
        std::optional<fault> failure;
        std::function<void()> action;
        {
            std::lock_guard lock(mutex_);
            ++calls_[operation];
            take_plan_locked(operation, failure, action);
        }
        if (action) action();
        const std::string what = "fake etcd: " + operation + ": ";
        if (failure == fault::unavailable) throw error(what + "etcdserver: unavailable", 503, 14);
        if (failure == fault::unknown_unapplied)
            throw error(what + "no answer (not applied)", 0, 0, true);
        std::unique_lock lock(mutex_);
        if constexpr (std::is_void_v<decltype(body())>) {
            body();
            changed_locked();
            if (failure == fault::unknown_applied)
                throw error(what + "no answer (applied)", 0, 0, true);
        } else {
            auto result = body();
            changed_locked();
            if (failure == fault::unknown_applied)
                throw error(what + "no answer (applied)", 0, 0, true);
            return result;
        }
    }

    // The first plan of this call due now is taken; every other plan of it counts the call.
    void take_plan_locked(const std::string& operation, std::optional<fault>& failure,
                          std::function<void()>& action) {
        bool taken = false;
        for (auto it = plans_.begin(); it != plans_.end();) {
            if (!it->operation.empty() && it->operation != operation) {
                ++it;
            } else if (it->skip > 0) {
                --it->skip;
                ++it;
            } else if (taken) {
                ++it;
            } else {
                taken = true;
                failure = it->failure;
                action = it->action;
                it = --it->times > 0 ? it + 1 : plans_.erase(it);
            }
        }
    }

    void changed_locked() {
        ++changes_;
        changed_.notify_all();
    }

    void check_lease_locked(std::uint64_t lease) const {
        if (lease != 0 && leases_.count(lease) == 0)
            throw error("etcdserver: requested lease not found", 404, 5);
    }

    eg::server::etcd::range_result range_locked(const std::string& from,
                                                const std::string& end) const {
        eg::server::etcd::range_result out;
        out.revision = revision_;
        for (auto it = data_.lower_bound(from); it != data_.end(); ++it) {
            if (!in_range(it->first, from, end)) break;
            out.kvs.push_back(it->second);
        }
        return out;
    }

    std::optional<key_value> at_locked(const std::string& key, std::int64_t revision) const {
        if (revision <= 0) revision = revision_;
        if (revision > revision_)
            throw error("etcdserver: mvcc: required revision is a future revision", 400, 11);
        if (revision < compacted_)
            throw error("etcdserver: mvcc: required revision has been compacted", 400, 11);
        for (auto it = history_.rbegin(); it != history_.rend(); ++it) {
            if (it->revision > revision || it->event.kv.key != key) continue;
            if (it->event.deleted) return std::nullopt;
            return it->event.kv;
        }
        return std::nullopt;
    }

    void put_locked(const std::string& key, const std::string& value, std::uint64_t lease,
                    std::int64_t revision) {
        auto& kv = data_[key];
        if (kv.version == 0) {
            kv.key = key;
            kv.create_revision = revision;
        }
        kv.value = value;
        kv.mod_revision = revision;
        ++kv.version;
        kv.lease = lease;
        history_.push_back({revision, {false, kv}});
    }

    std::int64_t delete_locked(const std::string& from, const std::string& end,
                               std::int64_t revision) {
        std::int64_t deleted = 0;
        for (auto it = data_.lower_bound(from);
             it != data_.end() && in_range(it->first, from, end);) {
            history_.push_back({revision, {true, key_value{it->first, {}, 0, revision, 0, 0}}});
            it = data_.erase(it);
            ++deleted;
        }
        return deleted;
    }

    void revoke_locked(std::uint64_t lease) {
        if (leases_.erase(lease) == 0) return;
        const std::int64_t revision = revision_ + 1;
        bool deleted = false;
        for (auto it = data_.begin(); it != data_.end();) {
            if (it->second.lease != lease) {
                ++it;
                continue;
            }
            history_.push_back({revision, {true, key_value{it->first, {}, 0, revision, 0, 0}}});
            it = data_.erase(it);
            deleted = true;
        }
        if (deleted) revision_ = revision;
    }

    bool compare_holds_locked(const json& compare) const {
        if (compare.contains("range_end"))
            throw error("fake etcd: a compare over a range is not supported", 400);
        const std::string key = eg::server::etcd::unbase64(compare.value("key", ""));
        const std::string target = compare.value("target", "VERSION");
        const std::string result = compare.value("result", "EQUAL");
        const auto found = data_.find(key);
        const key_value none;
        const key_value& kv = found == data_.end() ? none : found->second;
        int order = 0;  // kv's side against the compare's
        auto three_way = [](auto a, auto b) { return a < b ? -1 : (b < a ? 1 : 0); };
        if (target == "VALUE") {
            if (found == data_.end()) return false;  // as etcd: no value to compare
            order = three_way(kv.value,
                              eg::server::etcd::unbase64(compare.value("value", std::string())));
        } else if (target == "VERSION") {
            order = three_way(kv.version, eg::server::etcd::as_i64(compare, "version"));
        } else if (target == "CREATE") {
            order =
                three_way(kv.create_revision, eg::server::etcd::as_i64(compare, "create_revision"));
        } else if (target == "MOD") {
            order = three_way(kv.mod_revision, eg::server::etcd::as_i64(compare, "mod_revision"));
        } else if (target == "LEASE") {
            order = three_way(kv.lease, eg::server::etcd::as_u64(compare, "lease"));
        } else {
            throw error("fake etcd: unknown compare target " + target, 400);
        }
        if (result == "EQUAL") return order == 0;
        if (result == "NOT_EQUAL") return order != 0;
        if (result == "GREATER") return order > 0;
        if (result == "LESS") return order < 0;
        throw error("fake etcd: unknown compare result " + result, 400);
    }

    json txn_locked(const json& body) {
        bool succeeded = true;
        for (const auto& compare : body.value("compare", json::array()))
            succeeded = succeeded && compare_holds_locked(compare);
        const auto operations = body.value(succeeded ? "success" : "failure", json::array());
        for (const auto& operation : operations)
            if (operation.contains("request_put"))
                check_lease_locked(eg::server::etcd::as_u64(operation["request_put"], "lease"));
        const std::int64_t revision = revision_ + 1;
        bool wrote = false;
        json responses = json::array();
        for (const auto& operation : operations)
            responses.push_back(apply_locked(operation, revision, wrote));
        if (wrote) revision_ = revision;
        json answer = {{"header", {{"revision", std::to_string(revision_)}}},
                       {"responses", std::move(responses)}};
        if (succeeded) answer["succeeded"] = true;
        return answer;
    }

    // One operation of a transaction at `revision`, as the gateway answers it.
    json apply_locked(const json& operation, std::int64_t revision, bool& wrote) {
        auto bytes = [](const json& request, const char* field) {
            return eg::server::etcd::unbase64(request.value(field, std::string()));
        };
        if (operation.contains("request_range")) {
            const auto& request = operation["request_range"];
            json kvs = json::array();
            for (const auto& kv :
                 range_locked(bytes(request, "key"), bytes(request, "range_end")).kvs)
                kvs.push_back(gateway_kv(kv));
            const auto count = std::to_string(kvs.size());
            return {{"response_range", {{"kvs", std::move(kvs)}, {"count", count}}}};
        }
        if (operation.contains("request_put")) {
            const auto& request = operation["request_put"];
            put_locked(bytes(request, "key"), bytes(request, "value"),
                       eg::server::etcd::as_u64(request, "lease"), revision);
            wrote = true;
            return {{"response_put", json::object()}};
        }
        if (operation.contains("request_delete_range")) {
            const auto& request = operation["request_delete_range"];
            const auto deleted =
                delete_locked(bytes(request, "key"), bytes(request, "range_end"), revision);
            wrote = wrote || deleted > 0;
            return {{"response_delete_range", {{"deleted", std::to_string(deleted)}}}};
        }
        throw error("fake etcd: unsupported transaction operation " + operation.dump(), 400);
    }

    std::chrono::milliseconds timeout_;
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::uint64_t changes_ = 0;
    std::vector<std::string> endpoints_;
    std::map<std::string, key_value> data_;
    std::vector<logged_event> history_;
    std::int64_t revision_ = 1;
    std::int64_t compacted_ = 0;
    std::map<std::uint64_t, lease_entry> leases_;
    std::uint64_t next_lease_ = 0x7e570001;
    std::chrono::seconds now_{0};
    std::vector<eg::server::etcd::member> members_;
    std::uint64_t next_member_ = 0x3e3b0001;
    eg::server::etcd::endpoint_status status_{0x3e3b0000, 0x3e3b0000, 2};
    std::vector<plan> plans_;
    std::map<std::string, std::size_t> calls_;
    std::vector<std::int64_t> watch_starts_;
    std::uint64_t end_epoch_ = 0;
    std::uint64_t break_epoch_ = 0;
    std::uint64_t progress_epoch_ = 0;
};

}  // namespace eg::test
