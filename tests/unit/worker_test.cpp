// The worker every threaded component runs on: its pauses end when their time is up, when it is
// woken and when it is stopped, a stop interrupts what the body blocks in, and it starts again
// after a stop.

#include "daemon/process/worker.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <vector>

namespace {

using namespace std::chrono_literals;
using pause_end = eg::server::worker::pause_end;

// What the body's pauses ended with, in order, seen from the test's thread.
class pause_log {
public:
    void add(pause_end end) {
        {
            std::lock_guard lock(mutex_);
            ends_.push_back(end);
        }
        added_.notify_all();
    }
    // Waits (at most a minute, for a loaded machine) until n pauses ended; returns them.
    std::vector<pause_end> wait_for(std::size_t n) {
        std::unique_lock lock(mutex_);
        added_.wait_for(lock, 60s, [&] { return ends_.size() >= n; });
        return ends_;
    }

private:
    std::mutex mutex_;
    std::condition_variable added_;
    std::vector<pause_end> ends_;
};

}  // namespace

TEST_CASE("a pause ends when its time is up", "[worker]") {
    eg::server::worker work("test");
    pause_log ends;
    work.start([&] {
        while (true) {
            const auto end = work.pause_for(1ms);
            ends.add(end);
            if (end == pause_end::stopping) return;
        }
    });
    const auto seen = ends.wait_for(3);
    work.stop();
    REQUIRE(seen.size() >= 3);
    CHECK(seen[0] == pause_end::elapsed);
    CHECK(seen[1] == pause_end::elapsed);
}

TEST_CASE("wake ends a long pause at once, and a stop ends it with stopping", "[worker]") {
    eg::server::worker work("test");
    pause_log ends;
    work.start([&] {
        while (true) {
            const auto end = work.pause_for(1h);
            ends.add(end);
            if (end == pause_end::stopping) return;
        }
    });
    work.wake();
    CHECK(ends.wait_for(1).at(0) == pause_end::woken);
    work.stop();
    const auto seen = ends.wait_for(2);
    CHECK(seen.back() == pause_end::stopping);
    CHECK_FALSE(work.running());
}

TEST_CASE("a wake before the pause is not lost", "[worker]") {
    eg::server::worker work("test");
    pause_log ends;
    std::atomic<bool> go{false};
    work.wake();  // before start: start forgets it, the worker begins with no work pending
    work.start([&] {
        while (!go) std::this_thread::sleep_for(1ms);
        ends.add(work.pause_for(1h));
        ends.add(work.pause_for(1h));
    });
    work.wake();  // while the body is busy: its next pause ends at once
    go = true;
    CHECK(ends.wait_for(1).at(0) == pause_end::woken);
    work.stop();
    CHECK(ends.wait_for(2).at(1) == pause_end::stopping);
}

TEST_CASE("stop runs the interrupt, which ends what the body blocks in", "[worker]") {
    eg::server::worker work("test");
    std::mutex mutex;
    std::condition_variable released;
    bool release = false;
    work.start([&] {
        std::unique_lock lock(mutex);
        released.wait(lock, [&] { return release; });
    });
    work.stop([&] {
        {
            std::lock_guard lock(mutex);
            release = true;
        }
        released.notify_all();
    });
    CHECK_FALSE(work.running());
    CHECK(release);
}

TEST_CASE("a stopped worker starts again, and stop twice is harmless", "[worker]") {
    eg::server::worker work("test");
    std::atomic<int> rounds{0};
    auto body = [&] {
        ++rounds;
        while (work.pause_for(1h) != pause_end::stopping) {
        }
    };
    work.start(body);
    work.start(body);  // running already: nothing new
    work.stop();
    work.stop();
    work.start(body);
    CHECK(work.running());
    work.stop();
    CHECK(rounds == 2);
}

TEST_CASE("a wake before the start ends the first pause", "[worker]") {
    // A component told "changed" before its thread runs (a view read before the dump started)
    // must not wait a whole interval.
    eg::server::worker w("test");
    w.wake();
    std::promise<eg::server::worker::pause_end> first;
    auto ended = first.get_future();
    w.start([&] {
        first.set_value(w.pause_for(std::chrono::hours(1)));
        while (w.pause_for(std::chrono::hours(1)) != eg::server::worker::pause_end::stopping) {
        }
    });
    REQUIRE(ended.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    CHECK(ended.get() == eg::server::worker::pause_end::woken);
    w.stop();
}
