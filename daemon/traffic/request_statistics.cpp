#include "daemon/traffic/request_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace eg::server {

std::size_t latency_bucket(std::uint64_t ms) {
    if (ms < 500) return static_cast<std::size_t>(ms);
    if (ms < 10'000) return 500 + static_cast<std::size_t>((ms - 500) / 100);
    if (ms < 257'000) return 595 + static_cast<std::size_t>((ms - 10'000) / 1000);
    return latency_bucket_count - 1;
}

std::uint64_t latency_bucket_upper_ms(std::size_t bucket) {
    if (bucket < 500) return bucket;
    if (bucket < 595) return 500 + (bucket - 500 + 1) * 100 - 1;
    if (bucket < 842) return 10'000 + (bucket - 595 + 1) * 1000 - 1;
    return 257'000;
}

void statistics_snapshot::merge(const statistics_snapshot& other) {
    if (other.count > 0) {
        min_ms = count == 0 ? other.min_ms : std::min(min_ms, other.min_ms);
        max_ms = std::max(max_ms, other.max_ms);
    }
    count += other.count;
    err_count += other.err_count;
    for (std::size_t i = 0; i < 3; ++i) {
        rates[i] += other.rates[i];
        err_rates[i] += other.err_rates[i];
    }
    total_ms += other.total_ms;
    req_size += other.req_size;
    resp_size += other.resp_size;
    for (std::size_t i = 0; i < latency_bucket_count; ++i)
        window_buckets[i] += other.window_buckets[i];
    for (const auto& [code, n] : other.window_codes) window_codes[code] += n;
}

std::uint64_t statistics_snapshot::percentile_ms(double fraction) const {
    std::uint64_t total = 0;
    for (auto n : window_buckets) total += n;
    if (total == 0) return 0;
    const auto rank = static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(total)));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < latency_bucket_count; ++i) {
        seen += window_buckets[i];
        if (seen >= std::max<std::uint64_t>(rank, 1)) return latency_bucket_upper_ms(i);
    }
    return latency_bucket_upper_ms(latency_bucket_count - 1);
}

nlohmann::json statistics_snapshot::to_json() const {
    const auto ratio = [](double err, double all) { return all > 0 ? err / all : 0.0; };
    nlohmann::json codes = nlohmann::json::object();
    for (const auto& [code, n] : window_codes) codes[std::to_string(code)] = n;
    return {
        {"count", count},
        {"errCount", err_count},
        {"m1", rates[0]},
        {"m5", rates[1]},
        {"m15", rates[2]},
        {"m1Err", err_rates[0]},
        {"m5Err", err_rates[1]},
        {"m15Err", err_rates[2]},
        {"m1ErrPercent", ratio(err_rates[0], rates[0])},
        {"m5ErrPercent", ratio(err_rates[1], rates[1])},
        {"m15ErrPercent", ratio(err_rates[2], rates[2])},
        {"min", count == 0 ? 0 : min_ms},
        {"max", max_ms},
        {"mean", count == 0 ? 0 : total_ms / count},
        {"p25", percentile_ms(0.25)},
        {"p50", percentile_ms(0.50)},
        {"p75", percentile_ms(0.75)},
        {"p95", percentile_ms(0.95)},
        {"p98", percentile_ms(0.98)},
        {"p99", percentile_ms(0.99)},
        {"p999", percentile_ms(0.999)},
        {"reqSize", req_size},
        {"respSize", resp_size},
        {"codes", codes},
    };
}

request_statistics::request_statistics() = default;

void request_statistics::record(std::uint64_t duration_ms, int status, std::uint64_t request_bytes,
                                std::uint64_t response_bytes) {
    constexpr auto relaxed = std::memory_order_relaxed;
    count_.fetch_add(1, relaxed);
    if (status >= 400) err_count_.fetch_add(1, relaxed);
    auto low = min_ms_.load(relaxed);
    while (duration_ms < low && !min_ms_.compare_exchange_weak(low, duration_ms, relaxed)) {
    }
    auto high = max_ms_.load(relaxed);
    while (duration_ms > high && !max_ms_.compare_exchange_weak(high, duration_ms, relaxed)) {
    }
    total_ms_.fetch_add(duration_ms, relaxed);
    req_size_.fetch_add(request_bytes, relaxed);
    resp_size_.fetch_add(response_bytes, relaxed);
    buckets_[latency_bucket(duration_ms)].fetch_add(1, relaxed);
    if (status >= 100 && status <= 999)
        codes_[static_cast<std::size_t>(status - 100)].fetch_add(1, relaxed);
}

void request_statistics::ewma::update(double instant, double alpha) {
    if (!started) {
        rate = instant;
        started = true;
    } else {
        rate += alpha * (instant - rate);
    }
}

void request_statistics::tick(double seconds) {
    constexpr auto relaxed = std::memory_order_relaxed;
    const auto count = count_.load(relaxed);
    const auto errors = err_count_.load(relaxed);
    const double instant = static_cast<double>(count - ticked_count_) / seconds;
    const double err_instant = static_cast<double>(errors - ticked_err_count_) / seconds;
    ticked_count_ = count;
    ticked_err_count_ = errors;
    const std::array<double, 3> minutes{1, 5, 15};
    for (std::size_t i = 0; i < 3; ++i) {
        const double alpha = 1 - std::exp(-seconds / (60 * minutes[i]));
        ewmas_[i].update(instant, alpha);
        ewmas_[i + 3].update(err_instant, alpha);
        rates_[i].store(ewmas_[i].rate, relaxed);
        rates_[i + 3].store(ewmas_[i + 3].rate, relaxed);
    }
    for (auto& bucket : buckets_) bucket.store(0, relaxed);
    for (auto& code : codes_) code.store(0, relaxed);
}

statistics_snapshot request_statistics::snapshot() const {
    constexpr auto relaxed = std::memory_order_relaxed;
    statistics_snapshot s;
    s.count = count_.load(relaxed);
    s.err_count = err_count_.load(relaxed);
    for (std::size_t i = 0; i < 3; ++i) {
        s.rates[i] = rates_[i].load(relaxed);
        s.err_rates[i] = rates_[i + 3].load(relaxed);
    }
    const auto low = min_ms_.load(relaxed);
    s.min_ms = low == UINT64_MAX ? 0 : low;
    s.max_ms = max_ms_.load(relaxed);
    s.total_ms = total_ms_.load(relaxed);
    s.req_size = req_size_.load(relaxed);
    s.resp_size = resp_size_.load(relaxed);
    for (std::size_t i = 0; i < latency_bucket_count; ++i)
        s.window_buckets[i] = buckets_[i].load(relaxed);
    for (std::size_t i = 0; i < codes_.size(); ++i)
        if (const auto n = codes_[i].load(relaxed)) s.window_codes[static_cast<int>(i) + 100] = n;
    return s;
}

}  // namespace eg::server
