// The option registry (include/eg/server_options.hpp): its invariants, and that every flag,
// EASEGRESS_* variable, YAML key and default matches upstream easegress-server.

#include <eg/option_spec.hpp>
#include <eg/option_value.hpp>
#include <eg/server_options.hpp>

#include <catch2/catch.hpp>

#include <cctype>
#include <cstddef>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

using eg::config::all_options;
using eg::config::option_scope;
using eg::config::option_spec;
using eg::config::value_kind;
namespace opt = eg::config::opt;

namespace {

// The option whose flag is `flag`, or nullptr.
const option_spec* by_flag(std::string_view flag) {
    for (const auto* o : all_options)
        if (o->flag == flag) return o;
    return nullptr;
}

// The option read from the YAML path `path`, or nullptr.
const option_spec* by_yaml_path(std::string_view path) {
    for (const auto* o : all_options)
        if (o->yaml_path == path) return o;
    return nullptr;
}

// EASEGRESS_ + the flag upper-cased with '-' as '_', computed independently of env_name().
std::string expected_env(std::string_view flag) {
    std::string name = "EASEGRESS_";
    for (char c : flag)
        name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return name;
}

std::string label(const option_spec& o) {
    return o.has_flag() ? std::string(o.flag) : std::string(o.yaml_path);
}

}  // namespace

TEST_CASE("all_options: flags are unique", "[options]") {
    std::set<std::string_view> seen;
    for (const auto* o : all_options) {
        if (!o->has_flag()) continue;
        INFO("flag: " << o->flag);
        CHECK(seen.insert(o->flag).second);
    }
    CHECK(seen.size() == 42);
}

TEST_CASE("all_options: short flags are unique", "[options]") {
    std::set<char> seen;
    for (const auto* o : all_options) {
        if (o->short_flag == 0) continue;
        INFO("short flag: " << o->short_flag);
        CHECK(o->has_flag());
        CHECK(seen.insert(o->short_flag).second);
    }
    CHECK(seen == std::set<char>{'v', 'h', 'c', 'f'});
    CHECK(opt::version.spec.short_flag == 'v');
    CHECK(opt::help.spec.short_flag == 'h');
    CHECK(opt::print_config.spec.short_flag == 'c');
    CHECK(opt::config_file.spec.short_flag == 'f');
}

TEST_CASE("all_options: EASEGRESS_* names are unique", "[options]") {
    std::set<std::string> seen;
    for (const auto* o : all_options) {
        if (!o->has_flag()) continue;
        const std::string env = eg::config::env_name(*o);
        INFO("variable: " << env);
        CHECK(seen.insert(env).second);
    }
}

TEST_CASE("all_options: YAML paths are unique, also against legacy keys", "[options]") {
    std::set<std::string_view> paths;
    for (const auto* o : all_options) {
        if (!o->in_file()) continue;
        INFO("path: " << o->yaml_path);
        CHECK(paths.insert(o->yaml_path).second);
    }
    std::set<std::string_view> legacy;
    for (const auto* o : all_options)
        for (auto key : o->legacy_keys) {
            if (key.empty()) continue;
            INFO("legacy key: " << key);
            CHECK(legacy.insert(key).second);
            CHECK(paths.count(key) == 0);
        }
}

TEST_CASE("all_options: every default text parses with its kind's parser", "[options]") {
    for (const auto* o : all_options) {
        INFO("option: " << label(*o) << ", default: [" << o->default_text << "]");
        const auto result = eg::config::parse_text(o->kind, o->default_text);
        if (const auto* failure = std::get_if<eg::config::parse_failure>(&result))
            FAIL_CHECK(failure->message);
        else
            CHECK(eg::config::format_text(std::get<eg::config::option_value>(result)) ==
                  o->default_text);
    }
}

TEST_CASE("all_options: every example parses, is allowed and differs from the default",
          "[options]") {
    for (const auto* o : all_options) {
        INFO("option: " << label(*o) << ", example: [" << o->example << "]");
        REQUIRE_FALSE(o->example.empty());
        const auto example = eg::config::parse_text(o->kind, o->example);
        const auto fallback = eg::config::parse_text(o->kind, o->default_text);
        if (const auto* failure = std::get_if<eg::config::parse_failure>(&example)) {
            FAIL_CHECK(failure->message);
            continue;
        }
        CHECK(o->allows(o->example));
        REQUIRE(std::holds_alternative<eg::config::option_value>(fallback));
        CHECK(std::get<eg::config::option_value>(example) !=
              std::get<eg::config::option_value>(fallback));
    }
}

TEST_CASE("opt: each typed name is the declaration with that flag or YAML path", "[options]") {
    STATIC_REQUIRE(opt::disable_access_log.spec.flag == "disable-access");
    STATIC_REQUIRE(opt::client_ca_file.spec.yaml_path == "client-ca-file");
    STATIC_REQUIRE(opt::client_ca_file.spec.kind == value_kind::string);
    STATIC_REQUIRE(opt::initial_cluster.spec.kind == value_kind::name_url_map);
    STATIC_REQUIRE(eg::config::opt::declared<value_kind::duration>("etcd-election-timeout")
                       .spec.default_text == "1s");
}

TEST_CASE("all_options: every default of an option with allowed values is allowed", "[options]") {
    for (const auto* o : all_options) {
        INFO("option: " << label(*o));
        CHECK(o->allows(o->default_text));
    }
}

TEST_CASE("env_name: is EASEGRESS_ and the flag upper-cased with '-' as '_'", "[options]") {
    for (const auto* o : all_options) {
        if (!o->has_flag()) continue;
        INFO("flag: " << o->flag);
        CHECK(eg::config::env_name(*o) == expected_env(o->flag));
        CHECK(eg::config::flag_name(*o) == "--" + std::string(o->flag));
    }
    CHECK(eg::config::env_name(opt::listen_peer_urls.spec) == "EASEGRESS_LISTEN_PEER_URLS");
    CHECK(eg::config::flag_name(opt::listen_peer_urls.spec) == "--listen-peer-urls");
}

TEST_CASE("all_options: every variable of the upstream tutorial maps to its flag", "[options]") {
    const std::pair<std::string_view, std::string_view> tutorial[] = {
        {"EASEGRESS_NAME", "name"},
        {"EASEGRESS_LABELS", "labels"},
        {"EASEGRESS_CONFIG_FILE", "config-file"},
        {"EASEGRESS_FORCE_NEW_CLUSTER", "force-new-cluster"},
        {"EASEGRESS_SIGNAL_UPGRADE", "signal-upgrade"},
        {"EASEGRESS_USE_STANDALONE_ETCD", "use-standalone-etcd"},
        {"EASEGRESS_CLUSTER_NAME", "cluster-name"},
        {"EASEGRESS_CLUSTER_ROLE", "cluster-role"},
        {"EASEGRESS_CLUSTER_REQUEST_TIMEOUT", "cluster-request-timeout"},
        {"EASEGRESS_LISTEN_CLIENT_URLS", "listen-client-urls"},
        {"EASEGRESS_LISTEN_PEER_URLS", "listen-peer-urls"},
        {"EASEGRESS_ADVERTISE_CLIENT_URLS", "advertise-client-urls"},
        {"EASEGRESS_INITIAL_ADVERTISE_PEER_URLS", "initial-advertise-peer-urls"},
        {"EASEGRESS_INITIAL_CLUSTER", "initial-cluster"},
        {"EASEGRESS_STATE_FLAG", "state-flag"},
        {"EASEGRESS_PRIMARY_LISTEN_PEER_URLS", "primary-listen-peer-urls"},
        {"EASEGRESS_MAX_CALL_SEND_MSG_SIZE", "max-call-send-msg-size"},
        {"EASEGRESS_API_ADDR", "api-addr"},
        {"EASEGRESS_TLS", "tls"},
        {"EASEGRESS_CERT_FILE", "cert-file"},
        {"EASEGRESS_KEY_FILE", "key-file"},
        {"EASEGRESS_DEBUG", "debug"},
        {"EASEGRESS_DISABLE_ACCESS", "disable-access"},
        {"EASEGRESS_OBJECTS_DUMP_INTERVAL", "objects-dump-interval"},
        {"EASEGRESS_INITIAL_OBJECT_CONFIG_FILES", "initial-object-config-files"},
        {"EASEGRESS_HOME_DIR", "home-dir"},
        {"EASEGRESS_DATA_DIR", "data-dir"},
        {"EASEGRESS_WAL_DIR", "wal-dir"},
        {"EASEGRESS_LOG_DIR", "log-dir"},
        {"EASEGRESS_MEMBER_DIR", "member-dir"},
        {"EASEGRESS_CPU_PROFILE_FILE", "cpu-profile-file"},
        {"EASEGRESS_MEMORY_PROFILE_FILE", "memory-profile-file"},
        {"EASEGRESS_STATUS_UPDATE_MAX_BATCH_SIZE", "status-update-max-batch-size"},
    };
    STATIC_REQUIRE(std::size(tutorial) == 33);
    for (const auto& [variable, flag] : tutorial) {
        INFO("variable: " << variable);
        const option_spec* found = nullptr;
        for (const auto* o : all_options)
            if (o->has_flag() && eg::config::env_name(*o) == variable) found = o;
        REQUIRE(found != nullptr);
        CHECK(found->flag == flag);
        CHECK(found->removed == (flag == "member-dir"));
    }
}

TEST_CASE("all_options: only member-dir is removed", "[options]") {
    for (const auto* o : all_options) {
        INFO("option: " << label(*o));
        CHECK(o->removed == (o == &opt::member_dir.spec));
    }
    CHECK(opt::member_dir.spec.yaml_path == "member-dir");
}

TEST_CASE("all_options: the cluster options live under cluster: with their flag as key",
          "[options]") {
    for (std::string_view flag : {"listen-peer-urls", "listen-client-urls", "advertise-client-urls",
                                  "initial-advertise-peer-urls", "initial-cluster", "state-flag",
                                  "primary-listen-peer-urls", "max-call-send-msg-size"}) {
        INFO("flag: " << flag);
        const auto* o = by_flag(flag);
        REQUIRE(o != nullptr);
        CHECK(o->yaml_path == "cluster." + std::string(flag));
        CHECK(o->yaml_section() == "cluster");
        CHECK(o->yaml_key() == flag);
    }
    std::size_t in_cluster = 0;
    for (const auto* o : all_options) in_cluster += o->yaml_section() == "cluster" ? 1 : 0;
    CHECK(in_cluster == 10);
}

TEST_CASE("all_options: other file keys are top-level and equal the flag, but disable-access",
          "[options]") {
    for (const auto* o : all_options) {
        if (!o->has_flag() || !o->in_file() || o->yaml_section() == "cluster") continue;
        INFO("flag: " << o->flag);
        CHECK(o->yaml_section().empty());
        if (o->flag == "disable-access")
            CHECK(o->yaml_path == "disable-access-log");
        else
            CHECK(o->yaml_path == o->flag);
    }
    REQUIRE(by_flag("disable-access") == &opt::disable_access_log.spec);
    CHECK(by_yaml_path("disable-access-log") == &opt::disable_access_log.spec);
    CHECK(by_yaml_path("disable-access") == nullptr);
}

TEST_CASE("all_options: client-ca-file and basic-auth are file-only, without a flag", "[options]") {
    for (const auto* o : {&opt::client_ca_file.spec, &opt::basic_auth.spec}) {
        INFO("option: " << o->yaml_path);
        CHECK_FALSE(o->has_flag());
        CHECK(o->short_flag == 0);
        CHECK(o->scope == option_scope::file_only);
        CHECK(o->yaml_section().empty());
    }
    CHECK(by_yaml_path("client-ca-file") == &opt::client_ca_file.spec);
    CHECK(by_yaml_path("basic-auth") == &opt::basic_auth.spec);
    CHECK(by_flag("client-ca-file") == nullptr);
    CHECK(by_flag("basic-auth") == nullptr);
    CHECK(opt::basic_auth.spec.kind == value_kind::string_map);
    for (const auto* o : all_options) {
        INFO("option: " << label(*o));
        CHECK(o->has_flag() == (o->scope != option_scope::file_only));
    }
}

TEST_CASE("all_options: only basic-auth is secret", "[options]") {
    for (const auto* o : all_options) {
        INFO("option: " << label(*o));
        CHECK(o->secret == (o == &opt::basic_auth.spec));
    }
}

TEST_CASE("all_options: command-line-only options have no YAML path", "[options]") {
    std::set<std::string_view> command_line;
    for (const auto* o : all_options) {
        INFO("option: " << label(*o));
        if (o->scope == option_scope::command_line) {
            CHECK_FALSE(o->in_file());
            command_line.insert(o->flag);
        } else {
            CHECK(o->in_file());
        }
    }
    CHECK(command_line == std::set<std::string_view>{"version", "help", "print-config",
                                                     "check-config", "config-file",
                                                     "force-new-cluster", "signal-upgrade"});
}

TEST_CASE("all_options: defaults are upstream's", "[options]") {
    const std::pair<std::string_view, std::string_view> defaults[] = {
        {"name", "eg-default-name"},
        {"cluster-name", "eg-cluster-default-name"},
        {"cluster-role", "primary"},
        {"api-addr", "localhost:2381"},
        {"cluster-request-timeout", "10s"},
        {"max-call-send-msg-size", "10485760"},
        {"status-update-max-batch-size", "20"},
        {"home-dir", "./"},
        {"data-dir", "data"},
        {"listen-client-urls", "http://localhost:2379"},
        {"advertise-client-urls", "http://localhost:2379"},
        {"listen-peer-urls", "http://localhost:2380"},
        {"initial-advertise-peer-urls", "http://localhost:2380"},
        {"primary-listen-peer-urls", "http://localhost:2380"},
        {"state-flag", "new"},
        {"initial-cluster", ""},
        {"tls", "false"},
        {"debug", "false"},
        {"disable-access", "false"},
        {"use-standalone-etcd", "false"},
        {"force-new-cluster", "false"},
        {"wal-dir", ""},
        {"log-dir", ""},
    };
    for (const auto& [flag, text] : defaults) {
        INFO("flag: " << flag);
        const auto* o = by_flag(flag);
        REQUIRE(o != nullptr);
        CHECK(o->default_text == text);
    }
}

TEST_CASE("all_options: typed defaults read as upstream's values", "[options]") {
    using eg::config::byte_size;
    using eg::config::duration;
    auto parsed_default = [](const option_spec& o) {
        return std::get<eg::config::option_value>(eg::config::parse_text(o.kind, o.default_text));
    };
    CHECK(parsed_default(opt::cluster_request_timeout.spec) ==
          eg::config::option_value(duration{10'000'000'000}));
    CHECK(parsed_default(opt::max_call_send_msg_size.spec) ==
          eg::config::option_value(byte_size{10 * 1024 * 1024}));
    CHECK(parsed_default(opt::status_update_max_batch_size.spec) ==
          eg::config::option_value(std::int64_t{20}));
    CHECK(parsed_default(opt::listen_peer_urls.spec) ==
          eg::config::option_value(eg::config::string_list{"http://localhost:2380"}));
}

TEST_CASE("all_options: each declaration has the value kind of its upstream type", "[options]") {
    CHECK(opt::labels.spec.kind == value_kind::string_map);
    CHECK(opt::initial_cluster.spec.kind == value_kind::name_url_map);
    CHECK(opt::listen_peer_urls.spec.kind == value_kind::url_list);
    CHECK(opt::listen_client_urls.spec.kind == value_kind::url_list);
    CHECK(opt::advertise_client_urls.spec.kind == value_kind::url_list);
    CHECK(opt::initial_advertise_peer_urls.spec.kind == value_kind::url_list);
    CHECK(opt::primary_listen_peer_urls.spec.kind == value_kind::url_list);
    CHECK(opt::initial_object_config_files.spec.kind == value_kind::path_list);
    CHECK(opt::max_call_send_msg_size.spec.kind == value_kind::size);
    CHECK(opt::status_update_max_batch_size.spec.kind == value_kind::integer);
    CHECK(opt::cluster_request_timeout.spec.kind == value_kind::duration);
    CHECK(opt::objects_dump_interval.spec.kind == value_kind::duration);
    CHECK(opt::tls.spec.kind == value_kind::boolean);
    CHECK(opt::name.spec.kind == value_kind::string);
}

TEST_CASE("all_options: legacy keys name the option that replaced them", "[options]") {
    auto owner = [](std::string_view key) -> const option_spec* {
        for (const auto* o : all_options)
            for (auto k : o->legacy_keys)
                if (!k.empty() && k == key) return o;
        return nullptr;
    };
    CHECK(owner("cluster-join-urls") == &opt::primary_listen_peer_urls.spec);
    CHECK(owner("cluster-listen-peer-urls") == &opt::listen_peer_urls.spec);
    CHECK(owner("cluster-listen-client-urls") == &opt::listen_client_urls.spec);
    CHECK(owner("cluster-advertise-client-urls") == &opt::advertise_client_urls.spec);
    CHECK(owner("cluster-client-url") == &opt::advertise_client_urls.spec);
    CHECK(owner("cluster-initial-advertise-peer-urls") == &opt::initial_advertise_peer_urls.spec);
    CHECK(owner("cluster-peer-url") == &opt::initial_advertise_peer_urls.spec);
    CHECK(owner("listen-peer-urls") == nullptr);
}

TEST_CASE("option_spec: cluster-role allows primary and secondary only", "[options]") {
    const auto& role = opt::cluster_role.spec;
    CHECK(role.allows("primary"));
    CHECK(role.allows("secondary"));
    CHECK_FALSE(role.allows("writer"));
    CHECK_FALSE(role.allows("reader"));
    CHECK_FALSE(role.allows("Primary"));
    CHECK_FALSE(role.allows(""));
}

TEST_CASE("option_spec: state-flag allows new and existing only", "[options]") {
    const auto& state = opt::state_flag.spec;
    CHECK(state.allows("new"));
    CHECK(state.allows("existing"));
    CHECK_FALSE(state.allows("join"));
    CHECK_FALSE(state.allows("New"));
    CHECK_FALSE(state.allows(""));
}

TEST_CASE("option_spec: options without an allowed set allow any value", "[options]") {
    CHECK(opt::name.spec.allows("anything at all"));
    CHECK(opt::name.spec.allows(""));
    std::size_t restricted = 0;
    for (const auto* o : all_options) restricted += o->allowed_values[0].empty() ? 0 : 1;
    CHECK(restricted == 2);
}

TEST_CASE("option_spec: cluster-role maps deprecated writer and reader", "[options]") {
    const auto& aliases = opt::cluster_role.spec.deprecated_values;
    CHECK(aliases[0].from == "writer");
    CHECK(aliases[0].to == "primary");
    CHECK(aliases[1].from == "reader");
    CHECK(aliases[1].to == "secondary");
    for (const auto& alias : aliases) CHECK(opt::cluster_role.spec.allows(alias.to));
    for (const auto* o : all_options) {
        if (o == &opt::cluster_role.spec) continue;
        INFO("option: " << label(*o));
        CHECK(o->deprecated_values[0].from.empty());
    }
}

TEST_CASE("all_options: every option has help text", "[options]") {
    for (const auto* o : all_options) {
        INFO("option: " << label(*o));
        CHECK_FALSE(o->help.empty());
    }
}

TEST_CASE("all_options: primary-only and secondary-only options", "[options]") {
    using eg::config::role_set;
    for (const auto* o :
         {&opt::listen_peer_urls.spec, &opt::listen_client_urls.spec,
          &opt::advertise_client_urls.spec, &opt::initial_advertise_peer_urls.spec,
          &opt::initial_cluster.spec, &opt::state_flag.spec, &opt::force_new_cluster.spec}) {
        INFO("option: " << label(*o));
        CHECK(o->roles == role_set::primary);
        CHECK(eg::config::applies_to(o->roles, "primary"));
        CHECK_FALSE(eg::config::applies_to(o->roles, "secondary"));
    }
    CHECK(opt::primary_listen_peer_urls.spec.roles == role_set::secondary);
    CHECK(eg::config::applies_to(role_set::both, "secondary"));
}

TEST_CASE("index_of: finds the position of every registered option", "[options]") {
    for (std::size_t i = 0; i < all_options.size(); ++i) {
        INFO("option: " << label(*all_options[i]));
        CHECK(eg::config::index_of(*all_options[i]) == i);
    }
#ifdef __SANITIZE_ADDRESS__
    // AddressSanitizer makes the addresses of distinct objects unknown at compile time, so g++
    // cannot compare them in a constant expression: checked at run time instead.
#define EG_INDEX_REQUIRE REQUIRE
#else
#define EG_INDEX_REQUIRE STATIC_REQUIRE
#endif
    EG_INDEX_REQUIRE(eg::config::index_of(opt::version.spec) == 0);
    EG_INDEX_REQUIRE(eg::config::index_of(opt::name.spec) == 7);
    EG_INDEX_REQUIRE(eg::config::index_of(opt::member_dir.spec) == all_options.size() - 1);
#undef EG_INDEX_REQUIRE
    CHECK(all_options.size() == 44);
}

TEST_CASE("index_of: throws for a declaration that is not registered", "[options]") {
    const option_spec stray{.flag = "stray", .help = "Not declared."};
    CHECK_THROWS_AS(eg::config::index_of(stray), std::logic_error);
}
