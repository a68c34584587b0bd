#pragma once
// Every option of easegress-server, declared exactly once, in `option_declarations`. Flags,
// EASEGRESS_* variables, YAML keys, --help, the JSON Schema, the docs, the member status and the
// tests' example values are all derived from these declarations. Their order is the order of
// --help, --print-config and generated files. `opt::` names a declaration with its value type,
// for code that reads one option; a name that is not declared, or declared with another kind,
// does not compile.

#include <eg/option_spec.hpp>

#include <array>
#include <cstddef>
#include <stdexcept>
#include <string_view>

namespace eg::config {

inline constexpr option_spec option_declarations[] = {
    // Commands: command-line only, never read from a file.
    {
        .flag = "version",
        .short_flag = 'v',
        .kind = value_kind::boolean,
        .default_text = "false",
        .example = "true",
        .help = "Print the version and exit.",
        .group = option_group::command,
        .scope = option_scope::command_line,
        .status_field = "ShowVersion",
    },
    {
        .flag = "help",
        .short_flag = 'h',
        .kind = value_kind::boolean,
        .default_text = "false",
        .example = "true",
        .help = "Print this help and exit.",
        .group = option_group::command,
        .scope = option_scope::command_line,
        .status_field = "ShowHelp",
    },
    {
        .flag = "print-config",
        .short_flag = 'c',
        .kind = value_kind::boolean,
        .default_text = "false",
        .example = "true",
        .help = "Print the effective configuration as YAML, each value with its source, and exit.",
        .group = option_group::command,
        .scope = option_scope::command_line,
        .status_field = "ShowConfig",
    },
    {
        .flag = "check-config",
        .kind = value_kind::boolean,
        .default_text = "false",
        .example = "true",
        .help =
            "Validate the configuration and exit: 0 when it is valid, 1 with diagnostics when not. "
            "Binds nothing and creates nothing.",
        .group = option_group::command,
        .scope = option_scope::command_line,
    },
    {
        .flag = "config-file",
        .short_flag = 'f',
        .kind = value_kind::string,
        .example = "/etc/easegress/machine-1.yaml",
        .help = "Load the configuration from a YAML file. EASEGRESS_* variables and flags override "
                "its values.",
        .group = option_group::command,
        .scope = option_scope::command_line,
        .status_field = "ConfigFile",
    },
    {
        .flag = "force-new-cluster",
        .kind = value_kind::boolean,
        .default_text = "false",
        .example = "true",
        .help = "Force to create a new one-member cluster from this primary's data (disaster "
                "recovery; remove it once the cluster is back).",
        .group = option_group::command,
        .scope = option_scope::command_line,
        .roles = role_set::primary,
        .status_field = "ForceNewCluster",
    },
    {
        .flag = "signal-upgrade",
        .kind = value_kind::boolean,
        .default_text = "false",
        .example = "true",
        .help =
            "Send an upgrade signal to the server named in the pid file, then exit. That server "
            "then upgrades itself gracefully.",
        .group = option_group::command,
        .scope = option_scope::command_line,
        .status_field = "SignalUpgrade",
    },

    // Member
    {
        .flag = "name",
        .yaml_path = "name",
        .kind = value_kind::string,
        .default_text = "eg-default-name",
        .example = "machine-1",
        .help = "Human-readable name for this member.",
        .status_field = "Name",
    },
    {
        .flag = "labels",
        .yaml_path = "labels",
        .kind = value_kind::string_map,
        .example = "zone=eu-west-1a,tier=edge",
        .help = "The labels for the instance of Easegress, as key=value pairs.",
        .status_field = "Labels",
    },
    {
        .flag = "api-addr",
        .yaml_path = "api-addr",
        .kind = value_kind::string,
        .default_text = "localhost:2381",
        .example = "10.0.0.1:2381",
        .help = "Address([host]:port) to listen on for administration traffic.",
        .group = option_group::admin_api,
        .status_field = "APIAddr",
    },
    {
        .flag = "tls",
        .yaml_path = "tls",
        .kind = value_kind::boolean,
        .default_text = "false",
        .example = "true",
        .help = "Serve the admin API over HTTPS only (needs cert-file and key-file).",
        .group = option_group::admin_api,
        .status_field = "TLS",
    },
    {
        .flag = "cert-file",
        .yaml_path = "cert-file",
        .kind = value_kind::string,
        .example = "/etc/easegress/admin.crt",
        .help = "Certificate file (PEM) for the HTTPS admin API.",
        .group = option_group::admin_api,
        .status_field = "CertFile",
    },
    {
        .flag = "key-file",
        .yaml_path = "key-file",
        .kind = value_kind::string,
        .example = "/etc/easegress/admin.key",
        .help = "Private key file (PEM) for the HTTPS admin API.",
        .group = option_group::admin_api,
        .status_field = "KeyFile",
    },
    {
        .yaml_path = "client-ca-file",
        .kind = value_kind::string,
        .example = "/etc/easegress/clients-ca.crt",
        .help = "CA file (PEM): with tls, the admin API requires client certificates signed by it.",
        .group = option_group::admin_api,
        .scope = option_scope::file_only,
        .status_field = "ClientCAFile",
    },
    {
        .flag = "debug",
        .yaml_path = "debug",
        .kind = value_kind::boolean,
        .default_text = "false",
        .example = "true",
        .help = "Flag to set lowest log level from INFO downgrade DEBUG.",
        .status_field = "Debug",
    },
    {
        .flag = "disable-access",
        .yaml_path = "disable-access-log",
        .kind = value_kind::boolean,
        .default_text = "false",
        .example = "true",
        .help = "Disable the access logs.",
        .group = option_group::admin_api,
        .status_field = "DisableAccessLog",
    },
    {
        .flag = "initial-object-config-files",
        .yaml_path = "initial-object-config-files",
        .kind = value_kind::path_list,
        .example = "/etc/easegress/objects/server.yaml,/etc/easegress/objects/pipeline.yaml",
        .help = "List of configuration files for initial objects, these objects will be created at "
                "startup if not already exist.",
        .status_field = "InitialObjectConfigFiles",
    },
    {
        .flag = "objects-dump-interval",
        .yaml_path = "objects-dump-interval",
        .kind = value_kind::duration,
        .default_text = "1h",
        .example = "1m",
        .help = "The time interval to dump running objects config, for example: 30m",
        .status_field = "ObjectsDumpInterval",
    },
    {
        .yaml_path = "basic-auth",
        .kind = value_kind::string_map,
        .example = "admin=change-me",
        .help = "User name to password map: the admin API then requires HTTP basic authentication.",
        .group = option_group::admin_api,
        .scope = option_scope::file_only,
        .secret = true,
        .status_field = "BasicAuth",
    },
    {
        .flag = "use-standalone-etcd",
        .yaml_path = "use-standalone-etcd",
        .kind = value_kind::boolean,
        .default_text = "false",
        .example = "true",
        .help =
            "Use an external etcd cluster this member does not run: the member is an etcd client "
            "of the client URLs in primary-listen-peer-urls. Needs cluster-role secondary.",
        .group = option_group::cluster,
        .status_field = "UseStandaloneEtcd",
    },

    // Cluster
    {
        .flag = "cluster-name",
        .yaml_path = "cluster-name",
        .kind = value_kind::string,
        .default_text = "eg-cluster-default-name",
        .example = "multi-node-cluster",
        .help =
            "Human-readable name for the new cluster, ignored while joining an existed cluster.",
        .group = option_group::cluster,
        .status_field = "ClusterName",
    },
    {
        .flag = "cluster-role",
        .yaml_path = "cluster-role",
        .kind = value_kind::string,
        .default_text = "primary",
        .example = "secondary",
        .help = "Cluster role for this member (primary, secondary).",
        .group = option_group::cluster,
        .status_field = "ClusterRole",
        .allowed_values = {"primary", "secondary"},
        .deprecated_values = {{{"writer", "primary"}, {"reader", "secondary"}}},
    },
    {
        .flag = "cluster-request-timeout",
        .yaml_path = "cluster-request-timeout",
        .kind = value_kind::duration,
        .default_text = "10s",
        .example = "20s",
        .help = "Timeout to handle request in the cluster.",
        .group = option_group::cluster,
        .status_field = "ClusterRequestTimeout",
    },
    {
        .flag = "listen-peer-urls",
        .yaml_path = "cluster.listen-peer-urls",
        .kind = value_kind::url_list,
        .default_text = "http://localhost:2380",
        .example = "http://10.0.0.1:2380",
        .help = "List of URLs to listen on for cluster peer traffic.",
        .group = option_group::primary,
        .roles = role_set::primary,
        .status_field = "Cluster.ListenPeerURLs",
        .legacy_keys = {"cluster-listen-peer-urls"},
    },
    {
        .flag = "listen-client-urls",
        .yaml_path = "cluster.listen-client-urls",
        .kind = value_kind::url_list,
        .default_text = "http://localhost:2379",
        .example = "http://10.0.0.1:2379",
        .help = "List of URLs to listen on for cluster client traffic.",
        .group = option_group::primary,
        .roles = role_set::primary,
        .status_field = "Cluster.ListenClientURLs",
        .legacy_keys = {"cluster-listen-client-urls"},
    },
    {
        .flag = "advertise-client-urls",
        .yaml_path = "cluster.advertise-client-urls",
        .kind = value_kind::url_list,
        .default_text = "http://localhost:2379",
        .example = "http://10.0.0.1:2379",
        .help = "List of this member's client URLs to advertise to the rest of the cluster.",
        .group = option_group::primary,
        .roles = role_set::primary,
        .status_field = "Cluster.AdvertiseClientURLs",
        .legacy_keys = {"cluster-advertise-client-urls", "cluster-client-url"},
    },
    {
        .flag = "initial-advertise-peer-urls",
        .yaml_path = "cluster.initial-advertise-peer-urls",
        .kind = value_kind::url_list,
        .default_text = "http://localhost:2380",
        .example = "http://10.0.0.1:2380",
        .help = "List of this member's peer URLs to advertise to the rest of the cluster.",
        .group = option_group::primary,
        .roles = role_set::primary,
        .status_field = "Cluster.InitialAdvertisePeerURLs",
        .legacy_keys = {"cluster-initial-advertise-peer-urls", "cluster-peer-url"},
    },
    {
        .flag = "initial-cluster",
        .yaml_path = "cluster.initial-cluster",
        .kind = value_kind::name_url_map,
        .example = "machine-1=http://10.0.0.1:2380,machine-2=http://10.0.0.2:2380,machine-3=http://"
                   "10.0.0.3:2380",
        .help = "List of (member name, URL) pairs that will form the cluster. E.g. "
                "primary-1=http://localhost:2380. Empty means this member alone.",
        .group = option_group::primary,
        .roles = role_set::primary,
        .status_field = "Cluster.InitialCluster",
    },
    {
        .flag = "state-flag",
        .yaml_path = "cluster.state-flag",
        .kind = value_kind::string,
        .default_text = "new",
        .example = "existing",
        .help = "Cluster state (new, existing): new bootstraps the cluster, existing joins one.",
        .group = option_group::primary,
        .roles = role_set::primary,
        .status_field = "Cluster.StateFlag",
        .allowed_values = {"new", "existing"},
    },
    {
        .flag = "primary-listen-peer-urls",
        .yaml_path = "cluster.primary-listen-peer-urls",
        .kind = value_kind::url_list,
        .default_text = "http://localhost:2380",
        .example = "http://10.0.0.1:2380,http://10.0.0.2:2380",
        .help = "List of peer URLs of primary members. Define this only, when cluster-role is "
                "secondary.",
        .group = option_group::secondary,
        .roles = role_set::secondary,
        .status_field = "Cluster.PrimaryListenPeerURLs",
        .legacy_keys = {"cluster-join-urls"},
    },
    {
        .flag = "max-call-send-msg-size",
        .yaml_path = "cluster.max-call-send-msg-size",
        .kind = value_kind::size,
        .default_text = "10485760",
        .example = "20MiB",
        .help = "Maximum size in bytes for cluster synchronization messages.",
        .group = option_group::cluster,
        .status_field = "Cluster.MaxCallSendMsgSize",
    },
    {
        .flag = "etcd-heartbeat-interval",
        .yaml_path = "cluster.etcd-heartbeat-interval",
        .kind = value_kind::duration,
        .default_text = "100ms",
        .example = "200ms",
        .help =
            "etcd heartbeat interval of a primary (etcd's default). Use the same value on every "
            "primary.",
        .group = option_group::primary,
        .roles = role_set::primary,
    },
    {
        .flag = "etcd-election-timeout",
        .yaml_path = "cluster.etcd-election-timeout",
        .kind = value_kind::duration,
        .default_text = "1s",
        .example = "2s",
        .help =
            "etcd election timeout of a primary (etcd's default); at least 5 times the heartbeat "
            "interval. Use the same value on every primary.",
        .group = option_group::primary,
        .roles = role_set::primary,
    },

    // Directories and files
    {
        .flag = "home-dir",
        .yaml_path = "home-dir",
        .kind = value_kind::string,
        .default_text = "./",
        .example = "/var/lib/easegress",
        .help = "Path to the home directory.",
        .group = option_group::paths,
        .status_field = "HomeDir",
    },
    {
        .flag = "data-dir",
        .yaml_path = "data-dir",
        .kind = value_kind::string,
        .default_text = "data",
        .example = "etcd-data",
        .help = "Path to the data directory.",
        .group = option_group::paths,
        .status_field = "DataDir",
    },
    {
        .flag = "wal-dir",
        .yaml_path = "wal-dir",
        .kind = value_kind::string,
        .example = "/var/lib/easegress/wal",
        .help = "Path to the WAL directory.",
        .group = option_group::paths,
        .roles = role_set::primary,
        .status_field = "WALDir",
    },
    {
        .flag = "log-dir",
        .yaml_path = "log-dir",
        .kind = value_kind::string,
        .example = "/var/log/easegress",
        .help = "Path to the log directory; empty logs to standard output.",
        .group = option_group::paths,
        .status_field = "LogDir",
    },
    {
        .flag = "cpu-profile-file",
        .yaml_path = "cpu-profile-file",
        .kind = value_kind::string,
        .example = "/var/lib/easegress/cpu.pprof",
        .help = "Path to the CPU profile file.",
        .group = option_group::paths,
        .status_field = "CPUProfileFile",
    },
    {
        .flag = "memory-profile-file",
        .yaml_path = "memory-profile-file",
        .kind = value_kind::string,
        .example = "/var/lib/easegress/memory.pprof",
        .help = "Path to the memory profile file.",
        .group = option_group::paths,
        .status_field = "MemoryProfileFile",
    },
    {
        .flag = "status-update-max-batch-size",
        .yaml_path = "status-update-max-batch-size",
        .kind = value_kind::integer,
        .default_text = "20",
        .example = "50",
        .help = "Number of object statuses to update at maximum in one transaction.",
        .group = option_group::cluster,
        .status_field = "StatusUpdateMaxBatchSize",
    },
    {
        .flag = "member-heartbeat-interval",
        .yaml_path = "member-heartbeat-interval",
        .kind = value_kind::duration,
        .default_text = "5s",
        .example = "10s",
        .help = "How often this member publishes its status. A member silent for 3 intervals is "
                "shown as Offline.",
        .group = option_group::cluster,
        .status_field = "MemberHeartbeatInterval",
    },
    {
        .flag = "traffic-workers",
        .yaml_path = "traffic-workers",
        .kind = value_kind::integer,
        .default_text = "0",
        .example = "4",
        .help = "Worker threads of the traffic plane (each with its own event loop and its own "
                "listener per HTTPServer port); 0: one per CPU core.",
        .group = option_group::cluster,
    },
    {
        .flag = "etcd-binary",
        .yaml_path = "etcd-binary",
        .kind = value_kind::string,
        .default_text = "etcd",
        .example = "/usr/bin/etcd",
        .help = "The etcd executable a primary runs: a path, or a name looked up on PATH.",
        .group = option_group::primary,
        .roles = role_set::primary,
    },

    // Removed: accepted with a warning, no effect.
    {
        .flag = "member-dir",
        .yaml_path = "member-dir",
        .kind = value_kind::string,
        .example = "member",
        .help = "Removed in Easegress v2.8.0; accepted with a warning and ignored.",
        .group = option_group::removed,
        .removed = true,
    },
};

// Every declaration, in print order.
inline constexpr auto all_options = [] {
    std::array<const option_spec*, std::size(option_declarations)> list{};
    for (std::size_t i = 0; i < list.size(); ++i) list[i] = &option_declarations[i];
    return list;
}();

// Position of a declaration in the list.
constexpr std::size_t index_of(const option_spec& spec) {
    for (std::size_t i = 0; i < all_options.size(); ++i)
        if (all_options[i] == &spec) return i;
    throw std::logic_error("option is not one of option_declarations");
}

namespace opt {

using k = value_kind;

// The declaration whose flag (or, without a flag, YAML path) is `id`, typed with its kind.
template <value_kind K>
consteval option_decl<K> declared(std::string_view id) {
    std::size_t matches = 0;
    std::size_t at = 0;
    for (std::size_t i = 0; i < std::size(option_declarations); ++i) {
        const auto& spec = option_declarations[i];
        if (spec.flag == id || (spec.flag.empty() && spec.yaml_path == id)) {
            ++matches;
            at = i;
        }
    }
    if (matches != 1) throw std::logic_error("no single option is declared with this name");
    if (option_declarations[at].kind != K)
        throw std::logic_error("the option is declared with another value kind");
    return option_decl<K>{option_declarations[at]};
}

inline constexpr auto version = declared<k::boolean>("version");
inline constexpr auto help = declared<k::boolean>("help");
inline constexpr auto print_config = declared<k::boolean>("print-config");
inline constexpr auto check_config = declared<k::boolean>("check-config");
inline constexpr auto config_file = declared<k::string>("config-file");
inline constexpr auto force_new_cluster = declared<k::boolean>("force-new-cluster");
inline constexpr auto signal_upgrade = declared<k::boolean>("signal-upgrade");
inline constexpr auto name = declared<k::string>("name");
inline constexpr auto labels = declared<k::string_map>("labels");
inline constexpr auto api_addr = declared<k::string>("api-addr");
inline constexpr auto tls = declared<k::boolean>("tls");
inline constexpr auto cert_file = declared<k::string>("cert-file");
inline constexpr auto key_file = declared<k::string>("key-file");
inline constexpr auto client_ca_file = declared<k::string>("client-ca-file");
inline constexpr auto debug = declared<k::boolean>("debug");
inline constexpr auto disable_access_log = declared<k::boolean>("disable-access");
inline constexpr auto initial_object_config_files =
    declared<k::path_list>("initial-object-config-files");
inline constexpr auto objects_dump_interval = declared<k::duration>("objects-dump-interval");
inline constexpr auto basic_auth = declared<k::string_map>("basic-auth");
inline constexpr auto use_standalone_etcd = declared<k::boolean>("use-standalone-etcd");
inline constexpr auto cluster_name = declared<k::string>("cluster-name");
inline constexpr auto cluster_role = declared<k::string>("cluster-role");
inline constexpr auto cluster_request_timeout = declared<k::duration>("cluster-request-timeout");
inline constexpr auto listen_peer_urls = declared<k::url_list>("listen-peer-urls");
inline constexpr auto listen_client_urls = declared<k::url_list>("listen-client-urls");
inline constexpr auto advertise_client_urls = declared<k::url_list>("advertise-client-urls");
inline constexpr auto initial_advertise_peer_urls =
    declared<k::url_list>("initial-advertise-peer-urls");
inline constexpr auto initial_cluster = declared<k::name_url_map>("initial-cluster");
inline constexpr auto state_flag = declared<k::string>("state-flag");
inline constexpr auto primary_listen_peer_urls = declared<k::url_list>("primary-listen-peer-urls");
inline constexpr auto max_call_send_msg_size = declared<k::size>("max-call-send-msg-size");
inline constexpr auto etcd_heartbeat_interval = declared<k::duration>("etcd-heartbeat-interval");
inline constexpr auto etcd_election_timeout = declared<k::duration>("etcd-election-timeout");
inline constexpr auto home_dir = declared<k::string>("home-dir");
inline constexpr auto data_dir = declared<k::string>("data-dir");
inline constexpr auto wal_dir = declared<k::string>("wal-dir");
inline constexpr auto log_dir = declared<k::string>("log-dir");
inline constexpr auto cpu_profile_file = declared<k::string>("cpu-profile-file");
inline constexpr auto memory_profile_file = declared<k::string>("memory-profile-file");
inline constexpr auto status_update_max_batch_size =
    declared<k::integer>("status-update-max-batch-size");
inline constexpr auto member_heartbeat_interval =
    declared<k::duration>("member-heartbeat-interval");
inline constexpr auto traffic_workers = declared<k::integer>("traffic-workers");
inline constexpr auto etcd_binary = declared<k::string>("etcd-binary");
inline constexpr auto member_dir = declared<k::string>("member-dir");

}  // namespace opt

}  // namespace eg::config
