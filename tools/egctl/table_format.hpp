#pragma once
// egctl's table bytes, as upstream prints them: every cell followed by TABs so that each column
// is (its widest cell + 2) rounded up to a multiple of 8; durations as "3s", "10m", "2d".

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

namespace eg::ctl {

using table_row = std::vector<std::string>;

// Cells padded with TABs as Go's text/tabwriter does with minwidth 0, tabwidth 8, padding 2,
// padchar '\t' when every cell is terminated by a TAB. Rows may differ in length.
inline std::string tab_table(const std::vector<table_row>& rows) {
    constexpr std::size_t tab_width = 8;
    constexpr std::size_t padding = 2;
    std::vector<std::size_t> widths;
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (widths.size() <= i) widths.resize(i + 1, 0);
            widths[i] = std::max(widths[i], row[i].size() + padding);
        }
    for (auto& w : widths) w = (w + tab_width - 1) / tab_width * tab_width;
    std::string out;
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            out += row[i];
            const std::size_t gap = widths[i] - row[i].size();
            out.append((gap + tab_width - 1) / tab_width, '\t');
        }
        out += '\n';
    }
    return out;
}

// The largest of days, hours, minutes and seconds that is at least 1, rounded to an integer
// (ties to even): 3.4 s -> "3s", 90 s -> "2m", 36 h -> "2d"; below a second (or negative) "0s".
inline std::string human_duration(double seconds) {
    struct unit {
        double seconds;
        const char* suffix;
    };
    constexpr unit units[] = {{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
    for (const auto& u : units) {
        const double value = seconds / u.seconds;
        if (value >= 1)
            return std::to_string(static_cast<long long>(std::nearbyint(value))) + u.suffix;
    }
    return "0s";
}

}  // namespace eg::ctl
