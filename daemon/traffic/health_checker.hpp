#pragma once
// health checker: runs the active health checks of one Pipeline program (one version of the
// object), from construction to stop(). Each Proxy pool with a health check gets a thread that
// checks the pool's servers one after another (a round), a round starting every `interval` (at
// once when the previous round took longer); the first round starts at once and every server
// starts healthy, so a build never waits for a check. A check is one plain HTTP/1.1 exchange on
// its own connection (health_check_spec.hpp says what is sent): the server's host is resolved
// (getaddrinfo) before each check, the answer read with http_response_parser (its body kept up
// to 64 KiB for the match) within the check's timeout. A refused or failed connection, a
// timeout, a malformed answer or one that does not match is a failure. The pool's health_table
// counts the results; when a server's health changes the checker marks it in the program's
// proxy_filter (proxy_filter::set_healthy), which the engine's choices read without a lock.
// stop() is prompt: the checks wait in poll() on the socket and a stop eventfd together.

#include "daemon/traffic/health_check_spec.hpp"
#include "daemon/traffic/health_state.hpp"
#include "daemon/traffic/pipeline_program.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace eg::server {

class health_checker {
public:
    // Called on the checker's threads when a server's health changes (a line for the log).
    using change_report = std::function<void(const std::string& message)>;

    // Starts checking the checked pools of `program` (nothing when none has a health check).
    explicit health_checker(std::shared_ptr<const pipeline_program> program,
                            change_report report = {});
    ~health_checker();
    health_checker(const health_checker&) = delete;
    health_checker& operator=(const health_checker&) = delete;

    // Ends the checks under way and joins the threads; idempotent.
    void stop();

    bool checks_anything() const { return !pools_.empty(); }
    // {"<filter>": {"<pool name>": [{"url", "healthy", "consecutiveFails"}, ...]}}.
    nlohmann::json status() const;

private:
    struct checked_pool {
        const proxy_filter* proxy = nullptr;
        std::size_t pool = 0;
        health_table table;
    };
    void run(checked_pool& checked);
    // Waits until `until` or stop; false when stopping.
    bool pause_until(std::chrono::steady_clock::time_point until) const;

    std::shared_ptr<const pipeline_program> program_;
    change_report report_;
    std::vector<std::unique_ptr<checked_pool>> pools_;
    mutable std::mutex mutex_;  // the pools' tables
    std::atomic<bool> stopping_{false};
    int stop_fd_ = -1;
    std::vector<std::thread> threads_;
};

// One check of `server` as `spec` says; true when it passed. Returns false at once when
// `stop_fd` becomes readable.
bool check_server(const health_check_spec& spec, const upstream_target& server, int stop_fd);

}  // namespace eg::server
