#pragma once
// pid file <home>/easegress.pid: the decimal pid, no newline, mode 0644; written atomically
// (temporary file, then rename), removed at a graceful exit when it still holds this pid.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>

namespace eg::server {

// The pid file's name in the home dir.
inline constexpr std::string_view pid_file_name = "easegress.pid";

class pid_file {
public:
    // Writes the file; returns an error text, or empty on success.
    std::string write(const std::string& path) {
        path_ = path;
        const std::string text = std::to_string(::getpid());
        const std::string temporary = path + ".tmp";
        const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) return "cannot write " + temporary + ": " + std::strerror(errno);
        const bool written =
            ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
        ::fchmod(fd, 0644);
        ::close(fd);
        if (!written || ::rename(temporary.c_str(), path.c_str()) != 0)
            return "cannot write " + path + ": " + std::strerror(errno);
        written_ = true;
        return {};
    }

    // Removes the file if it still names this process.
    void remove() {
        if (!written_) return;
        std::ifstream in(path_);
        std::string content;
        std::getline(in, content);
        if (content == std::to_string(::getpid())) ::unlink(path_.c_str());
        written_ = false;
    }

private:
    std::string path_;
    bool written_ = false;
};

}  // namespace eg::server
