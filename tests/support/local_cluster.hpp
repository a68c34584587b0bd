// Test support: the tutorial's cluster on 127.0.0.1 — machine-1..3 primaries and machine-4 a
// secondary, started with the tutorial's flags, ports from free_port() — plus egctl against it.
// Fast etcd timers and a 1 s member heartbeat keep the tests short; every process is stopped
// when the cluster goes out of scope.
#pragma once

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/background_process.hpp"
#include "support/binary_runner.hpp"
#include "support/free_port.hpp"
#include "support/temp_dir.hpp"

namespace eg::test {

struct cluster_member {
    std::string name;
    bool primary = true;
    int peer_port = free_port();
    int client_port = free_port();
    int api_port = free_port();
    std::string peer_url() const { return "http://127.0.0.1:" + std::to_string(peer_port); }
    std::string client_url() const { return "http://127.0.0.1:" + std::to_string(client_port); }
    std::string api_addr() const { return "127.0.0.1:" + std::to_string(api_port); }
};

// One row of `egctl get member`: NAME ROLE AGE STATE API-ADDR HEARTBEAT.
struct member_row {
    std::string name, role, age, state, api_addr, heartbeat;
};

// Rows of the table (header checked and dropped); cells are separated by runs of TABs, and
// STATE is empty for secondaries.
inline std::vector<member_row> parse_member_table(const std::string& table) {
    std::vector<member_row> rows;
    std::istringstream lines(table);
    std::string line;
    bool header = true;
    while (std::getline(lines, line)) {
        std::vector<std::string> cells;
        std::string cell;
        // Tabwriter pads every cell to its column; an empty cell leaves only padding, so split
        // on the column positions of the header instead of on tab runs.
        for (char c : line) {
            if (c == '\t') {
                cells.push_back(cell);
                cell.clear();
            } else {
                cell += c;
            }
        }
        if (!cell.empty()) cells.push_back(cell);
        if (header) {
            header = false;
            continue;
        }
        std::vector<std::string> values;
        for (const auto& c : cells)
            if (!c.empty()) values.push_back(c);
        member_row row;
        if (values.size() == 6) {
            row = {values[0], values[1], values[2], values[3], values[4], values[5]};
        } else if (values.size() == 5) {  // empty STATE
            row = {values[0], values[1], values[2], "", values[3], values[4]};
        } else {
            continue;
        }
        rows.push_back(row);
    }
    return rows;
}

inline bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds every = std::chrono::milliseconds(100)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(every);
    }
    return condition();
}

class local_cluster {
public:
    explicit local_cluster(int primaries = 3, int secondaries = 1) {
        for (int i = 1; i <= primaries + secondaries; ++i)
            members.push_back({"machine-" + std::to_string(i), i <= primaries});
    }
    ~local_cluster() {
        for (auto& [index, process] : processes_) process->stop(std::chrono::seconds(10));
    }

    temp_dir dir;
    std::vector<cluster_member> members;

    cluster_member& member(int i) { return members.at(static_cast<std::size_t>(i - 1)); }

    // machine-1=http://127.0.0.1:P1,... over the primaries.
    std::string initial_cluster() const {
        std::string out;
        for (const auto& m : members)
            if (m.primary) out += (out.empty() ? "" : ",") + m.name + "=" + m.peer_url();
        return out;
    }

    std::string home_of(int i) { return (dir.path() / member(i).name).string(); }

    // Ours on top of the tutorial's: the home dir, fast timers.
    std::vector<std::string> test_flags(int i) {
        return {"--home-dir",
                home_of(i),
                "--member-heartbeat-interval",
                "1s",
                "--etcd-heartbeat-interval",
                "50ms",
                "--etcd-election-timeout",
                "500ms",
                "--cluster-request-timeout",
                "3s"};
    }

    // The tutorial's flags for member i, ports changed (a secondary points at machine-1).
    std::vector<std::string> tutorial_flags(int i) {
        const auto& m = member(i);
        if (!m.primary)
            return {"--cluster-name",
                    "multi-node-cluster",
                    "--cluster-role",
                    "secondary",
                    "--name",
                    m.name,
                    "--api-addr",
                    m.api_addr(),
                    "--primary-listen-peer-urls",
                    member(1).peer_url(),
                    "--state-flag",
                    "existing"};
        return {"--cluster-name",
                "multi-node-cluster",
                "--cluster-role",
                "primary",
                "--name",
                m.name,
                "--api-addr",
                m.api_addr(),
                "--initial-advertise-peer-urls",
                m.peer_url(),
                "--listen-peer-urls",
                m.peer_url(),
                "--listen-client-urls",
                m.client_url(),
                "--advertise-client-urls",
                m.client_url(),
                "--initial-cluster",
                initial_cluster()};
    }

    // Starts member i with these arguments (default: tutorial flags + test flags) and
    // environment (PATH is added).
    background_process& start(int i, std::vector<std::string> args = {},
                              const std::map<std::string, std::string>& env = {}) {
        if (args.empty()) {
            args = tutorial_flags(i);
            const auto extra = test_flags(i);
            args.insert(args.end(), extra.begin(), extra.end());
        }
        args.insert(args.begin(), binary_path("easegress-server"));
        const std::string log = (dir.path() / (member(i).name + ".out")).string();
        processes_.erase(i);
        processes_[i] = std::make_unique<background_process>(args, env, dir.path().string(), log);
        return *processes_[i];
    }
    void start_all() {
        for (int i = 1; i <= static_cast<int>(members.size()); ++i) start(i);
    }

    background_process& process(int i) { return *processes_.at(i); }

    process_result egctl(int i, std::vector<std::string> args) {
        args.insert(args.begin(), {"--server", member(i).api_addr()});
        return run_built("egctl", args, {}, dir.path().string());
    }

    std::vector<member_row> members_seen_by(int i) {
        const auto result = egctl(i, {"get", "member"});
        if (result.exit_code != 0) return {};
        return parse_member_table(result.out);
    }

    // Every member's own log lines (etcd's are many: only the last few), for failure messages.
    std::string outputs() {
        std::string text;
        for (auto& [index, process] : processes_) {
            std::vector<std::string> own;
            std::vector<std::string> etcd;
            std::istringstream lines(process->output());
            std::string line;
            while (std::getline(lines, line)) {
                if (line.find("\tadmin-api\tGET ") != std::string::npos) continue;  // access log
                (line.rfind("etcd\t", 0) == 0 ? etcd : own).push_back(line);
            }
            text +=
                "==== " + member(index).name + "\n" + last(own, 40) + "-- etcd:\n" + last(etcd, 5);
        }
        return text;
    }

private:
    static std::string last(const std::vector<std::string>& lines, std::size_t n) {
        std::string text;
        for (std::size_t i = lines.size() > n ? lines.size() - n : 0; i < lines.size(); ++i)
            text += lines[i].substr(0, 300) + "\n";
        return text;
    }
    std::map<int, std::unique_ptr<background_process>> processes_;
};

}  // namespace eg::test
