#pragma once
// Every option of easegress-server, declared exactly once. Flags, EASEGRESS_* variables, YAML
// keys, --help, the JSON Schema, the docs and the member status are all derived from this file.
// The order of all_options is the order of --print-config and of generated files.

#include <eg/option_spec.hpp>

#include <array>
#include <cstddef>
#include <stdexcept>

namespace eg::config::opt {

using k = value_kind;

// Commands: command-line only, never read from a file.
inline constexpr option_decl<k::boolean> version{{
    .flag = "version",
    .short_flag = 'v',
    .default_text = "false",
    .help = "Print the version and exit.",
    .group = option_group::command,
    .scope = option_scope::command_line,
    .status_field = "ShowVersion",
}};
inline constexpr option_decl<k::boolean> help{{
    .flag = "help",
    .short_flag = 'h',
    .default_text = "false",
    .help = "Print this help and exit.",
    .group = option_group::command,
    .scope = option_scope::command_line,
    .status_field = "ShowHelp",
}};
inline constexpr option_decl<k::boolean> print_config{{
    .flag = "print-config",
    .short_flag = 'c',
    .default_text = "false",
    .help = "Print the effective configuration as YAML, each value with its source, and exit.",
    .group = option_group::command,
    .scope = option_scope::command_line,
    .status_field = "ShowConfig",
}};
inline constexpr option_decl<k::boolean> check_config{{
    .flag = "check-config",
    .default_text = "false",
    .help = "Validate the configuration and exit: 0 when it is valid, 1 with diagnostics when not. "
            "Binds nothing and creates nothing.",
    .group = option_group::command,
    .scope = option_scope::command_line,
}};
inline constexpr option_decl<k::string> config_file{{
    .flag = "config-file",
    .short_flag = 'f',
    .help = "Load the configuration from a YAML file. EASEGRESS_* variables and flags override "
            "its values.",
    .group = option_group::command,
    .scope = option_scope::command_line,
    .status_field = "ConfigFile",
}};
inline constexpr option_decl<k::boolean> force_new_cluster{{
    .flag = "force-new-cluster",
    .default_text = "false",
    .help = "Force to create a new one-member cluster from this primary's data (disaster "
            "recovery; remove it once the cluster is back).",
    .group = option_group::command,
    .scope = option_scope::command_line,
    .roles = role_set::primary,
    .status_field = "ForceNewCluster",
}};
inline constexpr option_decl<k::boolean> signal_upgrade{{
    .flag = "signal-upgrade",
    .default_text = "false",
    .help = "Send an upgrade signal to the server named in the pid file, then exit. That server "
            "then upgrades itself gracefully.",
    .group = option_group::command,
    .scope = option_scope::command_line,
    .status_field = "SignalUpgrade",
}};

// Member
inline constexpr option_decl<k::string> name{{
    .flag = "name",
    .yaml_path = "name",
    .default_text = "eg-default-name",
    .help = "Human-readable name for this member.",
    .status_field = "Name",
}};
inline constexpr option_decl<k::string_map> labels{{
    .flag = "labels",
    .yaml_path = "labels",
    .help = "The labels for the instance of Easegress, as key=value pairs.",
    .status_field = "Labels",
}};
inline constexpr option_decl<k::string> api_addr{{
    .flag = "api-addr",
    .yaml_path = "api-addr",
    .default_text = "localhost:2381",
    .help = "Address([host]:port) to listen on for administration traffic.",
    .group = option_group::admin_api,
    .status_field = "APIAddr",
}};
inline constexpr option_decl<k::boolean> tls{{
    .flag = "tls",
    .yaml_path = "tls",
    .default_text = "false",
    .help = "Serve the admin API over HTTPS only (needs cert-file and key-file).",
    .group = option_group::admin_api,
    .status_field = "TLS",
}};
inline constexpr option_decl<k::string> cert_file{{
    .flag = "cert-file",
    .yaml_path = "cert-file",
    .help = "Certificate file (PEM) for the HTTPS admin API.",
    .group = option_group::admin_api,
    .status_field = "CertFile",
}};
inline constexpr option_decl<k::string> key_file{{
    .flag = "key-file",
    .yaml_path = "key-file",
    .help = "Private key file (PEM) for the HTTPS admin API.",
    .group = option_group::admin_api,
    .status_field = "KeyFile",
}};
inline constexpr option_decl<k::string> client_ca_file{{
    .yaml_path = "client-ca-file",
    .help = "CA file (PEM): with tls, the admin API requires client certificates signed by it.",
    .group = option_group::admin_api,
    .scope = option_scope::file_only,
    .status_field = "ClientCAFile",
}};
inline constexpr option_decl<k::boolean> debug{{
    .flag = "debug",
    .yaml_path = "debug",
    .default_text = "false",
    .help = "Flag to set lowest log level from INFO downgrade DEBUG.",
    .status_field = "Debug",
}};
inline constexpr option_decl<k::boolean> disable_access_log{{
    .flag = "disable-access",
    .yaml_path = "disable-access-log",
    .default_text = "false",
    .help = "Disable the access logs.",
    .group = option_group::admin_api,
    .status_field = "DisableAccessLog",
}};
inline constexpr option_decl<k::path_list> initial_object_config_files{{
    .flag = "initial-object-config-files",
    .yaml_path = "initial-object-config-files",
    .help = "List of configuration files for initial objects, these objects will be created at "
            "startup if not already exist.",
    .status_field = "InitialObjectConfigFiles",
}};
inline constexpr option_decl<k::duration> objects_dump_interval{{
    .flag = "objects-dump-interval",
    .yaml_path = "objects-dump-interval",
    .default_text = "1h",
    .help = "The time interval to dump running objects config, for example: 30m",
    .status_field = "ObjectsDumpInterval",
}};
inline constexpr option_decl<k::string_map> basic_auth{{
    .yaml_path = "basic-auth",
    .help = "User name to password map: the admin API then requires HTTP basic authentication.",
    .group = option_group::admin_api,
    .scope = option_scope::file_only,
    .secret = true,
    .status_field = "BasicAuth",
}};
inline constexpr option_decl<k::boolean> use_standalone_etcd{{
    .flag = "use-standalone-etcd",
    .yaml_path = "use-standalone-etcd",
    .default_text = "false",
    .help = "Use an external etcd cluster this member does not run: the member is an etcd client "
            "of the client URLs in primary-listen-peer-urls. Needs cluster-role secondary.",
    .group = option_group::cluster,
    .status_field = "UseStandaloneEtcd",
}};

// Cluster
inline constexpr option_decl<k::string> cluster_name{{
    .flag = "cluster-name",
    .yaml_path = "cluster-name",
    .default_text = "eg-cluster-default-name",
    .help = "Human-readable name for the new cluster, ignored while joining an existed cluster.",
    .group = option_group::cluster,
    .status_field = "ClusterName",
}};
inline constexpr option_decl<k::string> cluster_role{{
    .flag = "cluster-role",
    .yaml_path = "cluster-role",
    .default_text = "primary",
    .help = "Cluster role for this member (primary, secondary).",
    .group = option_group::cluster,
    .status_field = "ClusterRole",
    .allowed_values = {"primary", "secondary"},
    .deprecated_values = {{{"writer", "primary"}, {"reader", "secondary"}}},
}};
inline constexpr option_decl<k::duration> cluster_request_timeout{{
    .flag = "cluster-request-timeout",
    .yaml_path = "cluster-request-timeout",
    .default_text = "10s",
    .help = "Timeout to handle request in the cluster.",
    .group = option_group::cluster,
    .status_field = "ClusterRequestTimeout",
}};
inline constexpr option_decl<k::url_list> listen_peer_urls{{
    .flag = "listen-peer-urls",
    .yaml_path = "cluster.listen-peer-urls",
    .default_text = "http://localhost:2380",
    .help = "List of URLs to listen on for cluster peer traffic.",
    .group = option_group::primary,
    .roles = role_set::primary,
    .status_field = "Cluster.ListenPeerURLs",
    .legacy_keys = {"cluster-listen-peer-urls"},
}};
inline constexpr option_decl<k::url_list> listen_client_urls{{
    .flag = "listen-client-urls",
    .yaml_path = "cluster.listen-client-urls",
    .default_text = "http://localhost:2379",
    .help = "List of URLs to listen on for cluster client traffic.",
    .group = option_group::primary,
    .roles = role_set::primary,
    .status_field = "Cluster.ListenClientURLs",
    .legacy_keys = {"cluster-listen-client-urls"},
}};
inline constexpr option_decl<k::url_list> advertise_client_urls{{
    .flag = "advertise-client-urls",
    .yaml_path = "cluster.advertise-client-urls",
    .default_text = "http://localhost:2379",
    .help = "List of this member's client URLs to advertise to the rest of the cluster.",
    .group = option_group::primary,
    .roles = role_set::primary,
    .status_field = "Cluster.AdvertiseClientURLs",
    .legacy_keys = {"cluster-advertise-client-urls", "cluster-client-url"},
}};
inline constexpr option_decl<k::url_list> initial_advertise_peer_urls{{
    .flag = "initial-advertise-peer-urls",
    .yaml_path = "cluster.initial-advertise-peer-urls",
    .default_text = "http://localhost:2380",
    .help = "List of this member's peer URLs to advertise to the rest of the cluster.",
    .group = option_group::primary,
    .roles = role_set::primary,
    .status_field = "Cluster.InitialAdvertisePeerURLs",
    .legacy_keys = {"cluster-initial-advertise-peer-urls", "cluster-peer-url"},
}};
inline constexpr option_decl<k::name_url_map> initial_cluster{{
    .flag = "initial-cluster",
    .yaml_path = "cluster.initial-cluster",
    .help = "List of (member name, URL) pairs that will form the cluster. E.g. "
            "primary-1=http://localhost:2380. Empty means this member alone.",
    .group = option_group::primary,
    .roles = role_set::primary,
    .status_field = "Cluster.InitialCluster",
}};
inline constexpr option_decl<k::string> state_flag{{
    .flag = "state-flag",
    .yaml_path = "cluster.state-flag",
    .default_text = "new",
    .help = "Cluster state (new, existing): new bootstraps the cluster, existing joins one.",
    .group = option_group::primary,
    .roles = role_set::primary,
    .status_field = "Cluster.StateFlag",
    .allowed_values = {"new", "existing"},
}};
inline constexpr option_decl<k::url_list> primary_listen_peer_urls{{
    .flag = "primary-listen-peer-urls",
    .yaml_path = "cluster.primary-listen-peer-urls",
    .default_text = "http://localhost:2380",
    .help = "List of peer URLs of primary members. Define this only, when cluster-role is "
            "secondary.",
    .group = option_group::secondary,
    .roles = role_set::secondary,
    .status_field = "Cluster.PrimaryListenPeerURLs",
    .legacy_keys = {"cluster-join-urls"},
}};
inline constexpr option_decl<k::size> max_call_send_msg_size{{
    .flag = "max-call-send-msg-size",
    .yaml_path = "cluster.max-call-send-msg-size",
    .default_text = "10485760",
    .help = "Maximum size in bytes for cluster synchronization messages.",
    .group = option_group::cluster,
    .status_field = "Cluster.MaxCallSendMsgSize",
}};

inline constexpr option_decl<k::duration> etcd_heartbeat_interval{{
    .flag = "etcd-heartbeat-interval",
    .yaml_path = "cluster.etcd-heartbeat-interval",
    .default_text = "100ms",
    .help = "etcd heartbeat interval of a primary (etcd's default). Use the same value on every "
            "primary.",
    .group = option_group::primary,
    .roles = role_set::primary,
}};
inline constexpr option_decl<k::duration> etcd_election_timeout{{
    .flag = "etcd-election-timeout",
    .yaml_path = "cluster.etcd-election-timeout",
    .default_text = "1s",
    .help = "etcd election timeout of a primary (etcd's default); at least 5 times the heartbeat "
            "interval. Use the same value on every primary.",
    .group = option_group::primary,
    .roles = role_set::primary,
}};

// Directories and files
inline constexpr option_decl<k::string> home_dir{{
    .flag = "home-dir",
    .yaml_path = "home-dir",
    .default_text = "./",
    .help = "Path to the home directory.",
    .group = option_group::paths,
    .status_field = "HomeDir",
}};
inline constexpr option_decl<k::string> data_dir{{
    .flag = "data-dir",
    .yaml_path = "data-dir",
    .default_text = "data",
    .help = "Path to the data directory.",
    .group = option_group::paths,
    .status_field = "DataDir",
}};
inline constexpr option_decl<k::string> wal_dir{{
    .flag = "wal-dir",
    .yaml_path = "wal-dir",
    .help = "Path to the WAL directory.",
    .group = option_group::paths,
    .roles = role_set::primary,
    .status_field = "WALDir",
}};
inline constexpr option_decl<k::string> log_dir{{
    .flag = "log-dir",
    .yaml_path = "log-dir",
    .help = "Path to the log directory; empty logs to standard output.",
    .group = option_group::paths,
    .status_field = "LogDir",
}};
inline constexpr option_decl<k::string> cpu_profile_file{{
    .flag = "cpu-profile-file",
    .yaml_path = "cpu-profile-file",
    .help = "Path to the CPU profile file.",
    .group = option_group::paths,
    .status_field = "CPUProfileFile",
}};
inline constexpr option_decl<k::string> memory_profile_file{{
    .flag = "memory-profile-file",
    .yaml_path = "memory-profile-file",
    .help = "Path to the memory profile file.",
    .group = option_group::paths,
    .status_field = "MemoryProfileFile",
}};
inline constexpr option_decl<k::integer> status_update_max_batch_size{{
    .flag = "status-update-max-batch-size",
    .yaml_path = "status-update-max-batch-size",
    .default_text = "20",
    .help = "Number of object statuses to update at maximum in one transaction.",
    .group = option_group::cluster,
    .status_field = "StatusUpdateMaxBatchSize",
}};

inline constexpr option_decl<k::duration> member_heartbeat_interval{{
    .flag = "member-heartbeat-interval",
    .yaml_path = "member-heartbeat-interval",
    .default_text = "5s",
    .help = "How often this member publishes its status. A member silent for 3 intervals is "
            "shown as Offline.",
    .group = option_group::cluster,
    .status_field = "MemberHeartbeatInterval",
}};
inline constexpr option_decl<k::string> etcd_binary{{
    .flag = "etcd-binary",
    .yaml_path = "etcd-binary",
    .default_text = "etcd",
    .help = "The etcd executable a primary runs: a path, or a name looked up on PATH.",
    .group = option_group::primary,
    .roles = role_set::primary,
}};

// Removed: accepted with a warning, no effect.
inline constexpr option_decl<k::string> member_dir{{
    .flag = "member-dir",
    .yaml_path = "member-dir",
    .help = "Removed in Easegress v2.8.0; accepted with a warning and ignored.",
    .group = option_group::removed,
    .removed = true,
}};

}  // namespace eg::config::opt

namespace eg::config {

// The registry: the declarations above, in print order.
inline constexpr auto all_options = std::to_array<const option_spec*>({
    &opt::version.spec,
    &opt::help.spec,
    &opt::print_config.spec,
    &opt::check_config.spec,
    &opt::config_file.spec,
    &opt::force_new_cluster.spec,
    &opt::signal_upgrade.spec,
    &opt::name.spec,
    &opt::labels.spec,
    &opt::api_addr.spec,
    &opt::tls.spec,
    &opt::cert_file.spec,
    &opt::key_file.spec,
    &opt::client_ca_file.spec,
    &opt::debug.spec,
    &opt::disable_access_log.spec,
    &opt::initial_object_config_files.spec,
    &opt::objects_dump_interval.spec,
    &opt::basic_auth.spec,
    &opt::use_standalone_etcd.spec,
    &opt::cluster_name.spec,
    &opt::cluster_role.spec,
    &opt::cluster_request_timeout.spec,
    &opt::listen_peer_urls.spec,
    &opt::listen_client_urls.spec,
    &opt::advertise_client_urls.spec,
    &opt::initial_advertise_peer_urls.spec,
    &opt::initial_cluster.spec,
    &opt::state_flag.spec,
    &opt::primary_listen_peer_urls.spec,
    &opt::max_call_send_msg_size.spec,
    &opt::etcd_heartbeat_interval.spec,
    &opt::etcd_election_timeout.spec,
    &opt::home_dir.spec,
    &opt::data_dir.spec,
    &opt::wal_dir.spec,
    &opt::log_dir.spec,
    &opt::cpu_profile_file.spec,
    &opt::memory_profile_file.spec,
    &opt::status_update_max_batch_size.spec,
    &opt::member_heartbeat_interval.spec,
    &opt::etcd_binary.spec,
    &opt::member_dir.spec,
});

// Position of a declaration in the registry.
constexpr std::size_t index_of(const option_spec& spec) {
    for (std::size_t i = 0; i < all_options.size(); ++i)
        if (all_options[i] == &spec) return i;
    throw std::logic_error("option is not registered in all_options");
}

}  // namespace eg::config
