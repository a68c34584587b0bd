#pragma once
// load balancer: a Proxy pool's choice of one upstream server among the healthy ones, by the
// pool's `loadBalance.policy`: roundRobin (a shared atomic counter), random, weightedRandom
// (probability proportional to `weight`), ipHash, headerHash (value of `headerHashKey`) and
// cookieHash (the value of cookie `cookieName`, or the whole Cookie header without one); the
// hashes are FNV-1 32 bits modulo the number of healthy servers, as upstream's.
// A choice allocates nothing and takes no lock; the balancer is built once per pool version.
//
// Where it differs from upstream on purpose (upstream defects, reference §8):
//  - D22: an unknown policy name is not silently roundRobin: parse_balance_policy() refuses it,
//    so the object is refused when applied;
//  - D20: weightedRandom over healthy servers whose weights are all 0 does not panic: it
//    chooses uniformly among them;
//  - D16: ipHash hashes the address the caller gives (the engine passes the peer's address,
//    not a client-supplied X-Forwarded-For / X-Real-Ip).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace eg::server {

enum class balance_policy {
    round_robin,
    random,
    weighted_random,
    ip_hash,
    header_hash,
    cookie_hash
};

// The policy of its upstream name ("roundRobin", …); "" is roundRobin; unknown: nullopt.
std::optional<balance_policy> parse_balance_policy(std::string_view name);
std::string_view to_string(balance_policy policy);

// FNV-1, 32 bits (upstream's hash of IPs, headers and cookies).
std::uint32_t fnv1_32(std::string_view text);

// The value of cookie `name` in a Cookie header ("a=1; b=2"), empty when absent.
std::string_view cookie_value(std::string_view cookie_header, std::string_view name);

// Random numbers for random and weightedRandom; tests inject their own.
class random_source {
public:
    virtual ~random_source() = default;
    // Uniform in [0, bound), bound > 0.
    virtual std::uint64_t below(std::uint64_t bound) = 0;
};

// A per-thread generator (no lock, no allocation per draw).
class thread_random final : public random_source {
public:
    std::uint64_t below(std::uint64_t bound) override;
};

// What a choice may look at in the request.
struct balance_request {
    std::string_view client_ip;      // ipHash
    std::string_view hash_header;    // headerHash: the value of header header_key(), "" if absent
    std::string_view cookie_header;  // cookieHash: the whole Cookie header, "" if absent
};

struct balance_spec {
    balance_policy policy = balance_policy::round_robin;
    std::string header_key;   // headerHash
    std::string cookie_name;  // cookieHash; empty: the whole Cookie header
};

class load_balancer {
public:
    // `weights`: one per server of the pool (0..100), all 0 when the pool gives none.
    load_balancer(balance_spec spec, std::vector<std::uint32_t> weights);

    // The index (into the pool's servers) of the chosen one among `healthy` (indices of the
    // healthy servers, ascending), or nullopt when none is healthy (the proxy answers 503).
    std::optional<std::size_t> choose(std::span<const std::uint32_t> healthy,
                                      const balance_request& request, random_source& random);

    const balance_spec& spec() const { return spec_; }

private:
    std::size_t weighted(std::span<const std::uint32_t> healthy, random_source& random) const;

    balance_spec spec_;
    std::vector<std::uint32_t> weights_;
    std::atomic<std::uint64_t> next_{0};
};

}  // namespace eg::server
