#pragma once
// Rules over one member's effective configuration. Each rule is a pure function that appends
// every finding; none throws on user input. check_member runs them all.

#include <eg/diagnostic_catalogue.hpp>
#include <eg/effective_config.hpp>
#include <eg/server_options.hpp>
#include <eg/suggest.hpp>
#include <eg/url.hpp>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

namespace eg::config::rules {

namespace detail {

inline diag::diagnostic finding(const diag::code_info& code, const option_spec& spec,
                                const diag::location& where, std::string message,
                                std::string hint = {}) {
    return diag::make(code, option_path(spec), where, std::move(message), std::move(hint));
}

inline bool is_primary(const effective_config& c) { return c.get(opt::cluster_role) == "primary"; }
inline bool is_secondary(const effective_config& c) {
    return c.get(opt::cluster_role) == "secondary";
}

inline bool valid_name_char(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '_' || ch == '.' || ch == '~';
}

inline std::string join(const string_list& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
    return out;
}

// Why a cluster URL is malformed, or nullopt when it is well formed.
inline std::optional<std::string> url_problem(const std::string& url) {
    const auto parts = split_url(url);
    if (!parts) return "has no scheme";
    if (parts->scheme != "http" && parts->scheme != "https")
        return "has scheme '" + parts->scheme + "', not http or https";
    if (parts->host.empty()) return "has no host";
    if (parts->port.empty()) return "has no port";
    if (!is_port(parts->port)) return "has port '" + parts->port + "', not a number 1-65535";
    if (!parts->path.empty() && parts->path != "/") return "has a path '" + parts->path + "'";
    return std::nullopt;
}

struct url_option {
    const option_spec* spec;
    bool listen;  // bound by etcd: needs an IP address or localhost
};

inline std::vector<url_option> url_options_of(const effective_config& c) {
    std::vector<url_option> options;
    if (is_primary(c)) {
        options = {{&opt::listen_peer_urls.spec, true},
                   {&opt::listen_client_urls.spec, true},
                   {&opt::advertise_client_urls.spec, false},
                   {&opt::initial_advertise_peer_urls.spec, false}};
    } else if (is_secondary(c)) {
        options = {{&opt::primary_listen_peer_urls.spec, false}};
    }
    return options;
}

// Each advertised URL option of a primary, with the listen URL option it should lead to.
inline const std::pair<const option_spec*, const option_spec*> advertised_and_listened[] = {
    {&opt::initial_advertise_peer_urls.spec, &opt::listen_peer_urls.spec},
    {&opt::advertise_client_urls.spec, &opt::listen_client_urls.spec}};

inline std::string port_of(const std::string& url) {
    const auto parts = split_url(url);
    return parts ? parts->port : std::string{};
}

}  // namespace detail

// name and cluster-name: non-empty, at most 253 of A-Za-z0-9-_.~ (etcd keys and tokens).
inline void check_names(const effective_config& c, diag::diagnostics& out) {
    for (const auto* decl : {&opt::name, &opt::cluster_name}) {
        const auto& value = c.get(*decl);
        const auto& slot = c.at(*decl);
        const std::string key(decl->spec.yaml_key());
        if (value.empty()) {
            out.add(detail::finding(diag::code("invalid-name"), decl->spec, slot.source.where,
                                    key + " is empty", "give it a value such as 'machine-1'"));
            continue;
        }
        const auto bad = std::find_if_not(value.begin(), value.end(), detail::valid_name_char);
        if (bad != value.end() || value.size() > 253)
            out.add(detail::finding(
                diag::code("invalid-name"), decl->spec, slot.source.where,
                key + " \"" + value + "\" " +
                    (bad != value.end() ? "contains '" + std::string(1, *bad) + "'"
                                        : std::string("is longer than 253 characters")),
                "use only letters, digits and - _ . ~ (at most 253)"));
    }
}

// Options with a closed set of values (cluster-role, state-flag).
inline void check_allowed_values(const effective_config& c, diag::diagnostics& out) {
    for (const auto* spec : all_options) {
        const auto* text = std::get_if<std::string>(&c.at(*spec).value);
        if (text == nullptr || spec->allows(*text)) continue;
        std::vector<std::string> allowed;
        std::string listed;
        for (auto a : spec->allowed_values)
            if (!a.empty()) {
                allowed.emplace_back(a);
                listed += (listed.empty() ? "" : " or ") + std::string(a);
            }
        const auto suggestion = diag::did_you_mean(*text, allowed);
        out.add(
            detail::finding(diag::code("not-allowed-value"), *spec, c.at(*spec).source.where,
                            std::string(spec->yaml_key()) + " \"" + *text + "\" is not " + listed,
                            suggestion.empty() ? "use " + listed : suggestion));
    }
}

// A secondary needs primaries to talk to, and runs no etcd to force into a new cluster.
inline void check_secondary(const effective_config& c, diag::diagnostics& out) {
    if (!detail::is_secondary(c)) return;
    if (c.get(opt::primary_listen_peer_urls).empty())
        out.add(detail::finding(diag::code("secondary-without-primaries"),
                                opt::primary_listen_peer_urls.spec,
                                c.at(opt::primary_listen_peer_urls).source.where,
                                "a secondary needs primary-listen-peer-urls, but it is empty",
                                "list the peer URLs of the primaries, e.g. http://10.0.0.1:2380"));
    if (c.get(opt::force_new_cluster))
        out.add(detail::finding(diag::code("force-new-cluster-on-secondary"),
                                opt::force_new_cluster.spec,
                                c.at(opt::force_new_cluster).source.where,
                                "--force-new-cluster is set on a secondary, which runs no etcd",
                                "use it only on the primary whose data should form the new "
                                "cluster"));
}

// Cluster URLs are scheme://host:port; listen hosts are IPs; nothing advertises 0.0.0.0.
inline void check_urls(const effective_config& c, diag::diagnostics& out) {
    for (const auto& [spec, listen] : detail::url_options_of(c)) {
        const auto& slot = c.at(*spec);
        const auto& urls = std::get<string_list>(slot.value);
        for (std::size_t i = 0; i < urls.size(); ++i) {
            const auto& url = urls[i];
            const auto& where = slot.place_of_item(i);
            const std::string key(spec->yaml_key());
            if (auto problem = detail::url_problem(url)) {
                out.add(detail::finding(diag::code("malformed-url"), *spec, where,
                                        key + " URL \"" + url + "\" " + *problem,
                                        "write it as http://HOST:PORT, e.g. http://10.0.0.1:2380"));
                continue;
            }
            const auto host = split_url(url)->host;
            if (listen && host != "localhost" && !is_ip_address(host))
                out.add(detail::finding(diag::code("listen-host-not-ip"), *spec, where,
                                        key + " URL \"" + url + "\" listens on host name '" + host +
                                            "'; etcd can only bind IP addresses",
                                        "use this machine's IP address, or 0.0.0.0 for all"));
            if (!listen && is_unspecified_address(host))
                out.add(detail::finding(diag::code("advertised-unspecified"), *spec, where,
                                        key + " URL \"" + url + "\" advertises " + host +
                                            ", which no other member can reach",
                                        "advertise this machine's own IP address"));
        }
    }
    if (!detail::is_primary(c)) return;
    const auto& slot = c.at(opt::initial_cluster);
    const auto& entries = c.get(opt::initial_cluster);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& [member, url] = entries[i];
        if (auto problem = detail::url_problem(url))
            out.add(detail::finding(
                diag::code("malformed-url"), opt::initial_cluster.spec, slot.place_of_item(i),
                "initial-cluster entry " + member + "=" + url + ": URL " + *problem,
                "write it as NAME=http://HOST:PORT"));
        else if (is_unspecified_address(split_url(url)->host))
            out.add(detail::finding(
                diag::code("advertised-unspecified"), opt::initial_cluster.spec,
                slot.place_of_item(i),
                "initial-cluster entry " + member + "=" + url + " names an unspecified address",
                "use the peer URL that member advertises"));
    }
}

// A primary is in its own initial-cluster, with exactly the peer URLs it advertises.
inline void check_initial_cluster(const effective_config& c, diag::diagnostics& out) {
    if (!detail::is_primary(c)) return;
    const auto& entries = c.get(opt::initial_cluster);
    if (entries.empty()) return;  // empty: this member alone, at its advertised peer URL
    const auto& name = c.get(opt::name);
    const auto& advertised = c.get(opt::initial_advertise_peer_urls);
    const auto& slot = c.at(opt::initial_cluster);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (entries[i].first != name) continue;
        const auto& url = entries[i].second;
        if (advertised.size() != 1 || advertised.front() != url)
            out.add(detail::finding(
                diag::code("initial-cluster-url-mismatch"), opt::initial_cluster.spec,
                slot.place_of_item(i),
                "initial-cluster has " + name + "=" + url + " but initial-advertise-peer-urls is " +
                    detail::join(advertised),
                "make the initial-cluster entry for " + name + " equal the advertised peer URL"));
        return;
    }
    std::string names;
    for (const auto& entry : entries) names += (names.empty() ? "" : ", ") + entry.first;
    out.add(detail::finding(
        diag::code("name-not-in-initial-cluster"), opt::initial_cluster.spec, slot.source.where,
        "this member's name '" + name + "' is not in initial-cluster (" + names + ")",
        "add " + name + "=" +
            (advertised.empty() ? std::string("http://HOST:2380") : advertised.front()) +
            " to initial-cluster, or fix the name"));
}

// A primary cannot listen for clients and peers on one port of one address.
inline void check_ports(const effective_config& c, diag::diagnostics& out) {
    if (!detail::is_primary(c)) return;
    const auto& clients = c.get(opt::listen_client_urls);
    const auto& peers = c.get(opt::listen_peer_urls);
    for (std::size_t i = 0; i < clients.size(); ++i) {
        const auto client = split_url(clients[i]);
        if (!client || client->port.empty()) continue;
        for (const auto& peer_url : peers) {
            const auto peer = split_url(peer_url);
            if (!peer || peer->port != client->port) continue;
            if (!hosts_overlap(peer->host, client->host)) continue;
            out.add(detail::finding(
                diag::code("client-peer-port-clash"), opt::listen_client_urls.spec,
                c.at(opt::listen_client_urls).place_of_item(i),
                "listen-client-urls \"" + clients[i] + "\" and listen-peer-urls \"" + peer_url +
                    "\" use the same port " + client->port,
                "give clients and peers different ports, e.g. 2379 and 2380"));
        }
    }
}

// Options set to a non-default value that the member's role never uses.
inline void check_role_options(const effective_config& c, diag::diagnostics& out) {
    const auto& role = c.get(opt::cluster_role);
    if (!opt::cluster_role.spec.allows(role)) return;
    static const auto defaults = default_config();  // immutable: built once, not per member
    for (const auto* spec : all_options) {
        const auto& slot = c.at(*spec);
        if (!slot.is_set() || applies_to(spec->roles, role)) continue;
        if (slot.value == defaults.at(*spec).value) continue;
        if (spec == &opt::force_new_cluster.spec) continue;  // an error of its own on secondaries
        out.add(detail::finding(diag::code("option-not-for-role"), *spec, slot.source.where,
                                std::string(spec->in_file() ? spec->yaml_key() : spec->flag) +
                                    " has no effect on a " + role + " member",
                                "remove it, or check cluster-role"));
    }
}

// use-standalone-etcd makes the member an etcd client; a primary would run etcd itself.
inline void check_standalone_etcd(const effective_config& c, diag::diagnostics& out) {
    if (!c.get(opt::use_standalone_etcd) || !detail::is_primary(c)) return;
    out.add(detail::finding(
        diag::code("standalone-etcd-primary"), opt::use_standalone_etcd.spec,
        c.at(opt::use_standalone_etcd).source.where,
        "use-standalone-etcd means this member uses an external etcd it does not run, but "
        "cluster-role is primary, which runs etcd",
        "set cluster-role: secondary and list the external etcd client URLs in "
        "primary-listen-peer-urls, or drop use-standalone-etcd"));
}

inline void check_tls(const effective_config& c, diag::diagnostics& out) {
    if (!c.get(opt::tls)) return;
    std::string missing;
    if (c.get(opt::cert_file).empty()) missing = "cert-file";
    if (c.get(opt::key_file).empty()) missing += missing.empty() ? "key-file" : " and key-file";
    if (!missing.empty())
        out.add(detail::finding(
            diag::code("tls-without-cert"), opt::tls.spec, c.at(opt::tls).source.where,
            "tls is on but " + missing +
                (missing.find(" and ") != std::string::npos ? " are" : " is") + " empty",
            "set both cert-file and key-file, or turn tls off"));
}

inline void check_api_addr(const effective_config& c, diag::diagnostics& out) {
    const auto& addr = c.get(opt::api_addr);
    const auto parts = split_host_port(addr);
    if (parts && is_port(parts->port)) return;
    out.add(detail::finding(diag::code("invalid-api-addr"), opt::api_addr.spec,
                            c.at(opt::api_addr).source.where,
                            "api-addr \"" + addr + "\" is not host:port",
                            "write it as HOST:PORT, e.g. 10.0.0.1:2381 or :2381"));
}

inline void check_required(const effective_config& c, diag::diagnostics& out) {
    std::vector<const option_spec*> required = {&opt::home_dir.spec, &opt::data_dir.spec};
    if (detail::is_primary(c))
        for (const auto& [spec, listen] : detail::url_options_of(c)) required.push_back(spec);
    for (const auto* spec : required) {
        const auto& value = c.at(*spec).value;
        const bool empty = std::visit(
            [](const auto& v) {
                if constexpr (requires { v.empty(); })
                    return v.empty();
                else
                    return false;
            },
            value);
        if (empty)
            out.add(detail::finding(
                diag::code("empty-required"), *spec, c.at(*spec).source.where,
                std::string(spec->yaml_key()) + " is empty" +
                    (detail::is_primary(c) && spec->roles == role_set::primary ? " on a primary"
                                                                               : ""),
                "give it a value, or remove it to use the default \"" +
                    std::string(spec->default_text) + "\""));
    }
}

inline void check_ranges(const effective_config& c, diag::diagnostics& out) {
    for (const auto* decl : {&opt::cluster_request_timeout, &opt::objects_dump_interval,
                             &opt::member_heartbeat_interval, &opt::etcd_heartbeat_interval,
                             &opt::etcd_election_timeout}) {
        const auto d = c.get(*decl);
        if (d.nanoseconds > 0) continue;
        out.add(detail::finding(diag::code("out-of-range"), decl->spec, c.at(*decl).source.where,
                                std::string(decl->spec.yaml_key()) + " \"" + format_duration(d) +
                                    "\" must be longer than zero",
                                "use e.g. \"" + std::string(decl->spec.default_text) + "\""));
    }
    const auto heartbeat = c.get(opt::etcd_heartbeat_interval).nanoseconds;
    const auto election = c.get(opt::etcd_election_timeout).nanoseconds;
    if (heartbeat > 0 && election < 5 * heartbeat)
        out.add(detail::finding(diag::code("out-of-range"), opt::etcd_election_timeout.spec,
                                c.at(opt::etcd_election_timeout).source.where,
                                "etcd-election-timeout \"" +
                                    format_duration(c.get(opt::etcd_election_timeout)) +
                                    "\" is less than 5 times etcd-heartbeat-interval \"" +
                                    format_duration(c.get(opt::etcd_heartbeat_interval)) + "\"",
                                "etcd needs an election timeout of at least 5 heartbeats, e.g. "
                                "100ms and 1s"));
    if (c.get(opt::status_update_max_batch_size) < 1)
        out.add(detail::finding(diag::code("out-of-range"), opt::status_update_max_batch_size.spec,
                                c.at(opt::status_update_max_batch_size).source.where,
                                "status-update-max-batch-size " +
                                    std::to_string(c.get(opt::status_update_max_batch_size)) +
                                    " must be at least 1",
                                "use e.g. 20"));
    if (c.get(opt::traffic_workers) < 0 || c.get(opt::traffic_workers) > 1024)
        out.add(detail::finding(diag::code("out-of-range"), opt::traffic_workers.spec,
                                c.at(opt::traffic_workers).source.where,
                                "traffic-workers " + std::to_string(c.get(opt::traffic_workers)) +
                                    " must be from 0 to 1024",
                                "use 0 (one per CPU core) or the number of worker threads"));
    if (c.get(opt::max_call_send_msg_size).bytes < 1024)
        out.add(detail::finding(diag::code("out-of-range"), opt::max_call_send_msg_size.spec,
                                c.at(opt::max_call_send_msg_size).source.where,
                                "max-call-send-msg-size " +
                                    std::to_string(c.get(opt::max_call_send_msg_size).bytes) +
                                    " bytes is too small to carry cluster messages",
                                "use at least 1KiB; the default is 10485760 (10MiB)"));
}

// An advertised port that nothing of this member listens on is usually a typo.
inline void check_advertised_ports(const effective_config& c, diag::diagnostics& out) {
    if (!detail::is_primary(c)) return;
    for (const auto& [advertised, listened] : detail::advertised_and_listened) {
        const auto& listen_urls = std::get<string_list>(c.at(*listened).value);
        std::vector<std::string> ports;
        for (const auto& url : listen_urls) ports.push_back(detail::port_of(url));
        const auto& slot = c.at(*advertised);
        const auto& urls = std::get<string_list>(slot.value);
        for (std::size_t i = 0; i < urls.size(); ++i) {
            const auto port = detail::port_of(urls[i]);
            if (port.empty() || std::find(ports.begin(), ports.end(), port) != ports.end())
                continue;
            out.add(detail::finding(
                diag::code("advertised-port-not-listened"), *advertised, slot.place_of_item(i),
                std::string(advertised->yaml_key()) + " \"" + urls[i] + "\" uses port " + port +
                    ", but " + std::string(listened->yaml_key()) + " is " +
                    detail::join(listen_urls),
                "advertise the port this member listens on"));
        }
    }
}

namespace detail {

// Whether a member listening on `listened` can be reached at `advertised` on this machine:
// the same host, localhost and a loopback address, or a listen host that is every address.
inline bool listened_at(const std::string& advertised, const std::vector<std::string>& listened) {
    for (const auto& host : listened)
        if (host == advertised || is_unspecified_address(host) ||
            (is_loopback_host(host) && is_loopback_host(advertised) &&
             hosts_overlap(host, advertised)))
            return true;
    return false;
}

inline std::vector<std::string> hosts_of(const string_list& urls) {
    std::vector<std::string> hosts;
    for (const auto& url : urls)
        if (const auto parts = split_url(url)) hosts.push_back(parts->host);
    return hosts;
}

}  // namespace detail

// An advertised URL leads to this member only if it listens there. A loopback URL it does not
// listen on leads nowhere (an error: the default localhost is the usual case); another host
// may lead here through NAT, a port mapping or a DNS name (a warning naming both).
inline void check_advertised_hosts(const effective_config& c, diag::diagnostics& out) {
    if (!detail::is_primary(c)) return;
    for (const auto& [advertised, listened] : detail::advertised_and_listened) {
        const auto& listen_urls = std::get<string_list>(c.at(*listened).value);
        const auto listen_hosts = detail::hosts_of(listen_urls);
        // A listen URL that is malformed or on a host name is check_urls' finding.
        if (listen_hosts.size() != listen_urls.size() || listen_hosts.empty() ||
            !std::all_of(listen_hosts.begin(), listen_hosts.end(), [](const std::string& host) {
                return host == "localhost" || is_ip_address(host);
            }))
            continue;
        const auto& slot = c.at(*advertised);
        const auto& urls = std::get<string_list>(slot.value);
        const std::string key(advertised->yaml_key());
        const std::string listen_key(listened->yaml_key());
        for (std::size_t i = 0; i < urls.size(); ++i) {
            const auto parts = split_url(urls[i]);
            if (!parts || parts->host.empty() || is_unspecified_address(parts->host) ||
                detail::listened_at(parts->host, listen_hosts))
                continue;
            const auto example = parts->scheme + "://" + listen_hosts.front() +
                                 (parts->port.empty() ? "" : ":" + parts->port);
            if (is_loopback_host(parts->host)) {
                const std::string what = slot.is_set()
                                             ? key + " \"" + urls[i] + "\""
                                             : key + " is left at its default \"" + urls[i] + "\"";
                out.add(detail::finding(
                    diag::code("advertised-not-listened"), *advertised,
                    slot.is_set() ? slot.place_of_item(i) : c.at(*listened).source.where,
                    what + " (this machine's loopback), but " + listen_key + " is " +
                        detail::join(listen_urls) +
                        ": nothing listens there, so no member and no "
                        "client can reach it",
                    "set " + key + " to " + example));
            } else {
                out.add(detail::finding(
                    diag::code("advertised-host-differs"), *advertised, slot.place_of_item(i),
                    key + " \"" + urls[i] + "\" names host " + parts->host + ", but " + listen_key +
                        " is " + detail::join(listen_urls) +
                        ": it leads here only through NAT, a port mapping or a DNS name",
                    "advertise " + example + ", unless " + parts->host +
                        " is mapped to this member"));
            }
        }
    }
}

// Client certificates and passwords need TLS: over plain HTTP the one cannot be checked and
// the other crosses the network in clear.
inline void check_admin_security(const effective_config& c, diag::diagnostics& out) {
    if (c.get(opt::tls)) return;
    if (!c.get(opt::client_ca_file).empty())
        out.add(detail::finding(diag::code("client-ca-without-tls"), opt::client_ca_file.spec,
                                c.at(opt::client_ca_file).source.where,
                                "client-ca-file is set but tls is off: the admin API serves "
                                "plain HTTP, where no client certificate is asked for or checked",
                                "turn tls on (with cert-file and key-file), or remove "
                                "client-ca-file"));
    if (!c.get(opt::basic_auth).empty())
        out.add(detail::finding(diag::code("basic-auth-without-tls"), opt::basic_auth.spec,
                                c.at(opt::basic_auth).source.where,
                                "basic-auth is set but tls is off: every request carries a "
                                "password in clear",
                                "turn tls on (with cert-file and key-file)"));
}

namespace detail {

// The first shell variable in `text` ($NAME or ${...}), or "".
inline std::string shell_variable_in(const std::string& text) {
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        if (text[i] != '$') continue;
        const char next = text[i + 1];
        if (next == '{') {
            const auto close = text.find('}', i + 2);
            if (close != std::string::npos && close > i + 2) return text.substr(i, close - i + 1);
        } else if (next == '_' || (next >= 'A' && next <= 'Z') || (next >= 'a' && next <= 'z')) {
            std::size_t end = i + 1;
            while (end < text.size() &&
                   (text[end] == '_' || std::isalnum(static_cast<unsigned char>(text[end]))))
                ++end;
            return text.substr(i, end - i);
        }
    }
    return {};
}

}  // namespace detail

// A `$HOST1` copied from a shell command into a file stays that text: YAML expands nothing.
inline void check_shell_variables(const effective_config& c, diag::diagnostics& out) {
    for (const auto* spec : all_options) {
        if (spec->secret) continue;
        const auto& slot = c.at(*spec);
        if (slot.source.kind != source_kind::file) continue;
        std::vector<std::string> texts;
        if (const auto* text = std::get_if<std::string>(&slot.value)) texts.push_back(*text);
        if (const auto* list = std::get_if<string_list>(&slot.value)) texts = *list;
        if (const auto* pairs = std::get_if<string_pairs>(&slot.value))
            for (const auto& [key, value] : *pairs) texts.push_back(key + "=" + value);
        for (std::size_t i = 0; i < texts.size(); ++i) {
            const auto variable = detail::shell_variable_in(texts[i]);
            if (variable.empty()) continue;
            out.add(detail::finding(
                diag::code("shell-variable"), *spec,
                std::holds_alternative<std::string>(slot.value) ? slot.source.where
                                                                : slot.place_of_item(i),
                std::string(spec->yaml_key()) + " holds " + variable +
                    ", a shell variable: YAML does not expand it, so the member gets the text \"" +
                    texts[i] + "\"",
                "write the value itself, or generate the file with the variable expanded "
                "(e.g. eg-config generate, or envsubst)"));
        }
    }
}

using member_rule = void (*)(const effective_config&, diag::diagnostics&);

inline constexpr member_rule member_rules[] = {
    check_names,
    check_allowed_values,
    check_secondary,
    check_urls,
    check_initial_cluster,
    check_ports,
    check_role_options,
    check_standalone_etcd,
    check_tls,
    check_api_addr,
    check_required,
    check_ranges,
    check_advertised_ports,
    check_advertised_hosts,
    check_admin_security,
    check_shell_variables,
};

// Every member rule, every finding.
inline diag::diagnostics check_member(const effective_config& c) {
    diag::diagnostics out;
    for (auto rule : member_rules) rule(c, out);
    return out;
}

}  // namespace eg::config::rules
