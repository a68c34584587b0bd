// Test support: compare a test's output with a golden file under tests/golden/.
//
// On a mismatch the actual output is written beside the expected file as <name>.actual.<ext>
// (help.txt -> help.actual.txt, ignored by git) and the check fails with the first differing
// line. With EG_UPDATE_GOLDEN=1 in the test's environment the expected file is (re)written and
// the check passes. A missing expected file fails unless updating.
#pragma once

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

#include "support/process.hpp"

namespace eg::test {

namespace golden_detail {

inline bool updating() {
    const char* value = std::getenv("EG_UPDATE_GOLDEN");
    return value != nullptr && std::string_view(value) == "1";
}

inline std::optional<std::string> read_all(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) return std::nullopt;
    return text;
}

inline void write_all(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) FAIL("cannot write " << path.string());
}

// help.txt -> help.actual.txt; Makefile -> Makefile.actual
inline std::filesystem::path actual_path_for(const std::filesystem::path& expected) {
    std::filesystem::path actual = expected;
    const std::string ext = expected.extension().string();
    actual.replace_filename(expected.stem().string() + ".actual" + ext);
    return actual;
}

inline std::string visible(std::string_view line) {
    std::string out;
    for (char c : line) {
        if (c == '\t')
            out += "\\t";
        else if (c == '\r')
            out += "\\r";
        else if (static_cast<unsigned char>(c) < 0x20) {
            constexpr std::string_view hex = "0123456789abcdef";
            out += "\\x";
            out += hex[static_cast<unsigned char>(c) >> 4];
            out += hex[static_cast<unsigned char>(c) & 0xf];
        } else
            out += c;
    }
    return out;
}

// "line N: expected `...`, actual `...`" for the first line that differs.
inline std::string first_difference(const std::string& expected, const std::string& actual) {
    std::istringstream e(expected);
    std::istringstream a(actual);
    std::string el;
    std::string al;
    for (int n = 1;; ++n) {
        const bool more_e = static_cast<bool>(std::getline(e, el));
        const bool more_a = static_cast<bool>(std::getline(a, al));
        if (!more_e && !more_a) break;
        if (more_e && more_a && el == al) continue;
        return "line " + std::to_string(n) + ": expected " +
               (more_e ? "`" + visible(el) + "`" : std::string("end of file")) + ", actual " +
               (more_a ? "`" + visible(al) + "`" : std::string("end of file"));
    }
    return "the texts differ only in the final newline";
}

}  // namespace golden_detail

// Compares `actual` with tests/golden/<rel_path>.
inline void check_golden(std::string_view rel_path, const std::string& actual) {
    const std::filesystem::path expected_path =
        source_path("tests/golden/" + std::string(rel_path));
    const std::filesystem::path actual_path = golden_detail::actual_path_for(expected_path);
    INFO("golden file tests/golden/" << rel_path);
    if (golden_detail::updating()) {
        golden_detail::write_all(expected_path, actual);
        std::error_code ignored;
        std::filesystem::remove(actual_path, ignored);
        SUCCEED("updated tests/golden/" << rel_path);
        return;
    }
    const auto expected = golden_detail::read_all(expected_path);
    if (!expected) {
        golden_detail::write_all(actual_path, actual);
        FAIL("missing golden file tests/golden/" << rel_path << "; the actual output is in "
                                                 << actual_path.string()
                                                 << "; run with EG_UPDATE_GOLDEN=1 to create it");
    }
    if (*expected == actual) {
        std::error_code ignored;
        std::filesystem::remove(actual_path, ignored);
        SUCCEED();
        return;
    }
    golden_detail::write_all(actual_path, actual);
    FAIL("output differs from tests/golden/"
         << rel_path << " at " << golden_detail::first_difference(*expected, actual)
         << "\n  see: diff -u " << expected_path.string() << " " << actual_path.string()
         << "\n  accept: run the test with EG_UPDATE_GOLDEN=1");
}

}  // namespace eg::test
