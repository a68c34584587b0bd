#pragma once
// etcd supervisor: runs the real etcd of a primary and keeps it running.
//  - etcd is started (by the process spawner) from the supervisor's worker thread
//    ("etcd-supervisor"), which lives as long as the supervisor, with an empty signal mask, default
//    signal dispositions, an explicit environment, its own process group, no descriptor of the
//    daemon's but its output, and PR_SET_PDEATHSIG so that it dies with the daemon even when the
//    daemon is SIGKILLed;
//  - a crashed etcd is restarted with capped exponential backoff; meanwhile down() says how it
//    ended and when it starts again;
//  - stop() sends SIGTERM to the process group, then SIGKILL after a grace period.

#include "daemon/process/spawner.hpp"
#include "daemon/process/worker.hpp"

#include <pthread.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace eg::server {

struct etcd_launch {
    std::string binary;                    // absolute path of etcd
    std::vector<std::string> arguments;    // after the binary, e.g. --config-file F
    std::vector<std::string> environment;  // exactly this, e.g. {"PATH=/usr/bin:/bin"}
    std::string output_file;               // etcd's stdout and stderr; empty: see output_line
    // Without an output file: each line etcd prints is given here (e.g. to prefix it on
    // stdout); when neither is set, etcd inherits the daemon's stdout and stderr.
    std::function<void(const std::string&)> output_line;
    std::chrono::milliseconds grace{5000};  // SIGTERM -> SIGKILL
    std::chrono::milliseconds first_backoff{200};
    std::chrono::milliseconds max_backoff{10000};
};

// What happened to etcd, for logs: "started pid 123", "exited with status 2, restarting in 400ms".
using supervisor_event = std::function<void(const std::string&)>;

class etcd_supervisor {
public:
    etcd_supervisor(etcd_launch launch, supervisor_event on_event)
        : launch_(std::move(launch)), on_event_(std::move(on_event)) {}
    etcd_supervisor(const etcd_supervisor&) = delete;
    etcd_supervisor& operator=(const etcd_supervisor&) = delete;
    ~etcd_supervisor() { stop(); }

    // Starts the supervising thread, which starts etcd. Returns false if etcd cannot be spawned.
    bool start() {
        if (::access(launch_.binary.c_str(), X_OK) != 0) {
            event("cannot run " + launch_.binary + ": " + std::strerror(errno));
            return false;
        }
        worker_.start([this] { run(); });
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return pid_ > 0 || spawn_failed_; });
        return !spawn_failed_;
    }

    // The running etcd's pid, or 0.
    pid_t pid() const {
        std::lock_guard lock(mutex_);
        return pid_;
    }

    int restarts() const { return restarts_.load(); }

    // When the running etcd was started (wall clock); the epoch when none runs.
    std::chrono::system_clock::time_point started_at() const {
        std::lock_guard lock(mutex_);
        return started_at_;
    }

    // Whether etcd left by itself with status 0 (it was removed from the cluster).
    bool removed() const {
        std::lock_guard lock(mutex_);
        return removed_;
    }

    // While etcd is down after it exited: how it ended ("was killed by signal 9") and when it
    // is started again (the epoch: not restarted). nullopt while it runs, and once stopped.
    struct outage {
        std::string how;
        std::chrono::steady_clock::time_point next_start{};
    };
    std::optional<outage> down() const {
        std::lock_guard lock(mutex_);
        return outage_;
    }

    // SIGTERM to etcd's process group, SIGKILL after the grace period; waits for the thread.
    void stop() {
        worker_.stop();  // the worker's wait_for sends the SIGTERM, and the SIGKILL if needed
        if (reader_.joinable()) reader_.join();
    }

private:
    void event(const std::string& text) {
        if (on_event_) on_event_(text);
    }

    // Started from this (long-lived) thread, as the parent-death signal is the thread's. etcd
    // gets /dev/null as stdin, the output file or pipe (else the daemon's own) as stdout and
    // stderr, and no other descriptor.
    spawn_result spawn() {
        spawn_request request;
        request.executable = launch_.binary;
        request.arguments.push_back(launch_.binary);
        request.arguments.insert(request.arguments.end(), launch_.arguments.begin(),
                                 launch_.arguments.end());
        request.environment = launch_.environment;
        request.own_process_group = true;
        request.parent_death_signal = SIGKILL;
        int output = -1;
        int pipe_read = -1;
        if (!launch_.output_file.empty()) {
            output = ::open(launch_.output_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
                            0644);
            if (output < 0)
                return {.failed = spawn_step::prepare,
                        .error_number = errno,
                        .error = "open " + launch_.output_file + ": " + std::strerror(errno)};
        } else if (launch_.output_line) {
            int ends[2];
            if (::pipe2(ends, O_CLOEXEC) != 0)
                return {.failed = spawn_step::pipe,
                        .error_number = errno,
                        .error = std::string("pipe: ") + std::strerror(errno)};
            pipe_read = ends[0];
            output = ends[1];
        }
        request.descriptors = {{0, descriptor_mapping::null_device},
                               {1, output >= 0 ? output : 1},
                               {2, output >= 0 ? output : 2}};
        spawn_result child = server::spawn(request);
        if (output >= 0) ::close(output);
        if (pipe_read >= 0) {
            if (child)
                forward_output(pipe_read);
            else
                ::close(pipe_read);
        }
        return child;
    }

    // Reads etcd's output lines on a thread of their own until etcd closes its end.
    void forward_output(int fd) {
        if (reader_.joinable()) reader_.join();
        reader_ = std::thread([fd, forward = launch_.output_line] {
            ::pthread_setname_np(::pthread_self(), "etcd-output");
            std::string pending;
            char buffer[4096];
            while (true) {
                const ssize_t n = ::read(fd, buffer, sizeof buffer);
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0) break;
                pending.append(buffer, static_cast<std::size_t>(n));
                for (auto end = pending.find('\n'); end != std::string::npos;
                     end = pending.find('\n')) {
                    forward(pending.substr(0, end));
                    pending.erase(0, end + 1);
                }
            }
            if (!pending.empty()) forward(pending);
            ::close(fd);
        });
    }

    void run() {
        auto backoff = launch_.first_backoff;
        bool first = true;
        while (true) {
            const spawn_result spawned = spawn();
            const pid_t child = spawned.pid;
            {
                std::lock_guard lock(mutex_);
                if (child <= 0) {
                    spawn_failed_ = first;
                    outage_ = outage{"could not be started: " + spawned.error,
                                     std::chrono::steady_clock::now() + backoff};
                } else {
                    pid_ = child;
                    started_at_ = std::chrono::system_clock::now();
                    outage_.reset();
                }
            }
            changed_.notify_all();
            if (child <= 0) {
                event("cannot start etcd: " + spawned.error);
                if (first) return;
            } else {
                event("etcd started, pid " + std::to_string(child));
                const auto started = std::chrono::steady_clock::now();
                const int status = wait_for(child);
                {
                    std::lock_guard lock(mutex_);
                    pid_ = 0;
                }
                if (worker_.stopping()) return;
                if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
                    {
                        std::lock_guard lock(mutex_);
                        removed_ = true;
                        outage_ = outage{"exited by itself (removed from the cluster)", {}};
                    }
                    event(
                        "etcd exited by itself with status 0 (removed from the cluster?); not "
                        "restarting");
                    return;
                }
                if (std::chrono::steady_clock::now() - started > std::chrono::seconds(30))
                    backoff = launch_.first_backoff;  // it ran well for a while
                {
                    std::lock_guard lock(mutex_);
                    outage_ = outage{describe(status), std::chrono::steady_clock::now() + backoff};
                }
                event("etcd " + describe(status) + "; restarting in " +
                      std::to_string(backoff.count()) + "ms");
            }
            first = false;
            if (worker_.pause_for(backoff) == worker::pause_end::stopping) {
                std::lock_guard lock(mutex_);
                outage_.reset();
                return;
            }
            backoff = std::min(backoff * 2, launch_.max_backoff);
            restarts_.fetch_add(1);
        }
    }

    // Waits for the child; once stopping, sends SIGTERM and escalates to SIGKILL after the grace
    // period. (A stop ends the worker's pause at once, so the SIGTERM goes out without delay.)
    int wait_for(pid_t child) {
        int status = 0;
        std::optional<std::chrono::steady_clock::time_point> kill_at;
        bool killed = false;
        while (true) {
            const pid_t done = ::waitpid(child, &status, WNOHANG);
            if (done == child) return status;
            if (done < 0 && errno != EINTR) return status;
            if (worker_.stopping()) {
                const auto now = std::chrono::steady_clock::now();
                if (!kill_at) {
                    kill_at = now + launch_.grace;
                    ::kill(-child, SIGTERM);
                }
                if (now >= *kill_at && !killed) {
                    killed = true;
                    event("etcd did not stop within " + std::to_string(launch_.grace.count()) +
                          "ms of SIGTERM; killing it");
                    ::kill(-child, SIGKILL);
                }
            }
            // A stopping worker pauses no more: sleep between the checks of the grace period.
            if (worker_.pause_for(poll_interval) == worker::pause_end::stopping)
                std::this_thread::sleep_for(poll_interval);
        }
    }

    static constexpr std::chrono::milliseconds poll_interval{20};  // waitpid while etcd runs

    static std::string describe(int status) {
        if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
        return "exited with status " + std::to_string(WEXITSTATUS(status));
    }

    etcd_launch launch_;
    supervisor_event on_event_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;  // the first start succeeded or failed
    std::thread reader_;
    pid_t pid_ = 0;
    std::chrono::system_clock::time_point started_at_{};
    bool removed_ = false;
    std::optional<outage> outage_;
    bool spawn_failed_ = false;
    std::atomic<int> restarts_{0};
    worker worker_{"etcd-supervisor"};  // last: stopped first, before the state it uses goes
};

}  // namespace eg::server
