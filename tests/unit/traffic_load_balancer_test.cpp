#include "daemon/traffic/load_balancer.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <thread>
#include <vector>

namespace {

using eg::server::balance_policy;
using eg::server::balance_request;
using eg::server::load_balancer;

// Answers the given draws in turn (modulo the bound), and records the bounds asked for.
class scripted_random final : public eg::server::random_source {
public:
    explicit scripted_random(std::vector<std::uint64_t> draws) : draws_(std::move(draws)) {}
    std::uint64_t below(std::uint64_t bound) override {
        bounds.push_back(bound);
        return draws_[at_++ % draws_.size()] % bound;
    }
    std::vector<std::uint64_t> bounds;

private:
    std::vector<std::uint64_t> draws_;
    std::size_t at_ = 0;
};

load_balancer balancer(balance_policy policy, std::vector<std::uint32_t> weights = {0, 0, 0, 0},
                       std::string header_key = {}, std::string cookie_name = {}) {
    return load_balancer({policy, std::move(header_key), std::move(cookie_name)},
                         std::move(weights));
}

}  // namespace

TEST_CASE("load balancer: policy names are upstream's, an unknown one is refused",
          "[traffic-balance]") {
    CHECK(eg::server::parse_balance_policy("") == balance_policy::round_robin);
    CHECK(eg::server::parse_balance_policy("roundRobin") == balance_policy::round_robin);
    CHECK(eg::server::parse_balance_policy("weightedRandom") == balance_policy::weighted_random);
    CHECK(eg::server::parse_balance_policy("cookieHash") == balance_policy::cookie_hash);
    CHECK_FALSE(eg::server::parse_balance_policy("leastConn").has_value());
    CHECK_FALSE(eg::server::parse_balance_policy("roundrobin").has_value());
    for (auto p :
         {balance_policy::round_robin, balance_policy::random, balance_policy::weighted_random,
          balance_policy::ip_hash, balance_policy::header_hash, balance_policy::cookie_hash})
        CHECK(eg::server::parse_balance_policy(eg::server::to_string(p)) == p);
}

TEST_CASE("load balancer: FNV-1 32 and cookie values", "[traffic-balance]") {
    CHECK(eg::server::fnv1_32("") == 2166136261u);
    CHECK(eg::server::fnv1_32("a") == 0x050c5d7eu);
    CHECK(eg::server::fnv1_32("foobar") == 0x31f0b262u);
    CHECK(eg::server::cookie_value("a=1; session=xyz; b=2", "session") == "xyz");
    CHECK(eg::server::cookie_value("session=\"q\"", "session") == "q");
    CHECK(eg::server::cookie_value("a=1;b=2", "b") == "2");
    CHECK(eg::server::cookie_value("xsession=1", "session").empty());
    CHECK(eg::server::cookie_value("", "session").empty());
}

TEST_CASE("load balancer: round robin cycles over the healthy servers only", "[traffic-balance]") {
    auto lb = balancer(balance_policy::round_robin);
    eg::server::thread_random random;
    const std::vector<std::uint32_t> healthy{0, 2, 3};
    std::vector<std::size_t> chosen;
    for (int i = 0; i < 6; ++i) chosen.push_back(*lb.choose(healthy, {}, random));
    CHECK(chosen == std::vector<std::size_t>{0, 2, 3, 0, 2, 3});
    CHECK_FALSE(lb.choose({}, {}, random).has_value());
}

TEST_CASE("load balancer: round robin is shared by threads without losing a turn",
          "[traffic-balance]") {
    auto lb = balancer(balance_policy::round_robin);
    const std::vector<std::uint32_t> healthy{0, 1, 2, 3};
    std::vector<std::map<std::size_t, int>> counts(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            eg::server::thread_random random;
            for (int i = 0; i < 1000; ++i) ++counts[t][*lb.choose(healthy, {}, random)];
        });
    for (auto& thread : threads) thread.join();
    std::map<std::size_t, int> total;
    for (const auto& c : counts)
        for (const auto& [server, n] : c) total[server] += n;
    CHECK(total == std::map<std::size_t, int>{{0, 1000}, {1, 1000}, {2, 1000}, {3, 1000}});
}

TEST_CASE("load balancer: random draws among the healthy servers", "[traffic-balance]") {
    auto lb = balancer(balance_policy::random);
    scripted_random random({1, 0, 5});
    const std::vector<std::uint32_t> healthy{1, 3};
    CHECK(*lb.choose(healthy, {}, random) == 3);
    CHECK(*lb.choose(healthy, {}, random) == 1);
    CHECK(*lb.choose(healthy, {}, random) == 3);
    CHECK(random.bounds == std::vector<std::uint64_t>{2, 2, 2});
}

TEST_CASE("load balancer: weighted random follows the weights of the healthy servers",
          "[traffic-balance]") {
    auto lb = balancer(balance_policy::weighted_random, {10, 0, 30, 60});
    const std::vector<std::uint32_t> all{0, 1, 2, 3};
    scripted_random random({0, 9, 10, 39, 40, 99});
    std::vector<std::size_t> chosen;
    for (int i = 0; i < 6; ++i) chosen.push_back(*lb.choose(all, {}, random));
    CHECK(chosen == std::vector<std::size_t>{0, 0, 2, 2, 3, 3});  // weight 0: never
    CHECK(random.bounds.front() == 100);
    // Server 2 down: the total is 70.
    const std::vector<std::uint32_t> healthy{0, 1, 3};
    scripted_random second({69, 9});
    CHECK(*lb.choose(healthy, {}, second) == 3);
    CHECK(*lb.choose(healthy, {}, second) == 0);
    CHECK(second.bounds.front() == 70);
    // Only weight 0 left: uniform (upstream panics, §8 D20).
    const std::vector<std::uint32_t> zero{1};
    CHECK(*lb.choose(zero, {}, second) == 1);
}

TEST_CASE("load balancer: hash policies map the same key to the same server", "[traffic-balance]") {
    eg::server::thread_random random;
    const std::vector<std::uint32_t> healthy{0, 1, 2};
    auto ip = balancer(balance_policy::ip_hash);
    const balance_request from_a{"10.0.0.7", "", ""};
    CHECK(*ip.choose(healthy, from_a, random) == eg::server::fnv1_32("10.0.0.7") % 3);
    CHECK(*ip.choose(healthy, from_a, random) == *ip.choose(healthy, from_a, random));

    auto header = balancer(balance_policy::header_hash, {}, "X-User");
    CHECK(header.spec().header_key == "X-User");
    CHECK(*header.choose(healthy, {"", "alice", ""}, random) == eg::server::fnv1_32("alice") % 3);
    CHECK(*header.choose(healthy, {"", "", ""}, random) == eg::server::fnv1_32("") % 3);

    auto whole = balancer(balance_policy::cookie_hash);
    const std::string cookies = "a=1; sid=42";
    CHECK(*whole.choose(healthy, {"", "", cookies}, random) == eg::server::fnv1_32(cookies) % 3);
    auto named = balancer(balance_policy::cookie_hash, {}, {}, "sid");
    CHECK(*named.choose(healthy, {"", "", cookies}, random) == eg::server::fnv1_32("42") % 3);
    // The index is into the healthy list, then mapped to the pool's server.
    const std::vector<std::uint32_t> some{4, 7};
    CHECK(*named.choose(some, {"", "", cookies}, random) == some[eg::server::fnv1_32("42") % 2]);
}
