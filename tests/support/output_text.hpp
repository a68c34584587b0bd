// Test support: look into what a process printed, line by line.
#pragma once

#include <cstddef>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace eg::test {

// True when `block` (one or more whole lines) occurs in `text` starting at a line start.
inline bool has_lines(const std::string& text, const std::string& block) {
    if (text.compare(0, block.size(), block) == 0) return true;
    return text.find("\n" + block) != std::string::npos;
}

// How often `what` occurs in `text`, overlapping occurrences included.
inline std::size_t count_of(const std::string& text, std::string_view what) {
    std::size_t n = 0;
    for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
    return n;
}

// The lines of `text`, without their newlines.
inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

}  // namespace eg::test
