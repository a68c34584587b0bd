#include <eg/config_loader.hpp>
#include <eg/diagnostic_format.hpp>
#include <eg/help_text.hpp>
#include <eg/member_rules.hpp>
#include <eg/print_config.hpp>

#include <catch2/catch.hpp>

TEST_CASE("parse_duration: reads Go durations", "[parsers]") {
    auto d = eg::config::parse_duration("1h30m");
    REQUIRE(std::holds_alternative<eg::config::duration>(d));
}
