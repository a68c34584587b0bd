#pragma once
// The text of a file that may not exist (yet): tests poll files members write.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace eg::test {

// The whole content, or "" when the file cannot be read.
inline std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace eg::test
