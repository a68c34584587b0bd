// The one parser per value kind (include/eg/option_value.hpp): what each accepts, what it
// rejects with which code and message, and that the canonical text of a value reads back
// as the same value.

#include <eg/option_value.hpp>

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

using eg::config::byte_size;
using eg::config::duration;
using eg::config::option_value;
using eg::config::parse_failure;
using eg::config::parsed;
using eg::config::string_list;
using eg::config::string_pairs;
using eg::config::value_kind;

namespace {

template <class T>
T value_of(const parsed<T>& result) {
    if (const auto* failure = std::get_if<parse_failure>(&result))
        FAIL("expected a value, got " << failure->code->code << ": " << failure->message);
    return std::get<T>(result);
}

template <class T>
parse_failure failure_of(const parsed<T>& result) {
    if (!std::holds_alternative<parse_failure>(result)) FAIL("expected a parse failure");
    return std::get<parse_failure>(result);
}

constexpr std::int64_t ns = 1;
constexpr std::int64_t us = 1000 * ns;
constexpr std::int64_t ms = 1000 * us;
constexpr std::int64_t sec = 1000 * ms;
constexpr std::int64_t minute = 60 * sec;
constexpr std::int64_t hour = 60 * minute;

std::int64_t nanoseconds_of(std::string_view text) {
    return value_of(eg::config::parse_duration(text)).nanoseconds;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// parse_bool

TEST_CASE("parse_bool: accepts every true spelling of Go's strconv.ParseBool", "[parsers]") {
    for (std::string_view text : {"true", "True", "TRUE", "t", "T", "1"}) {
        INFO("text: " << text);
        CHECK(value_of(eg::config::parse_bool(text)) == true);
    }
}

TEST_CASE("parse_bool: accepts every false spelling of Go's strconv.ParseBool", "[parsers]") {
    for (std::string_view text : {"false", "False", "FALSE", "f", "F", "0"}) {
        INFO("text: " << text);
        CHECK(value_of(eg::config::parse_bool(text)) == false);
    }
}

TEST_CASE("parse_bool: rejects YAML 1.1 spellings with EG107 and a hint naming YAML 1.1",
          "[parsers]") {
    for (std::string_view text : {"yes", "no", "on", "off", "Yes", "NO", "On", "OFF", "y", "n"}) {
        INFO("text: " << text);
        const auto failure = failure_of(eg::config::parse_bool(text));
        CHECK(failure.code->code == "EG107");
        CHECK(failure.message == "\"" + std::string(text) + "\" is not a bool");
        CHECK(failure.hint ==
              "write true or false; yes/no/on/off are YAML 1.1 spellings that YAML 1.2 reads as "
              "strings");
    }
}

TEST_CASE("parse_bool: rejects other words without mentioning YAML 1.1", "[parsers]") {
    for (std::string_view text : {"maybe", "", "tRue", "2", "truee"}) {
        INFO("text: " << text);
        const auto failure = failure_of(eg::config::parse_bool(text));
        CHECK(failure.code->code == "EG107");
        CHECK(failure.hint == "write true or false");
    }
}

// ---------------------------------------------------------------------------------------------
// parse_int

TEST_CASE("parse_int: reads decimal numbers with an optional sign", "[parsers]") {
    CHECK(value_of(eg::config::parse_int("20")) == 20);
    CHECK(value_of(eg::config::parse_int("0")) == 0);
    CHECK(value_of(eg::config::parse_int("+5")) == 5);
    CHECK(value_of(eg::config::parse_int("-5")) == -5);
    CHECK(value_of(eg::config::parse_int("08")) == 8);
    CHECK(value_of(eg::config::parse_int(" 7 ")) == 7);
    CHECK(value_of(eg::config::parse_int("9223372036854775807")) ==
          std::numeric_limits<std::int64_t>::max());
}

TEST_CASE("parse_int: reads 0x hexadecimal numbers", "[parsers]") {
    CHECK(value_of(eg::config::parse_int("0x1F")) == 31);
    CHECK(value_of(eg::config::parse_int("0X10")) == 16);
    CHECK(value_of(eg::config::parse_int("0xff")) == 255);
    CHECK(value_of(eg::config::parse_int("-0x10")) == -16);
}

TEST_CASE("parse_int: reads the smallest int64", "[parsers]") {
    // Go's strconv.ParseInt(s, 0, 64) accepts it; it is a valid int64.
    CHECK(value_of(eg::config::parse_int("-9223372036854775808")) ==
          std::numeric_limits<std::int64_t>::min());
}

TEST_CASE("parse_int: rejects overflow, junk and empty text with EG107", "[parsers]") {
    for (std::string_view text :
         {"9223372036854775808", "-9223372036854775809", "99999999999999999999",
          "0x8000000000000000", "", " ", "abc", "12abc", "1.5", "1_000", "0x", "0xg", "- 5", "+-5",
          "0x-5", "1e3", "20 items"}) {
        INFO("text: [" << text << "]");
        const auto failure = failure_of(eg::config::parse_int(text));
        CHECK(failure.code->code == "EG107");
        CHECK(failure.message == "\"" + std::string(text) + "\" is not an integer");
        CHECK(failure.hint == "write a whole number such as 20");
    }
}

// ---------------------------------------------------------------------------------------------
// parse_size

TEST_CASE("parse_size: reads plain byte counts", "[parsers]") {
    CHECK(value_of(eg::config::parse_size("0")) == byte_size{0});
    CHECK(value_of(eg::config::parse_size("10485760")) == byte_size{10485760});
    CHECK(value_of(eg::config::parse_size("10B")) == byte_size{10});
    CHECK(value_of(eg::config::parse_size(" 512 ")) == byte_size{512});
    CHECK(value_of(eg::config::parse_size("18446744073709551615")) ==
          byte_size{std::numeric_limits<std::uint64_t>::max()});
}

TEST_CASE("parse_size: reads decimal and binary units", "[parsers]") {
    CHECK(value_of(eg::config::parse_size("1KB")) == byte_size{1000});
    CHECK(value_of(eg::config::parse_size("1KiB")) == byte_size{1024});
    CHECK(value_of(eg::config::parse_size("10MB")) == byte_size{10000000});
    CHECK(value_of(eg::config::parse_size("10MiB")) == byte_size{10485760});
    CHECK(value_of(eg::config::parse_size("2GB")) == byte_size{2000000000});
    CHECK(value_of(eg::config::parse_size("2GiB")) == byte_size{2147483648ULL});
    CHECK(value_of(eg::config::parse_size("512 KB")) == byte_size{512000});
    CHECK(value_of(eg::config::parse_size("17179869183GiB")) ==
          byte_size{17179869183ULL * 1024 * 1024 * 1024});
}

TEST_CASE("parse_size: rejects unknown units, fractions, signs and overflow with EG107",
          "[parsers]") {
    for (std::string_view text :
         {"10XB", "10mb", "10kib", "10 K", "1.5MiB", "-1", "+1", "KB", "", "MiB10",
          "18446744073709551616", "17179869184GiB", "18446744073709552KB"}) {
        INFO("text: [" << text << "]");
        const auto failure = failure_of(eg::config::parse_size(text));
        CHECK(failure.code->code == "EG107");
        CHECK(failure.message == "\"" + std::string(text) + "\" is not a size");
        CHECK(failure.hint ==
              "write a number of bytes, optionally with a unit: 10485760, 10MiB, 512KB");
    }
}

// ---------------------------------------------------------------------------------------------
// parse_duration

TEST_CASE("parse_duration: reads Go durations", "[parsers]") {
    CHECK(nanoseconds_of("10s") == 10 * sec);
    CHECK(nanoseconds_of("1.5s") == 1500 * ms);
    CHECK(nanoseconds_of("1h30m") == hour + 30 * minute);
    CHECK(nanoseconds_of("250ms") == 250 * ms);
    CHECK(nanoseconds_of("100us") == 100 * us);
    CHECK(nanoseconds_of("100\xC2\xB5s") == 100 * us);  // U+00B5 MICRO SIGN
    CHECK(nanoseconds_of("42ns") == 42);
    CHECK(nanoseconds_of("2h45m30.5s") == 2 * hour + 45 * minute + 30 * sec + 500 * ms);
    CHECK(nanoseconds_of("1.5h") == hour + 30 * minute);
    CHECK(nanoseconds_of(".5s") == 500 * ms);
    CHECK(nanoseconds_of("5.s") == 5 * sec);
    CHECK(nanoseconds_of("1h1h") == 2 * hour);
    CHECK(nanoseconds_of(" 10s ") == 10 * sec);
}

TEST_CASE("parse_duration: reads the Greek small letter mu as micro, like Go", "[parsers]") {
    // Go's time.ParseDuration accepts "us", "\u00b5s" and "\u03bcs".
    CHECK(nanoseconds_of("100\xCE\xBCs") == 100 * us);  // U+03BC GREEK SMALL LETTER MU
}

TEST_CASE("parse_duration: reads zero and signed durations", "[parsers]") {
    CHECK(nanoseconds_of("0") == 0);
    CHECK(nanoseconds_of("-0") == 0);
    CHECK(nanoseconds_of("+0") == 0);
    CHECK(nanoseconds_of("0s") == 0);
    CHECK(nanoseconds_of("-5s") == -5 * sec);
    CHECK(nanoseconds_of("+5s") == 5 * sec);
    CHECK(nanoseconds_of("-1h30m") == -(hour + 30 * minute));
}

TEST_CASE("parse_duration: reads the extremes of int64 nanoseconds", "[parsers]") {
    CHECK(nanoseconds_of("9223372036854775807ns") == std::numeric_limits<std::int64_t>::max());
    CHECK(nanoseconds_of("2562047h47m16.854775807s") == std::numeric_limits<std::int64_t>::max());
}

TEST_CASE("parse_duration: rejects a bare number with EG108 and suggests the seconds spelling",
          "[parsers]") {
    const auto failure = failure_of(eg::config::parse_duration("10"));
    CHECK(failure.code->code == "EG108");
    CHECK(failure.code->slug == "duration-without-unit");
    CHECK(failure.message == "\"10\" is a duration without a unit");
    CHECK(failure.hint == "add a unit: ns, us, ms, s, m or h, e.g. \"10s\"");

    const auto fraction = failure_of(eg::config::parse_duration("1.5"));
    CHECK(fraction.code->code == "EG108");
    CHECK(fraction.hint == "add a unit: ns, us, ms, s, m or h, e.g. \"1.5s\"");
}

TEST_CASE("parse_duration: rejects a number missing its unit after a unit with EG108",
          "[parsers]") {
    CHECK(failure_of(eg::config::parse_duration("1h30")).code->code == "EG108");
}

TEST_CASE("parse_duration: rejects unknown units with EG107", "[parsers]") {
    const auto repeated = failure_of(eg::config::parse_duration("10ssss"));
    CHECK(repeated.code->code == "EG107");
    CHECK(repeated.message == "\"10ssss\" is not a duration");

    const auto unknown = failure_of(eg::config::parse_duration("10x"));
    CHECK(unknown.code->code == "EG107");
    CHECK(unknown.message == "\"10x\" has an unknown duration unit");
    CHECK(unknown.hint == "use ns, us, ms, s, m or h, e.g. 10s or 1h30m");

    for (std::string_view text : {"10d", "10S", "10 s", "1e3s", "10sec", "5M"}) {
        INFO("text: [" << text << "]");
        CHECK(failure_of(eg::config::parse_duration(text)).code->code == "EG107");
    }
}

TEST_CASE("parse_duration: rejects empty and unit-only text with EG107", "[parsers]") {
    for (std::string_view text : {"", " ", "-", "+", "s", ".s", "--5s", "h1"}) {
        INFO("text: [" << text << "]");
        const auto failure = failure_of(eg::config::parse_duration(text));
        CHECK(failure.code->code == "EG107");
        CHECK(failure.message == "\"" + std::string(text) + "\" is not a duration");
        CHECK(failure.hint == "write e.g. 10s or 1h30m");
    }
}

TEST_CASE("parse_duration: rejects a number with two decimal points", "[parsers]") {
    // Go: time.ParseDuration("1.5.5s") is an error; reading it as 1.5s hides the typo.
    for (std::string_view text : {"1.5.5s", "1.2.3s", "1..5s"}) {
        INFO("text: " << text);
        CHECK(failure_of(eg::config::parse_duration(text)).code->code == "EG107");
    }
}

TEST_CASE("parse_duration: rejects durations beyond int64 nanoseconds with EG107", "[parsers]") {
    for (std::string_view text : {"9223372036854775808ns", "2562048h", "99999999999999h"}) {
        INFO("text: " << text);
        const auto failure = failure_of(eg::config::parse_duration(text));
        CHECK(failure.code->code == "EG107");
        CHECK(failure.message == "\"" + std::string(text) + "\" is too long a duration");
        CHECK(failure.hint == "write at most 2562047h");
    }
}

// ---------------------------------------------------------------------------------------------
// format_duration

TEST_CASE("format_duration: writes canonical Go-style texts", "[parsers]") {
    CHECK(eg::config::format_duration({0}) == "0s");
    CHECK(eg::config::format_duration({90 * sec}) == "1m30s");
    CHECK(eg::config::format_duration({1500 * ms}) == "1.5s");
    CHECK(eg::config::format_duration({hour}) == "1h");
    CHECK(eg::config::format_duration({hour + 30 * minute}) == "1h30m");
    CHECK(eg::config::format_duration({10 * sec}) == "10s");
    CHECK(eg::config::format_duration({250 * ms}) == "250ms");
    CHECK(eg::config::format_duration({100 * us}) == "100us");
    CHECK(eg::config::format_duration({42}) == "42ns");
    CHECK(eg::config::format_duration({-5 * sec}) == "-5s");
    CHECK(eg::config::format_duration({hour + 1}) == "1h0.000000001s");
    CHECK(eg::config::format_duration({std::numeric_limits<std::int64_t>::max()}) ==
          "2562047h47m16.854775807s");
}

TEST_CASE("format_duration: parse_duration reads every formatted duration back", "[parsers]") {
    const std::int64_t table[] = {0,
                                  1,
                                  999,
                                  1500,
                                  us,
                                  1500 * us,
                                  ms,
                                  999999999,
                                  sec,
                                  sec + 1,
                                  1500 * ms,
                                  59 * sec,
                                  minute,
                                  90 * sec,
                                  61500 * ms,
                                  hour - 1,
                                  hour,
                                  hour + 1,
                                  hour + 30 * minute,
                                  25 * hour,
                                  24 * hour - 1,
                                  1234567890123456789,
                                  -1,
                                  -90 * sec,
                                  -(hour + 1),
                                  std::numeric_limits<std::int64_t>::max(),
                                  -std::numeric_limits<std::int64_t>::max()};
    for (std::int64_t value : table) {
        const std::string text = eg::config::format_duration({value});
        INFO("nanoseconds: " << value << ", text: " << text);
        CHECK(nanoseconds_of(text) == value);
    }
}

TEST_CASE("format_duration: the smallest int64 duration reads back", "[parsers]") {
    // Go's minimum Duration, "-2562047h47m16.854775808s", is a valid time.ParseDuration input.
    constexpr auto smallest = std::numeric_limits<std::int64_t>::min();
    const std::string text = eg::config::format_duration({smallest});
    CHECK(text == "-2562047h47m16.854775808s");
    CHECK(nanoseconds_of(text) == smallest);
}

// ---------------------------------------------------------------------------------------------
// parse_list

TEST_CASE("parse_list: splits on commas and trims each item", "[parsers]") {
    CHECK(value_of(eg::config::parse_list("a")) == string_list{"a"});
    CHECK(value_of(eg::config::parse_list("a, b,c")) == string_list{"a", "b", "c"});
    CHECK(value_of(eg::config::parse_list(" http://10.0.0.1:2380 ,\thttp://10.0.0.2:2380\t")) ==
          string_list{"http://10.0.0.1:2380", "http://10.0.0.2:2380"});
}

TEST_CASE("parse_list: reads empty or blank text as an empty list", "[parsers]") {
    CHECK(value_of(eg::config::parse_list("")).empty());
    CHECK(value_of(eg::config::parse_list("   ")).empty());
}

TEST_CASE("parse_list: rejects empty items with EG107", "[parsers]") {
    for (std::string_view text : {"a,,b", "a,b,", ",a", ",", "a, ,b"}) {
        INFO("text: [" << text << "]");
        const auto failure = failure_of(eg::config::parse_list(text));
        CHECK(failure.code->code == "EG107");
        CHECK(failure.message == "\"" + std::string(text) + "\" has an empty item");
        CHECK(failure.hint == "separate items with single commas, without a trailing comma");
    }
}

// ---------------------------------------------------------------------------------------------
// parse_pairs

TEST_CASE("parse_pairs: reads key=value pairs in the order given", "[parsers]") {
    CHECK(value_of(eg::config::parse_pairs("zone=a,team=b")) ==
          string_pairs{{"zone", "a"}, {"team", "b"}});
    CHECK(value_of(eg::config::parse_pairs("b=1,a=2")) == string_pairs{{"b", "1"}, {"a", "2"}});
    CHECK(value_of(eg::config::parse_pairs(" a = 1 , b = 2 ")) ==
          string_pairs{{"a", "1"}, {"b", "2"}});
    CHECK(
        value_of(eg::config::parse_pairs(
            "machine-1=http://10.0.0.1:2380,machine-2=http://10.0.0.2:2380")) ==
        string_pairs{{"machine-1", "http://10.0.0.1:2380"}, {"machine-2", "http://10.0.0.2:2380"}});
}

TEST_CASE("parse_pairs: keeps '=' after the first one in the value", "[parsers]") {
    CHECK(value_of(eg::config::parse_pairs("k=v=w")) == string_pairs{{"k", "v=w"}});
    CHECK(value_of(eg::config::parse_pairs("k=")) == string_pairs{{"k", ""}});
}

TEST_CASE("parse_pairs: reads empty text as no pairs", "[parsers]") {
    CHECK(value_of(eg::config::parse_pairs("")).empty());
    CHECK(value_of(eg::config::parse_pairs("  ")).empty());
}

TEST_CASE("parse_pairs: keys are case-sensitive", "[parsers]") {
    CHECK(value_of(eg::config::parse_pairs("Zone=a,zone=b")) ==
          string_pairs{{"Zone", "a"}, {"zone", "b"}});
}

TEST_CASE("parse_pairs: rejects an item without '=' with EG107 naming the item", "[parsers]") {
    const auto failure = failure_of(eg::config::parse_pairs("zone=a,novalue,team=b"));
    CHECK(failure.code->code == "EG107");
    CHECK(failure.message == "\"novalue\" is not a key=value pair");
    CHECK(failure.hint ==
          "write pairs as key=value separated by commas, e.g. machine-1=http://10.0.0.1:2380");

    const auto no_key = failure_of(eg::config::parse_pairs("=v"));
    CHECK(no_key.code->code == "EG107");
    CHECK(no_key.message == "\"=v\" is not a key=value pair");
}

TEST_CASE("parse_pairs: rejects empty items with EG107 naming the text", "[parsers]") {
    for (std::string_view text : {"a=1,,b=2", "a=1,"}) {
        INFO("text: [" << text << "]");
        const auto failure = failure_of(eg::config::parse_pairs(text));
        CHECK(failure.code->code == "EG107");
        // parse_list says "\"a,,b\" has an empty item"; "\"\" is not a key=value pair" does not
        // tell the user where the stray comma is.
        CHECK(failure.message == "\"" + std::string(text) + "\" has an empty item");
    }
}

TEST_CASE("parse_pairs: rejects a duplicate key with EG104", "[parsers]") {
    const auto failure = failure_of(eg::config::parse_pairs("a=1,b=2,a=3"));
    CHECK(failure.code->code == "EG104");
    CHECK(failure.code->slug == "duplicate-key");
    CHECK(failure.message == "\"a\" is given twice in \"a=1,b=2,a=3\"");
    CHECK(failure.hint == "give each key once");

    CHECK(failure_of(eg::config::parse_pairs("a=1, a =2")).code->code == "EG104");
}

// ---------------------------------------------------------------------------------------------
// parse_text / format_text

TEST_CASE("parse_text: dispatches to the parser of each kind", "[parsers]") {
    auto value = [](value_kind kind, std::string_view text) {
        return value_of(eg::config::parse_text(kind, text));
    };
    CHECK(value(value_kind::string, " keep  as is ") == option_value(std::string(" keep  as is ")));
    CHECK(value(value_kind::string, "") == option_value(std::string()));
    CHECK(value(value_kind::boolean, "T") == option_value(true));
    CHECK(value(value_kind::integer, "0x14") == option_value(std::int64_t{20}));
    CHECK(value(value_kind::size, "10MiB") == option_value(byte_size{10485760}));
    CHECK(value(value_kind::duration, "1h30m") == option_value(duration{hour + 30 * minute}));
    CHECK(value(value_kind::url_list, "http://a:1, http://b:2") ==
          option_value(string_list{"http://a:1", "http://b:2"}));
    CHECK(value(value_kind::path_list, "a.yaml,b.yaml") ==
          option_value(string_list{"a.yaml", "b.yaml"}));
    CHECK(value(value_kind::name_url_map, "m1=http://a:1") ==
          option_value(string_pairs{{"m1", "http://a:1"}}));
    CHECK(value(value_kind::string_map, "zone=a") == option_value(string_pairs{{"zone", "a"}}));
}

TEST_CASE("parse_text: passes each kind's failure through unchanged", "[parsers]") {
    auto code = [](value_kind kind, std::string_view text) {
        return std::string(failure_of(eg::config::parse_text(kind, text)).code->code);
    };
    CHECK(code(value_kind::boolean, "yes") == "EG107");
    CHECK(code(value_kind::integer, "twenty") == "EG107");
    CHECK(code(value_kind::size, "10XB") == "EG107");
    CHECK(code(value_kind::duration, "10") == "EG108");
    CHECK(code(value_kind::url_list, "a,,b") == "EG107");
    CHECK(code(value_kind::path_list, "a,") == "EG107");
    CHECK(code(value_kind::name_url_map, "m1") == "EG107");
    CHECK(code(value_kind::string_map, "a=1,a=2") == "EG104");

    const auto failure = failure_of(eg::config::parse_text(value_kind::boolean, "on"));
    CHECK(failure.message == "\"on\" is not a bool");
}

TEST_CASE("format_text: writes the text parse_text reads back, for every kind", "[parsers]") {
    const std::vector<std::pair<value_kind, option_value>> table = {
        {value_kind::string, std::string("eg-default-name")},
        {value_kind::string, std::string("")},
        {value_kind::boolean, true},
        {value_kind::boolean, false},
        {value_kind::integer, std::int64_t{20}},
        {value_kind::integer, std::int64_t{-7}},
        {value_kind::integer, std::numeric_limits<std::int64_t>::max()},
        {value_kind::size, byte_size{10485760}},
        {value_kind::size, byte_size{0}},
        {value_kind::duration, duration{10 * sec}},
        {value_kind::duration, duration{hour + 30 * minute + 500 * ms}},
        {value_kind::duration, duration{0}},
        {value_kind::url_list, string_list{"http://localhost:2380"}},
        {value_kind::url_list, string_list{"http://10.0.0.1:2380", "http://10.0.0.2:2380"}},
        {value_kind::url_list, string_list{}},
        {value_kind::path_list, string_list{"a.yaml", "objects/b.yaml"}},
        {value_kind::name_url_map,
         string_pairs{{"m1", "http://10.0.0.1:2380"}, {"m2", "http://10.0.0.2:2380"}}},
        {value_kind::string_map, string_pairs{{"zone", "a"}, {"team", "b"}}},
        {value_kind::string_map, string_pairs{}},
    };
    for (const auto& [kind, value] : table) {
        const std::string text = eg::config::format_text(value);
        INFO("kind: " << eg::config::type_name(kind) << ", text: [" << text << "]");
        CHECK(value_of(eg::config::parse_text(kind, text)) == value);
    }
}

TEST_CASE("format_text: writes the canonical text of each kind", "[parsers]") {
    CHECK(eg::config::format_text(std::string("x y")) == "x y");
    CHECK(eg::config::format_text(true) == "true");
    CHECK(eg::config::format_text(false) == "false");
    CHECK(eg::config::format_text(std::int64_t{-20}) == "-20");
    CHECK(eg::config::format_text(byte_size{10485760}) == "10485760");
    CHECK(eg::config::format_text(duration{90 * sec}) == "1m30s");
    CHECK(eg::config::format_text(string_list{"a", "b"}) == "a,b");
    CHECK(eg::config::format_text(string_list{}) == "");
    CHECK(eg::config::format_text(string_pairs{{"b", "1"}, {"a", "2"}}) == "b=1,a=2");
}

TEST_CASE("parse_list: reads CSV-quoted items that hold commas, as Go's pflag does", "[parsers]") {
    CHECK(value_of(eg::config::parse_list("\"a,b\",c")) == eg::config::string_list{"a,b", "c"});
    CHECK(value_of(eg::config::parse_list("\"say \"\"hi\"\"\"")) ==
          eg::config::string_list{"say \"hi\""});
    CHECK(value_of(eg::config::parse_pairs("\"tiers=a,b\",zone=x")) ==
          eg::config::string_pairs{{"tiers", "a,b"}, {"zone", "x"}});
}

TEST_CASE("format_text: quotes items with commas so that they read back whole", "[parsers]") {
    const eg::config::string_list list{"a,b", "c", "\"q"};
    CHECK(eg::config::format_text(list) == "\"a,b\",c,\"\"\"q\"");
    CHECK(value_of(eg::config::parse_list(eg::config::format_text(list))) == list);
    const eg::config::string_pairs pairs{{"tiers", "a,b"}, {"zone", "x"}};
    CHECK(value_of(eg::config::parse_pairs(eg::config::format_text(pairs))) == pairs);
}
