#pragma once
// request statistics: upstream's statistics block of an HTTPServer and of each Proxy pool
// (reference §6): count, errCount (status >= 400), EWMA rates m1/m5/m15 and their error
// counterparts and ratios, min/max/mean duration (ms, since creation), percentiles p25..p999
// from a fixed-bucket latency histogram and the status codes (both over the current window),
// reqSize and respSize (bytes, since creation). Recording takes no lock: relaxed atomic
// counters and buckets. The status timer calls tick() every 5 s: it advances the rates and
// starts a new window.
// Differs from upstream on purpose: reading is not destructive (§8 D2: only tick() starts a
// window, so extra readers change nothing), and m1ErrPercent/m5ErrPercent/m15ErrPercent each
// hold the error ratio (0..1) of their own window (§8 D1).

#include <nlohmann/json.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <vector>

namespace eg::server {

// The latency buckets: 1 ms up to 500 ms, 100 ms up to 10 s, 1 s up to 257 s, then one last.
std::size_t latency_bucket(std::uint64_t ms);
std::uint64_t latency_bucket_upper_ms(std::size_t bucket);
constexpr std::size_t latency_bucket_count = 500 + 95 + 247 + 1;

// A copy of the statistics at one moment; snapshots of several merge (sum of counts and
// rates, min of mins, max of maxes).
struct statistics_snapshot {
    std::uint64_t count = 0;
    std::uint64_t err_count = 0;
    std::array<double, 3> rates{};      // m1, m5, m15 (requests/s)
    std::array<double, 3> err_rates{};  // m1Err, m5Err, m15Err
    std::uint64_t min_ms = 0;
    std::uint64_t max_ms = 0;
    std::uint64_t total_ms = 0;
    std::uint64_t req_size = 0;
    std::uint64_t resp_size = 0;
    std::vector<std::uint64_t> window_buckets = std::vector<std::uint64_t>(latency_bucket_count);
    std::map<int, std::uint64_t> window_codes;

    void merge(const statistics_snapshot& other);
    // The duration (ms) below which `fraction` of the window's requests took.
    std::uint64_t percentile_ms(double fraction) const;
    nlohmann::json to_json() const;
};

class request_statistics {
public:
    request_statistics();

    void record(std::uint64_t duration_ms, int status, std::uint64_t request_bytes,
                std::uint64_t response_bytes);
    // Advances the rates by `seconds` (5 for the status timer) and starts a new window.
    void tick(double seconds);
    statistics_snapshot snapshot() const;

private:
    struct ewma {
        double rate = 0;
        bool started = false;
        void update(double instant, double alpha);
    };

    std::atomic<std::uint64_t> count_{0};
    std::atomic<std::uint64_t> err_count_{0};
    std::atomic<std::uint64_t> min_ms_{UINT64_MAX};
    std::atomic<std::uint64_t> max_ms_{0};
    std::atomic<std::uint64_t> total_ms_{0};
    std::atomic<std::uint64_t> req_size_{0};
    std::atomic<std::uint64_t> resp_size_{0};
    std::array<std::atomic<std::uint64_t>, latency_bucket_count> buckets_{};
    std::array<std::atomic<std::uint64_t>, 900> codes_{};  // statuses 100..999
    // tick() state, touched by the status timer's thread only; rates read by snapshot().
    std::uint64_t ticked_count_ = 0;
    std::uint64_t ticked_err_count_ = 0;
    std::array<std::atomic<double>, 6> rates_{};  // m1 m5 m15 m1Err m5Err m15Err
    std::array<ewma, 6> ewmas_{};
};

}  // namespace eg::server
