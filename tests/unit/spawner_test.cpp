// The process spawner: explicit environment, signals reset in the child, the descriptor map and
// nothing else, process group, parent-death signal, and failures reported by the parent.

#include "daemon/process/spawner.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

using eg::server::descriptor_mapping;
using eg::server::spawn_request;
using eg::server::spawn_result;

namespace {

const std::vector<std::string> shell_path = {"PATH=/usr/bin:/bin"};

int wait_status(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

// Runs `request` with its stdout on a pipe; what it printed, once it has exited with 0.
std::string output_of(spawn_request request) {
    int ends[2];
    REQUIRE(::pipe2(ends, O_CLOEXEC) == 0);
    request.descriptors.push_back({1, ends[1]});
    const spawn_result child = eg::server::spawn(request);
    ::close(ends[1]);
    INFO(child.error);
    REQUIRE(child);
    std::string text;
    char buffer[4096];
    ssize_t got = 0;
    while ((got = ::read(ends[0], buffer, sizeof buffer)) > 0)
        text.append(buffer, static_cast<std::size_t>(got));
    ::close(ends[0]);
    const int status = wait_status(child.pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    return text;
}

// A `cat` between two pipes, to look at in /proc once it has echoed a first line (its
// start-up, where the dynamic loader opens files, is over then); it ends when this goes out of
// scope.
class waiting_child {
public:
    explicit waiting_child(spawn_request request) {
        int in[2];
        int out[2];
        REQUIRE(::pipe2(in, O_CLOEXEC) == 0);
        REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
        input_ = in[1];
        output_ = out[0];
        request.executable = "/bin/cat";
        request.arguments = {"cat"};
        request.descriptors.insert(request.descriptors.begin(), {{0, in[0]}, {1, out[1]}});
        const spawn_result child = eg::server::spawn(request);
        ::close(in[0]);
        ::close(out[1]);
        INFO(child.error);
        REQUIRE(child);
        pid_ = child.pid;
        REQUIRE(::write(input_, "ready\n", 6) == 6);
        std::string echoed;
        char buffer[16];
        ssize_t got = 0;
        while (echoed.size() < 6 && (got = ::read(output_, buffer, sizeof buffer)) > 0)
            echoed.append(buffer, static_cast<std::size_t>(got));
        REQUIRE(echoed == "ready\n");
    }
    waiting_child(const waiting_child&) = delete;
    waiting_child& operator=(const waiting_child&) = delete;
    ~waiting_child() {
        ::close(input_);
        ::close(output_);
        if (pid_ > 0) wait_status(pid_);
    }
    pid_t pid() const { return pid_; }

    // The child's descriptors: number -> what it is.
    std::map<int, std::string> descriptors() const {
        std::map<int, std::string> found;
        const auto dir = std::filesystem::path("/proc") / std::to_string(pid_) / "fd";
        for (const auto& entry : std::filesystem::directory_iterator(dir))
            found[std::stoi(entry.path().filename().string())] =
                std::filesystem::read_symlink(entry.path()).string();
        return found;
    }

private:
    int input_ = -1;
    int output_ = -1;
    pid_t pid_ = -1;
};

// Opens `path` for writing at descriptor `at` exactly (close-on-exec unless `inherit`).
int open_at(const std::filesystem::path& path, int at, bool inherit = false) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::dup3(fd, at, inherit ? 0 : O_CLOEXEC) == at);
    ::close(fd);
    return at;
}

}  // namespace

TEST_CASE("spawner: the child's environment is exactly the one given", "[spawner]") {
    spawn_request request{.executable = "/usr/bin/env", .arguments = {"env"}};
    CHECK(output_of(request).empty());
    request.environment = {"A=1", "B=two words", "EMPTY="};
    CHECK(output_of(request) == "A=1\nB=two words\nEMPTY=\n");
}

TEST_CASE("spawner: the child has an empty signal mask and no ignored signal", "[spawner]") {
    // This thread blocks SIGTERM and SIGUSR1, and the process ignores SIGPIPE and SIGTERM.
    sigset_t blocked;
    sigset_t previous_mask;
    ::sigemptyset(&blocked);
    ::sigaddset(&blocked, SIGTERM);
    ::sigaddset(&blocked, SIGUSR1);
    ::pthread_sigmask(SIG_BLOCK, &blocked, &previous_mask);
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    struct sigaction previous_pipe {};
    struct sigaction previous_term {};
    ::sigaction(SIGPIPE, &ignore, &previous_pipe);
    ::sigaction(SIGTERM, &ignore, &previous_term);

    const std::string seen =
        output_of({.executable = "/bin/sh",
                   .arguments = {"sh", "-c", "exec grep -E 'SigBlk|SigIgn' /proc/self/status"},
                   .environment = shell_path});

    ::sigaction(SIGTERM, &previous_term, nullptr);
    ::sigaction(SIGPIPE, &previous_pipe, nullptr);
    ::pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);
    CHECK(seen == "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
}

TEST_CASE("spawner: the descriptor map is applied, a swap included", "[spawner]") {
    eg::test::temp_dir dir;
    const int a = open_at(dir.path() / "a", 100);
    const int b = open_at(dir.path() / "b", 101);
    const int c = open_at(dir.path() / "c", 102);
    {
        waiting_child child({.descriptors = {{100, b}, {101, a}, {5, c}, {2, c}}});
        const auto seen = child.descriptors();
        CHECK(seen.at(100) == (dir.path() / "b").string());
        CHECK(seen.at(101) == (dir.path() / "a").string());
        CHECK(seen.at(5) == (dir.path() / "c").string());
        CHECK(seen.at(2) == (dir.path() / "c").string());
        CHECK(seen.size() == 6);  // 0 and 1 (the pipes), 2, 5, 100, 101
    }
    for (const int fd : {a, b, c}) ::close(fd);
}

TEST_CASE("spawner: a descriptor opened without close-on-exec does not reach the child",
          "[spawner]") {
    eg::test::temp_dir dir;
    const int leaked = open_at(dir.path() / "leaked", 103, true);
    REQUIRE(::fcntl(leaked, F_GETFD) == 0);  // inheritable
    {
        waiting_child child({.descriptors = {{2, descriptor_mapping::null_device}}});
        const auto seen = child.descriptors();
        CHECK(seen.size() == 3);
        for (const auto& [fd, what] : seen) CHECK(what != (dir.path() / "leaked").string());
    }
    {
        // Without a map, not even stdin, stdout and stderr: only what cat is given.
        waiting_child child(spawn_request{});
        CHECK(child.descriptors().size() == 2);
    }
    ::close(leaked);
}

TEST_CASE("spawner: what fails before the program runs is reported by spawn", "[spawner]") {
    const spawn_result missing =
        eg::server::spawn({.executable = "/nonexistent/etcd", .arguments = {"etcd"}});
    CHECK_FALSE(missing);
    CHECK(missing.pid == -1);
    CHECK(missing.failed == eg::server::spawn_step::exec);
    CHECK(missing.error_number == ENOENT);
    CHECK(missing.error == "exec /nonexistent/etcd: No such file or directory");

    const spawn_result directory = eg::server::spawn(
        {.executable = "/bin/true", .arguments = {"true"}, .working_directory = "/nonexistent"});
    CHECK(directory.error == "chdir /nonexistent: No such file or directory");

    const int closed = open_at("/dev/null", 104);
    ::close(closed);
    const spawn_result descriptor = eg::server::spawn(
        {.executable = "/bin/true", .arguments = {"true"}, .descriptors = {{3, closed}}});
    CHECK(descriptor.error == "descriptor 3: Bad file descriptor");

    const spawn_result nothing = eg::server::spawn({.executable = "/bin/true"});
    CHECK(nothing.failed == eg::server::spawn_step::prepare);
    CHECK(nothing.error_number == EINVAL);
}

TEST_CASE("spawner: the child runs in the given working directory", "[spawner]") {
    eg::test::temp_dir dir;
    const auto where = std::filesystem::canonical(dir.path()).string();
    CHECK(output_of(
              {.executable = "/bin/pwd", .arguments = {"pwd", "-P"}, .working_directory = where}) ==
          where + "\n");
}

TEST_CASE("spawner: own process group on request", "[spawner]") {
    {
        waiting_child own({.own_process_group = true});
        CHECK(::getpgid(own.pid()) == own.pid());
    }
    {
        waiting_child shared(spawn_request{});
        CHECK(::getpgid(shared.pid()) == ::getpgrp());
    }
}

TEST_CASE("spawner: the parent-death signal comes when the spawning thread ends", "[spawner]") {
    int ends[2];
    REQUIRE(::pipe2(ends, O_CLOEXEC) == 0);
    spawn_result child;
    std::thread spawning([&] {
        child =
            eg::server::spawn({.executable = "/bin/cat",
                               .arguments = {"cat"},
                               .descriptors = {{0, ends[0]}, {1, descriptor_mapping::null_device}},
                               .parent_death_signal = SIGKILL});
    });
    spawning.join();
    REQUIRE(child);
    const int status = wait_status(child.pid);  // cat would wait for its stdin forever
    ::close(ends[0]);
    ::close(ends[1]);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
}
