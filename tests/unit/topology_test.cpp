// The rules over several members seen together (eg::topology), on members built the way
// `eg-config lint` builds them: member YAML files loaded with load_config (findings located at
// file:line:col in those files), or a cluster description read with read_description and
// expanded with members_of (findings located in the description).

#include <eg/cluster_description.hpp>
#include <eg/config_loader.hpp>
#include <eg/lint.hpp>
#include <eg/topology.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "support/config_inputs.hpp"
#include "support/diagnostic_checks.hpp"
#include "support/process.hpp"

namespace {

namespace cfg = eg::config;
namespace diag = eg::diag;
namespace topo = eg::topology;
namespace opt = eg::config::opt;

using Catch::Matchers::Contains;
using eg::test::codes;
using eg::test::only;
using eg::test::tutorial_primary_file;
using eg::test::tutorial_secondary_file;
using eg::test::with_code;

using codes_t = std::vector<std::string>;
using files_t = std::vector<std::pair<std::string, std::string>>;  // path -> YAML text

// A member file as `eg-config lint` sees it: loaded alone, placed at the file's start, on the
// host its configuration tells.
topo::member_view view_of(const std::string& path, const std::string& text) {
    auto config = eg::test::load_member_file(path, text);
    const auto host = topo::host_of(config);
    return {path, diag::file_location{path, 1, 1}, host, std::move(config)};
}

std::vector<topo::member_view> views_of(const files_t& files) {
    std::vector<topo::member_view> views;
    for (const auto& [path, text] : files) views.push_back(view_of(path, text));
    return views;
}

diag::diagnostics check(const std::vector<topo::member_view>& members) {
    auto out = topo::check_topology(members);
    for (const auto& d : out)
        UNSCOPED_INFO("finding: " << d.code << " " << diag::location_text(d.where) << " "
                                  << d.message << " | " << d.hint);
    return out;
}

diag::diagnostics check(const files_t& files) { return check(views_of(files)); }

std::string where(const diag::diagnostic& d) { return diag::location_text(d.where); }

// `text` with its only occurrence of `from` replaced by `to`.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    REQUIRE(text.find(from, at + 1) == std::string::npos);
    return text.replace(at, from.size(), to);
}

// The tutorial's four member files (machine-1..3 primaries on 10.0.0.1..3, machine-4 secondary),
// as its YAML example writes them: api-addr localhost:2381 (EG316 over several hosts).
files_t tutorial_yaml_files() {
    return {{"machine-1.yaml", tutorial_primary_file(1)},
            {"machine-2.yaml", tutorial_primary_file(2)},
            {"machine-3.yaml", tutorial_primary_file(3)},
            {"machine-4.yaml", tutorial_secondary_file}};
}

// The same with each admin API on its member's address (machine-4's api-addr appended last).
// In a tutorial primary file, line 2 is cluster-name, line 17 the advertise-client-urls item,
// line 19 the initial-advertise-peer-urls item, line 20 `initial-cluster:` and lines 21-23 its
// entries (keys at column 5); in the secondary's file line 12 is the primary-listen-peer-urls item.
files_t tutorial_files() {
    auto files = tutorial_yaml_files();
    for (int n = 1; n <= 3; ++n) {
        auto& text = files[n - 1].second;
        const std::string from = "api-addr: localhost:2381";
        text.replace(text.find(from), from.size(),
                     "api-addr: 10.0.0." + std::to_string(n) + ":2381");
    }
    files[3].second += "api-addr: 10.0.0.4:2381\n";
    return files;
}

struct primary {
    std::string name;
    std::string host;
    int peer = 2380;
    int client = 2379;
    int api = 2381;

    std::string peer_url() const { return "http://" + host + ":" + std::to_string(peer); }
    std::string client_url() const { return "http://" + host + ":" + std::to_string(client); }
};

using entries = std::vector<std::pair<std::string, std::string>>;

entries cluster_of(const std::vector<primary>& primaries) {
    entries out;
    for (const auto& p : primaries) out.emplace_back(p.name, p.peer_url());
    return out;
}

// A primary's file. Lines: 1 name, 2 cluster-name, 3 cluster-role, 4 api-addr, 5 data-dir,
// 6 cluster:, 7 listen-peer-urls (item on 8), 9 listen-client-urls (10), 11
// advertise-client-urls (12), 13 initial-advertise-peer-urls (14), 15 initial-cluster, then one
// entry per line, then `extra`.
std::string primary_file(const primary& p, const entries& initial_cluster,
                         const std::string& extra = {}) {
    std::string text = "name: " + p.name +
                       "\n"
                       "cluster-name: cluster-test\n"
                       "cluster-role: primary\n"
                       "api-addr: " +
                       p.host + ":" + std::to_string(p.api) +
                       "\n"
                       "data-dir: " +
                       p.name +
                       "/data\n"
                       "cluster:\n"
                       "  listen-peer-urls:\n"
                       "  - " +
                       p.peer_url() +
                       "\n"
                       "  listen-client-urls:\n"
                       "  - " +
                       p.client_url() +
                       "\n"
                       "  advertise-client-urls:\n"
                       "  - " +
                       p.client_url() +
                       "\n"
                       "  initial-advertise-peer-urls:\n"
                       "  - " +
                       p.peer_url() +
                       "\n"
                       "  initial-cluster:\n";
    for (const auto& [name, url] : initial_cluster) text += "  - " + name + ": " + url + "\n";
    return text + extra;
}

// A secondary's file. Lines: 1 name, 2 cluster-name, 3 cluster-role, 4 api-addr, 5 data-dir,
// 6 cluster:, 7 primary-listen-peer-urls, then one item per line (no cluster section without
// peers), then `extra`.
std::string secondary_file(const std::string& name, const std::string& api_addr,
                           const std::vector<std::string>& peers, const std::string& extra = {}) {
    std::string text = "name: " + name +
                       "\n"
                       "cluster-name: cluster-test\n"
                       "cluster-role: secondary\n"
                       "api-addr: " +
                       api_addr +
                       "\n"
                       "data-dir: " +
                       name + "/data\n";
    if (!peers.empty()) {
        text += "cluster:\n  primary-listen-peer-urls:\n";
        for (const auto& url : peers) text += "  - " + url + "\n";
    }
    return text + extra;
}

// Three primaries on 127.0.0.1 with ports 12380/12379/12381, 22380/..., 32380/...
std::vector<primary> local_primaries() {
    return {{"machine-1", "127.0.0.1", 12380, 12379, 12381},
            {"machine-2", "127.0.0.1", 22380, 22379, 22381},
            {"machine-3", "127.0.0.1", 32380, 32379, 32381}};
}

files_t files_of(const std::vector<primary>& primaries) {
    files_t files;
    for (const auto& p : primaries)
        files.emplace_back(p.name + ".yaml", primary_file(p, cluster_of(primaries)));
    return files;
}

std::vector<primary> primaries_on_own_hosts(int n) {
    std::vector<primary> out;
    for (int i = 1; i <= n; ++i)
        out.push_back({"machine-" + std::to_string(i), "10.0.0." + std::to_string(i)});
    return out;
}

// local_primaries()' files and machine-4, a secondary on 127.0.0.1:42381 pointing at machine-1.
files_t local_cluster_files() {
    auto files = files_of(local_primaries());
    files.emplace_back("machine-4.yaml",
                       secondary_file("machine-4", "127.0.0.1:42381", {"http://127.0.0.1:12380"}));
    return files;
}

// The members of `files` with their hosts settled as `eg-config lint` settles them.
std::vector<topo::member_view> settled(const files_t& files) {
    auto members = views_of(files);
    eg::lint::settle_hosts(members);
    return members;
}

// The members a description stands for; reading it must be clean.
std::vector<topo::member_view> described(const std::string& text,
                                         const std::string& path = "cluster.yaml") {
    return eg::description::members_of(eg::test::read_clean_description(text, path));
}

}  // namespace

// --- clean clusters -----------------------------------------------------------------------------

TEST_CASE("check_topology: the tutorial's four member files have no findings", "[topology]") {
    auto members = views_of(tutorial_files());
    CHECK(check(members).empty());
    eg::lint::settle_hosts(members);
    CHECK(check(members).empty());
}

TEST_CASE(
    "check_topology: the clusters generated from samples/tutorial and samples/local have "
    "no findings",
    "[topology]") {
    for (const std::string sample : {"tutorial", "local"}) {
        INFO("samples/" << sample);
        const std::string path = "samples/" + sample + "/cluster.yaml";
        const auto text = cfg::read_text_file(eg::test::source_path(path));
        REQUIRE(text);
        const auto members = described(*text, path);
        REQUIRE(members.size() == 4);
        CHECK(check(members).empty());

        std::vector<topo::member_view> generated;
        for (int n = 1; n <= 4; ++n) {
            const std::string file = eg::test::source_path(
                "samples/" + sample + "/generated/machine-" + std::to_string(n) + ".yaml");
            const auto member_text = cfg::read_text_file(file);
            REQUIRE(member_text);
            generated.push_back(view_of(file, *member_text));
        }
        eg::lint::settle_hosts(generated);
        CHECK(check(generated).empty());
    }
}

TEST_CASE(
    "check_topology: the local sample members on one host with their own ports have no "
    "findings",
    "[topology]") {
    const auto members = settled(local_cluster_files());
    CHECK(check(members).empty());
}

// --- EG300-EG303: how many primaries -------------------------------------------------------------

TEST_CASE("check_primary_count: a cluster of secondaries only is EG300", "[topology]") {
    const auto out = check(files_t{
        {"s1.yaml", secondary_file("machine-4", "10.0.0.4:2381", {"http://10.0.0.1:2380"})},
        {"s2.yaml", secondary_file("machine-5", "10.0.0.5:2381", {"http://10.0.0.1:2380"})}});
    const auto d = only(out, "EG300");
    CHECK(d.level == diag::severity::error);
    CHECK(where(d) == "s1.yaml:1:1");
    CHECK(d.message == "the cluster has no primary member; 2 secondaries have no etcd to talk to");
    CHECK_THAT(d.hint, Contains("3 members primaries"));
}

TEST_CASE("check_primary_count: 2 primaries are EG301, tolerating 0 failures", "[topology]") {
    const auto out = check(files_of(primaries_on_own_hosts(2)));
    const auto d = only(out, "EG301");
    CHECK(d.level == diag::severity::error);
    CHECK(where(d) == "machine-1.yaml:1:1");
    CHECK_THAT(d.message, Contains("2 primaries tolerate 0 failures"));
    CHECK_THAT(d.hint, Contains("use 1 or 3 primaries"));
}

TEST_CASE("check_primary_count: 4 primaries are EG301, tolerating 1 failure", "[topology]") {
    const auto out = check(files_of(primaries_on_own_hosts(4)));
    const auto d = only(out, "EG301");
    CHECK_THAT(d.message, Contains("4 primaries tolerate 1 failure,"));
    CHECK_THAT(d.message, Contains("no more than 3 would"));
    CHECK_THAT(d.hint, Contains("use 3 or 5 primaries"));
}

TEST_CASE("check_primary_count: 1 primary is the EG302 warning", "[topology]") {
    const primary p{"machine-1", "10.0.0.1"};
    const auto out = check(
        files_t{{"machine-1.yaml", primary_file(p, cluster_of({p}))},
                {"machine-4.yaml", secondary_file("machine-4", "10.0.0.4:2381", {p.peer_url()})}});
    const auto d = only(out, "EG302");
    CHECK(d.level == diag::severity::warning);
    CHECK(d.message == "1 primary tolerates no failure: when it stops, the cluster stops");
    CHECK_FALSE(out.has_errors());
}

TEST_CASE("check_primary_count: 9 primaries are the EG303 warning and, being odd, not EG301",
          "[topology]") {
    const auto out = check(files_of(primaries_on_own_hosts(9)));
    CHECK(codes(out) == codes_t{"EG303"});
    const auto d = only(out, "EG303");
    CHECK(d.level == diag::severity::warning);
    CHECK_THAT(d.message, Contains("9 primaries"));
    CHECK_THAT(d.hint, Contains("3, 5 or 7"));
}

// --- EG304-EG306: unique names and URLs ----------------------------------------------------------

TEST_CASE("check_unique: two members with one name are EG304 at the second one's name",
          "[topology]") {
    auto files = files_of(primaries_on_own_hosts(3));
    files.emplace_back("a.yaml",
                       secondary_file("machine-4", "10.0.0.4:2381", {"http://10.0.0.1:2380"}));
    files.emplace_back("b.yaml",
                       secondary_file("machine-4", "10.0.0.5:2381", {"http://10.0.0.2:2380"}));
    const auto d = only(check(files), "EG304");
    CHECK(where(d) == "b.yaml:1:1");
    CHECK(d.path == "name");
    CHECK(d.message == "member name 'machine-4' is also used by a.yaml");
}

TEST_CASE("check_unique: two primaries advertising one peer URL are EG305 at the second's item",
          "[topology]") {
    // machine-2 listens on its own address and ports but advertises machine-1's peer URL.
    const primary m1{"machine-1", "10.0.0.1"};
    const primary m2{"machine-2", "10.0.0.2", 2480, 2479, 2481};
    const primary m3{"machine-3", "10.0.0.3"};
    const entries cluster = {
        {"machine-1", m1.peer_url()}, {"machine-2", m1.peer_url()}, {"machine-3", m3.peer_url()}};
    const std::string m2_text = replaced(primary_file(m2, cluster),
                                         "initial-advertise-peer-urls:\n  - http://10.0.0.2:2480",
                                         "initial-advertise-peer-urls:\n  - http://10.0.0.1:2380");
    const auto out = check(files_t{{"machine-1.yaml", primary_file(m1, cluster)},
                                   {"machine-2.yaml", m2_text},
                                   {"machine-3.yaml", primary_file(m3, cluster)}});
    const auto d = only(out, "EG305");
    CHECK(where(d) == "machine-2.yaml:14:5");
    CHECK(d.path == "cluster.initial-advertise-peer-urls");
    CHECK(d.message == "machine-2 advertises http://10.0.0.1:2380, which machine-1 advertises too");
}

TEST_CASE("check_unique: two primaries advertising one client URL are EG306 at the second's item",
          "[topology]") {
    auto files = tutorial_files();
    files[1].second = replaced(files[1].second, "advertise-client-urls:\n  - http://10.0.0.2:2379",
                               "advertise-client-urls:\n  - http://10.0.0.1:2379");
    const auto d = only(check(files), "EG306");
    CHECK(where(d) == "machine-2.yaml:17:5");
    CHECK(d.path == "cluster.advertise-client-urls");
    CHECK(d.message == "machine-2 advertises http://10.0.0.1:2379, which machine-1 advertises too");
}

// --- EG307: ports on one host
// ---------------------------------------------------------------------

TEST_CASE("check_ports_per_host: two members with one api-addr port on 127.0.0.1 are EG307",
          "[topology]") {
    auto files = local_cluster_files();
    files.emplace_back("machine-5.yaml",
                       secondary_file("machine-5", "127.0.0.1:42381", {"http://127.0.0.1:12380"}));
    const auto d = only(check(files), "EG307");
    CHECK(where(d) == "machine-5.yaml:4:1");
    CHECK(d.path == "api-addr");
    CHECK(d.message ==
          "machine-5 uses port 42381 on localhost for api-addr, which machine-4 already uses for "
          "api-addr (machine-4.yaml:4:1)");
}

TEST_CASE("check_ports_per_host: a peer port equal to another member's client port is EG307",
          "[topology]") {
    auto primaries = local_primaries();
    primaries[1].peer = 12379;  // machine-1's client port
    const auto d = only(check(files_of(primaries)), "EG307");
    CHECK(where(d) == "machine-2.yaml:8:5");
    CHECK(d.path == "cluster.listen-peer-urls");
    CHECK(d.message ==
          "machine-2 uses port 12379 on localhost for listen-peer-urls, which machine-1 already "
          "uses for listen-client-urls (machine-1.yaml:10:5)");
}

TEST_CASE("check_ports_per_host: the same ports on different hosts are no EG307", "[topology]") {
    auto files = files_of(primaries_on_own_hosts(3));
    files.emplace_back("machine-4.yaml",
                       secondary_file("machine-4", "10.0.0.4:2381", {"http://10.0.0.1:2380"}));
    files.emplace_back("machine-5.yaml",
                       secondary_file("machine-5", "10.0.0.5:2381", {"http://10.0.0.1:2380"}));
    CHECK(check(files).empty());
}

// --- EG308, EG309: initial-cluster ---------------------------------------------------------------

TEST_CASE(
    "check_initial_cluster_agreement: an entry with another URL than the member advertises "
    "is EG308 at that entry",
    "[topology]") {
    auto files = tutorial_files();
    files[1].second = replaced(files[1].second, "  - machine-3: http://10.0.0.3:2380",
                               "  - machine-3: http://10.0.0.3:2390");
    const auto d = only(check(files), "EG308");
    CHECK(where(d) == "machine-2.yaml:23:5");
    CHECK(d.path == "cluster.initial-cluster.machine-3");
    CHECK(d.message ==
          "initial-cluster of machine-2 (machine-2.yaml) has machine-3=http://10.0.0.3:2390, but "
          "machine-3 advertises http://10.0.0.3:2380");
    CHECK(d.hint == "use machine-3=http://10.0.0.3:2380 on every primary");
}

TEST_CASE("check_initial_cluster_agreement: an initial-cluster lacking a primary is EG309",
          "[topology]") {
    auto files = tutorial_files();
    files[1].second = replaced(files[1].second, "  - machine-3: http://10.0.0.3:2380\n", "");
    const auto d = only(check(files), "EG309");
    CHECK(where(d) == "machine-2.yaml:20:3");
    CHECK(d.message ==
          "initial-cluster of machine-2 (machine-2.yaml) lacks the primary "
          "machine-3=http://10.0.0.3:2380");
}

TEST_CASE("check_initial_cluster_agreement: an entry naming a secondary is EG309 at that entry",
          "[topology]") {
    auto files = tutorial_files();
    files[0].second += "  - machine-4: http://10.0.0.4:2380\n";
    const auto d = only(check(files), "EG309");
    CHECK(where(d) == "machine-1.yaml:24:5");
    CHECK(d.path == "cluster.initial-cluster.machine-4");
    CHECK(d.message ==
          "initial-cluster of machine-1 (machine-1.yaml) has machine-4=http://10.0.0.4:2380, but "
          "no primary of this cluster is named machine-4");
}

// --- EG310-EG315
// ----------------------------------------------------------------------------------

TEST_CASE("check_cluster_name: a member with another cluster-name is EG310 naming both",
          "[topology]") {
    auto files = tutorial_files();
    files[2].second =
        replaced(files[2].second, "cluster-name: cluster-test", "cluster-name: cluster-prod");
    const auto d = only(check(files), "EG310");
    CHECK(where(d) == "machine-3.yaml:2:1");
    CHECK(d.message ==
          "machine-3 has cluster-name 'cluster-prod' but machine-1 has 'cluster-test'");
}

TEST_CASE("check_secondaries: a secondary pointing at a URL no primary advertises is EG311",
          "[topology]") {
    auto files = tutorial_files();
    files[3].second = replaced(files[3].second, "http://10.0.0.1:2380", "http://10.0.0.9:2380");
    const auto d = only(check(files), "EG311");
    CHECK(where(d) == "machine-4.yaml:12:5");
    CHECK(d.message == "machine-4 points at http://10.0.0.9:2380, which no primary advertises");
    CHECK(d.hint == "use a primary's initial-advertise-peer-urls, e.g. http://10.0.0.1:2380");
}

TEST_CASE(
    "check_secondaries: a secondary left at the default primary-listen-peer-urls in a "
    "multi-host cluster is EG312",
    "[topology]") {
    auto files = tutorial_files();
    files[3].second = replaced(
        files[3].second, "cluster:\n  primary-listen-peer-urls:\n  - http://10.0.0.1:2380\n", "");
    const auto d = only(check(files), "EG312");
    CHECK(where(d) == "machine-4.yaml:1:1");
    CHECK_THAT(d.message, Contains("machine-4 leaves primary-listen-peer-urls at its default "
                                   "http://localhost:2380"));
    CHECK_THAT(d.hint, Contains("http://10.0.0.1:2380"));
}

TEST_CASE(
    "check_secondaries: a secondary at the default primary-listen-peer-urls is fine when "
    "the whole cluster runs on one host",
    "[topology]") {
    // machine-1 listens and advertises at the defaults, where the secondary looks by default.
    auto primaries = local_primaries();
    primaries[0] = {"machine-1", "localhost", 2380, 2379, 2381};
    auto files = files_of(primaries);
    files.emplace_back("machine-4.yaml", secondary_file("machine-4", "127.0.0.1:42381", {}));
    auto members = views_of(files);
    CHECK(check(members).empty());
    eg::lint::settle_hosts(members);
    CHECK(check(members).empty());
}

TEST_CASE("check_bootstrap: a primary with state-flag existing is the EG313 warning",
          "[topology]") {
    auto files = tutorial_files();
    files[2].second += "  state-flag: existing\n";
    const auto d = only(check(files), "EG313");
    CHECK(d.level == diag::severity::warning);
    CHECK(where(d) == "machine-3.yaml:24:3");
    CHECK(d.message ==
          "machine-3 has state-flag 'existing'; the primaries of a new cluster bootstrap it with "
          "'new'");
}

TEST_CASE(
    "check_localhost_advertised: a primary advertising 127.0.0.1 in a multi-host cluster "
    "is EG314",
    "[topology]") {
    auto files = tutorial_files();
    files[2].second = replaced(files[2].second, "advertise-client-urls:\n  - http://10.0.0.3:2379",
                               "advertise-client-urls:\n  - http://127.0.0.1:2379");
    const auto d = only(check(files), "EG314");
    CHECK(where(d) == "machine-3.yaml:17:5");
    CHECK(d.path == "cluster.advertise-client-urls");
    CHECK(d.message ==
          "machine-3 advertises http://127.0.0.1:2379, which members on other hosts cannot reach");
}

TEST_CASE("check_data_dirs: two members on one host resolving to one data dir are EG315",
          "[topology]") {
    auto files = files_of(local_primaries());
    files.emplace_back("machine-4.yaml",
                       secondary_file("machine-4", "127.0.0.1:42381", {"http://127.0.0.1:12380"},
                                      "home-dir: /srv/eg\n"));
    files.emplace_back("machine-5.yaml", replaced(secondary_file("machine-5", "127.0.0.1:52381",
                                                                 {"http://127.0.0.1:12380"},
                                                                 "home-dir: /srv/eg/machine-4\n"),
                                                  "data-dir: machine-5/data", "data-dir: ./data"));
    const auto d = only(check(files), "EG315");
    CHECK(where(d) == "machine-5.yaml:5:1");
    CHECK(d.path == "data-dir");
    CHECK(d.message ==
          "machine-5 and machine-4 both use data dir /srv/eg/machine-4/data on "
          "localhost");
}

TEST_CASE("check_data_dirs: one relative data-dir under different home-dirs is no EG315",
          "[topology]") {
    auto files = files_of(local_primaries());
    files.emplace_back("machine-4.yaml",
                       replaced(secondary_file("machine-4", "127.0.0.1:42381",
                                               {"http://127.0.0.1:12380"}, "home-dir: /srv/eg-4\n"),
                                "data-dir: machine-4/data", "data-dir: data"));
    files.emplace_back("machine-5.yaml",
                       replaced(secondary_file("machine-5", "127.0.0.1:52381",
                                               {"http://127.0.0.1:12380"}, "home-dir: /srv/eg-5\n"),
                                "data-dir: machine-5/data", "data-dir: data"));
    CHECK(check(files).empty());
}

TEST_CASE("check_data_dirs: a data-dir spelled with a trailing slash is the same directory",
          "[topology]") {
    // /srv/eg + machine-4/data and /srv/eg/ + machine-4/data/ are one directory on the host.
    auto files = files_of(local_primaries());
    files.emplace_back("machine-4.yaml",
                       secondary_file("machine-4", "127.0.0.1:42381", {"http://127.0.0.1:12380"},
                                      "home-dir: /srv/eg\n"));
    files.emplace_back("machine-5.yaml",
                       replaced(secondary_file("machine-5", "127.0.0.1:52381",
                                               {"http://127.0.0.1:12380"}, "home-dir: /srv/eg/\n"),
                                "data-dir: machine-5/data", "data-dir: machine-4/data/"));
    const auto d = only(check(files), "EG315");
    CHECK(where(d) == "machine-5.yaml:5:1");
    CHECK_THAT(d.message, Contains("/srv/eg/machine-4/data"));
}

// --- descriptions --------------------------------------------------------------------------------

TEST_CASE(
    "check_topology: two primaries of a description on one host at the default ports "
    "collide everywhere, located in the description",
    "[topology]") {
    const auto members = described(
        "cluster-name: c\n"       // 1
        "members:\n"              // 2
        "  - name: machine-1\n"   // 3
        "    role: primary\n"     // 4
        "    host: 10.0.0.1\n"    // 5
        "  - name: machine-2\n"   // 6
        "    role: primary\n"     // 7
        "    host: 10.0.0.1\n"    // 8
        "  - name: machine-3\n"   // 9
        "    role: primary\n"     // 10
        "    host: 10.0.0.3\n");  // 11
    const auto out = check(members);
    CHECK(codes(out) == codes_t{"EG305", "EG306", "EG307", "EG307", "EG307", "EG315"});
    const auto peer = with_code(out, "EG305");
    REQUIRE(peer.size() == 1);
    CHECK(where(*peer[0]) == "cluster.yaml:8:11");
    CHECK(peer[0]->message ==
          "machine-2 advertises http://10.0.0.1:2380, which machine-1 advertises too");
    for (const auto* d : with_code(out, "EG307")) CHECK_THAT(d->message, Contains("machine-1"));
    const auto dirs = with_code(out, "EG315");
    REQUIRE(dirs.size() == 1);
    CHECK(dirs[0]->message ==
          "machine-2 and machine-1 both use data dir /var/lib/easegress/data on 10.0.0.1");
}

TEST_CASE("check_unique: a name given twice in a description is EG304 at the second name",
          "[topology]") {
    const auto members = described(
        "cluster-name: c\n"
        "members:\n"
        "  - {name: machine-1, role: primary, host: 10.0.0.1}\n"
        "  - {name: machine-2, role: primary, host: 10.0.0.2}\n"
        "  - {name: machine-3, role: primary, host: 10.0.0.3}\n"
        "  - {name: machine-4, role: secondary, host: 10.0.0.4}\n"
        "  - {name: machine-4, role: secondary, host: 10.0.0.5}\n");
    const auto d = only(check(members), "EG304");
    CHECK(where(d) == "cluster.yaml:7:12");
    CHECK(d.message == "member name 'machine-4' is also used by cluster.yaml");
}

// --- one pass
// -------------------------------------------------------------------------------------

TEST_CASE("check_topology: a broken cluster reports all of its findings in one pass",
          "[topology]") {
    auto files = tutorial_files();
    files[0].second = replaced(files[0].second, "  - machine-2: http://10.0.0.2:2380",
                               "  - machine-2: http://10.0.0.2:2390");
    files[1].second =
        replaced(files[1].second, "cluster-name: cluster-test", "cluster-name: cluster-other");
    files[2].second += "  state-flag: existing\n";
    files.emplace_back("machine-5.yaml",
                       secondary_file("machine-4", "10.0.0.5:2381", {"http://10.0.0.9:2380"}));
    const auto out = check(files);
    CHECK(codes(out) == codes_t{"EG304", "EG308", "EG310", "EG311", "EG313"});
    CHECK(where(*with_code(out, "EG304").at(0)) == "machine-5.yaml:1:1");
    CHECK(where(*with_code(out, "EG308").at(0)) == "machine-1.yaml:22:5");
    CHECK(where(*with_code(out, "EG310").at(0)) == "machine-2.yaml:2:1");
    CHECK(where(*with_code(out, "EG311").at(0)) == "machine-5.yaml:8:5");
    CHECK(where(*with_code(out, "EG313").at(0)) == "machine-3.yaml:24:3");
}

// --- host_of and settle_hosts
// ----------------------------------------------------------------------

TEST_CASE("host_of: a primary runs where its advertised peer URL points", "[topology]") {
    auto host = [](std::vector<std::string> args) {
        auto loaded = cfg::load_config(args, {});
        REQUIRE(loaded.diagnostics.empty());
        return topo::host_of(loaded.config);
    };
    CHECK(host({"--initial-advertise-peer-urls", "http://10.0.0.1:2380", "--api-addr",
                "10.0.0.9:2381"}) == "10.0.0.1");
    CHECK(host({"--initial-advertise-peer-urls", "http://[fd00::1]:2380"}) == "fd00::1");
    CHECK(host({"--initial-advertise-peer-urls", "http://127.0.0.2:2380"}) == "localhost");
    CHECK(host({"--initial-advertise-peer-urls", "http://[::1]:2380"}) == "localhost");
    CHECK(host({}) == "localhost");
}

TEST_CASE("host_of: a secondary runs where its api-addr points, unknown for a wildcard",
          "[topology]") {
    auto host = [](const std::string& api_addr) {
        auto loaded = cfg::load_config({"--cluster-role", "secondary", "--api-addr", api_addr}, {});
        REQUIRE(loaded.diagnostics.empty());
        return topo::host_of(loaded.config);
    };
    CHECK(host("10.0.0.4:2381") == "10.0.0.4");
    CHECK(host("localhost:2381") == "localhost");
    CHECK(host("127.0.0.1:2381") == "localhost");
    CHECK(host("[::1]:2381") == "localhost");
    CHECK(host("0.0.0.0:2381") == "");
    CHECK(host(":2381") == "");
}

TEST_CASE(
    "settle_hosts: a loopback secondary among members on other hosts runs on an unknown "
    "host",
    "[topology]") {
    auto members = views_of(tutorial_yaml_files());
    REQUIRE(members[3].host == "localhost");
    eg::lint::settle_hosts(members);
    CHECK(members[0].host == "10.0.0.1");
    CHECK(members[1].host == "10.0.0.2");
    CHECK(members[2].host == "10.0.0.3");
    CHECK(members[3].host == "");
}

TEST_CASE("settle_hosts: a loopback secondary stays on localhost when every member is there",
          "[topology]") {
    const auto members = settled(local_cluster_files());
    for (const auto& m : members) CHECK(m.host == "localhost");
}

TEST_CASE("settle_hosts: primaries and secondaries with an address keep their hosts",
          "[topology]") {
    const primary m1{"machine-1", "127.0.0.1", 12380, 12379, 12381};
    const primary m2{"machine-2", "10.0.0.2"};
    const primary m3{"machine-3", "10.0.0.3"};
    const auto cluster = cluster_of({m1, m2, m3});
    auto members = views_of(
        files_t{{"machine-1.yaml", primary_file(m1, cluster)},
                {"machine-2.yaml", primary_file(m2, cluster)},
                {"machine-3.yaml", primary_file(m3, cluster)},
                {"machine-4.yaml", secondary_file("machine-4", "10.0.0.4:2381", {m2.peer_url()})}});
    eg::lint::settle_hosts(members);
    CHECK(members[0].host == "localhost");
    CHECK(members[1].host == "10.0.0.2");
    CHECK(members[2].host == "10.0.0.3");
    CHECK(members[3].host == "10.0.0.4");
}

TEST_CASE("settle_hosts: a wildcard secondary runs on localhost when every other member does",
          "[topology]") {
    // lint.hpp: "a secondary with a loopback or wildcard api-addr runs on "localhost" when every
    // other member does". Its admin API on 0.0.0.0:12381 then takes machine-1's admin port.
    auto files = files_of(local_primaries());
    files.emplace_back("machine-4.yaml",
                       secondary_file("machine-4", "0.0.0.0:12381", {"http://127.0.0.1:12380"}));
    const auto members = settled(files);
    CHECK(members[3].host == "localhost");
    const auto out = check(members);
    CHECK(codes(out) == codes_t{"EG307"});
}

// --- EG316: api-addr on loopback ----------------------------------------------------------------

TEST_CASE(
    "check_api_addr_reach: the tutorial YAML's api-addr localhost:2381 is EG316 on "
    "every member over several hosts",
    "[topology]") {
    const auto found = check(settled(tutorial_yaml_files()));
    const auto hits = with_code(found, "EG316");
    CHECK(hits.size() == found.size());
    REQUIRE(hits.size() == 4);
    CHECK(hits[0]->level == diag::severity::warning);
    CHECK_THAT(hits[0]->message, Contains("machine-1's api-addr localhost:2381"));
    CHECK(hits[0]->hint == "set api-addr to this machine's address, e.g. 10.0.0.1:2381");
    // The secondary leaves api-addr at its default.
    CHECK_THAT(hits[3]->message, Contains("(the default)"));
}

TEST_CASE("check_api_addr_reach: one host, or api-addr on the member's address, is fine",
          "[topology]") {
    CHECK(with_code(check(settled(local_cluster_files())), "EG316").empty());
    CHECK(check(settled(files_of(primaries_on_own_hosts(3)))).empty());
}

// --- EG317: a primary joining a running cluster --------------------------------------------------

TEST_CASE(
    "check_joining: a primary whose initial-cluster is the others' plus itself needs "
    "state-flag existing",
    "[topology]") {
    const auto all = primaries_on_own_hosts(3);
    const std::vector<primary> running(all.begin(), all.begin() + 2);
    files_t files;
    for (const auto& p : running)
        files.emplace_back(p.name + ".yaml", primary_file(p, cluster_of(running)));
    files.emplace_back("machine-3.yaml", primary_file(all[2], cluster_of(all)));
    const auto found = check(settled(files));
    const auto d = only(found, "EG317");
    CHECK(found.size() == 1);  // no EG309 for the others not listing it, no EG313
    CHECK(d.level == diag::severity::error);
    CHECK_THAT(d.message, Contains("machine-1, machine-2 plus machine-3"));
    CHECK_THAT(d.message, Contains("needs state-flag: existing"));
    CHECK_THAT(d.hint, Contains("etcdctl member add machine-3 --peer-urls=http://10.0.0.3:2380"));

    // With state-flag existing, the join is right as written.
    files.back().second = primary_file(all[2], cluster_of(all), "  state-flag: existing\n");
    CHECK(check(settled(files)).empty());
}

TEST_CASE("check_joining: initial-clusters that differ otherwise are not a join", "[topology]") {
    const auto all = primaries_on_own_hosts(3);
    files_t files;
    // machine-1 lists only itself, machine-2 and machine-3 list everyone: no join shape.
    files.emplace_back("machine-1.yaml", primary_file(all[0], cluster_of({all[0]})));
    files.emplace_back("machine-2.yaml", primary_file(all[1], cluster_of(all)));
    files.emplace_back("machine-3.yaml", primary_file(all[2], cluster_of(all)));
    const auto found = check(settled(files));
    CHECK(with_code(found, "EG317").empty());
    CHECK_FALSE(with_code(found, "EG309").empty());
}
