#include "daemon/process/spawner.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

namespace eg::server {
namespace {

// What the child does between fork and exec, all of it prepared before fork.
struct child_plan {
    const char* executable = nullptr;
    char* const* argv = nullptr;
    char* const* envp = nullptr;
    const char* working_directory = nullptr;  // nullptr: stay
    bool own_process_group = false;
    int parent_death_signal = 0;
    pid_t parent = 0;
    const descriptor_mapping* map = nullptr;  // sources resolved: no null_device left
    int* copies = nullptr;                    // one per mapping: the source above `floor`
    std::size_t map_size = 0;
    const int* kept = nullptr;  // the child descriptors, sorted, unique
    std::size_t kept_size = 0;
    int floor = 0;  // above every child descriptor
    int descriptor_limit = 0;
};

// What a child that failed before exec writes to the report pipe.
struct child_report {
    int step = 0;
    int error = 0;
    int descriptor = -1;  // the child descriptor being set up, for spawn_step::descriptors
};

[[noreturn]] void fail_in_child(int report, spawn_step step, int error, int descriptor = -1) {
    const child_report what{static_cast<int>(step), error, descriptor};
    [[maybe_unused]] const ssize_t written = ::write(report, &what, sizeof what);
    ::_exit(127);
}

bool is_kept(const child_plan& plan, int fd) {
    for (std::size_t i = 0; i < plan.kept_size; ++i)
        if (plan.kept[i] == fd) return true;
    return false;
}

// Every descriptor but the kept ones is marked close-on-exec, from the listing of
// /proc/self/fd. False when it cannot be read.
bool mark_listed(const child_plan& plan) {
    const int dir = ::open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return false;
    alignas(dirent64) char buffer[4096];
    while (true) {
        const ssize_t got = ::getdents64(dir, buffer, sizeof buffer);
        if (got < 0) {
            ::close(dir);
            return false;
        }
        if (got == 0) break;
        for (ssize_t offset = 0; offset < got;) {
            const auto* entry = reinterpret_cast<const dirent64*>(buffer + offset);
            offset += entry->d_reclen;
            int fd = 0;
            const char* digit = entry->d_name;
            for (; *digit >= '0' && *digit <= '9'; ++digit) fd = fd * 10 + (*digit - '0');
            if (digit == entry->d_name || *digit != '\0' || fd == dir || is_kept(plan, fd))
                continue;
            ::fcntl(fd, F_SETFD, FD_CLOEXEC);
        }
    }
    ::close(dir);
    return true;
}

// Every descriptor but the kept ones closes at exec: close_range over the gaps between them;
// without it (Linux < 5.11) the listing of /proc/self/fd, or every number below the limit.
void mark_others(const child_plan& plan) {
    unsigned first = 0;
    bool ranges = true;
    for (std::size_t i = 0; i <= plan.kept_size && ranges; ++i) {
        const unsigned end = i < plan.kept_size ? static_cast<unsigned>(plan.kept[i]) : ~0U;
        if (end > first) ranges = ::close_range(first, end - 1, CLOSE_RANGE_CLOEXEC) == 0;
        if (end != ~0U) first = end + 1;
    }
    if (ranges || mark_listed(plan)) return;
    for (int fd = 0; fd < plan.descriptor_limit; ++fd)
        if (!is_kept(plan, fd)) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

// The descriptor map. The sources (and the report pipe) are first copied above every child
// descriptor, so that no dup2 overwrites a source still to be copied.
void place_descriptors(const child_plan& plan, int& report) {
    const int moved = ::fcntl(report, F_DUPFD_CLOEXEC, plan.floor);
    if (moved < 0) fail_in_child(report, spawn_step::descriptors, errno);
    report = moved;
    for (std::size_t i = 0; i < plan.map_size; ++i) {
        plan.copies[i] = ::fcntl(plan.map[i].parent, F_DUPFD_CLOEXEC, plan.floor);
        if (plan.copies[i] < 0)
            fail_in_child(report, spawn_step::descriptors, errno, plan.map[i].child);
    }
    for (std::size_t i = 0; i < plan.map_size; ++i)
        if (::dup2(plan.copies[i], plan.map[i].child) < 0)  // dup2 clears close-on-exec
            fail_in_child(report, spawn_step::descriptors, errno, plan.map[i].child);
    mark_others(plan);
}

// The child: only async-signal-safe calls. Signals were all blocked by the parent around fork,
// so no handler of the parent runs here before the dispositions are reset.
[[noreturn]] void run_child(const child_plan& plan, int report) {
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    ::sigemptyset(&default_action.sa_mask);
    for (int signal = 1; signal < NSIG; ++signal) ::sigaction(signal, &default_action, nullptr);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    if (plan.own_process_group && ::setpgid(0, 0) != 0)
        fail_in_child(report, spawn_step::process_group, errno);
    if (plan.parent_death_signal != 0) {
        if (::prctl(PR_SET_PDEATHSIG, plan.parent_death_signal) != 0)
            fail_in_child(report, spawn_step::parent_death, errno);
        if (::getppid() != plan.parent) {  // the parent died before prctl
            ::kill(::getpid(), plan.parent_death_signal);
            ::_exit(127);
        }
    }
    if (plan.working_directory != nullptr && ::chdir(plan.working_directory) != 0)
        fail_in_child(report, spawn_step::chdir, errno);
    place_descriptors(plan, report);
    ::execve(plan.executable, plan.argv, plan.envp);
    fail_in_child(report, spawn_step::exec, errno);
}

std::string describe(const spawn_request& request, const child_report& report) {
    const std::string why = std::strerror(report.error);
    switch (static_cast<spawn_step>(report.step)) {
        case spawn_step::process_group:
            return "setpgid: " + why;
        case spawn_step::parent_death:
            return "prctl(PR_SET_PDEATHSIG): " + why;
        case spawn_step::chdir:
            return "chdir " + request.working_directory + ": " + why;
        case spawn_step::descriptors:
            if (report.descriptor < 0) return "descriptors: " + why;
            return "descriptor " + std::to_string(report.descriptor) + ": " + why;
        default:
            return "exec " + request.executable + ": " + why;
    }
}

spawn_result failure(spawn_step step, int error, std::string text) {
    spawn_result result;
    result.failed = step;
    result.error_number = error;
    result.error = std::move(text) + ": " + std::strerror(error);
    return result;
}

// Waits for the child's report: end of file when exec succeeded.
spawn_result collect(const spawn_request& request, pid_t child, int report) {
    child_report what;
    ssize_t got = 0;
    do {
        got = ::read(report, &what, sizeof what);
    } while (got < 0 && errno == EINTR);
    ::close(report);
    if (got != static_cast<ssize_t>(sizeof what)) {
        spawn_result started;
        started.pid = child;
        return started;
    }
    while (::waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
    }
    spawn_result failed;
    failed.failed = static_cast<spawn_step>(what.step);
    failed.error_number = what.error;
    failed.error = describe(request, what);
    return failed;
}

// Storage of everything the child reads.
struct prepared {
    std::vector<std::string> arguments;
    std::vector<std::string> environment;
    std::vector<char*> argv;
    std::vector<char*> envp;
    std::vector<descriptor_mapping> map;
    std::vector<int> copies;
    std::vector<int> kept;
    int null_device = -1;

    prepared() = default;
    prepared(const prepared&) = delete;
    prepared& operator=(const prepared&) = delete;
    ~prepared() {
        if (null_device >= 0) ::close(null_device);
    }
};

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (auto& text : strings) out.push_back(text.data());
    out.push_back(nullptr);
    return out;
}

// The argument and environment arrays, the map with /dev/null opened, the plan; or why not.
std::optional<spawn_result> prepare(const spawn_request& request, prepared& ready,
                                    child_plan& plan) {
    if (request.executable.empty() || request.arguments.empty())
        return failure(spawn_step::prepare, EINVAL, "nothing to run (no executable or argv)");
    ready.arguments = request.arguments;
    ready.environment = request.environment;
    ready.argv = pointers(ready.arguments);
    ready.envp = pointers(ready.environment);
    for (descriptor_mapping mapping : request.descriptors) {
        if (mapping.child < 0)
            return failure(spawn_step::prepare, EBADF,
                           "child descriptor " + std::to_string(mapping.child));
        if (mapping.parent == descriptor_mapping::null_device) {
            if (ready.null_device < 0) ready.null_device = ::open("/dev/null", O_RDWR | O_CLOEXEC);
            if (ready.null_device < 0) return failure(spawn_step::prepare, errno, "open /dev/null");
            mapping.parent = ready.null_device;
        }
        ready.map.push_back(mapping);
        ready.kept.push_back(mapping.child);
    }
    std::sort(ready.kept.begin(), ready.kept.end());
    ready.kept.erase(std::unique(ready.kept.begin(), ready.kept.end()), ready.kept.end());
    ready.copies.assign(ready.map.size(), -1);
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    plan =
        child_plan{request.executable.c_str(),
                   ready.argv.data(),
                   ready.envp.data(),
                   request.working_directory.empty() ? nullptr : request.working_directory.c_str(),
                   request.own_process_group,
                   request.parent_death_signal,
                   ::getpid(),
                   ready.map.data(),
                   ready.copies.data(),
                   ready.map.size(),
                   ready.kept.data(),
                   ready.kept.size(),
                   ready.kept.empty() ? 0 : ready.kept.back() + 1,
                   static_cast<int>(std::min<rlim_t>(limit.rlim_cur, 1 << 20))};
    return std::nullopt;
}

}  // namespace

spawn_result spawn(const spawn_request& request) {
    prepared ready;
    child_plan plan;
    if (auto refused = prepare(request, ready, plan)) return std::move(*refused);
    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0) return failure(spawn_step::pipe, errno, "pipe");
    sigset_t all;
    sigset_t previous;
    ::sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &previous);
    const pid_t child = ::fork();
    if (child == 0) run_child(plan, report[1]);
    const int fork_error = errno;
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    ::close(report[1]);
    if (child < 0) {
        ::close(report[0]);
        return failure(spawn_step::fork, fork_error, "fork");
    }
    // collect() returns once the child has exec'd (or failed): its process group is set then.
    return collect(request, child, report[0]);
}

}  // namespace eg::server
