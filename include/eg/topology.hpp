#pragma once
// Several members seen together: a cluster description, or a set of member files. Each rule is a
// pure function over the members that appends every finding; check_topology runs them all.

#include <eg/diagnostic_catalogue.hpp>
#include <eg/effective_config.hpp>
#include <eg/member_paths.hpp>
#include <eg/server_options.hpp>
#include <eg/url.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace eg::topology {

using config::effective_config;
namespace opt = config::opt;

// One member of the cluster, with where it was described.
struct member_view {
    std::string origin;    // the file it came from (a member file or the cluster description)
    diag::location where;  // where the member as a whole is described
    std::string host;      // the machine it runs on; "" when its configuration does not say
    effective_config config;
};

// The machine a member runs on, as far as its configuration tells: the host of the peer URL it
// advertises (primaries) or of its api-addr. Loopback addresses all mean "localhost".
inline std::string host_of(const effective_config& c) {
    auto normalise = [](const std::string& host) {
        if (config::is_loopback_host(host)) return std::string("localhost");
        if (config::is_unspecified_address(host)) return std::string();
        return host;
    };
    if (c.get(opt::cluster_role) == "primary") {
        for (const auto& url : c.get(opt::initial_advertise_peer_urls))
            if (auto parts = config::split_url(url)) return normalise(parts->host);
    }
    if (auto addr = config::split_host_port(c.get(opt::api_addr)); addr && !addr->host.empty())
        return normalise(addr->host);
    return {};
}

namespace detail {

inline bool is_primary(const member_view& m) {
    return m.config.get(opt::cluster_role) == "primary";
}

inline std::string name_of(const member_view& m) { return m.config.get(opt::name); }

inline diag::diagnostic finding(const diag::code_info& code, std::string path, diag::location where,
                                std::string message, std::string hint = {}) {
    return diag::make(code, std::move(path), std::move(where), std::move(message), std::move(hint));
}

// The peer URL a primary advertises (its first one), or "".
inline std::string peer_url_of(const member_view& m) {
    const auto& urls = m.config.get(opt::initial_advertise_peer_urls);
    return urls.empty() ? std::string() : urls.front();
}

inline std::set<std::string> known_hosts(const std::vector<member_view>& members) {
    std::set<std::string> hosts;
    for (const auto& m : members)
        if (!m.host.empty()) hosts.insert(m.host);
    return hosts;
}

inline bool multi_host(const std::vector<member_view>& members) {
    return known_hosts(members).size() > 1;
}

inline std::set<std::string> initial_cluster_names(const member_view& m) {
    std::set<std::string> names;
    for (const auto& [name, url] : m.config.get(opt::initial_cluster)) names.insert(name);
    return names;
}

// The primary that joins a running cluster, as member files show it: its initial-cluster is
// every primary, while every other primary's is every primary but it. nullptr otherwise.
inline const member_view* joining_primary(const std::vector<member_view>& members) {
    std::set<std::string> primaries;
    for (const auto& m : members)
        if (is_primary(m)) primaries.insert(name_of(m));
    if (primaries.size() < 2) return nullptr;
    const member_view* joiner = nullptr;
    for (const auto& candidate : members) {
        if (!is_primary(candidate) || initial_cluster_names(candidate) != primaries) continue;
        auto others = primaries;
        others.erase(name_of(candidate));
        const bool join = std::all_of(members.begin(), members.end(), [&](const member_view& m) {
            return !is_primary(m) || &m == &candidate || initial_cluster_names(m) == others;
        });
        if (!join) continue;
        if (joiner != nullptr) return nullptr;
        joiner = &candidate;
    }
    return joiner;
}

}  // namespace detail

// 0 primaries: error; even: error; 1: warning; more than 7: warning.
inline void check_primary_count(const std::vector<member_view>& members, diag::diagnostics& out) {
    if (members.empty()) return;
    const auto n =
        static_cast<int>(std::count_if(members.begin(), members.end(), detail::is_primary));
    const diag::location& where = members.front().where;
    if (n == 0) {
        out.add(detail::finding(
            diag::code("no-primaries"), config::option_path(opt::cluster_role.spec), where,
            "the cluster has no primary member; " + std::to_string(members.size()) +
                " secondaries have no etcd to talk to",
            "make 3 members primaries (cluster-role: primary)"));
        return;
    }
    if (n % 2 == 0) {
        const int tolerated = (n - 1) / 2;
        out.add(detail::finding(
            diag::code("even-primaries"), config::option_path(opt::cluster_role.spec), where,
            std::to_string(n) + " primaries tolerate " + std::to_string(tolerated) + " failure" +
                (tolerated == 1 ? "" : "s") + ", no more than " + std::to_string(n - 1) +
                " would, and a network split can leave no majority",
            "use " + std::to_string(n - 1) + " or " + std::to_string(n + 1) +
                " primaries; add capacity as secondaries"));
    } else if (n == 1) {
        out.add(detail::finding(diag::code("single-primary"),
                                config::option_path(opt::cluster_role.spec), where,
                                "1 primary tolerates no failure: when it stops, the cluster stops",
                                "use 3 primaries for a cluster that survives one failure"));
    }
    if (n > 7)
        out.add(detail::finding(
            diag::code("many-primaries"), config::option_path(opt::cluster_role.spec), where,
            std::to_string(n) + " primaries slow every write: each needs a majority of them",
            "use 3, 5 or 7 primaries and add capacity as secondaries"));
}

// Names, advertised peer URLs and client URLs are unique across the cluster.
inline void check_unique(const std::vector<member_view>& members, diag::diagnostics& out) {
    std::map<std::string, const member_view*> names;
    for (const auto& m : members) {
        auto [it, fresh] = names.emplace(detail::name_of(m), &m);
        if (!fresh)
            out.add(detail::finding(
                diag::code("duplicate-member-name"), config::option_path(opt::name.spec),
                m.config.at(opt::name).source.where,
                "member name '" + detail::name_of(m) + "' is also used by " + it->second->origin,
                "give every member its own name"));
    }
    const std::pair<const config::option_spec*, const diag::code_info*> url_options[] = {
        {&opt::initial_advertise_peer_urls.spec, &diag::code("duplicate-peer-url")},
        {&opt::advertise_client_urls.spec, &diag::code("duplicate-client-url")}};
    for (const auto& [spec, code] : url_options) {
        std::map<std::string, const member_view*> seen;
        for (const auto& m : members) {
            if (!detail::is_primary(m)) continue;
            const auto& slot = m.config.at(*spec);
            const auto& urls = std::get<config::string_list>(slot.value);
            for (std::size_t i = 0; i < urls.size(); ++i) {
                auto [it, fresh] = seen.emplace(urls[i], &m);
                if (!fresh && it->second != &m)
                    out.add(
                        detail::finding(*code, std::string(spec->yaml_path), slot.place_of_item(i),
                                        detail::name_of(m) + " advertises " + urls[i] + ", which " +
                                            detail::name_of(*it->second) + " advertises too",
                                        "give each primary its own address or port"));
            }
        }
    }
}

// On one host, no two members use the same port (admin API, etcd peer, etcd client).
inline void check_ports_per_host(const std::vector<member_view>& members, diag::diagnostics& out) {
    struct use {
        const member_view* member;
        const config::option_spec* spec;
        diag::location where;
    };
    std::map<std::pair<std::string, std::string>, use> taken;  // (host, port) -> first user
    auto claim = [&](const member_view& m, const config::option_spec& spec,
                     const diag::location& where, const std::string& port) {
        if (m.host.empty() || port.empty()) return;
        auto [it, fresh] = taken.emplace(std::pair{m.host, port}, use{&m, &spec, where});
        if (fresh || it->second.member == &m) return;
        out.add(detail::finding(diag::code("port-collision"), std::string(spec.yaml_path), where,
                                detail::name_of(m) + " uses port " + port + " on " + m.host +
                                    " for " + std::string(spec.yaml_key()) + ", which " +
                                    detail::name_of(*it->second.member) + " already uses for " +
                                    std::string(it->second.spec->yaml_key()) + " (" +
                                    diag::location_text(it->second.where) + ")",
                                "give each member on one host its own ports"));
    };
    for (const auto& m : members) {
        if (auto addr = config::split_host_port(m.config.get(opt::api_addr)))
            claim(m, opt::api_addr.spec, m.config.at(opt::api_addr).source.where, addr->port);
        if (!detail::is_primary(m)) continue;
        for (const auto* spec : {&opt::listen_peer_urls.spec, &opt::listen_client_urls.spec}) {
            const auto& slot = m.config.at(*spec);
            const auto& urls = std::get<config::string_list>(slot.value);
            std::set<std::string> ports;
            for (std::size_t i = 0; i < urls.size(); ++i)
                if (auto parts = config::split_url(urls[i]);
                    parts && ports.insert(parts->port).second)
                    claim(m, *spec, slot.place_of_item(i), parts->port);
        }
    }
}

// Every primary's initial-cluster is exactly {primary name: its advertised peer URL}.
inline void check_initial_cluster_agreement(const std::vector<member_view>& members,
                                            diag::diagnostics& out) {
    std::map<std::string, std::string> expected;
    for (const auto& m : members)
        if (detail::is_primary(m)) expected.emplace(detail::name_of(m), detail::peer_url_of(m));
    if (expected.size() < 2) return;
    // The others do not list a primary that joins them (check_joining).
    const member_view* joiner = detail::joining_primary(members);
    for (const auto& m : members) {
        if (!detail::is_primary(m)) continue;
        const auto& slot = m.config.at(opt::initial_cluster);
        const auto& entries = m.config.get(opt::initial_cluster);
        const std::string who = detail::name_of(m) + " (" + m.origin + ")";
        std::set<std::string> listed;
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const auto& [name, url] = entries[i];
            listed.insert(name);
            auto it = expected.find(name);
            if (it == expected.end()) {
                out.add(detail::finding(diag::code("initial-cluster-not-primaries"),
                                        config::option_path(opt::initial_cluster.spec) + "." + name,
                                        slot.place_of_item(i),
                                        "initial-cluster of " + who + " has " + name + "=" + url +
                                            ", but no primary of this cluster is named " + name,
                                        "list exactly the primaries, each at its advertised peer "
                                        "URL"));
            } else if (it->second != url) {
                out.add(detail::finding(diag::code("initial-cluster-differs"),
                                        config::option_path(opt::initial_cluster.spec) + "." + name,
                                        slot.place_of_item(i),
                                        "initial-cluster of " + who + " has " + name + "=" + url +
                                            ", but " + name + " advertises " + it->second,
                                        "use " + name + "=" + it->second + " on every primary"));
            }
        }
        for (const auto& [name, url] : expected)
            if (listed.count(name) == 0 && !(entries.empty() && name == detail::name_of(m)) &&
                !(joiner != nullptr && name == detail::name_of(*joiner)))
                out.add(detail::finding(
                    diag::code("initial-cluster-not-primaries"),
                    config::option_path(opt::initial_cluster.spec), slot.source.where,
                    "initial-cluster of " + who + " lacks the primary " + name + "=" + url,
                    "add " + name + "=" + url + "; initial-cluster is the same on every primary"));
    }
}

// One cluster-name everywhere.
inline void check_cluster_name(const std::vector<member_view>& members, diag::diagnostics& out) {
    if (members.empty()) return;
    const auto& first = members.front();
    const auto& name = first.config.get(opt::cluster_name);
    for (const auto& m : members) {
        const auto& other = m.config.get(opt::cluster_name);
        if (other == name) continue;
        out.add(detail::finding(diag::code("cluster-name-differs"),
                                config::option_path(opt::cluster_name.spec),
                                m.config.at(opt::cluster_name).source.where,
                                detail::name_of(m) + " has cluster-name '" + other + "' but " +
                                    detail::name_of(first) + " has '" + name + "'",
                                "use one cluster-name on every member"));
    }
}

// Secondaries point at peer URLs that primaries advertise.
inline void check_secondaries(const std::vector<member_view>& members, diag::diagnostics& out) {
    std::set<std::string> advertised;
    for (const auto& m : members)
        if (detail::is_primary(m))
            for (const auto& url : m.config.get(opt::initial_advertise_peer_urls))
                advertised.insert(url);
    if (advertised.empty()) return;
    const bool spread = detail::multi_host(members);
    for (const auto& m : members) {
        if (m.config.get(opt::cluster_role) != "secondary" ||
            m.config.get(opt::use_standalone_etcd))
            continue;
        const auto& slot = m.config.at(opt::primary_listen_peer_urls);
        if (!slot.is_set() && spread) {
            out.add(detail::finding(
                diag::code("secondary-default-peers"),
                config::option_path(opt::primary_listen_peer_urls.spec), m.where,
                detail::name_of(m) + " leaves primary-listen-peer-urls at its default "
                                     "http://localhost:2380 in a cluster spread over several "
                                     "hosts",
                "list the primaries' peer URLs, e.g. " + *advertised.begin()));
            continue;
        }
        const auto& urls = m.config.get(opt::primary_listen_peer_urls);
        for (std::size_t i = 0; i < urls.size(); ++i)
            if (advertised.count(urls[i]) == 0)
                out.add(detail::finding(
                    diag::code("secondary-unknown-peer"),
                    config::option_path(opt::primary_listen_peer_urls.spec), slot.place_of_item(i),
                    detail::name_of(m) + " points at " + urls[i] + ", which no primary advertises",
                    "use a primary's initial-advertise-peer-urls, e.g. " + *advertised.begin()));
    }
}

// Primaries of a cluster being set up bootstrap it together (a primary that joins a running
// cluster is check_joining's).
inline void check_bootstrap(const std::vector<member_view>& members, diag::diagnostics& out) {
    const member_view* joiner = detail::joining_primary(members);
    for (const auto& m : members) {
        if (!detail::is_primary(m) || m.config.get(opt::state_flag) == "new" || &m == joiner)
            continue;
        out.add(detail::finding(
            diag::code("primary-not-new"), config::option_path(opt::state_flag.spec),
            m.config.at(opt::state_flag).source.where,
            detail::name_of(m) + " has state-flag '" + m.config.get(opt::state_flag) +
                "'; the primaries of a new cluster bootstrap it with 'new'",
            "use state-flag: new unless this primary joins a running cluster "
            "after `etcdctl member add`"));
    }
}

// A primary whose initial-cluster is the others' plus itself joins their running cluster: etcd
// refuses it unless it starts with state-flag existing (after `etcdctl member add`).
inline void check_joining(const std::vector<member_view>& members, diag::diagnostics& out) {
    const member_view* joiner = detail::joining_primary(members);
    if (joiner == nullptr || joiner->config.get(opt::state_flag) == "existing") return;
    std::string others;
    for (const auto& m : members)
        if (detail::is_primary(m) && &m != joiner)
            others += (others.empty() ? "" : ", ") + detail::name_of(m);
    const auto name = detail::name_of(*joiner);
    const auto& slot = joiner->config.at(opt::state_flag);
    out.add(detail::finding(
        diag::code("join-needs-existing"), config::option_path(opt::state_flag.spec),
        slot.is_set() ? slot.source.where : joiner->where,
        name + "'s initial-cluster is that of " + others + " plus " + name +
            ": it joins their running cluster, so it needs state-flag: existing (it has '" +
            joiner->config.get(opt::state_flag) + "')",
        "set state-flag: existing on " + name + ", and run `etcdctl member add " + name +
            " --peer-urls=" + detail::peer_url_of(*joiner) + "` against the cluster first"));
}

// Outside one host, a member's admin API on a loopback address serves only that machine.
inline void check_api_addr_reach(const std::vector<member_view>& members, diag::diagnostics& out) {
    if (!detail::multi_host(members)) return;
    for (const auto& m : members) {
        // A member whose own URLs are on loopback is check_localhost_advertised's.
        if (m.host == "localhost") continue;
        const auto addr = config::split_host_port(m.config.get(opt::api_addr));
        if (!addr || addr->host.empty() || !config::is_loopback_host(addr->host)) continue;
        const auto& slot = m.config.at(opt::api_addr);
        out.add(detail::finding(
            diag::code("api-addr-loopback"), config::option_path(opt::api_addr.spec),
            slot.is_set() ? slot.source.where : m.where,
            detail::name_of(m) + "'s api-addr " + m.config.get(opt::api_addr) +
                (slot.is_set() ? "" : " (the default)") +
                " is a loopback address in a cluster over several hosts: egctl and the other "
                "members cannot reach it from another host",
            "set api-addr to this machine's address, e.g. " +
                (m.host.empty() || m.host == "localhost" ? std::string("10.0.0.1") : m.host) + ":" +
                addr->port));
    }
}

// In a cluster over several hosts, a primary advertising localhost is unreachable for the others.
inline void check_localhost_advertised(const std::vector<member_view>& members,
                                       diag::diagnostics& out) {
    if (!detail::multi_host(members)) return;
    for (const auto& m : members) {
        if (!detail::is_primary(m)) continue;
        for (const auto* spec :
             {&opt::initial_advertise_peer_urls.spec, &opt::advertise_client_urls.spec}) {
            const auto& slot = m.config.at(*spec);
            const auto& urls = std::get<config::string_list>(slot.value);
            for (std::size_t i = 0; i < urls.size(); ++i) {
                auto parts = config::split_url(urls[i]);
                if (!parts || !config::is_loopback_host(parts->host)) continue;
                out.add(detail::finding(diag::code("localhost-advertised"),
                                        std::string(spec->yaml_path), slot.place_of_item(i),
                                        detail::name_of(m) + " advertises " + urls[i] +
                                            ", which members on other hosts cannot reach",
                                        "advertise this machine's IP address"));
            }
        }
    }
}

// Two members on one host never share a data dir.
inline void check_data_dirs(const std::vector<member_view>& members, diag::diagnostics& out) {
    std::map<std::pair<std::string, std::string>, const member_view*> taken;
    for (const auto& m : members) {
        if (m.host.empty()) continue;
        const auto dir = config::resolve_data_dir(m.config);
        auto [it, fresh] = taken.emplace(std::pair{m.host, dir}, &m);
        if (fresh) continue;
        // Blame what made the paths equal: the data dir if set, else the home dir, else the
        // member as a whole.
        const auto& data = m.config.at(opt::data_dir);
        const auto& home = m.config.at(opt::home_dir);
        const diag::location& where = data.is_set()   ? data.source.where
                                      : home.is_set() ? home.source.where
                                                      : m.where;
        out.add(detail::finding(diag::code("data-dir-collision"),
                                config::option_path(opt::data_dir.spec), where,
                                detail::name_of(m) + " and " + detail::name_of(*it->second) +
                                    " both use data dir " + dir + " on " + m.host,
                                "give each member on one host its own home-dir or data-dir"));
    }
}

using topology_rule = void (*)(const std::vector<member_view>&, diag::diagnostics&);

inline constexpr topology_rule topology_rules[] = {
    check_primary_count, check_unique,      check_ports_per_host, check_initial_cluster_agreement,
    check_cluster_name,  check_secondaries, check_bootstrap,      check_localhost_advertised,
    check_data_dirs,     check_joining,     check_api_addr_reach,
};

// Every cross-member rule, every finding.
inline diag::diagnostics check_topology(const std::vector<member_view>& members) {
    diag::diagnostics out;
    for (auto rule : topology_rules) rule(members, out);
    return out;
}

}  // namespace eg::topology
