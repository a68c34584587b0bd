#pragma once
// process control: the pid file and the signals of the daemon.
//  - pid file <home>/easegress.pid: the decimal pid, no newline, mode 0644; removed at a graceful
//    exit when it still holds this pid;
//  - signals: SIGINT/SIGTERM ask for a graceful stop, a second one exits at once (255); SIGHUP
//    reopens the log files; SIGUSR2 asks for a graceful upgrade. They are blocked in every thread
//    and taken by one signal thread, so they work during start-up too.

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

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

class signal_control {
public:
    // Blocks the signals in the calling thread, and so in every thread created after.
    // Call first thing in main.
    static void block_signals() {
        sigset_t set = handled();
        ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
        ::signal(SIGPIPE, SIG_IGN);
    }

    signal_control(std::function<void(const std::string&)> on_stop_requested,
                   std::function<void()> on_reopen_logs)
        : on_stop_(std::move(on_stop_requested)), on_reopen_(std::move(on_reopen_logs)) {
        thread_ = std::thread([this] { run(); });
        thread_.detach();  // lives as long as the process; sigwait cannot be interrupted portably
    }

    bool stop_requested() const { return stop_.load(); }
    const std::atomic<bool>& stopping_flag() const { return stop_; }

    // What SIGUSR2 does (run on the signal thread; keep it short). Unset: it is ignored.
    void on_upgrade(std::function<void()> upgrade) {
        std::lock_guard lock(mutex_);
        on_upgrade_ = std::move(upgrade);
    }

    // The process an upgrade started (0: none): its SIGTERM hands over, so it asks for a
    // graceful stop even when one is under way already (never the immediate exit).
    void expect_takeover_from(pid_t successor) { successor_ = successor; }
    // What to do when the successor takes over (run on the signal thread, before the stop).
    void on_takeover(std::function<void(pid_t)> takeover) {
        std::lock_guard lock(mutex_);
        on_takeover_ = std::move(takeover);
    }

    // Waits until a stop is requested.
    void wait() {
        std::unique_lock lock(mutex_);
        requested_.wait(lock, [this] { return stop_.load(); });
    }

    // Requests a stop from inside (e.g. a fatal error after start-up).
    void request_stop() {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        requested_.notify_all();
    }

private:
    static sigset_t handled() {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGHUP);
        sigaddset(&set, SIGUSR2);
        return set;
    }

    void run() {
        const sigset_t set = handled();
        while (true) {
            siginfo_t info{};
            const int signal_number = ::sigwaitinfo(&set, &info);
            if (signal_number < 0) continue;
            if (signal_number == SIGHUP) {
                if (on_reopen_) on_reopen_();
                continue;
            }
            if (signal_number == SIGUSR2) {
                std::function<void()> upgrade;
                {
                    std::lock_guard lock(mutex_);
                    upgrade = on_upgrade_;
                }
                if (upgrade) upgrade();
                continue;
            }
            const std::string name = signal_number == SIGINT ? "int" : "term";
            const pid_t successor = successor_.load();
            if (signal_number == SIGTERM && successor != 0 && info.si_pid == successor) {
                std::function<void(pid_t)> takeover;
                {
                    std::lock_guard lock(mutex_);
                    takeover = on_takeover_;
                }
                if (takeover) takeover(successor);
                if (on_stop_) on_stop_("the upgraded process took over, closing easegress");
                request_stop();
                continue;
            }
            if (stop_.load()) {
                if (on_stop_) on_stop_(name + " signal received, closing easegress immediately");
                ::_exit(255);
            }
            if (on_stop_) on_stop_(name + " signal received, closing easegress");
            request_stop();
        }
    }

    std::function<void(const std::string&)> on_stop_;
    std::function<void()> on_reopen_;
    std::function<void()> on_upgrade_;
    std::function<void(pid_t)> on_takeover_;
    std::atomic<bool> stop_{false};
    std::atomic<pid_t> successor_{0};
    std::mutex mutex_;
    std::condition_variable requested_;
    std::thread thread_;
};

}  // namespace eg::server
