// Test support: a scratch directory that is removed with everything in it.
#pragma once

#include <stdlib.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace eg::test {

// Creates a fresh directory "eg-test-XXXXXX" under $TMPDIR (or /tmp) and removes it,
// recursively, when it goes out of scope.
class temp_dir {
public:
    temp_dir() {
        const char* base = std::getenv("TMPDIR");
        std::string pattern = (base != nullptr && *base != '\0') ? base : "/tmp";
        if (pattern.back() != '/') {
            pattern += '/';
        }
        pattern += "eg-test-XXXXXX";
        std::vector<char> buffer(pattern.begin(), pattern.end());
        buffer.push_back('\0');
        if (::mkdtemp(buffer.data()) == nullptr) {
            throw std::system_error(errno, std::generic_category(), "temp_dir: mkdtemp " + pattern);
        }
        path_ = buffer.data();
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    temp_dir(temp_dir&&) = delete;
    temp_dir& operator=(temp_dir&&) = delete;
    ~temp_dir() noexcept {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }

    const std::filesystem::path& path() const { return path_; }

    // Writes content to path()/rel, creating parent directories; returns the full path.
    std::filesystem::path write(const std::filesystem::path& rel, std::string_view content) const {
        const std::filesystem::path full = path_ / rel;
        if (full.has_parent_path()) {
            std::filesystem::create_directories(full.parent_path());
        }
        std::ofstream file(full, std::ios::binary | std::ios::trunc);
        if (!file) {
            throw std::runtime_error("temp_dir: cannot open " + full.string() + " for writing");
        }
        file.write(content.data(), static_cast<std::streamsize>(content.size()));
        file.close();
        if (!file) {
            throw std::runtime_error("temp_dir: cannot write " + full.string());
        }
        return full;
    }

private:
    std::filesystem::path path_;
};

}  // namespace eg::test
