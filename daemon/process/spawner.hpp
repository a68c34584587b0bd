#pragma once
// The one way the daemon (and the tests' launchers) start a program: fork + execve with
//  - an explicit argv and an explicit environment (nothing is inherited unless given);
//  - in the child: default dispositions for every signal and an empty signal mask; optionally
//    its own process group, a parent-death signal and a working directory;
//  - an explicit descriptor map (child descriptor N <- parent descriptor M, or /dev/null);
//    every other descriptor is closed at exec, whether or not it was opened close-on-exec;
//  - a failure of any step in the child (chdir, the descriptors, exec...) reported to the
//    parent through a close-on-exec pipe, so spawn() says "exec /usr/bin/etcd: No such file or
//    directory" instead of returning a child that exits 127.
// Between fork and exec the child makes async-signal-safe calls only: everything it needs is
// prepared before fork.

#include <sys/types.h>

#include <string>
#include <vector>

namespace eg::server {

// Child descriptor `child` becomes a copy of the parent's descriptor `parent` (or of /dev/null,
// opened read-write, when `parent` is null_device). Sources may be child descriptors too: a map
// {3 <- 4, 4 <- 3} swaps them.
struct descriptor_mapping {
    static constexpr int null_device = -1;
    int child = -1;
    int parent = null_device;
};

// Every member has a default, so that designated initializers can name only some.
struct spawn_request {
    std::string executable{};                       // the path given to execve (no PATH search)
    std::vector<std::string> arguments{};           // argv, argv[0] first
    std::vector<std::string> environment{};         // exactly this, "KEY=value" each
    std::vector<descriptor_mapping> descriptors{};  // everything else is closed in the child
    bool own_process_group = false;                 // setpgid(0, 0) in the child
    // A signal the child gets when the thread that spawned it ends (PR_SET_PDEATHSIG): spawn
    // from a thread that lives as long as the child should. 0: none.
    int parent_death_signal = 0;
    std::string working_directory{};  // empty: the parent's
};

// The step of spawn() that failed.
enum class spawn_step {
    prepare,
    pipe,
    fork,
    process_group,
    parent_death,
    chdir,
    descriptors,
    exec
};

struct spawn_result {
    pid_t pid = -1;                           // the child, or -1
    spawn_step failed = spawn_step::prepare;  // when pid is -1
    int error_number = 0;                     // errno of the failed step
    std::string error{};  // e.g. "exec /usr/bin/etcd: No such file or directory"

    explicit operator bool() const { return pid > 0; }
};

// Starts `request`. The child runs once this returns a pid; on failure nothing is left running
// (a child that failed before exec has been reaped).
spawn_result spawn(const spawn_request& request);

}  // namespace eg::server
