// prefix_view over the in-memory etcd: a read of the prefix, then its watch events in order; a
// stream that ends or breaks goes on from the last revision seen; a compacted history is read
// again.

#include "daemon/etcd/prefix_view.hpp"
#include "support/fake_kv.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <vector>

namespace {

using eg::test::fake_kv;
namespace kv = eg::server::etcd;

std::vector<std::string> keys_of(const kv::prefix_view& view) {
    std::vector<std::string> keys;
    for (const auto& [key, entry] : view.snapshot()) keys.push_back(key + "=" + entry.value);
    return keys;
}

}  // namespace

TEST_CASE("prefix view: reads the prefix, then follows its puts and deletes in order",
          "[kv][prefix-view]") {
    fake_kv store;
    store.put("/p/a", "1");
    store.put("/p/b", "2");
    store.put("/q/x", "outside");
    std::atomic<int> changes = 0;
    kv::prefix_view view(store, "/p/", [&] { ++changes; });
    view.start();
    REQUIRE(store.wait_until([&] { return view.synced(); }));
    CHECK(keys_of(view) == std::vector<std::string>{"/p/a=1", "/p/b=2"});
    CHECK(view.revision() == 4);
    REQUIRE(store.wait_until([&] { return !store.watch_starts().empty(); }));
    CHECK(store.watch_starts() == std::vector<std::int64_t>{5});

    store.put("/p/a", "3");
    store.erase("/p/b");
    store.put("/q/y", "outside");
    const auto last = store.put("/p/c", "4");
    REQUIRE(view.wait_for_revision(last, std::chrono::seconds(20)));
    CHECK(keys_of(view) == std::vector<std::string>{"/p/a=3", "/p/c=4"});
    CHECK(view.snapshot().at("/p/a").version == 2);
    // The read, and the three revisions under the prefix.
    CHECK(store.wait_until([&] { return changes == 4; }));

    // A revision outside the prefix is known once a progress notification says so.
    const auto outside = store.put("/q/z", "outside");
    store.notify_progress();
    CHECK(view.wait_for_revision(outside, std::chrono::seconds(20)));
    CHECK(changes == 4);
    view.stop();
    CHECK(store.calls("get_prefix") == 1);
}

TEST_CASE("prefix view: a stream that ends or breaks is watched again from the next revision",
          "[kv][prefix-view]") {
    fake_kv store;
    std::vector<std::string> troubles;
    std::mutex mutex;
    kv::prefix_view view(store, "/p/", {}, [&](const std::string& trouble) {
        std::lock_guard lock(mutex);
        troubles.push_back(trouble);
    });
    view.start();
    REQUIRE(store.wait_until([&] { return view.synced(); }));
    const auto first = store.put("/p/a", "1");
    REQUIRE(view.wait_for_revision(first, std::chrono::seconds(20)));

    store.end_watches();  // quiet for its idle time
    REQUIRE(store.wait_until([&] { return store.watch_starts().size() == 2; }));
    CHECK(store.watch_starts().back() == first + 1);
    const auto second = store.put("/p/b", "2");
    REQUIRE(view.wait_for_revision(second, std::chrono::seconds(20)));

    store.break_watches();                      // its endpoint went away
    const auto third = store.put("/p/c", "3");  // while no stream is open, maybe
    REQUIRE(view.wait_for_revision(third, std::chrono::seconds(20)));
    CHECK(keys_of(view) == std::vector<std::string>{"/p/a=1", "/p/b=2", "/p/c=3"});
    CHECK(store.watch_starts().size() == 3);
    CHECK(store.watch_starts().back() == second + 1);
    {
        std::lock_guard lock(mutex);
        REQUIRE(troubles.size() == 1);
        CHECK(troubles[0].find("watch /p/: fake etcd: watch stream broken") == 0);
    }
    CHECK(store.calls("get_prefix") == 1);  // never read again
    view.stop();
}

TEST_CASE("prefix view: when the history it missed was compacted, it reads the prefix again",
          "[kv][prefix-view]") {
    fake_kv store;
    store.put("/p/a", "1");
    kv::prefix_view view(store, "/p/");
    view.start();
    REQUIRE(store.wait_until([&] { return store.watch_starts().size() == 1; }));
    // The stream breaks; before it is watched again, the prefix changes and is compacted.
    store.before_next("watch", [&] {
        store.erase("/p/a");
        store.put("/p/b", "2");
        store.compact(store.revision());
    });
    store.break_watches();
    REQUIRE(store.wait_until([&] { return store.calls("get_prefix") == 2; }));
    REQUIRE(view.wait_for_revision(store.revision(), std::chrono::seconds(20)));
    CHECK(keys_of(view) == std::vector<std::string>{"/p/b=2"});
    const auto later = store.put("/p/c", "3");
    REQUIRE(view.wait_for_revision(later, std::chrono::seconds(20)));
    CHECK(keys_of(view) == std::vector<std::string>{"/p/b=2", "/p/c=3"});
    view.stop();
}

TEST_CASE("prefix view: a failed read is tried again; stop ends a stream that waits",
          "[kv][prefix-view]") {
    fake_kv store;
    store.put("/p/a", "1");
    store.fail_next(fake_kv::fault::unavailable, "get_prefix");
    kv::prefix_view view(store, "/p/");
    view.start();
    REQUIRE(store.wait_until([&] { return view.synced(); }));
    CHECK(store.calls("get_prefix") == 2);
    CHECK(keys_of(view) == std::vector<std::string>{"/p/a=1"});
    REQUIRE(store.wait_until([&] { return store.watch_starts().size() == 1; }));
    view.stop();  // the stream waits for events: aborted
    CHECK_FALSE(view.wait_for_revision(99, std::chrono::milliseconds(1)));
}
