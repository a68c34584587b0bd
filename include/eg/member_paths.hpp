#pragma once
// A member's directories resolved as the server resolves them (upstream's rule): home-dir made
// absolute against the working directory; data, WAL and log dirs relative to home; empty dirs
// stay empty. Paths are cleaned, without a trailing slash, so that equal dirs compare equal.

#include <eg/effective_config.hpp>
#include <eg/server_options.hpp>

#include <filesystem>
#include <string>

namespace eg::config {

// "a/./b/" -> "a/b": lexically normal, no trailing slash (as Go's filepath.Clean).
inline std::string clean_path(const std::filesystem::path& path) {
    auto text = path.lexically_normal().string();
    while (text.size() > 1 && text.back() == '/') text.pop_back();
    return text;
}

// home-dir against `working_dir`; an empty working_dir leaves a relative home relative.
inline std::string resolve_home(const effective_config& c,
                                const std::filesystem::path& working_dir) {
    std::filesystem::path home(c.get(opt::home_dir));
    if (home.is_relative()) home = working_dir / home;
    return clean_path(home);
}

inline std::string resolve_under_home(const std::string& dir, const std::filesystem::path& home) {
    if (dir.empty()) return {};
    std::filesystem::path path(dir);
    if (path.is_relative()) path = home / path;
    return clean_path(path);
}

inline std::string resolve_data_dir(const effective_config& c,
                                    const std::filesystem::path& working_dir = {}) {
    return resolve_under_home(c.get(opt::data_dir), resolve_home(c, working_dir));
}

}  // namespace eg::config
