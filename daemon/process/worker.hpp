#pragma once
// worker: the one thread of a component that works in rounds until it is stopped. Every
// component with a thread of its own (views, membership, endpoints, object status, object dump,
// etcd supervisor) runs it through a worker, so that start, stop and the pauses between rounds
// behave the same everywhere:
//  - start(body) runs body on a new thread named after the component (seen in `top -H`, gdb);
//  - the body pauses between rounds with pause_for/pause_until, which end early when the worker
//    is woken (wake(): work to do now) or stopped, and say which;
//  - stop() asks the body to end, runs the component's interrupt (e.g. abort a blocking read) so
//    that a round in progress ends soon, and joins the thread. A stopped worker can start again.
// The component calls stop() in its own destructor (before its members go), and the worker's
// destructor stops it too, for a component that forgets.

#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

namespace eg::server {

class worker {
public:
    // Why a pause ended.
    enum class pause_end { elapsed, woken, stopping };

    // name: at most 15 characters shown as the thread's name.
    explicit worker(std::string name) : name_(std::move(name)) {}
    ~worker() { stop(); }
    worker(const worker&) = delete;
    worker& operator=(const worker&) = delete;

    // Runs body on a new thread, unless the worker runs already. The body returns when a pause
    // says pause_end::stopping (or stopping() is true between rounds).
    void start(std::function<void()> body) {
        std::lock_guard lock(mutex_);
        if (thread_.joinable()) return;
        stopping_ = false;  // a wake() from before the start is kept: the first pause ends at once
        thread_ = std::thread([this, body = std::move(body)] {
            ::pthread_setname_np(::pthread_self(), name_.substr(0, 15).c_str());
            body();
        });
    }

    // Asks the body to end, runs interrupt (without the worker's lock held) to cut short what
    // the body may be blocked in, and waits for the thread. Safe to call more than once, and
    // from any thread but the worker's own.
    void stop(const std::function<void()>& interrupt = {}) {
        {
            std::lock_guard lock(mutex_);
            if (!thread_.joinable()) return;
            stopping_ = true;
        }
        changed_.notify_all();
        if (interrupt) interrupt();
        thread_.join();
    }

    bool running() const {
        std::lock_guard lock(mutex_);
        return thread_.joinable() && !stopping_;
    }

    bool stopping() const {
        std::lock_guard lock(mutex_);
        return stopping_;
    }

    // Work to do now: ends the body's current pause, or the next one if it is not pausing (or
    // not started yet).
    void wake() {
        {
            std::lock_guard lock(mutex_);
            woken_ = true;
        }
        changed_.notify_all();
    }

    // On the worker's thread: pauses until the time, a wake() or a stop.
    pause_end pause_until(std::chrono::steady_clock::time_point until) {
        std::unique_lock lock(mutex_);
        changed_.wait_until(lock, until, [this] { return stopping_ || woken_; });
        if (stopping_) return pause_end::stopping;
        if (!woken_) return pause_end::elapsed;
        woken_ = false;
        return pause_end::woken;
    }

    pause_end pause_for(std::chrono::steady_clock::duration pause) {
        return pause_until(std::chrono::steady_clock::now() + pause);
    }

private:
    const std::string name_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    bool stopping_ = false;
    bool woken_ = false;
    std::thread thread_;
};

}  // namespace eg::server
