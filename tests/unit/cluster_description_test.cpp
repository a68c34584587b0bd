// Reading a cluster description (read_description: every problem as a finding at its
// file:line:col) and the member configurations it stands for (members_of: every derived value
// placed in the description).

#include <eg/cluster_description.hpp>
#include <eg/config_file.hpp>
#include <eg/topology.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/config_inputs.hpp"
#include "support/diagnostic_checks.hpp"
#include "support/process.hpp"

namespace {

namespace cfg = eg::config;
namespace desc = eg::description;
namespace diag = eg::diag;
namespace topo = eg::topology;
namespace opt = eg::config::opt;

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using eg::test::codes;
using eg::test::only;

using codes_t = std::vector<std::string>;
using list_t = std::vector<std::string>;
using pairs_t = std::vector<std::pair<std::string, std::string>>;

constexpr const char* path = "cluster.yaml";

struct read_result {
    std::optional<desc::cluster_description> description;
    diag::diagnostics diagnostics;
};

read_result read(const std::string& text) {
    read_result r;
    r.description = desc::read_description(text, path, r.diagnostics);
    for (const auto& d : r.diagnostics)
        UNSCOPED_INFO("finding: " << d.code << " [" << d.path << "] "
                                  << diag::location_text(d.where) << " " << d.message << " | "
                                  << d.hint);
    return r;
}

// The members of a description that reads clean.
std::vector<topo::member_view> members(const std::string& text) {
    return desc::members_of(eg::test::read_clean_description(text, path));
}

std::string where(const diag::diagnostic& d) { return diag::location_text(d.where); }
std::string where(const cfg::resolved_value& v) { return diag::location_text(v.source.where); }

std::vector<std::string> item_places(const cfg::resolved_value& v) {
    std::vector<std::string> out;
    for (const auto& place : v.source.item_places) out.push_back(diag::location_text(place));
    return out;
}

const topo::member_view& member(const std::vector<topo::member_view>& all,
                                const std::string& name) {
    const auto it = std::find_if(all.begin(), all.end(), [&](const topo::member_view& m) {
        return m.config.get(opt::name) == name;
    });
    REQUIRE(it != all.end());
    return *it;
}

// The tutorial's cluster, written out so that line numbers are known.
constexpr const char* tutorial =
    "cluster-name: multi-node-cluster\n"  // 1
    "defaults:\n"                         // 2
    "  peer-port: 2380\n"                 // 3
    "  client-port: 2379\n"               // 4
    "  api-port: 2381\n"                  // 5
    "members:\n"                          // 6
    "  - name: machine-1\n"               // 7
    "    role: primary\n"                 // 8
    "    host: 10.0.0.1\n"                // 9
    "  - name: machine-2\n"               // 10
    "    role: primary\n"                 // 11
    "    host: 10.0.0.2\n"                // 12
    "  - name: machine-3\n"               // 13
    "    role: primary\n"                 // 14
    "    host: 10.0.0.3\n"                // 15
    "  - name: machine-4\n"               // 16
    "    role: secondary\n"               // 17
    "    host: 10.0.0.4\n";               // 18

int line_count(const std::string& text) {
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

// Every value a member has that is not a default comes from a place in `file` (1..lines).
void check_all_placed(const topo::member_view& m, const std::string& file, int lines) {
    auto placed = [&](const diag::location& where) {
        const auto* f = std::get_if<diag::file_location>(&where);
        return f != nullptr && f->file == file && f->line >= 1 && f->line <= lines &&
               f->column >= 1;
    };
    for (const auto* spec : cfg::all_options) {
        const auto& slot = m.config.at(*spec);
        if (!slot.is_set()) continue;
        INFO(m.config.get(opt::name)
             << " " << spec->yaml_path << " from " << cfg::describe(slot.source));
        CHECK(slot.source.kind == cfg::source_kind::file);
        CHECK(placed(slot.source.where));
        for (const auto& item : slot.source.item_places) CHECK(placed(item));
    }
    CHECK(placed(m.where));
}

}  // namespace

// --- required fields -----------------------------------------------------------------------------

TEST_CASE("read_description: a description without cluster-name is EG121 at its start",
          "[description]") {
    const auto r = read(
        "members:\n"
        "  - {name: m1, role: primary, host: 10.0.0.1}\n");
    const auto d = only(r, "EG121");
    CHECK(where(d) == "cluster.yaml:1:1");
    CHECK(d.path == "cluster-name");
    CHECK(d.message == "the cluster description lacks 'cluster-name'");
    CHECK_THAT(d.hint, StartsWith("add `cluster-name:`"));
}

TEST_CASE("read_description: a description without members is EG121 at its start",
          "[description]") {
    const auto r = read(
        "cluster-name: c\n"
        "defaults:\n"
        "  api-port: 2381\n");
    const auto d = only(r, "EG121");
    CHECK(where(d) == "cluster.yaml:1:1");
    CHECK(d.path == "members");
    CHECK(d.message == "the cluster description lacks 'members'");
    CHECK(d.hint == "add `members:` (a list of members)");
}

TEST_CASE("read_description: a member without name, role or host is EG121 at that member",
          "[description]") {
    for (const std::string key : {"name", "role", "host"}) {
        INFO("without " << key);
        std::string second = "    name: m2\n    role: primary\n    host: 10.0.0.2\n";
        const auto at = second.find("    " + key + ":");
        REQUIRE(at != std::string::npos);
        second.erase(at, second.find('\n', at) + 1 - at);
        second.replace(0, 4, "  - ");
        const auto r = read(
            "cluster-name: c\n"
            "members:\n"
            "  - name: m1\n"
            "    role: primary\n"
            "    host: 10.0.0.1\n" +
            second);
        const auto d = only(r, "EG121");
        CHECK(where(d) == "cluster.yaml:6:5");
        CHECK(d.message == "the cluster description lacks '" + key + "' in member 2");
        CHECK_THAT(d.hint, StartsWith("add `" + key + ":`"));
        REQUIRE(r.description);
        CHECK(r.description->members.size() == 1);
    }
}

// --- unknown, duplicate and wrongly typed keys ---------------------------------------------------

TEST_CASE("read_description: unknown keys at each level are EG102 with a did-you-mean",
          "[description]") {
    const auto r = read(
        "cluster-name: c\n"       // 1
        "default:\n"              // 2
        "  api-port: 2381\n"      // 3
        "defaults:\n"             // 4
        "  peer-prot: 2380\n"     // 5
        "members:\n"              // 6
        "  - name: m1\n"          // 7
        "    role: primary\n"     // 8
        "    host: 10.0.0.1\n"    // 9
        "    api-prot: 2391\n");  // 10
    REQUIRE(codes(r.diagnostics) == codes_t{"EG102", "EG102", "EG102"});
    const auto& all = r.diagnostics.items();
    CHECK(where(all[0]) == "cluster.yaml:2:1");
    CHECK(all[0].path == "default");
    CHECK(all[0].message == "unknown key 'default' in the cluster description");
    CHECK(all[0].hint == "did you mean 'defaults'?");
    CHECK(where(all[1]) == "cluster.yaml:5:3");
    CHECK(all[1].path == "defaults.peer-prot");
    CHECK(all[1].hint == "did you mean 'peer-port'?");
    CHECK(where(all[2]) == "cluster.yaml:10:5");
    CHECK(all[2].path == "members[0].api-prot");
    CHECK(all[2].hint == "did you mean 'api-port'?");
}

TEST_CASE("read_description: a member's own field under defaults is said to belong to a member",
          "[description]") {
    // host is a documented field, so "unknown key 'host'" without a hint misleads.
    const auto r = read(
        "cluster-name: c\n"
        "defaults:\n"
        "  host: 10.0.0.1\n"
        "members:\n"
        "  - {name: m1, role: primary, host: 10.0.0.1}\n");
    REQUIRE(r.diagnostics.size() == 1);
    const auto& d = r.diagnostics.items().front();
    CHECK(where(d) == "cluster.yaml:3:3");
    CHECK(d.path == "defaults.host");
    CHECK_THAT(d.message + " " + d.hint, Contains("member"));
}

TEST_CASE("read_description: a key given twice is EG104 at the second, and the first counts",
          "[description]") {
    const auto r = read(
        "cluster-name: a\n"    // 1
        "cluster-name: b\n"    // 2
        "defaults:\n"          // 3
        "  api-port: 2381\n"   // 4
        "  api-port: 2391\n"   // 5
        "members:\n"           // 6
        "  - name: m1\n"       // 7
        "    name: m2\n"       // 8
        "    role: primary\n"  // 9
        "    host: 10.0.0.1\n");
    REQUIRE(codes(r.diagnostics) == codes_t{"EG104", "EG104", "EG104"});
    const auto& all = r.diagnostics.items();
    CHECK(where(all[0]) == "cluster.yaml:2:1");
    CHECK(all[0].path == "cluster-name");
    CHECK(all[0].message == "key 'cluster-name' is given twice; the first is at line 1");
    CHECK(where(all[1]) == "cluster.yaml:5:3");
    CHECK(all[1].path == "defaults.api-port");
    CHECK(all[1].message == "key 'api-port' is given twice; the first is at line 4");
    CHECK(where(all[2]) == "cluster.yaml:8:5");
    CHECK(all[2].path == "members[0].name");
    REQUIRE(r.description);
    const auto views = desc::members_of(*r.description);
    REQUIRE(views.size() == 1);
    CHECK(views[0].config.get(opt::cluster_name) == "a");
    CHECK(views[0].config.get(opt::name) == "m1");
    CHECK(views[0].config.get(opt::api_addr) == "10.0.0.1:2381");
}

TEST_CASE("read_description: values of the wrong type are EG105, ports that are no port EG107",
          "[description]") {
    struct example {
        std::string text;
        std::string code;
        std::string path;
        std::string where;
        std::string message;
    };
    const std::string good_members = "members:\n  - {name: m1, role: primary, host: 10.0.0.1}\n";
    const example examples[] = {
        {"cluster-name: c\nmembers:\n  name: m1\n", "EG105", "members", "cluster.yaml:3:3",
         "members expects a list of members, but the value is a mapping"},
        {"cluster-name: c\ndefaults:\n  - api-port: 2381\n" + good_members, "EG105", "defaults",
         "cluster.yaml:3:3", "defaults expects a mapping, but the value is a list"},
        {"cluster-name: c\nmembers:\n  - machine-1\n", "EG105", "members[0]", "cluster.yaml:3:5",
         "members[0] expects a mapping, but the value is a scalar"},
        {"cluster-name: c\ndefaults:\n  peer-port: http\n" + good_members, "EG107",
         "defaults.peer-port", "cluster.yaml:3:14", "peer-port \"http\" is not a port number"},
        {"cluster-name: c\nmembers:\n  - {name: m1, role: primary, host: 10.0.0.1, api-port: "
         "70000}\n",
         "EG107", "members[0].api-port", "cluster.yaml:3:57",
         "api-port \"70000\" is not a port number"},
    };
    for (const auto& e : examples) {
        INFO(e.text);
        const auto d = only(read(e.text), e.code);
        CHECK(d.path == e.path);
        CHECK(where(d) == e.where);
        CHECK(d.message == e.message);
        if (e.code == "EG107") CHECK(d.hint == "use a number from 1 to 65535");
    }
}

TEST_CASE("read_description: a cluster-name that is not text is EG105, and not also missing",
          "[description]") {
    // The description has a cluster-name; an extra "lacks 'cluster-name'" (EG121) contradicts
    // the EG105 at its value.
    const auto r = read(
        "cluster-name: [a, b]\n"
        "members:\n"
        "  - {name: m1, role: primary, host: 10.0.0.1}\n");
    const auto d = only(r, "EG105");
    CHECK(d.path == "cluster-name");
    CHECK(where(d) == "cluster.yaml:1:15");
    CHECK(d.message == "cluster-name expects a text value, but the value is a list");
}

TEST_CASE("read_description: role primery is EG201 with a did-you-mean, and no member",
          "[description]") {
    const auto r = read(
        "cluster-name: c\n"
        "members:\n"
        "  - name: m1\n"
        "    role: primery\n"
        "    host: 10.0.0.1\n"
        "  - {name: m2, role: primary, host: 10.0.0.2}\n");
    const auto d = only(r, "EG201");
    CHECK(where(d) == "cluster.yaml:4:11");
    CHECK(d.path == "members[0].role");
    CHECK(d.message == "role \"primery\" is not primary or secondary");
    CHECK(d.hint == "did you mean 'primary'?");
    REQUIRE(r.description);
    const auto views = desc::members_of(*r.description);
    REQUIRE(views.size() == 1);
    CHECK(views[0].config.get(opt::name) == "m2");
}

TEST_CASE("read_description: YAML that does not parse is EG101, a list at the top EG120",
          "[description]") {
    auto broken = read("cluster-name: c\nmembers: [\n");
    CHECK_FALSE(broken.description);
    CHECK(only(broken, "EG101").code == "EG101");
    auto list = read("- name: m1\n");
    CHECK_FALSE(list.description);
    const auto d = only(list, "EG120");
    CHECK(where(d) == "cluster.yaml:1:1");
}

// --- options -------------------------------------------------------------------------------------

TEST_CASE("read_description: options are server options, each placed at its own key",
          "[description]") {
    const auto views = members(
        "cluster-name: c\n"                   // 1
        "defaults:\n"                         // 2
        "  options:\n"                        // 3
        "    debug: true\n"                   // 4
        "    labels:\n"                       // 5
        "      zone: eu-1\n"                  // 6
        "members:\n"                          // 7
        "  - name: m1\n"                      // 8
        "    role: primary\n"                 // 9
        "    host: 10.0.0.1\n"                // 10
        "    options:\n"                      // 11
        "      cluster:\n"                    // 12
        "        state-flag: existing\n"      // 13
        "      objects-dump-interval: 30m\n"  // 14
        "  - name: m2\n"                      // 15
        "    role: secondary\n"               // 16
        "    host: 10.0.0.2\n");              // 17
    const auto& m1 = member(views, "m1");
    CHECK(m1.config.get(opt::debug));
    CHECK(where(m1.config.at(opt::debug)) == "cluster.yaml:4:5");
    CHECK(m1.config.get(opt::labels) == pairs_t{{"zone", "eu-1"}});
    CHECK(where(m1.config.at(opt::labels)) == "cluster.yaml:5:5");
    CHECK(item_places(m1.config.at(opt::labels)) == list_t{"cluster.yaml:6:7"});
    CHECK(m1.config.get(opt::state_flag) == "existing");
    CHECK(where(m1.config.at(opt::state_flag)) == "cluster.yaml:13:9");
    CHECK(m1.config.get(opt::objects_dump_interval).nanoseconds == 30LL * 60 * 1000000000);
    CHECK(where(m1.config.at(opt::objects_dump_interval)) == "cluster.yaml:14:7");

    const auto& m2 = member(views, "m2");
    CHECK(m2.config.get(opt::debug));
    CHECK(where(m2.config.at(opt::debug)) == "cluster.yaml:4:5");
    CHECK_FALSE(m2.config.at(opt::state_flag).is_set());
    CHECK_FALSE(m2.config.at(opt::objects_dump_interval).is_set());
}

TEST_CASE("read_description: unknown and misplaced keys inside options are reported there",
          "[description]") {
    const auto r = read(
        "cluster-name: c\n"             // 1
        "members:\n"                    // 2
        "  - name: m1\n"                // 3
        "    role: primary\n"           // 4
        "    host: 10.0.0.1\n"          // 5
        "    options:\n"                // 6
        "      debgu: true\n"           // 7
        "      listen-peer-urls: []\n"  // 8
        "      cluster:\n"              // 9
        "        state-flg: new\n");    // 10
    REQUIRE(codes(r.diagnostics) == codes_t{"EG102", "EG103", "EG102"});
    const auto& all = r.diagnostics.items();
    CHECK(where(all[0]) == "cluster.yaml:7:7");
    CHECK(all[0].message == "unknown key 'debgu'");
    CHECK(all[0].hint == "did you mean 'debug'?");
    CHECK(where(all[1]) == "cluster.yaml:8:7");
    CHECK(all[1].message == "'listen-peer-urls' belongs under 'cluster:', not at the top level");
    CHECK(where(all[2]) == "cluster.yaml:10:9");
    CHECK(all[2].message == "unknown key 'state-flg' under 'cluster:'");
    CHECK(all[2].hint == "did you mean 'state-flag'?");
}

TEST_CASE("read_description: options that are not a mapping are reported as options",
          "[description]") {
    // The finding says "the configuration file must be a mapping", though the file is a
    // cluster description and only its `options:` entry is a list.
    const auto r = read(
        "cluster-name: c\n"
        "members:\n"
        "  - name: m1\n"
        "    role: primary\n"
        "    host: 10.0.0.1\n"
        "    options: [debug]\n");
    REQUIRE(r.diagnostics.size() == 1);
    const auto& d = r.diagnostics.items().front();
    CHECK(where(d) == "cluster.yaml:6:14");
    CHECK_THAT(d.message, Contains("options"));
    CHECK_THAT(d.message, !Contains("configuration file"));
}

// --- members_of ----------------------------------------------------------------------------------

TEST_CASE("members_of: a primary listens and advertises on its host at the declared ports",
          "[description]") {
    const auto views = members(tutorial);
    REQUIRE(views.size() == 4);
    const auto& m2 = views[1];
    CHECK(m2.origin == "cluster.yaml");
    CHECK(diag::location_text(m2.where) == "cluster.yaml:10:5");
    CHECK(m2.host == "10.0.0.2");
    const auto& c = m2.config;
    CHECK(c.get(opt::name) == "machine-2");
    CHECK(where(c.at(opt::name)) == "cluster.yaml:10:11");
    CHECK(c.get(opt::cluster_name) == "multi-node-cluster");
    CHECK(where(c.at(opt::cluster_name)) == "cluster.yaml:1:15");
    CHECK(c.get(opt::cluster_role) == "primary");
    CHECK(where(c.at(opt::cluster_role)) == "cluster.yaml:11:11");
    CHECK(c.get(opt::api_addr) == "10.0.0.2:2381");
    CHECK(where(c.at(opt::api_addr)) == "cluster.yaml:5:13");
    CHECK(c.get(opt::listen_peer_urls) == list_t{"http://10.0.0.2:2380"});
    CHECK(c.get(opt::listen_client_urls) == list_t{"http://10.0.0.2:2379"});
    CHECK(c.get(opt::advertise_client_urls) == list_t{"http://10.0.0.2:2379"});
    CHECK(c.get(opt::initial_advertise_peer_urls) == list_t{"http://10.0.0.2:2380"});
    for (const auto* spec :
         {&opt::listen_peer_urls.spec, &opt::listen_client_urls.spec,
          &opt::advertise_client_urls.spec, &opt::initial_advertise_peer_urls.spec}) {
        INFO(spec->yaml_path);
        CHECK(where(c.at(*spec)) == "cluster.yaml:12:11");
        CHECK(item_places(c.at(*spec)) == list_t{"cluster.yaml:12:11"});
    }
    CHECK(c.get(opt::initial_cluster) == pairs_t{{"machine-1", "http://10.0.0.1:2380"},
                                                 {"machine-2", "http://10.0.0.2:2380"},
                                                 {"machine-3", "http://10.0.0.3:2380"}});
    CHECK(item_places(c.at(opt::initial_cluster)) ==
          list_t{"cluster.yaml:9:11", "cluster.yaml:12:11", "cluster.yaml:15:11"});
    CHECK(c.get(opt::home_dir) == "/var/lib/easegress");
    CHECK_FALSE(c.at(opt::data_dir).is_set());
    CHECK_FALSE(c.at(opt::log_dir).is_set());
    CHECK_FALSE(c.at(opt::primary_listen_peer_urls).is_set());
}

TEST_CASE("members_of: a secondary is pointed at every primary's peer URL, in order",
          "[description]") {
    const auto views = members(tutorial);
    const auto& m4 = views[3];
    CHECK(m4.host == "10.0.0.4");
    const auto& c = m4.config;
    CHECK(c.get(opt::cluster_role) == "secondary");
    CHECK(c.get(opt::api_addr) == "10.0.0.4:2381");
    CHECK(c.get(opt::primary_listen_peer_urls) ==
          list_t{"http://10.0.0.1:2380", "http://10.0.0.2:2380", "http://10.0.0.3:2380"});
    CHECK(item_places(c.at(opt::primary_listen_peer_urls)) ==
          list_t{"cluster.yaml:9:11", "cluster.yaml:12:11", "cluster.yaml:15:11"});
    for (const auto* spec : {&opt::listen_peer_urls.spec, &opt::listen_client_urls.spec,
                             &opt::advertise_client_urls.spec,
                             &opt::initial_advertise_peer_urls.spec, &opt::initial_cluster.spec}) {
        INFO(spec->yaml_path);
        CHECK_FALSE(c.at(*spec).is_set());
    }
}

TEST_CASE("members_of: a member's own value beats the defaults, which beat the declared default",
          "[description]") {
    const auto views = members(
        "cluster-name: c\n"          // 1
        "defaults:\n"                // 2
        "  peer-port: 2480\n"        // 3
        "  home-dir: /opt/eg\n"      // 4
        "members:\n"                 // 5
        "  - name: m1\n"             // 6
        "    role: primary\n"        // 7
        "    host: 10.0.0.1\n"       // 8
        "    peer-port: 2580\n"      // 9
        "    home-dir: /srv/m1\n"    // 10
        "  - name: m2\n"             // 11
        "    role: primary\n"        // 12
        "    host: 10.0.0.2\n"       // 13
        "  - name: m3\n"             // 14
        "    role: primary\n"        // 15
        "    host: 10.0.0.3\n"       // 16
        "    client-port: 2479\n");  // 17
    const auto& m1 = member(views, "m1");
    const auto& m2 = member(views, "m2");
    const auto& m3 = member(views, "m3");
    CHECK(m1.config.get(opt::listen_peer_urls) == list_t{"http://10.0.0.1:2580"});
    CHECK(m2.config.get(opt::listen_peer_urls) == list_t{"http://10.0.0.2:2480"});
    CHECK(m2.config.get(opt::listen_client_urls) == list_t{"http://10.0.0.2:2379"});
    CHECK(m3.config.get(opt::listen_client_urls) == list_t{"http://10.0.0.3:2479"});
    CHECK(m2.config.get(opt::initial_cluster) == pairs_t{{"m1", "http://10.0.0.1:2580"},
                                                         {"m2", "http://10.0.0.2:2480"},
                                                         {"m3", "http://10.0.0.3:2480"}});
    CHECK(m1.config.get(opt::home_dir) == "/srv/m1");
    CHECK(where(m1.config.at(opt::home_dir)) == "cluster.yaml:10:15");
    CHECK(m2.config.get(opt::home_dir) == "/opt/eg");
    CHECK(where(m2.config.at(opt::home_dir)) == "cluster.yaml:4:13");
    // The declared api-port default is placed at the member.
    CHECK(m3.config.get(opt::api_addr) == "10.0.0.3:2381");
    CHECK(where(m3.config.at(opt::api_addr)) == "cluster.yaml:14:5");
}

TEST_CASE(
    "members_of: options override derived values, and a member's options beat the defaults' "
    "options",
    "[description]") {
    const auto views = members(
        "cluster-name: c\n"                  // 1
        "defaults:\n"                        // 2
        "  options:\n"                       // 3
        "    debug: true\n"                  // 4
        "    api-addr: 0.0.0.0:2381\n"       // 5
        "members:\n"                         // 6
        "  - name: m1\n"                     // 7
        "    role: primary\n"                // 8
        "    host: 10.0.0.1\n"               // 9
        "    options:\n"                     // 10
        "      debug: false\n"               // 11
        "      cluster:\n"                   // 12
        "        listen-peer-urls:\n"        // 13
        "        - http://0.0.0.0:2380\n");  // 14
    REQUIRE(views.size() == 1);
    const auto& c = views[0].config;
    CHECK_FALSE(c.get(opt::debug));
    CHECK(where(c.at(opt::debug)) == "cluster.yaml:11:7");
    CHECK(c.get(opt::api_addr) == "0.0.0.0:2381");
    CHECK(where(c.at(opt::api_addr)) == "cluster.yaml:5:5");
    CHECK(c.get(opt::listen_peer_urls) == list_t{"http://0.0.0.0:2380"});
    CHECK(where(c.at(opt::listen_peer_urls)) == "cluster.yaml:13:9");
    CHECK(item_places(c.at(opt::listen_peer_urls)) == list_t{"cluster.yaml:14:11"});
    // What the options leave alone stays derived.
    CHECK(c.get(opt::initial_advertise_peer_urls) == list_t{"http://10.0.0.1:2380"});
}

TEST_CASE("members_of: IPv6 hosts are bracketed in URLs and api-addr", "[description]") {
    const auto views = members(
        "cluster-name: c\n"
        "members:\n"
        "  - {name: m1, role: primary, host: \"fd00::1\"}\n"
        "  - {name: m2, role: primary, host: \"fd00::2\"}\n"
        "  - {name: m3, role: primary, host: \"fd00::3\"}\n"
        "  - {name: m4, role: secondary, host: \"fd00::4\"}\n"
        "  - {name: m5, role: secondary, host: \"::1\", api-port: 2391}\n");
    const auto& m1 = member(views, "m1");
    CHECK(m1.host == "fd00::1");
    CHECK(topo::host_of(m1.config) == "fd00::1");
    CHECK(m1.config.get(opt::api_addr) == "[fd00::1]:2381");
    CHECK(m1.config.get(opt::listen_peer_urls) == list_t{"http://[fd00::1]:2380"});
    CHECK(m1.config.get(opt::advertise_client_urls) == list_t{"http://[fd00::1]:2379"});
    CHECK(m1.config.get(opt::initial_cluster) == pairs_t{{"m1", "http://[fd00::1]:2380"},
                                                         {"m2", "http://[fd00::2]:2380"},
                                                         {"m3", "http://[fd00::3]:2380"}});
    const auto& m4 = member(views, "m4");
    CHECK(m4.host == "fd00::4");
    CHECK(m4.config.get(opt::api_addr) == "[fd00::4]:2381");
    CHECK(m4.config.get(opt::primary_listen_peer_urls) ==
          list_t{"http://[fd00::1]:2380", "http://[fd00::2]:2380", "http://[fd00::3]:2380"});
    const auto& m5 = member(views, "m5");
    CHECK(m5.host == "localhost");
    CHECK(m5.config.get(opt::api_addr) == "[::1]:2391");
}

TEST_CASE("members_of: every derived value comes from a place inside the description",
          "[description]") {
    SECTION("samples/local/cluster.yaml") {
        const std::string file = "samples/local/cluster.yaml";
        const auto text = cfg::read_text_file(eg::test::source_path(file));
        REQUIRE(text);
        diag::diagnostics out;
        const auto d = desc::read_description(*text, file, out);
        REQUIRE(out.empty());
        REQUIRE(d);
        const auto views = desc::members_of(*d);
        REQUIRE(views.size() == 4);
        for (const auto& m : views) check_all_placed(m, file, line_count(*text));
    }
    SECTION("a description with options") {
        const std::string text =
            "cluster-name: c\n"
            "defaults:\n"
            "  log-dir: log\n"
            "  options: {debug: true, labels: {zone: eu}}\n"
            "members:\n"
            "  - {name: m1, role: primary, host: 10.0.0.1, data-dir: d1}\n"
            "  - name: m2\n"
            "    role: secondary\n"
            "    host: 10.0.0.2\n"
            "    options:\n"
            "      initial-object-config-files: [a.yaml, b.yaml]\n";
        for (const auto& m : members(text)) check_all_placed(m, path, line_count(text));
    }
}

// --- the fields' declarations --------------------------------------------------------------------

TEST_CASE("read_description: every field's example is read back as written", "[description]") {
    std::string member = "  - ";
    std::string defaults;
    for (const auto& f : desc::fields) {
        if (f.key() == "options" || f.scope == desc::field_scope::cluster) continue;
        const auto line = std::string(f.key()) + ": \"" + std::string(f.value.example) + "\"";
        if (f.scope == desc::field_scope::member_only)
            member += (member.size() > 4 ? "\n    " : "") + line;
        else
            defaults += "  " + line + "\n";
    }
    const auto r =
        read("cluster-name: \"" + std::string(desc::field("cluster-name").value.example) +
             "\"\ndefaults:\n" + defaults + "  options: {debug: true}\nmembers:\n" + member + "\n");
    REQUIRE(r.diagnostics.empty());
    REQUIRE(r.description);
    const auto& d = *r.description;
    REQUIRE(d.members.size() == 1);
    CHECK(d.cluster_name.text == desc::field("cluster-name").value.example);
    for (const auto& f : desc::fields) {
        if (f.key() == "options" || f.scope == desc::field_scope::cluster) continue;
        INFO(f.key());
        CHECK(d.value(d.members[0], f.key()).text == f.value.example);
    }
    REQUIRE(d.default_options.size() == 1);
    CHECK(d.default_options[0].spec == &opt::debug.spec);
}

TEST_CASE("read_description: a field's value gets the diagnostics a configuration file gives",
          "[description]") {
    SECTION("a YAML boolean where text is expected") {
        const auto d = only(read("cluster-name: c\nmembers:\n"
                                 "  - {name: m1, role: primary, host: true}\n"),
                            "EG105");
        CHECK(d.path == "members[0].host");
        CHECK(where(d) == "cluster.yaml:3:37");
        CHECK(d.message == "host expects text, but true is a YAML boolean");
    }
    SECTION("a YAML 1.1 boolean read as text is a warning, and the value is kept") {
        const auto r = read(
            "cluster-name: c\ndefaults:\n  data-dir: yes\nmembers:\n"
            "  - {name: m1, role: primary, host: 10.0.0.1}\n");
        const auto d = only(r, "EG106");
        CHECK(d.path == "defaults.data-dir");
        REQUIRE(r.description);
        CHECK(r.description->value(r.description->members[0], "data-dir").text == "yes");
    }
}
