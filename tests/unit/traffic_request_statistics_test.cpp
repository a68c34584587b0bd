#include "daemon/traffic/request_statistics.hpp"

#include <catch2/catch.hpp>

#include <thread>
#include <vector>

namespace {

using eg::server::request_statistics;

}  // namespace

TEST_CASE("request statistics: an empty block has upstream's keys, all zero", "[traffic-stats]") {
    request_statistics stats;
    const auto json = stats.snapshot().to_json();
    std::vector<std::string> keys;
    for (const auto& item : json.items()) keys.push_back(item.key());
    std::sort(keys.begin(), keys.end());
    std::vector<std::string> expected{"codes",  "count",         "errCount", "m1",           "m15",
                                      "m15Err", "m15ErrPercent", "m1Err",    "m1ErrPercent", "m5",
                                      "m5Err",  "m5ErrPercent",  "max",      "mean",         "min",
                                      "p25",    "p50",           "p75",      "p95",          "p98",
                                      "p99",    "p999",          "reqSize",  "respSize"};
    std::sort(expected.begin(), expected.end());
    CHECK(keys == expected);
    CHECK(json["count"] == 0);
    CHECK(json["min"] == 0);
    CHECK(json["p99"] == 0);
    CHECK(json["codes"].empty());
}

TEST_CASE("request statistics: counts, sizes, min/max/mean, codes and percentiles",
          "[traffic-stats]") {
    request_statistics stats;
    for (std::uint64_t ms = 1; ms <= 100; ++ms) stats.record(ms, ms % 10 == 0 ? 503 : 200, 10, 100);
    stats.record(2500, 200, 1, 1);
    const auto json = stats.snapshot().to_json();
    CHECK(json["count"] == 101);
    CHECK(json["errCount"] == 10);
    CHECK(json["min"] == 1);
    CHECK(json["max"] == 2500);
    CHECK(json["mean"] == (5050 + 2500) / 101);
    CHECK(json["reqSize"] == 1001);
    CHECK(json["respSize"] == 10001);
    CHECK(json["codes"]["200"] == 91);
    CHECK(json["codes"]["503"] == 10);
    CHECK(json["p25"] == 26);
    CHECK(json["p50"] == 51);
    CHECK(json["p99"] == 100);
    CHECK(json["p999"] == 2599);  // the upper bound of its 100 ms bucket
}

TEST_CASE("request statistics: latency buckets are 1 ms, then 100 ms, then 1 s",
          "[traffic-stats]") {
    using eg::server::latency_bucket;
    using eg::server::latency_bucket_upper_ms;
    CHECK(latency_bucket(0) == 0);
    CHECK(latency_bucket(499) == 499);
    CHECK(latency_bucket(500) == 500);
    CHECK(latency_bucket_upper_ms(latency_bucket(555)) == 599);
    CHECK(latency_bucket_upper_ms(latency_bucket(9999)) == 9999);
    CHECK(latency_bucket_upper_ms(latency_bucket(10'000)) == 10'999);
    CHECK(latency_bucket_upper_ms(latency_bucket(256'999)) == 256'999);
    CHECK(latency_bucket(1'000'000) == eg::server::latency_bucket_count - 1);
    for (std::uint64_t ms : {0, 7, 499, 500, 601, 9999, 10'000, 123'456, 256'999})
        CHECK(latency_bucket_upper_ms(latency_bucket(ms)) >= ms);
}

TEST_CASE("request statistics: tick advances the rates and starts a new window; reading does not",
          "[traffic-stats]") {
    request_statistics stats;
    for (int i = 0; i < 50; ++i) stats.record(5, i < 10 ? 500 : 200, 0, 0);
    CHECK(stats.snapshot().to_json()["codes"]["200"] == 40);
    CHECK(stats.snapshot().to_json()["codes"]["200"] == 40);  // not destructive
    stats.tick(5);
    auto json = stats.snapshot().to_json();
    CHECK(json["m1"].get<double>() == Approx(10.0));
    CHECK(json["m15"].get<double>() == Approx(10.0));
    CHECK(json["m1Err"].get<double>() == Approx(2.0));
    CHECK(json["m1ErrPercent"].get<double>() == Approx(0.2));
    CHECK(json["m5ErrPercent"].get<double>() == Approx(0.2));
    CHECK(json["m15ErrPercent"].get<double>() == Approx(0.2));
    CHECK(json["codes"].empty());
    CHECK(json["p50"] == 0);
    CHECK(json["count"] == 50);  // cumulative
    stats.tick(5);  // nothing in the last 5 s: the rates decay, the 1-minute one fastest
    json = stats.snapshot().to_json();
    CHECK(json["m1"].get<double>() < json["m5"].get<double>());
    CHECK(json["m5"].get<double>() < json["m15"].get<double>());
    CHECK(json["m15"].get<double>() < 10.0);
}

TEST_CASE("request statistics: records from several threads are all counted; snapshots merge",
          "[traffic-stats]") {
    request_statistics stats;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 1000; ++i)
                stats.record(static_cast<std::uint64_t>(t + 1), 200, 1, 2);
        });
    for (auto& thread : threads) thread.join();
    auto merged = stats.snapshot();
    CHECK(merged.count == 4000);
    CHECK(merged.min_ms == 1);
    CHECK(merged.max_ms == 4);
    request_statistics other;
    other.record(9, 404, 5, 5);
    merged.merge(other.snapshot());
    merged.merge(request_statistics().snapshot());
    const auto json = merged.to_json();
    CHECK(json["count"] == 4001);
    CHECK(json["errCount"] == 1);
    CHECK(json["min"] == 1);
    CHECK(json["max"] == 9);
    CHECK(json["reqSize"] == 4005);
    CHECK(json["codes"]["404"] == 1);
    CHECK(json["codes"]["200"] == 4000);
    CHECK(json["p999"] == 4);  // 1 request of 4001 above it
}
