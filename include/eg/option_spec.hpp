#pragma once
// What one option declaration carries. Every surface (flag, EASEGRESS_* variable, YAML key,
// --help, schema, docs, member status) is derived from these fields.

#include <eg/option_value.hpp>

#include <array>
#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>

namespace eg::config {

enum class option_scope {
    everywhere,    // config file, EASEGRESS_* variable and flag
    command_line,  // flag and EASEGRESS_* variable, never the file
    file_only,     // config file only; no flag, no variable
};

enum class role_set { both, primary, secondary };

constexpr bool applies_to(role_set set, std::string_view role) {
    switch (set) {
        case role_set::both:
            return true;
        case role_set::primary:
            return role == "primary";
        case role_set::secondary:
            return role == "secondary";
    }
    return true;
}

enum class option_group { command, member, cluster, primary, secondary, admin_api, paths, removed };

constexpr std::string_view group_title(option_group g) {
    switch (g) {
        case option_group::command:
            return "Commands";
        case option_group::member:
            return "Member";
        case option_group::cluster:
            return "Cluster";
        case option_group::primary:
            return "Primary members (etcd server)";
        case option_group::secondary:
            return "Secondary members (etcd client)";
        case option_group::admin_api:
            return "Admin API";
        case option_group::paths:
            return "Directories and files";
        case option_group::removed:
            return "Removed";
    }
    return "";
}

// The order in which --help and the reference list the groups.
inline constexpr option_group group_order[] = {
    option_group::command,   option_group::member,    option_group::cluster, option_group::primary,
    option_group::secondary, option_group::admin_api, option_group::paths,   option_group::removed};

struct value_alias {
    std::string_view from;  // deprecated spelling, e.g. "writer"
    std::string_view to;    // what it means, e.g. "primary"
};

struct option_spec {
    std::string_view flag{};  // "listen-peer-urls"; empty for file-only options
    char short_flag = 0;      // 'f' for -f
    std::string_view
        yaml_path{};  // "cluster.listen-peer-urls"; empty for command-line-only options
    value_kind kind = value_kind::string;
    std::string_view default_text{};  // parsed by the kind's parser
    std::string_view example{};       // a typical value other than the default, as a flag takes it
    std::string_view help{};
    option_group group = option_group::member;
    option_scope scope = option_scope::everywhere;
    role_set roles = role_set::both;
    bool secret = false;
    bool removed = false;             // accepted, warned about, no effect
    std::string_view status_field{};  // upstream member-status field: "Cluster.ListenPeerURLs"
    std::array<std::string_view, 3> legacy_keys{};     // pre-v2 YAML keys replaced by this option
    std::array<std::string_view, 4> allowed_values{};  // empty: any value
    std::array<value_alias, 2> deprecated_values{};

    constexpr bool has_flag() const { return !flag.empty(); }
    constexpr bool in_file() const { return !yaml_path.empty(); }

    // The last segment of the YAML path: "listen-peer-urls".
    constexpr std::string_view yaml_key() const {
        const auto dot = yaml_path.rfind('.');
        return dot == std::string_view::npos ? yaml_path : yaml_path.substr(dot + 1);
    }
    // The YAML section: "cluster", or "" for top-level keys.
    constexpr std::string_view yaml_section() const {
        const auto dot = yaml_path.rfind('.');
        return dot == std::string_view::npos ? std::string_view{} : yaml_path.substr(0, dot);
    }

    bool allows(std::string_view value) const {
        if (allowed_values[0].empty()) return true;
        for (auto a : allowed_values)
            if (!a.empty() && a == value) return true;
        return false;
    }
};

// "--listen-peer-urls"
inline std::string flag_name(const option_spec& o) { return "--" + std::string(o.flag); }

// "EASEGRESS_LISTEN_PEER_URLS": derived from the flag.
inline std::string env_name(const option_spec& o) {
    std::string name = "EASEGRESS_";
    for (char c : o.flag) name += c == '-' ? '_' : static_cast<char>(std::toupper(c));
    return name;
}

// A declaration whose value type is known at compile time, so reading it needs no string look-up
// (see opt::declared in server_options.hpp).
template <value_kind K>
struct option_decl {
    const option_spec& spec;
};

}  // namespace eg::config
