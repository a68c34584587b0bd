#pragma once
// time text: times as the cluster's documents write them.

#include <chrono>
#include <ctime>
#include <string>

namespace eg::server {

// RFC 3339 with seconds, in UTC: 2026-04-01T10:00:05Z.
inline std::string rfc3339(std::chrono::system_clock::time_point t) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

}  // namespace eg::server
