// Test support: pick findings out of a diag::diagnostics list, showing all of them when a check
// fails.
#pragma once

#include <eg/diagnostic.hpp>

#include <catch2/catch.hpp>
#include <concepts>
#include <string>
#include <string_view>
#include <vector>

namespace eg::test {

// Shows every finding of `all` as "<label>: <code> <location> <message>" when a later check fails.
inline void log_diagnostics(std::string_view label, const eg::diag::diagnostics& all) {
    for (const auto& d : all)
        UNSCOPED_INFO(label << ": " << d.code << " " << eg::diag::location_text(d.where) << " "
                            << d.message);
}

// The codes of `all`, in order.
inline std::vector<std::string> codes(const eg::diag::diagnostics& all) {
    std::vector<std::string> out;
    for (const auto& d : all) out.emplace_back(d.code);
    return out;
}

// The findings of `all` that have `code`, in order.
inline std::vector<const eg::diag::diagnostic*> with_code(const eg::diag::diagnostics& all,
                                                          std::string_view code) {
    std::vector<const eg::diag::diagnostic*> found;
    for (const auto& d : all)
        if (d.code == code) found.push_back(&d);
    return found;
}

// The only finding of `all`, which must have `code`.
inline eg::diag::diagnostic only(const eg::diag::diagnostics& all, std::string_view code) {
    INFO("diagnostics: " << all.size());
    for (const auto& d : all)
        UNSCOPED_INFO(d.code << " " << eg::diag::location_text(d.where) << " " << d.message);
    REQUIRE(all.size() == 1);
    REQUIRE(all.items().front().code == code);
    return all.items().front();
}

// The same for a result that carries its findings in `.diagnostics` (a read or a load).
template <class Result>
requires requires(const Result& r) {
    { r.diagnostics } -> std::convertible_to<const eg::diag::diagnostics&>;
}
inline eg::diag::diagnostic only(const Result& r, std::string_view code) {
    return only(r.diagnostics, code);
}

}  // namespace eg::test
