#pragma once
// graceful upgrade: a running server hands over to a new process of its (possibly replaced)
// binary without the admin API ever refusing a connection.
//  - `easegress-server --signal-upgrade` sends SIGUSR2 to the server named in the pid file;
//  - that server starts its binary again with the same arguments and environment, plus
//    LISTEN_FDS=1 and EG_UPGRADE_PARENT_PID=<its pid>, the admin listener as descriptor 3;
//  - the new process starts like any member but serves the admin API only once it is ready;
//    then it takes the listener, writes the pid file and sends SIGTERM to the old one, which
//    stops accepting, finishes the requests it has, and exits.
// Connections waiting on the listener are never lost: the listening socket is one and the same
// in both processes for the whole hand-over.

#include "daemon/process/logger.hpp"
#include "daemon/process/spawner.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

extern char** environ;

namespace eg::server {

inline constexpr const char* listen_fds_variable = "LISTEN_FDS";
inline constexpr const char* upgrade_parent_variable = "EG_UPGRADE_PARENT_PID";
inline constexpr int inherited_listener_fd = 3;  // the first descriptor after stdin/out/err

// What a process started by an upgrade inherits.
struct upgrade_handover {
    int listener_fd = -1;
    pid_t parent = 0;
};

// The hand-over this process was started with, if any; the variables are removed from the
// environment either way, so that nothing this process starts inherits them.
inline std::optional<upgrade_handover> inherited_upgrade() {
    const char* fds = std::getenv(listen_fds_variable);
    const char* parent = std::getenv(upgrade_parent_variable);
    std::optional<upgrade_handover> handover;
    if (fds != nullptr && parent != nullptr && std::string(fds) == "1") {
        char* end = nullptr;
        const long pid = std::strtol(parent, &end, 10);
        if (end != parent && *end == '\0' && pid > 1 &&
            ::fcntl(inherited_listener_fd, F_GETFD) != -1) {
            ::fcntl(inherited_listener_fd, F_SETFD, FD_CLOEXEC);
            handover = upgrade_handover{inherited_listener_fd, static_cast<pid_t>(pid)};
        }
    }
    ::unsetenv(listen_fds_variable);
    ::unsetenv(upgrade_parent_variable);
    return handover;
}

// The binary a process runs, as its path is now (empty when there is no such process or it
// cannot be read).
inline std::string executable_of(pid_t pid) {
    char buffer[PATH_MAX];
    const std::string link = "/proc/" + std::to_string(pid) + "/exe";
    const ssize_t length = ::readlink(link.c_str(), buffer, sizeof(buffer) - 1);
    if (length <= 0) return {};
    std::string path(buffer, static_cast<std::size_t>(length));
    constexpr std::string_view deleted = " (deleted)";
    if (path.size() > deleted.size() && path.ends_with(deleted))
        path.resize(path.size() - deleted.size());
    return path;
}

// The path of this process's binary, as it is on disk now (a replaced binary's new file).
inline std::string own_executable() { return executable_of(::getpid()); }

// Starts `executable` with `arguments` (argv[0] first) and this environment plus the hand-over
// variables, in this process group, with this process's stdin, stdout and stderr (/dev/null for
// a closed one), `listener_fd` as descriptor 3 and no other descriptor.
// Returns the child's pid, or -1 with `error` set when it could not be started.
inline pid_t start_upgraded(const std::string& executable,
                            const std::vector<std::string>& arguments, int listener_fd,
                            std::string& error) {
    spawn_request request;
    request.executable = executable;
    request.arguments = arguments;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string_view text(*entry);
        if (text.starts_with(std::string(listen_fds_variable) + "=") ||
            text.starts_with(std::string(upgrade_parent_variable) + "="))
            continue;
        request.environment.emplace_back(text);
    }
    request.environment.push_back(std::string(listen_fds_variable) + "=1");
    request.environment.push_back(std::string(upgrade_parent_variable) + "=" +
                                  std::to_string(::getpid()));
    for (int fd = 0; fd < inherited_listener_fd; ++fd)
        request.descriptors.push_back(
            {fd, ::fcntl(fd, F_GETFD) != -1 ? fd : descriptor_mapping::null_device});
    request.descriptors.push_back({inherited_listener_fd, listener_fd});
    const spawn_result child = spawn(request);
    if (!child)
        error =
            "cannot run " + executable + ": " +
            (child.failed == spawn_step::exec ? std::strerror(child.error_number) : child.error);
    return child.pid;
}

// --signal-upgrade: SIGUSR2 to the pid in pid_path. Returns an error text, empty on success.
inline std::string signal_upgrade(const std::string& pid_path, pid_t& signalled) {
    std::ifstream in(pid_path);
    if (!in) return "failed to read pidfile " + pid_path + ": " + std::strerror(errno);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    char* end = nullptr;
    const long pid = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || pid <= 1 || pid > INT_MAX)
        return "failed to read pidfile " + pid_path + ": \"" + text + "\" is not a process id";
    // A pid file left by a crash may name a process that has nothing to do with us, which
    // SIGUSR2 would kill: only a process of this program is signalled.
    const std::string running = executable_of(static_cast<pid_t>(pid));
    if (running.empty())
        return "failed to send signal to " + std::to_string(pid) +
               ": no such process (a pid file "
               "left by a server that did not stop cleanly?)";
    const auto name_of = [](const std::string& path) { return path.substr(path.rfind('/') + 1); };
    const std::string program = name_of(own_executable());
    if (name_of(running) != program)
        return "process " + std::to_string(pid) + " named in " + pid_path + " is " + running +
               ", not " + program + "; nothing was signalled";
    if (::kill(static_cast<pid_t>(pid), SIGUSR2) != 0)
        return "failed to send signal to " + std::to_string(pid) + ": " + std::strerror(errno);
    signalled = static_cast<pid_t>(pid);
    return {};
}

// The old side of an upgrade: on request, starts the new process and watches it until it takes
// over (this process is then asked to stop) or exits first (this process goes on).
class upgrade_starter {
public:
    struct hooks {
        std::function<std::string()> refusal;  // why no upgrade can start now; empty: it can
        std::function<int()> listener_fd;      // the admin API's listening socket
        std::function<void()> before_start;    // frees what the new process binds (etcd)
        std::function<void()> after_failure;   // takes it back
        std::function<void(pid_t)> successor;  // the new process (0: none any more)
    };

    // The new process runs `executable` (empty: this binary as it is on disk now) and has
    // `take_over_within` to take over; after that it is stopped and this process goes on.
    upgrade_starter(std::vector<std::string> arguments, hooks steps,
                    const std::atomic<bool>& stopping, logger& log,
                    std::chrono::milliseconds take_over_within = std::chrono::minutes(5),
                    std::string executable = {})
        : arguments_(std::move(arguments)),
          hooks_(std::move(steps)),
          stopping_(stopping),
          log_(log),
          take_over_within_(take_over_within),
          executable_(std::move(executable)) {}
    ~upgrade_starter() {
        std::thread running;
        {
            std::lock_guard lock(mutex_);
            running = std::move(thread_);
        }
        if (running.joinable()) running.join();
    }
    upgrade_starter(const upgrade_starter&) = delete;
    upgrade_starter& operator=(const upgrade_starter&) = delete;

    // Starts an upgrade on its own thread, unless one is under way or it cannot start now.
    void request() {
        std::lock_guard lock(mutex_);
        if (running_) {
            log_.warn("process", "graceful upgrade signal received, but an upgrade is under way");
            return;
        }
        if (const std::string why = hooks_.refusal(); !why.empty()) {
            log_.warn("process", "graceful upgrade signal received, but " + why);
            return;
        }
        if (thread_.joinable()) thread_.join();
        running_ = true;
        thread_ = std::thread([this] {
            ::pthread_setname_np(::pthread_self(), "upgrade");
            upgrade();
            std::lock_guard done(mutex_);
            running_ = false;
        });
    }

    // Whether an upgrade is under way.
    bool running() {
        std::lock_guard lock(mutex_);
        return running_;
    }

private:
    void upgrade() {
        const std::string executable = executable_.empty() ? own_executable() : executable_;
        log_.info("process", "graceful upgrade signal received, starting " + executable);
        hooks_.before_start();
        std::string error;
        const pid_t child = start_upgraded(executable, arguments_, hooks_.listener_fd(), error);
        if (child < 0) {
            fail(error);
            return;
        }
        if (hooks_.successor) hooks_.successor(child);
        log_.info("process", "new process " + std::to_string(child) +
                                 " started; it takes over once it is ready");
        const auto deadline = std::chrono::steady_clock::now() + take_over_within_;
        while (!stopping_) {
            int status = 0;
            if (::waitpid(child, &status, WNOHANG) == child) {
                fail("the new process " + ending(status) + " before taking over");
                return;
            }
            if (std::chrono::steady_clock::now() > deadline) {
                end_process(child);
                fail("the new process did not take over within " +
                     std::to_string(take_over_within_.count()) + " ms and was stopped");
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }

    void fail(const std::string& why) {
        if (hooks_.successor) hooks_.successor(0);
        log_.error("process", "graceful upgrade failed: " + why + "; this process goes on");
        hooks_.after_failure();
    }

    static std::string ending(int status) {
        return WIFEXITED(status) ? "exited with code " + std::to_string(WEXITSTATUS(status))
                                 : "was killed by signal " + std::to_string(WTERMSIG(status));
    }

    // SIGTERM, SIGKILL after 10 s; reaped either way.
    static void end_process(pid_t child) {
        ::kill(child, SIGTERM);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (::waitpid(child, nullptr, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() > deadline) {
                ::kill(child, SIGKILL);
                ::waitpid(child, nullptr, 0);
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }

    std::vector<std::string> arguments_;
    hooks hooks_;
    const std::atomic<bool>& stopping_;
    logger& log_;
    std::chrono::milliseconds take_over_within_;
    std::string executable_;
    std::mutex mutex_;
    bool running_ = false;
    std::thread thread_;
};

}  // namespace eg::server
