#include "daemon/traffic/load_balancer.hpp"

#include "daemon/http/http_text.hpp"

#include <array>
#include <random>
#include <utility>

namespace eg::server {

namespace {

constexpr std::array<std::pair<std::string_view, balance_policy>, 6> policy_names{{
    {"roundRobin", balance_policy::round_robin},
    {"random", balance_policy::random},
    {"weightedRandom", balance_policy::weighted_random},
    {"ipHash", balance_policy::ip_hash},
    {"headerHash", balance_policy::header_hash},
    {"cookieHash", balance_policy::cookie_hash},
}};

}  // namespace

std::optional<balance_policy> parse_balance_policy(std::string_view name) {
    if (name.empty()) return balance_policy::round_robin;
    for (const auto& [text, policy] : policy_names)
        if (text == name) return policy;
    return std::nullopt;
}

std::string_view to_string(balance_policy policy) {
    for (const auto& [text, p] : policy_names)
        if (p == policy) return text;
    return "roundRobin";
}

std::uint32_t fnv1_32(std::string_view text) {
    std::uint32_t hash = 2166136261u;
    for (char c : text) {
        hash *= 16777619u;
        hash ^= static_cast<unsigned char>(c);
    }
    return hash;
}

std::string_view cookie_value(std::string_view cookie_header, std::string_view name) {
    while (!cookie_header.empty()) {
        const auto semicolon = cookie_header.find(';');
        const auto pair = http_text::trimmed(cookie_header.substr(0, semicolon));
        const auto equals = pair.find('=');
        if (equals != std::string_view::npos &&
            http_text::trimmed(pair.substr(0, equals)) == name) {
            auto value = http_text::trimmed(pair.substr(equals + 1));
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
                value = value.substr(1, value.size() - 2);
            return value;
        }
        if (semicolon == std::string_view::npos) break;
        cookie_header.remove_prefix(semicolon + 1);
    }
    return {};
}

std::uint64_t thread_random::below(std::uint64_t bound) {
    thread_local std::mt19937_64 generator{std::random_device{}()};
    return std::uniform_int_distribution<std::uint64_t>(0, bound - 1)(generator);
}

load_balancer::load_balancer(balance_spec spec, std::vector<std::uint32_t> weights)
    : spec_(std::move(spec)), weights_(std::move(weights)) {}

std::optional<std::size_t> load_balancer::choose(std::span<const std::uint32_t> healthy,
                                                 const balance_request& request,
                                                 random_source& random) {
    if (healthy.empty()) return std::nullopt;
    const std::size_t n = healthy.size();
    std::size_t at = 0;
    switch (spec_.policy) {
        case balance_policy::round_robin:
            at = static_cast<std::size_t>(next_.fetch_add(1, std::memory_order_relaxed) % n);
            break;
        case balance_policy::random:
            at = static_cast<std::size_t>(random.below(n));
            break;
        case balance_policy::weighted_random:
            at = weighted(healthy, random);
            break;
        case balance_policy::ip_hash:
            at = fnv1_32(request.client_ip) % n;
            break;
        case balance_policy::header_hash:
            at = fnv1_32(request.hash_header) % n;
            break;
        case balance_policy::cookie_hash:
            at = fnv1_32(spec_.cookie_name.empty()
                             ? request.cookie_header
                             : cookie_value(request.cookie_header, spec_.cookie_name)) %
                 n;
            break;
    }
    return healthy[at];
}

std::size_t load_balancer::weighted(std::span<const std::uint32_t> healthy,
                                    random_source& random) const {
    const auto weight = [&](std::uint32_t server) -> std::uint64_t {
        return server < weights_.size() ? weights_[server] : 0;
    };
    std::uint64_t total = 0;
    for (auto server : healthy) total += weight(server);
    if (total == 0) return static_cast<std::size_t>(random.below(healthy.size()));
    std::uint64_t point = random.below(total);
    for (std::size_t i = 0; i < healthy.size(); ++i) {
        const auto w = weight(healthy[i]);
        if (point < w) return i;
        point -= w;
    }
    return healthy.size() - 1;
}

}  // namespace eg::server
