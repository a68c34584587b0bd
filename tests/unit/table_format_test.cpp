#include "tools/egctl/table_format.hpp"

#include <catch2/catch.hpp>

using eg::ctl::human_duration;
using eg::ctl::tab_table;

TEST_CASE("tab_table: pads the member table exactly as upstream egctl does", "[egctl]") {
    const std::string expected =
        "NAME\t\tROLE\t\tAGE\t\tSTATE\t\tAPI-ADDR\tHEARTBEAT\t\n"
        "machine-1\tprimary\t\t10m\t\tLeader\t\t10.0.0.1:2381\t3s ago\t\t\n"
        "machine-2\tprimary\t\t10m\t\tFollower\t10.0.0.2:2381\t4s ago\t\t\n"
        "machine-4\tsecondary\tunknown\t\t\t\tlocalhost:2381\t3s ago\t\t\n";
    CHECK(tab_table({{"NAME", "ROLE", "AGE", "STATE", "API-ADDR", "HEARTBEAT"},
                     {"machine-1", "primary", "10m", "Leader", "10.0.0.1:2381", "3s ago"},
                     {"machine-2", "primary", "10m", "Follower", "10.0.0.2:2381", "4s ago"},
                     {"machine-4", "secondary", "unknown", "", "localhost:2381", "3s ago"}}) ==
          expected);
}

TEST_CASE("tab_table: a cell exactly filling its column still gets one TAB", "[egctl]") {
    // Widest cell 6 + padding 2 = 8: one TAB after "abcdef", two after "a" (8 - 1 = 7 -> 1).
    CHECK(tab_table({{"abcdef", "x"}, {"a", "y"}}) == "abcdef\tx\t\na\ty\t\n");
    CHECK(tab_table({{"abcdefg", "x"}, {"a", "y"}}) == "abcdefg\t\tx\t\na\t\ty\t\n");
}

TEST_CASE("human_duration: rounds to the largest unit as upstream does", "[egctl]") {
    CHECK(human_duration(0.4) == "0s");
    CHECK(human_duration(-3) == "0s");
    CHECK(human_duration(3.4) == "3s");
    CHECK(human_duration(59.6) == "60s");
    CHECK(human_duration(89) == "1m");
    CHECK(human_duration(90) == "2m");
    CHECK(human_duration(150) == "2m");
    CHECK(human_duration(600) == "10m");
    CHECK(human_duration(59 * 60 + 40) == "60m");
    CHECK(human_duration(23 * 3600 + 59 * 60) == "24h");
    CHECK(human_duration(36 * 3600) == "2d");
}
