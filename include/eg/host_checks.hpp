#pragma once
// Checks of a member against the machine it is about to run on (eg-config lint --host-checks):
// ports free, files readable, listen addresses present on an interface, data dir not owned by
// another cluster. These read the system, so they never run in the default lint.

#include <eg/diagnostic_catalogue.hpp>
#include <eg/effective_config.hpp>
#include <eg/member_paths.hpp>
#include <eg/server_options.hpp>
#include <eg/topology.hpp>
#include <eg/url.hpp>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace eg::host {

namespace opt = config::opt;

// The marker the server keeps in a primary's data dir: the cluster the data belongs to.
inline constexpr std::string_view cluster_marker = ".eg-cluster";

// Addresses of this machine's interfaces, as text.
inline std::set<std::string> local_addresses() {
    std::set<std::string> addresses = {"127.0.0.1", "::1"};
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return addresses;
    for (auto* a = list; a != nullptr; a = a->ifa_next) {
        if (a->ifa_addr == nullptr) continue;
        char text[INET6_ADDRSTRLEN] = {};
        if (a->ifa_addr->sa_family == AF_INET) {
            inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, text,
                      sizeof text);
        } else if (a->ifa_addr->sa_family == AF_INET6) {
            inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(a->ifa_addr)->sin6_addr, text,
                      sizeof text);
        } else {
            continue;
        }
        addresses.insert(text);
    }
    freeifaddrs(list);
    return addresses;
}

// Whether something listens on host:port already: bind fails with EADDRINUSE.
inline bool port_in_use(const std::string& host, int port) {
    std::string ip = host == "localhost" || host.empty() ? "127.0.0.1" : host;
    sockaddr_storage address{};
    socklen_t length = 0;
    int family = AF_INET;
    if (auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
        inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(static_cast<uint16_t>(port));
        length = sizeof(sockaddr_in);
    } else if (auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
               inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
        family = AF_INET6;
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(static_cast<uint16_t>(port));
        length = sizeof(sockaddr_in6);
    } else {
        return false;
    }
    const int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const bool in_use =
        bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 && errno == EADDRINUSE;
    close(fd);
    return in_use;
}

namespace detail {

struct listen_address {
    const config::option_spec* spec;
    diag::location where;
    std::string host;
    std::string port;
};

inline std::vector<listen_address> listen_addresses(const config::effective_config& c) {
    std::vector<listen_address> out;
    if (auto addr = config::split_host_port(c.get(opt::api_addr)))
        out.push_back(
            {&opt::api_addr.spec, c.at(opt::api_addr).source.where, addr->host, addr->port});
    if (c.get(opt::cluster_role) != "primary" || c.get(opt::use_standalone_etcd)) return out;
    for (const auto* spec : {&opt::listen_peer_urls.spec, &opt::listen_client_urls.spec}) {
        const auto& slot = c.at(*spec);
        const auto& urls = std::get<config::string_list>(slot.value);
        for (std::size_t i = 0; i < urls.size(); ++i)
            if (auto parts = config::split_url(urls[i]))
                out.push_back({spec, slot.place_of_item(i), parts->host, parts->port});
    }
    return out;
}

inline bool readable(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

}  // namespace detail

// Every host check of one member, every finding.
inline void check_member_on_host(const config::effective_config& c, diag::diagnostics& out) {
    const auto addresses = local_addresses();
    for (const auto& a : detail::listen_addresses(c)) {
        const std::string key(a.spec->yaml_key());
        const bool wildcard = a.host.empty() || config::is_unspecified_address(a.host);
        if (!wildcard && a.host != "localhost" && addresses.count(a.host) == 0) {
            out.add(diag::make(
                diag::code("address-not-local"), std::string(a.spec->yaml_path), a.where,
                key + " listens on " + a.host + ", which no network interface of this machine has",
                "run this member on the machine with that address, or fix it"));
            continue;
        }
        if (config::is_port(a.port) &&
            port_in_use(wildcard ? "0.0.0.0" : a.host, std::stoi(a.port)))
            out.add(diag::make(diag::code("port-in-use"), std::string(a.spec->yaml_path), a.where,
                               key + " port " + a.port + " on " + (wildcard ? "*" : a.host) +
                                   " is already in use on this machine",
                               "stop what listens there (ss -ltnp shows it), or pick another "
                               "port"));
    }
    std::vector<std::pair<const config::option_spec*, std::string>> files;
    if (c.get(opt::tls))
        for (const auto* decl : {&opt::cert_file, &opt::key_file})
            files.emplace_back(&decl->spec, c.get(*decl));
    if (!c.get(opt::client_ca_file).empty())
        files.emplace_back(&opt::client_ca_file.spec, c.get(opt::client_ca_file));
    for (const auto& path : c.get(opt::initial_object_config_files))
        files.emplace_back(&opt::initial_object_config_files.spec, path);
    for (const auto& [spec, path] : files)
        if (!path.empty() && !detail::readable(path))
            out.add(diag::make(diag::code("file-not-readable"), std::string(spec->yaml_path),
                               c.at(*spec).source.where,
                               std::string(spec->yaml_key()) + " \"" + path +
                                   "\" cannot be read: " + std::strerror(errno),
                               "check the path and its permissions"));
    const auto marker = std::filesystem::path(config::resolve_data_dir(c)) / cluster_marker;
    std::ifstream in(marker);
    std::string owner;
    if (in && std::getline(in, owner) && !owner.empty() && owner != c.get(opt::cluster_name))
        out.add(diag::make(diag::code("data-dir-other-cluster"),
                           config::option_path(opt::data_dir.spec),
                           c.at(opt::data_dir).source.where,
                           "data dir " + config::resolve_data_dir(c) + " belongs to cluster '" +
                               owner + "', not '" + c.get(opt::cluster_name) + "'",
                           "use another data-dir, or move the old data away if that cluster is "
                           "gone"));
}

// Whether a member described for `host` runs on this machine.
inline bool is_this_machine(const std::string& host) {
    return host.empty() || host == "localhost" || local_addresses().count(host) > 0;
}

}  // namespace eg::host
