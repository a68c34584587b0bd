// The object store's pure part: the createdAt stamp objects are stored with.

#include "daemon/objects/object_store.hpp"
#include "daemon/cluster/time_text.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <regex>
#include <string>

using json = nlohmann::json;

TEST_CASE("object store: a created object is stamped with createdAt unless it has one",
          "[object-store]") {
    const json spec = {{"kind", "HTTPServer"}, {"name", "demo"}, {"port", 10080}};
    const auto stamped = eg::server::with_created_at(spec, "2026-04-01T09:10:00Z");
    CHECK(stamped["createdAt"] == "2026-04-01T09:10:00Z");
    CHECK(stamped["port"] == 10080);

    json given = spec;
    given["createdAt"] = "2020-01-01T00:00:00Z";
    CHECK(eg::server::with_created_at(given, "2026-04-01T09:10:00Z")["createdAt"] ==
          "2020-01-01T00:00:00Z");
    // No time to keep (an object stored before createdAt was set): none is made up.
    CHECK_FALSE(eg::server::with_created_at(spec, "").contains("createdAt"));
}

TEST_CASE("object store: createdAt is UTC in RFC 3339 to the second", "[object-store]") {
    CHECK(std::regex_match(eg::server::rfc3339(std::chrono::system_clock::now()),
                           std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)")));
}
