#pragma once
// logger: the daemon's system log. One line per message:
//   <RFC 3339 time with ms>\t<LEVEL>\t<component>\t<message>
// written to stdout, or to <log-dir>/stdout.log (each line also copied to stderr). reopen()
// closes and reopens the file, for log rotation on SIGHUP.

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>
#include <string_view>

namespace eg::server {

enum class log_level { debug, info, warning, error };

class logger {
public:
    // Empty path: stdout. With a file, copy_to_stderr also writes each line to stderr.
    explicit logger(std::string path = {}, bool debug = false, bool copy_to_stderr = true)
        : path_(std::move(path)), debug_(debug), copy_to_stderr_(copy_to_stderr) {
        open();
    }
    logger(const logger&) = delete;
    logger& operator=(const logger&) = delete;
    ~logger() {
        if (file_ != nullptr && file_ != stdout) std::fclose(file_);
    }

    // Whether the log file could be opened (always true for stdout).
    bool ok() const { return file_ != nullptr; }
    const std::string& path() const { return path_; }

    void reopen() {
        std::lock_guard lock(mutex_);
        if (file_ != nullptr && file_ != stdout) std::fclose(file_);
        open();
    }

    void log(log_level level, std::string_view component, std::string_view message) {
        if (level == log_level::debug && !debug_) return;
        const std::string line = stamp() + "\t" + std::string(name(level)) + "\t" +
                                 std::string(component) + "\t" + std::string(message) + "\n";
        std::lock_guard lock(mutex_);
        if (file_ != nullptr) {
            std::fputs(line.c_str(), file_);
            std::fflush(file_);
        }
        if (file_ != stdout && copy_to_stderr_) std::fputs(line.c_str(), stderr);
    }
    void debug(std::string_view component, std::string_view message) {
        log(log_level::debug, component, message);
    }
    void info(std::string_view component, std::string_view message) {
        log(log_level::info, component, message);
    }
    void warn(std::string_view component, std::string_view message) {
        log(log_level::warning, component, message);
    }
    void error(std::string_view component, std::string_view message) {
        log(log_level::error, component, message);
    }

private:
    void open() { file_ = path_.empty() ? stdout : std::fopen(path_.c_str(), "ae"); }

    static std::string_view name(log_level level) {
        switch (level) {
            case log_level::debug:
                return "DEBUG";
            case log_level::info:
                return "INFO";
            case log_level::warning:
                return "WARN";
            case log_level::error:
                return "ERROR";
        }
        return "INFO";
    }

    // 2026-04-01T10:00:05.123Z
    static std::string stamp() {
        const auto now = std::chrono::system_clock::now();
        const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
            1000;
        std::tm utc{};
        gmtime_r(&seconds, &utc);
        char text[40];
        const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
        std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(ms));
        return text;
    }

    std::string path_;
    bool debug_;
    bool copy_to_stderr_;
    std::mutex mutex_;
    std::FILE* file_ = nullptr;
};

}  // namespace eg::server
