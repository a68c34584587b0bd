#pragma once
// etcd client: etcd's v3 API over its JSON gateway (POST /v3/...), with Poco.
//  - keep-alive connections, pooled per endpoint;
//  - several endpoints: a call that cannot reach one endpoint, or that endpoint answers
//    "unavailable" (503), is tried on the next; the endpoint that answered is preferred next time;
//  - every call is bounded by the request timeout (connect, send and receive), and a call the
//    endpoint is not answering is given up sooner: while it waits, the endpoint's status is
//    probed every stall check; no answer to the probe, no leader, or a new raft term since the
//    request was sent (the leader it went to is gone, and etcd would hold it for its own
//    request timeout) ends the wait;
//  - an "unavailable" answer to a request that is not safe to repeat (etcd's "request timed
//    out", "leader changed") leaves its outcome unknown, as etcd may still apply it.
// Keys and values are raw bytes here; the base64 of the gateway stays inside.

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace Poco::Net {
class HTTPClientSession;
}

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

std::string base64(std::string_view bytes);
std::string unbase64(std::string_view text);
// The range end that selects every key starting with prefix.
std::string prefix_end(std::string_view prefix);
// Gateway numbers: 64-bit values come as strings; absent means zero.
std::uint64_t as_u64(const json& object, const char* field);
std::int64_t as_i64(const json& object, const char* field);
key_value key_value_from(const json& kv);
std::string hex_id(std::uint64_t id);

class client {
public:
    client(std::vector<std::string> endpoints, std::chrono::milliseconds timeout);
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    void set_endpoints(std::vector<std::string> endpoints);
    // Ends every call in flight and fails every later one: for shutting down without waiting
    // for a quorum that is going away.
    void cancel();
    std::vector<std::string> endpoints() const;
    std::chrono::milliseconds timeout() const { return timeout_; }
    // How long a call waits for its answer before the endpoint's status is probed (and again
    // between probes).
    void set_stall_check(std::chrono::milliseconds every) { stall_check_ = every; }

    // POST path (e.g. "/v3/kv/range") with body; tries the endpoints in turn. A request that is
    // not safe to apply twice (a transaction, a membership change) is not sent to another
    // endpoint once it may have been applied: the error says the outcome is unknown.
    enum class repeat { safe, unsafe };
    // deadline: when the caller gives up (a request of its own that has a time budget): no
    // endpoint is tried after it, and none is waited for beyond it.
    using time_point = std::chrono::steady_clock::time_point;
    json call(std::string_view path, const json& body, repeat again = repeat::safe,
              std::optional<time_point> deadline = std::nullopt);
    // The same against one endpoint only.
    json call_at(const std::string& endpoint, std::string_view path, const json& body,
                 std::optional<time_point> deadline = std::nullopt);

    range_result get(std::string_view key);
    range_result get_prefix(std::string_view prefix);
    // The key as it was at revision (history; an error once compacted); nullopt: absent then.
    std::optional<key_value> get_at(std::string_view key, std::int64_t revision,
                                    std::optional<time_point> deadline = std::nullopt);
    std::int64_t put(std::string_view key, std::string_view value, std::uint64_t lease = 0);
    // Creates key only if it does not exist; true when created.
    bool put_if_absent(std::string_view key, std::string_view value, std::uint64_t lease = 0);
    std::int64_t erase(std::string_view key);
    // A transaction (the gateway's body: compare, success, failure); never repeated once sent.
    json txn(const json& body, std::optional<time_point> deadline = std::nullopt);

    std::uint64_t grant_lease(std::int64_t ttl_seconds);
    // The lease's remaining TTL in seconds, 0 when it no longer exists.
    std::int64_t keep_alive(std::uint64_t lease);
    void revoke_lease(std::uint64_t lease);

    std::vector<member> members();
    // Adds a member by its peer URLs; returns its id.
    std::uint64_t add_member(const std::vector<std::string>& peer_urls);
    void remove_member(std::uint64_t id);
    endpoint_status status_of(const std::string& endpoint);

private:
    std::unique_ptr<Poco::Net::HTTPClientSession> take(const std::string& endpoint, bool& reused);
    void give_back(const std::string& endpoint, std::unique_ptr<Poco::Net::HTTPClientSession> s);
    // Waits until the session has an answer to read; throws error (outcome unknown) when the
    // request timeout passes or the endpoint's status says the answer will not come soon.
    void await_answer(const std::string& endpoint, Poco::Net::HTTPClientSession& session,
                      time_point deadline);
    // Why a request in flight at endpoint is not worth waiting for (empty: it is); `term` is
    // the raft term the request was sent in (0: unknown, set from this probe).
    std::string stall_of(const std::string& endpoint, std::int64_t& term) const;
    std::int64_t known_term(const std::string& endpoint) const;
    void note_term(const std::string& endpoint, const json& answer);

    mutable std::mutex mutex_;
    std::vector<std::string> endpoints_;
    std::size_t preferred_ = 0;
    std::chrono::milliseconds timeout_;
    std::chrono::milliseconds stall_check_{300};
    // A TCP connection takes far less on any network etcd runs on: an address that does not
    // answer (a partition drops its packets) is left after this.
    std::chrono::milliseconds connect_timeout_{1000};
    std::map<std::string, std::int64_t> terms_;  // the raft term each endpoint last answered in
    std::vector<std::pair<std::string, std::unique_ptr<Poco::Net::HTTPClientSession>>> idle_;
    std::vector<Poco::Net::HTTPClientSession*> active_;
    bool cancelled_ = false;
};

// One GET against an etcd peer URL ("/members", "/version") or client URL ("/health");
// returns the body of a 200 answer, throws error otherwise.
std::string http_get(const std::string& base_url, std::string_view path,
                     std::chrono::milliseconds timeout);

// The cluster's members as a peer listener reports them (GET <peer-url>/members).
std::vector<member> members_from_peer(const std::string& peer_url,
                                      std::chrono::milliseconds timeout);

// Whether the etcd at client_url says it is healthy (GET /health → {"health":"true"}).
bool healthy(const std::string& client_url, std::chrono::milliseconds timeout);

}  // namespace eg::server::etcd
