// Test support: run a child process (with the daemon's spawner), capture its output, enforce a
// timeout.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "daemon/process/spawner.hpp"

#ifndef EG_SOURCE_DIR
#error "EG_SOURCE_DIR is not defined: link the test against eg_test_support"
#endif
#ifndef EG_BINARY_DIR
#error "EG_BINARY_DIR is not defined: link the test against eg_test_support"
#endif

namespace eg::test {

struct process_result {
    int exit_code = -1;  // exit status, or -signal if the child was killed by a signal
    std::string out;
    std::string err;
    bool timed_out = false;
};

struct run_options {
    // The child gets exactly this environment, nothing is inherited; only PATH is added
    // (as /usr/local/bin:/usr/bin:/bin) when it is missing.
    std::map<std::string, std::string> env;
    // Working directory of the child; empty means the caller's. A relative argv[0] that
    // contains a slash is resolved from this directory.
    std::string cwd;
    // Written to the child's stdin, which is then closed.
    std::string stdin_data;
    // After this long the child's process group is killed with SIGKILL.
    std::chrono::milliseconds timeout{30000};
};

inline constexpr std::string_view default_path = "/usr/local/bin:/usr/bin:/bin";

// Absolute path of a binary built by this project (they all land in <build>/bin).
inline std::string binary_path(std::string_view name) {
    std::string path = EG_BINARY_DIR;
    path += '/';
    path += name;
    return path;
}

// Absolute path of a file in the source tree, e.g. source_path("samples/minimal.yaml").
inline std::string source_path(std::string_view rel) {
    std::string path = EG_SOURCE_DIR;
    path += '/';
    path += rel;
    return path;
}

namespace detail {

class unique_fd {
public:
    unique_fd() = default;
    explicit unique_fd(int fd) : fd_(fd) {}
    unique_fd(const unique_fd&) = delete;
    unique_fd& operator=(const unique_fd&) = delete;
    unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    unique_fd& operator=(unique_fd&& other) noexcept {
        if (this != &other) {
            reset();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    ~unique_fd() { reset(); }

    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    void reset() noexcept {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }

private:
    int fd_ = -1;
};

struct pipe_pair {
    unique_fd read;
    unique_fd write;
};

inline pipe_pair make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        throw std::system_error(errno, std::generic_category(), "run_process: pipe2");
    }
    return {unique_fd(fds[0]), unique_fd(fds[1])};
}

inline void set_nonblocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
        throw std::system_error(errno, std::generic_category(), "run_process: fcntl");
    }
}

// Blocks SIGPIPE in the calling thread while it writes to the child's stdin, so a child
// that exits early gives EPIPE instead of killing the test; discards a SIGPIPE it caused.
class sigpipe_guard {
public:
    sigpipe_guard() {
        ::sigemptyset(&set_);
        ::sigaddset(&set_, SIGPIPE);
        sigset_t pending;
        ::sigemptyset(&pending);
        ::sigpending(&pending);
        was_pending_ = ::sigismember(&pending, SIGPIPE) == 1;
        ::pthread_sigmask(SIG_BLOCK, &set_, &old_);
    }
    sigpipe_guard(const sigpipe_guard&) = delete;
    sigpipe_guard& operator=(const sigpipe_guard&) = delete;
    ~sigpipe_guard() {
        if (!was_pending_) {
            sigset_t pending;
            ::sigemptyset(&pending);
            ::sigpending(&pending);
            if (::sigismember(&pending, SIGPIPE) == 1) {
                const timespec zero{};
                while (::sigtimedwait(&set_, nullptr, &zero) < 0 && errno == EINTR) {
                }
            }
        }
        ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }

private:
    sigset_t set_{};
    sigset_t old_{};
    bool was_pending_ = false;
};

inline bool is_executable_file(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
           ::access(path.c_str(), X_OK) == 0;
}

// Resolves a command name without a slash on the given PATH, like execvp does.
inline std::string find_on_path(const std::string& name, std::string_view path) {
    if (name.find('/') != std::string::npos) {
        return name;
    }
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find(':', start);
        if (end == std::string_view::npos) {
            end = path.size();
        }
        std::string dir(path.substr(start, end - start));
        const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
        if (is_executable_file(candidate)) {
            return candidate;
        }
        start = end + 1;
    }
    throw std::system_error(ENOENT, std::generic_category(),
                            "run_process: '" + name + "' not found on PATH=" + std::string(path));
}

inline int decode_status(int status) {
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    if (WIFSIGNALED(status)) {
        return -WTERMSIG(status);
    }
    return -1;
}

inline int wait_blocking(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return -1;
        }
    }
    return decode_status(status);
}

// Kills and reaps the child if run_process leaves early by an exception.
class child_reaper {
public:
    explicit child_reaper(pid_t pid) : pid_(pid) {}
    child_reaper(const child_reaper&) = delete;
    child_reaper& operator=(const child_reaper&) = delete;
    ~child_reaper() {
        if (pid_ > 0) {
            ::kill(-pid_, SIGKILL);
            ::kill(pid_, SIGKILL);
            wait_blocking(pid_);
        }
    }
    void release() { pid_ = -1; }

private:
    pid_t pid_;
};

}  // namespace detail

// Runs argv (argv[0] is looked up on the child's PATH when it has no slash) and returns its
// exit code and output. The child runs in its own process group, with an empty signal mask
// and default signal dispositions. Throws std::system_error when it cannot be started.
inline process_result run_process(const std::vector<std::string>& argv,
                                  const run_options& opts = {}) {
    using clock = std::chrono::steady_clock;
    using std::chrono::milliseconds;

    if (argv.empty()) {
        throw std::system_error(EINVAL, std::generic_category(), "run_process: empty argv");
    }

    std::map<std::string, std::string> env = opts.env;
    env.try_emplace("PATH", default_path);
    std::vector<std::string> env_strings;
    env_strings.reserve(env.size());
    for (const auto& [key, value] : env) {
        env_strings.push_back(key + "=" + value);
    }
    const std::string program = detail::find_on_path(argv[0], env.at("PATH"));

    detail::pipe_pair in = detail::make_pipe();
    detail::pipe_pair out = detail::make_pipe();
    detail::pipe_pair err = detail::make_pipe();

    server::spawn_request request;
    request.executable = program;
    request.arguments = argv;
    request.environment = std::move(env_strings);
    request.descriptors = {{0, in.read.get()}, {1, out.write.get()}, {2, err.write.get()}};
    request.own_process_group = true;
    request.working_directory = opts.cwd;

    detail::sigpipe_guard sigpipe_blocked;

    const server::spawn_result spawned = server::spawn(request);
    if (!spawned) {
        throw std::system_error(spawned.error_number, std::generic_category(),
                                "run_process: " + spawned.error);
    }
    const pid_t pid = spawned.pid;
    detail::child_reaper reaper(pid);

    // The child holds its own copies now; keeping ours open would hide EOF.
    in.read.reset();
    out.write.reset();
    err.write.reset();

    process_result result;
    const auto timeout = std::clamp(opts.timeout, milliseconds(0), milliseconds(86'400'000));
    auto deadline = clock::now() + timeout;
    bool killed = false;
    auto kill_child = [&] {
        if (!killed) {
            // Negative pid: the whole process group, so grandchildren release the pipes too.
            if (::kill(-pid, SIGKILL) != 0) {
                ::kill(pid, SIGKILL);
            }
            killed = true;
            result.timed_out = true;
            // Collect what is still buffered, but do not wait long for stray descendants.
            deadline = clock::now() + milliseconds(1000);
        }
    };

    if (opts.stdin_data.empty()) {
        in.write.reset();
    } else {
        detail::set_nonblocking(in.write.get());
    }
    std::size_t stdin_written = 0;
    char buffer[65536];

    while (in.write || out.read || err.read) {
        const auto now = clock::now();
        if (now >= deadline) {
            if (killed) {
                break;
            }
            kill_child();
            continue;
        }
        const auto wait = std::chrono::ceil<milliseconds>(deadline - now);

        pollfd fds[3];
        nfds_t count = 0;
        int stdin_index = -1;
        int out_index = -1;
        int err_index = -1;
        if (in.write) {
            stdin_index = static_cast<int>(count);
            fds[count++] = {in.write.get(), POLLOUT, 0};
        }
        if (out.read) {
            out_index = static_cast<int>(count);
            fds[count++] = {out.read.get(), POLLIN, 0};
        }
        if (err.read) {
            err_index = static_cast<int>(count);
            fds[count++] = {err.read.get(), POLLIN, 0};
        }

        const int ready = ::poll(fds, count, static_cast<int>(wait.count()));
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            const int saved = errno;
            throw std::system_error(saved, std::generic_category(), "run_process: poll");
        }
        if (ready == 0) {
            continue;
        }

        if (stdin_index >= 0 && fds[stdin_index].revents != 0) {
            const std::string_view rest = std::string_view(opts.stdin_data).substr(stdin_written);
            const ssize_t n = ::write(in.write.get(), rest.data(), rest.size());
            if (n > 0) {
                stdin_written += static_cast<std::size_t>(n);
                if (stdin_written == opts.stdin_data.size()) {
                    in.write.reset();
                }
            } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
                in.write.reset();  // EPIPE: the child does not read its stdin
            }
        }
        auto drain = [&](int index, detail::unique_fd& fd, std::string& sink) {
            if (index < 0 || fds[index].revents == 0) {
                return;
            }
            const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
            if (n > 0) {
                sink.append(buffer, static_cast<std::size_t>(n));
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                fd.reset();
            }
        };
        drain(out_index, out.read, result.out);
        drain(err_index, err.read, result.err);
    }
    in.write.reset();
    out.read.reset();
    err.read.reset();

    // The child may have closed its output and still be running: keep honouring the timeout.
    reaper.release();
    int status = 0;
    for (;;) {
        const pid_t rc = ::waitpid(pid, &status, WNOHANG);
        if (rc == pid) {
            result.exit_code = detail::decode_status(status);
            break;
        }
        if (rc < 0 && errno != EINTR) {
            result.exit_code = -1;
            break;
        }
        if (clock::now() >= deadline) {
            kill_child();
            result.exit_code = detail::wait_blocking(pid);
            break;
        }
        std::this_thread::sleep_for(milliseconds(2));
    }
    return result;
}

}  // namespace eg::test
