// initial-object-config-files over the in-memory etcd: each object written only when absent.

#include "daemon/member/initial_objects.hpp"
#include "support/fake_kv.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

namespace {

using eg::test::fake_kv;
using namespace std::chrono_literals;

std::string write_file(const eg::test::temp_dir& dir, const std::string& name,
                       const std::string& text) {
    const auto path = (dir.path() / name).string();
    std::ofstream(path) << text;
    return path;
}

}  // namespace

TEST_CASE("initial objects: written when absent, kept when present, bad files skipped",
          "[kv][initial-objects]") {
    eg::test::temp_dir dir;
    eg::server::logger log((dir.path() / "stdout.log").string(), false, false);
    fake_kv store;
    store.put("/config/objects/kept", R"({"kind":"Pipeline","name":"kept","filters":[]})");
    const auto fresh = write_file(dir, "fresh.yaml", "kind: Pipeline\nname: fresh\nfilters: []\n");
    const auto kept = write_file(dir, "kept.yaml", "kind: Pipeline\nname: kept\nfilters: []\n");
    const auto bad = write_file(dir, "bad.yaml", "kind: Nothing\nname: bad\n");
    // etcd is not ready right after start-up: the write is tried again.
    store.fail_next(fake_kv::fault::unavailable, "put_if_absent");
    eg::server::create_initial_objects({fresh, kept, bad, (dir.path() / "missing").string()}, store,
                                       log, 20s);
    const auto created = store.value_of("/config/objects/fresh");
    REQUIRE(created);
    const auto spec = nlohmann::json::parse(created->value);
    CHECK(spec["kind"] == "Pipeline");
    CHECK(spec.contains("createdAt"));
    CHECK(store.value_of("/config/objects/kept")->version == 1);
    CHECK_FALSE(store.value_of("/config/objects/bad"));
    CHECK(store.calls("put_if_absent") == 3);
}
