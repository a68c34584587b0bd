#pragma once
// kv store: the etcd operations the member's components use, as an interface. `client`
// (etcd_client.hpp) implements it over etcd's JSON gateway; the unit tests use an in-memory fake
// with etcd's semantics (tests/support/fake_kv.hpp).
//  - keys and values are raw bytes;
//  - a transaction is the gateway's body ({"compare":[…],"success":[…],"failure":[…]}, keys and
//    values in base64) and its answer the gateway's answer;
//  - every call may throw `error`; unavailable() says it is worth trying again, and
//    outcome_unknown() that a write was sent but not answered (it may have been applied);
//  - a watch is a stream of updates from a revision on, read by one thread; another thread may
//    abort it.

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace eg::server::etcd {

using json = nlohmann::json;

struct key_value {
    std::string key;
    std::string value;
    std::int64_t create_revision = 0;
    std::int64_t mod_revision = 0;
    std::int64_t version = 0;
    std::uint64_t lease = 0;
};

struct range_result {
    std::vector<key_value> kvs;
    std::int64_t revision = 0;  // the store's revision when read
};

struct member {
    std::uint64_t id = 0;
    std::string name;  // empty for a member added but not started yet
    std::vector<std::string> peer_urls;
    std::vector<std::string> client_urls;
    bool is_learner = false;  // added as a learner, not promoted to a voting member yet
};

struct endpoint_status {
    std::uint64_t member_id = 0;
    std::uint64_t leader = 0;  // 0: no leader
    std::int64_t raft_term = 0;
};

// A failed call. http_status 0: the endpoint could not be reached or did not answer in time.
class error : public std::runtime_error {
public:
    error(const std::string& message, int http_status = 0, int grpc_code = 0,
          bool outcome_unknown = false)
        : std::runtime_error(message),
          http_status_(http_status),
          grpc_code_(grpc_code),
          outcome_unknown_(outcome_unknown) {}
    int http_status() const { return http_status_; }
    int grpc_code() const { return grpc_code_; }
    // Worth trying elsewhere or later: unreachable, or the member has no quorum.
    bool unavailable() const { return http_status_ == 0 || http_status_ == 503; }
    bool not_found() const { return http_status_ == 404; }
    // The request was sent but no answer came: it may have been applied.
    bool outcome_unknown() const { return outcome_unknown_; }

private:
    int http_status_;
    int grpc_code_;
    bool outcome_unknown_;
};

// The gateway's encodings.
std::string base64(std::string_view bytes);
std::string unbase64(std::string_view text);
// The range end that selects every key starting with prefix.
std::string prefix_end(std::string_view prefix);
// Gateway numbers: 64-bit values come as strings; absent means zero.
std::uint64_t as_u64(const json& object, const char* field);
std::int64_t as_i64(const json& object, const char* field);
key_value key_value_from(const json& kv);
std::string hex_id(std::uint64_t id);

// One answer of a watch stream.
struct watch_update {
    enum class kind {
        events,     // changes, in revision order
        progress,   // no change: every revision up to `revision` has been sent
        ended,      // the stream closed or was quiet for its idle time: watch again
        compacted,  // the history from the start revision is gone: read everything again
    };
    struct event {
        bool deleted = false;
        key_value kv;  // of a delete: the key and the revision of the delete
    };
    kind what = kind::ended;
    std::vector<event> events;
    std::int64_t revision = 0;  // the store's revision when sent
};

class watch_stream {
public:
    virtual ~watch_stream() = default;
    // Blocks until the next update; throws error when the stream fails or was aborted.
    virtual watch_update next() = 0;
    // From another thread: ends a next() under way, and every later one.
    virtual void abort() = 0;
};

struct watch_request {
    std::string prefix;  // every key starting with it
    std::int64_t start_revision = 0;
    // How long a silent stream is kept before it ends (liveness check).
    std::chrono::milliseconds idle{10000};
    // How many streams of this watcher failed so far: a store with several endpoints moves to
    // the next one with each failure.
    std::size_t attempt = 0;
};

class kv_store {
public:
    using time_point = std::chrono::steady_clock::time_point;
    // Whether a request may be sent again once it may have been applied.
    enum class repeat { safe, unsafe };

    virtual ~kv_store() = default;

    virtual void set_endpoints(std::vector<std::string> endpoints) = 0;
    virtual std::vector<std::string> endpoints() const = 0;
    // How long one call may take.
    virtual std::chrono::milliseconds timeout() const = 0;

    virtual range_result get(std::string_view key) = 0;
    virtual range_result get_prefix(std::string_view prefix) = 0;
    // The key as it was at revision (history; an error once compacted); nullopt: absent then.
    virtual std::optional<key_value> get_at(std::string_view key, std::int64_t revision,
                                            std::optional<time_point> deadline = std::nullopt) = 0;
    virtual std::int64_t put(std::string_view key, std::string_view value,
                             std::uint64_t lease = 0) = 0;
    // Creates key only if it does not exist; true when created.
    virtual bool put_if_absent(std::string_view key, std::string_view value,
                               std::uint64_t lease = 0) = 0;
    virtual std::int64_t erase(std::string_view key) = 0;
    // A transaction (the gateway's body and answer). again: unsafe for one that must not apply
    // twice (its outcome is unknown once sent and not answered).
    virtual json txn(const json& body, repeat again, std::optional<time_point> deadline) = 0;

    virtual std::uint64_t grant_lease(std::int64_t ttl_seconds) = 0;
    // The lease's remaining TTL in seconds, 0 when it no longer exists.
    virtual std::int64_t keep_alive(std::uint64_t lease) = 0;
    virtual void revoke_lease(std::uint64_t lease) = 0;

    virtual std::vector<member> members() = 0;
    // Adds a member by its peer URLs; returns its id.
    virtual std::uint64_t add_member(const std::vector<std::string>& peer_urls) = 0;
    virtual void remove_member(std::uint64_t id) = 0;
    // The status of that endpoint, or of whichever endpoint answers.
    virtual endpoint_status status_of(const std::string& endpoint) = 0;
    virtual endpoint_status status() = 0;

    // A watch of every key under request.prefix from request.start_revision on.
    virtual std::unique_ptr<watch_stream> watch(const watch_request& request) = 0;
};

}  // namespace eg::server::etcd
