// Endpoint discovery: the client URLs of the started members, this member's own first, from the
// member list of the in-memory etcd.

#include "daemon/etcd/cluster_endpoints.hpp"
#include "support/fake_kv.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

namespace {

using eg::test::fake_kv;
namespace kv = eg::server::etcd;

std::vector<kv::member> cluster() {
    return {{0x1, "a", {"http://a:2380"}, {"http://a:2379"}},
            {0x2, "b", {"http://b:2380"}, {"http://b:2379", "http://b2:2379"}},
            {0x3, "", {"http://c:2380"}, {}}};  // added, not started
}

}  // namespace

TEST_CASE("endpoints: the started members' client URLs, the given ones first, no repeats",
          "[kv][endpoints]") {
    CHECK(eg::server::client_urls_of(cluster(), {"http://b:2379"}) ==
          std::vector<std::string>{"http://b:2379", "http://a:2379", "http://b2:2379"});
    CHECK(eg::server::client_urls_of({}, {}).empty());
}

TEST_CASE(
    "endpoints: a refresh sets the store's endpoints from the member list, and keeps them "
    "when it cannot read it",
    "[kv][endpoints]") {
    eg::test::temp_dir dir;
    eg::server::logger log((dir.path() / "stdout.log").string(), false, false);
    fake_kv store;
    store.set_endpoints({"http://a:2379"});
    store.set_members(cluster());
    eg::server::endpoint_sync sync(store, {"http://own:2379"}, log);
    sync.refresh();
    const std::vector<std::string> all{"http://own:2379", "http://a:2379", "http://b:2379",
                                       "http://b2:2379"};
    CHECK(store.endpoints() == all);

    auto grown = cluster();
    grown[2].name = "c";
    grown[2].client_urls = {"http://c:2379"};
    store.set_members(grown);
    store.fail_next(fake_kv::fault::unavailable, "members");
    sync.refresh();
    CHECK(store.endpoints() == all);
    sync.refresh();
    CHECK(store.endpoints().back() == "http://c:2379");
}
