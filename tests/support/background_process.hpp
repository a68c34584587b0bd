// Test support: a program running in the background for as long as the test needs it, its
// output going to a file, stdin /dev/null and no other descriptor of the test's. It dies with
// the test (parent-death signal of the spawning thread), and the destructor kills and reaps it.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "daemon/process/spawner.hpp"
#include "support/process.hpp"

namespace eg::test {

class background_process {
public:
    // `inherited`: descriptors of the test's to hand to the program besides stdin (/dev/null),
    // stdout and stderr (the output file).
    background_process(const std::vector<std::string>& argv,
                       const std::map<std::string, std::string>& env, const std::string& cwd,
                       std::string output_file,
                       const std::vector<server::descriptor_mapping>& inherited = {})
        : output_file_(std::move(output_file)) {
        std::map<std::string, std::string> full = env;
        full.try_emplace("PATH", std::string(default_path));
        server::spawn_request request;
        request.executable = argv.at(0);
        request.arguments = argv;
        for (const auto& [k, v] : full) request.environment.push_back(k + "=" + v);
        request.parent_death_signal = SIGKILL;
        request.working_directory = cwd;
        const int out =
            ::open(output_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (out < 0) throw std::runtime_error("cannot open " + output_file_);
        request.descriptors = {{0, server::descriptor_mapping::null_device}, {1, out}, {2, out}};
        request.descriptors.insert(request.descriptors.end(), inherited.begin(), inherited.end());
        const server::spawn_result spawned = server::spawn(request);
        ::close(out);
        if (!spawned) throw std::runtime_error("cannot start " + argv[0] + ": " + spawned.error);
        pid_ = spawned.pid;
    }
    background_process(const background_process&) = delete;
    background_process& operator=(const background_process&) = delete;
    ~background_process() {
        if (!exit_code_) {
            ::kill(pid_, SIGKILL);
            wait_for(std::chrono::seconds(10));
        }
    }

    pid_t pid() const { return pid_; }
    void signal(int number) const {
        if (!exit_code_) ::kill(pid_, number);
    }
    bool running() { return !wait_for(std::chrono::milliseconds(0)); }

    // The exit code (128 + signal when killed), or nullopt while it runs after `timeout`.
    std::optional<int> wait_for(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!exit_code_) {
            int status = 0;
            const pid_t done = ::waitpid(pid_, &status, WNOHANG);
            if (done == pid_) {
                exit_code_ = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
                break;
            }
            if (std::chrono::steady_clock::now() >= deadline) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return exit_code_;
    }

    // SIGTERM, then SIGKILL after grace; the exit code.
    int stop(std::chrono::milliseconds grace = std::chrono::seconds(10)) {
        signal(SIGTERM);
        if (auto code = wait_for(grace)) return *code;
        signal(SIGKILL);
        return wait_for(std::chrono::seconds(10)).value_or(-1);
    }

    std::string output() const {
        std::ifstream in(output_file_);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

private:
    std::string output_file_;
    pid_t pid_ = -1;
    std::optional<int> exit_code_;
};

// Whether a process exists and is not a zombie (field 3 of /proc/PID/stat).
inline bool process_alive(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return false;
    const auto close = line.rfind(')');
    return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

// Pids of the processes whose command line contains `text`.
inline std::vector<pid_t> processes_with(const std::string& text) {
    std::vector<pid_t> out;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream in(entry.path() / "cmdline");
        std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        for (auto& c : cmdline)
            if (c == '\0') c = ' ';
        const pid_t pid = std::stoi(name);
        if (cmdline.find(text) != std::string::npos && pid != ::getpid() && process_alive(pid))
            out.push_back(pid);
    }
    return out;
}

// Ends a process the test did not start itself (e.g. one a member started by a graceful
// upgrade) when it goes out of scope: SIGTERM, SIGKILL after 15 s.
struct adopted_process {
    pid_t pid = 0;
    adopted_process() = default;
    adopted_process(const adopted_process&) = delete;
    adopted_process& operator=(const adopted_process&) = delete;
    ~adopted_process() {
        if (pid <= 0 || !process_alive(pid)) return;
        ::kill(pid, SIGTERM);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
        while (process_alive(pid) && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (process_alive(pid)) ::kill(pid, SIGKILL);
    }
};

}  // namespace eg::test
