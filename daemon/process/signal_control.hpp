#pragma once
// signal control: the daemon's signals, taken by one thread.
//  - SIGINT/SIGTERM ask for a graceful stop; a second one exits at once (255);
//  - SIGHUP reopens the log files;
//  - SIGUSR2 asks for a graceful upgrade;
//  - SIGTERM from the process an upgrade started hands over (a graceful stop, never the
//    immediate exit).
// The signals are blocked in every thread (block_signals(), first thing in main) and read from a
// signalfd by the signal thread, so they work during start-up too. The thread is owned: the
// destructor ends and joins it, so it never runs a callback after its owner is gone. Whoever
// owns a signal_control must outlive what its callbacks reference (the member runtime declares
// its logs before it).

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>

namespace eg::server {

class signal_control {
public:
    // Blocks the signals in the calling thread, and so in every thread created after.
    // Call first thing in main.
    static void block_signals() {
        sigset_t set = handled();
        ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
        ::signal(SIGPIPE, SIG_IGN);
    }

    // The callbacks run on the signal thread. Throws std::system_error when the descriptors
    // cannot be had.
    signal_control(std::function<void(const std::string&)> on_stop_requested,
                   std::function<void()> on_reopen_logs)
        : on_stop_(std::move(on_stop_requested)), on_reopen_(std::move(on_reopen_logs)) {
        const sigset_t set = handled();
        signal_fd_ = ::signalfd(-1, &set, SFD_CLOEXEC);
        quit_fd_ = ::eventfd(0, EFD_CLOEXEC);
        if (signal_fd_ < 0 || quit_fd_ < 0) {
            const int error = errno;
            close_descriptors();
            throw std::system_error(error, std::generic_category(), "cannot take signals");
        }
        thread_ = std::thread([this] { run(); });
    }

    ~signal_control() {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(quit_fd_, &one, sizeof one);
        thread_.join();
        close_descriptors();
    }
    signal_control(const signal_control&) = delete;
    signal_control& operator=(const signal_control&) = delete;

    bool stop_requested() const { return stop_.load(); }
    const std::atomic<bool>& stopping_flag() const { return stop_; }

    // What SIGUSR2 does (run on the signal thread; keep it short). Unset: it is ignored. Once
    // this returns, the previous callback is not running and never runs again.
    void on_upgrade(std::function<void()> upgrade) {
        std::lock_guard lock(callbacks_mutex_);
        on_upgrade_ = std::move(upgrade);
    }

    // The process an upgrade started (0: none): its SIGTERM hands over, so it asks for a
    // graceful stop even when one is under way already (never the immediate exit).
    void expect_takeover_from(pid_t successor) { successor_ = successor; }
    // What to do when the successor takes over (run on the signal thread, before the stop).
    void on_takeover(std::function<void(pid_t)> takeover) {
        std::lock_guard lock(callbacks_mutex_);
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

    void close_descriptors() {
        if (signal_fd_ >= 0) ::close(signal_fd_);
        if (quit_fd_ >= 0) ::close(quit_fd_);
        signal_fd_ = quit_fd_ = -1;
    }

    void run() {
        ::pthread_setname_np(::pthread_self(), "signals");
        pollfd watched[2] = {{signal_fd_, POLLIN, 0}, {quit_fd_, POLLIN, 0}};
        while (true) {
            if (::poll(watched, 2, -1) < 0) {
                if (errno == EINTR) continue;
                return;
            }
            if (watched[1].revents != 0) return;
            signalfd_siginfo info{};
            if (::read(signal_fd_, &info, sizeof info) != static_cast<ssize_t>(sizeof info))
                continue;
            handle(static_cast<int>(info.ssi_signo), static_cast<pid_t>(info.ssi_pid));
        }
    }

    void handle(int signal_number, pid_t sender) {
        if (signal_number == SIGHUP) {
            if (on_reopen_) on_reopen_();
            return;
        }
        if (signal_number == SIGUSR2) {
            std::lock_guard lock(callbacks_mutex_);
            if (on_upgrade_) on_upgrade_();
            return;
        }
        const pid_t successor = successor_.load();
        if (signal_number == SIGTERM && successor != 0 && sender == successor) {
            {
                std::lock_guard lock(callbacks_mutex_);
                if (on_takeover_) on_takeover_(successor);
            }
            if (on_stop_) on_stop_("the upgraded process took over, closing easegress");
            request_stop();
            return;
        }
        const std::string name = signal_number == SIGINT ? "int" : "term";
        if (stop_.load()) {
            if (on_stop_) on_stop_(name + " signal received, closing easegress immediately");
            ::_exit(255);
        }
        if (on_stop_) on_stop_(name + " signal received, closing easegress");
        request_stop();
    }

    std::function<void(const std::string&)> on_stop_;
    std::function<void()> on_reopen_;
    std::function<void()> on_upgrade_;
    std::function<void(pid_t)> on_takeover_;
    std::atomic<bool> stop_{false};
    std::atomic<pid_t> successor_{0};
    std::mutex callbacks_mutex_;  // held while on_upgrade_ or on_takeover_ is set or runs
    std::mutex mutex_;
    std::condition_variable requested_;
    int signal_fd_ = -1;
    int quit_fd_ = -1;
    std::thread thread_;
};

}  // namespace eg::server
