#pragma once
// input parts: a fuzz input cut into parts, each ending at a line "%%", so that one input can
// carry several things (arguments, environment and a file; or requests one after another).

#include <cstddef>
#include <limits>
#include <string_view>
#include <vector>

namespace eg::fuzz {

// At most max_parts parts; the last one is the rest of the input, "%%" lines included.
inline std::vector<std::string_view> input_parts(
    std::string_view input, std::size_t max_parts = std::numeric_limits<std::size_t>::max()) {
    std::vector<std::string_view> parts;
    std::size_t part_start = 0;
    std::size_t line_start = 0;
    while (parts.size() + 1 < max_parts) {
        const auto end = input.find('\n', line_start);
        const auto line = input.substr(
            line_start, end == std::string_view::npos ? std::string_view::npos : end - line_start);
        if (line == "%%") {
            parts.push_back(input.substr(part_start, line_start - part_start));
            part_start = end == std::string_view::npos ? input.size() : end + 1;
        }
        if (end == std::string_view::npos) break;
        line_start = end + 1;
    }
    parts.push_back(input.substr(part_start));
    return parts;
}

}  // namespace eg::fuzz
