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

#include "daemon/etcd/kv_store.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace Poco::Net {
class HTTPClientSession;
}

namespace eg::server::etcd {

class client final : public kv_store {
public:
    client(std::vector<std::string> endpoints, std::chrono::milliseconds timeout);
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    void set_endpoints(std::vector<std::string> endpoints) override;
    // Ends every call in flight and fails every later one: for shutting down without waiting
    // for a quorum that is going away.
    void cancel();
    std::vector<std::string> endpoints() const override;
    std::chrono::milliseconds timeout() const override { return timeout_; }
    // How long a call waits for its answer before the endpoint's status is probed (and again
    // between probes).
    void set_stall_check(std::chrono::milliseconds every) { stall_check_ = every; }

    // POST path (e.g. "/v3/kv/range") with body; tries the endpoints in turn. A request that is
    // not safe to apply twice (a transaction, a membership change) is not sent to another
    // endpoint once it may have been applied: the error says the outcome is unknown.
    // deadline: when the caller gives up (a request of its own that has a time budget): no
    // endpoint is tried after it, and none is waited for beyond it.
    json call(std::string_view path, const json& body, repeat again = repeat::safe,
              std::optional<time_point> deadline = std::nullopt);
    // The same against one endpoint only.
    json call_at(const std::string& endpoint, std::string_view path, const json& body,
                 std::optional<time_point> deadline = std::nullopt);

    range_result get(std::string_view key) override;
    range_result get_prefix(std::string_view prefix) override;
    std::optional<key_value> get_at(std::string_view key, std::int64_t revision,
                                    std::optional<time_point> deadline = std::nullopt) override;
    std::int64_t put(std::string_view key, std::string_view value,
                     std::uint64_t lease = 0) override;
    bool put_if_absent(std::string_view key, std::string_view value,
                       std::uint64_t lease = 0) override;
    std::int64_t erase(std::string_view key) override;
    // Sent to another endpoint only when safe; an unsafe one is never repeated once sent.
    json txn(const json& body, repeat again, std::optional<time_point> deadline) override;

    std::uint64_t grant_lease(std::int64_t ttl_seconds) override;
    std::int64_t keep_alive(std::uint64_t lease) override;
    void revoke_lease(std::uint64_t lease) override;

    std::vector<member> members() override;
    std::uint64_t add_member(const std::vector<std::string>& peer_urls) override;
    void remove_member(std::uint64_t id) override;
    endpoint_status status_of(const std::string& endpoint) override;
    endpoint_status status() override;

    // POST /v3/watch on endpoints()[attempt % size]: a stream of newline-separated answers.
    std::unique_ptr<watch_stream> watch(const watch_request& request) override;

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
