#pragma once
// The cluster description: one small file naming the cluster, its defaults and its members, from
// which every member's configuration is derived. Its fields are declared once here; the reader,
// the JSON Schema and the docs are derived from the declarations.
//
//   cluster-name: multi-node-cluster
//   defaults: {peer-port: 2380, client-port: 2379, api-port: 2381, options: {debug: false}}
//   members:
//     - {name: machine-1, role: primary, host: 10.0.0.1}
//     - {name: machine-4, role: secondary, host: 10.0.0.4, api-port: 2391}

#include <eg/config_file.hpp>
#include <eg/diagnostic_catalogue.hpp>
#include <eg/effective_config.hpp>
#include <eg/server_options.hpp>
#include <eg/suggest.hpp>
#include <eg/topology.hpp>
#include <eg/url.hpp>
#include <eg/yaml_reading.hpp>

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eg::description {

enum class field_scope { cluster, member_only, defaults_or_member };

// One field of the description. Its value is declared as a server option is (the key as
// yaml_path, the kind, default, example, help and allowed values) and read by the same reader
// with the same diagnostics; where it may be written and whether it is required are the
// description's own.
struct field_spec {
    config::option_spec value;
    field_scope scope = field_scope::defaults_or_member;
    bool required = false;

    constexpr std::string_view key() const { return value.yaml_path; }
};

using config::value_kind;

inline constexpr field_spec fields[] = {
    {{.yaml_path = "cluster-name",
      .kind = value_kind::string,
      .example = "multi-node-cluster",
      .help = "Name of the cluster (the etcd cluster token)."},
     field_scope::cluster,
     true},
    {{.yaml_path = "name",
      .kind = value_kind::string,
      .example = "machine-1",
      .help = "Member name, unique in the cluster."},
     field_scope::member_only,
     true},
    {{.yaml_path = "role",
      .kind = value_kind::string,
      .example = "primary",
      .help = "primary (runs etcd) or secondary (etcd client).",
      .allowed_values = {"primary", "secondary"}},
     field_scope::member_only,
     true},
    {{.yaml_path = "host",
      .kind = value_kind::string,
      .example = "10.0.0.1",
      .help = "IP address of the member's machine; its URLs listen and advertise on it."},
     field_scope::member_only,
     true},
    {{.yaml_path = "peer-port",
      .kind = value_kind::integer,
      .default_text = "2380",
      .example = "12380",
      .help = "etcd peer port of a primary."}},
    {{.yaml_path = "client-port",
      .kind = value_kind::integer,
      .default_text = "2379",
      .example = "12379",
      .help = "etcd client port of a primary."}},
    {{.yaml_path = "api-port",
      .kind = value_kind::integer,
      .default_text = "2381",
      .example = "12381",
      .help = "Admin API port."}},
    {{.yaml_path = "home-dir",
      .kind = value_kind::string,
      .default_text = "/var/lib/easegress",
      .example = "/srv/easegress",
      .help = "Home directory on the machine."}},
    {{.yaml_path = "data-dir",
      .kind = value_kind::string,
      .default_text = "data",
      .example = "etcd-data",
      .help = "Data directory, relative to home-dir."}},
    {{.yaml_path = "log-dir",
      .kind = value_kind::string,
      .example = "log",
      .help = "Log directory, relative to home-dir; empty logs to standard output (the journal)."}},
    {{.yaml_path = "config-dir",
      .kind = value_kind::string,
      .default_text = "/etc/easegress",
      .example = "/srv/easegress/etc",
      .help = "Where the generated <name>.yaml and <name>.env are installed on the machine."}},
    {{.yaml_path = "binary",
      .kind = value_kind::string,
      .default_text = "/usr/local/bin/easegress-server",
      .example = "/usr/bin/easegress-server",
      .help = "Path of easegress-server on the machine, for the systemd unit."}},
    {{.yaml_path = "options",
      .kind = value_kind::string_map,
      .example = "debug=true",
      .help = "Any further server options, written as in a member's YAML file; they override the "
              "derived values."}},
};

inline const field_spec& field(std::string_view key) {
    for (const auto& f : fields)
        if (f.key() == key) return f;
    return fields[0];
}

// A field value as read, with its place in the description.
struct field_value {
    std::string text;
    diag::location where;
};

struct member_entry {
    diag::location where;                                     // the entry in `members:`
    std::vector<std::pair<std::string, field_value>> values;  // key -> value, this member only
    config::file_values options;                              // this member's `options:`

    const field_value* get(std::string_view key) const {
        for (const auto& [k, v] : values)
            if (k == key) return &v;
        return nullptr;
    }
};

struct cluster_description {
    std::string path;
    field_value cluster_name;
    std::vector<std::pair<std::string, field_value>> defaults;
    config::file_values default_options;
    std::vector<member_entry> members;

    // A member's value for `key`: its own, else the defaults', else the declared default.
    field_value value(const member_entry& m, std::string_view key) const {
        if (const auto* own = m.get(key)) return *own;
        for (const auto& [k, v] : defaults)
            if (k == key) return v;
        return {std::string(field(key).value.default_text), m.where};
    }
};

// Whether a YAML file is a cluster description (it has a top-level `members:` key).
inline bool is_description(const YAML::Node& root) {
    return root.IsMap() && root["members"].IsDefined();
}

namespace detail {

class description_reader {
public:
    description_reader(std::string path, diag::diagnostics& out)
        : path_(std::move(path)), out_(out) {}

    std::optional<cluster_description> read(const YAML::Node& root) {
        cluster_description d;
        d.path = path_;
        if (!root.IsMap()) {
            out_.add(diag::make(diag::code("not-a-mapping"), "", config::yaml_place(path_, root),
                                "a cluster description must be a mapping with cluster-name, "
                                "defaults and members"));
            return std::nullopt;
        }
        bool has_name = false;
        bool has_members = false;
        config::unique_keys seen(path_);
        for (auto it = root.begin(); it != root.end(); ++it) {
            const auto key = it->first.Scalar();
            if (!seen.first(it->first, key, out_)) continue;
            if (key == "cluster-name") {
                has_name = true;  // present; a bad value is reported as such, not as missing
                if (auto v = scalar(it->second, "cluster-name"))
                    d.cluster_name = {*v, place(it->second)};
            } else if (key == "defaults") {
                read_fields(it->second, "defaults", false, d.defaults, d.default_options);
            } else if (key == "members") {
                has_members = true;
                read_members(it->second, d);
            } else {
                unknown(it->first, "", {"cluster-name", "defaults", "members"});
            }
        }
        if (!has_name) missing("cluster-name", config::yaml_place(path_, root), "");
        if (!has_members) missing("members", config::yaml_place(path_, root), "");
        return d;
    }

private:
    diag::file_location place(const YAML::Node& n) const { return config::yaml_place(path_, n); }

    // What a required key holds, for the hint; `members` is structure, not a declared field.
    static std::string description_of(std::string_view key) {
        if (key == "members") return "a list of members";
        return std::string(field(key).value.help);
    }

    void missing(std::string_view key, diag::location where, const std::string& whose) {
        out_.add(diag::make(diag::code("missing-field"), std::string(key), std::move(where),
                            "the cluster description lacks '" + std::string(key) + "'" + whose,
                            "add `" + std::string(key) + ":` (" + description_of(key) + ")"));
    }

    void unknown(const YAML::Node& key, const std::string& section,
                 const std::vector<std::string>& known) {
        out_.add(diag::make(diag::code("unknown-key"), section + key.Scalar(), place(key),
                            "unknown key '" + key.Scalar() + "' in the cluster description",
                            diag::did_you_mean(key.Scalar(), known)));
    }

    std::optional<std::string> scalar(const YAML::Node& node, const std::string& path) {
        if (node.IsScalar() && !node.Scalar().empty()) return node.Scalar();
        out_.add(diag::make(
            diag::code("wrong-type"), path, place(node),
            path + " expects a text value, but the value is " +
                (node.IsScalar() ? std::string("empty") : "a " + config::node_kind(node))));
        return std::nullopt;
    }

    void read_fields(const YAML::Node& map, const std::string& section, bool member,
                     std::vector<std::pair<std::string, field_value>>& values,
                     config::file_values& options) {
        if (!map.IsMap()) {
            out_.add(diag::make(
                diag::code("wrong-type"), section, place(map),
                section + " expects a mapping, but the value is a " + config::node_kind(map)));
            return;
        }
        std::vector<std::string> known;
        for (const auto& f : fields)
            if (f.scope == field_scope::defaults_or_member ||
                (member && f.scope == field_scope::member_only))
                known.emplace_back(f.key());
        config::unique_keys seen(path_);
        for (auto it = map.begin(); it != map.end(); ++it) {
            const auto key = it->first.Scalar();
            const std::string path = section + "." + key;
            if (!seen.first(it->first, path, out_)) continue;
            if (std::find(known.begin(), known.end(), key) == known.end()) {
                if (!member && field(key).key() == key &&
                    field(key).scope == field_scope::member_only) {
                    out_.add(diag::make(diag::code("unknown-key"), path, place(it->first),
                                        "'" + key + "' belongs to each member, not to defaults",
                                        "write `" + key + ":` in every entry of members"));
                    continue;
                }
                unknown(it->first, section + ".", known);
                continue;
            }
            if (key == "options") {
                if (it->second.IsNull()) continue;
                if (!it->second.IsMap()) {
                    out_.add(diag::make(diag::code("wrong-type"), path, place(it->second),
                                        path +
                                            " expects a mapping of server options, but the "
                                            "value is a " +
                                            config::node_kind(it->second),
                                        "write options as in a member's YAML file, e.g. "
                                        "`options: {debug: true}`"));
                    continue;
                }
                auto read = config::read_config_node(it->second, path_, out_);
                options.insert(options.end(), read.begin(), read.end());
                continue;
            }
            auto text = scalar(it->second, path);
            if (!text) continue;
            const auto& spec = field(key).value;
            if (spec.kind == value_kind::integer && !config::is_port(*text)) {
                out_.add(diag::make(diag::code("invalid-value"), path, place(it->second),
                                    key + " \"" + *text + "\" is not a port number",
                                    "use a number from 1 to 65535"));
                continue;
            }
            config::value_source source{config::source_kind::file, place(it->second), {}};
            if (!config::detail::config_file_reader(path_, out_)
                     .read_value(spec, it->second, path, source))
                continue;
            if (!spec.allows(*text)) {
                out_.add(diag::make(diag::code("not-allowed-value"), path, place(it->second),
                                    key + " \"" + *text + "\" is not " + allowed_text(spec),
                                    diag::did_you_mean(*text, allowed_list(spec))));
                continue;
            }
            values.emplace_back(key, field_value{*text, place(it->second)});
        }
    }

    static std::vector<std::string> allowed_list(const config::option_spec& spec) {
        std::vector<std::string> list;
        for (auto v : spec.allowed_values)
            if (!v.empty()) list.emplace_back(v);
        return list;
    }

    // "primary or secondary", "a, b or c"
    static std::string allowed_text(const config::option_spec& spec) {
        const auto list = allowed_list(spec);
        std::string text;
        for (std::size_t i = 0; i < list.size(); ++i)
            text += (i == 0 ? "" : i + 1 == list.size() ? " or " : ", ") + list[i];
        return text;
    }

    void read_members(const YAML::Node& list, cluster_description& d) {
        if (!list.IsSequence()) {
            out_.add(diag::make(
                diag::code("wrong-type"), "members", place(list),
                "members expects a list of members, but the value is a " + config::node_kind(list),
                "write one `- name: ...` entry per member"));
            return;
        }
        for (std::size_t i = 0; i < list.size(); ++i) {
            const YAML::Node node = list[i];
            member_entry m;
            m.where = place(node);
            const std::string section = "members[" + std::to_string(i) + "]";
            read_fields(node, section, true, m.values, m.options);
            if (!node.IsMap()) continue;
            bool complete = true;
            for (const auto& f : fields)
                if (f.scope == field_scope::member_only && f.required && !m.get(f.key())) {
                    if (!node[std::string(f.key())].IsDefined())
                        missing(f.key(), m.where, " in member " + std::to_string(i + 1));
                    complete = false;
                }
            if (complete) d.members.push_back(std::move(m));
        }
    }

    std::string path_;
    diag::diagnostics& out_;
};

inline std::string url(const std::string& host, const std::string& port) {
    const bool v6 = host.find(':') != std::string::npos;
    return "http://" + (v6 ? "[" + host + "]" : host) + ":" + port;
}

inline config::value_source from(const diag::location& where) {
    return {config::source_kind::file, where, {}};
}

template <value_kind K>
void set(config::effective_config& c, const config::option_decl<K>& decl,
         config::value_type_t<K> value, const diag::location& where,
         std::vector<diag::location> places = {}) {
    auto& slot = c.mutable_at(decl.spec);
    slot.value = std::move(value);
    slot.source = from(where);
    slot.source.item_places = std::move(places);
}

}  // namespace detail

// Reads a description from YAML text; nullopt when it cannot be used at all.
inline std::optional<cluster_description> read_description(const std::string& text,
                                                           const std::string& path,
                                                           diag::diagnostics& out) {
    auto root = config::load_yaml(text, path, out);
    if (!root) return std::nullopt;
    return detail::description_reader(path, out).read(*root);
}

// The member configurations a description stands for, with every value placed in the description.
inline std::vector<topology::member_view> members_of(const cluster_description& d) {
    namespace opt = config::opt;
    struct primary_ref {
        std::string name;
        std::string peer_url;
        diag::location where;
    };
    std::vector<primary_ref> primaries;
    for (const auto& m : d.members)
        if (d.value(m, "role").text == "primary") {
            const auto host = d.value(m, "host");
            primaries.push_back({d.value(m, "name").text,
                                 detail::url(host.text, d.value(m, "peer-port").text), host.where});
        }
    std::vector<topology::member_view> views;
    for (const auto& m : d.members) {
        auto c = config::default_config();
        const auto name = d.value(m, "name");
        const auto role = d.value(m, "role");
        const auto host = d.value(m, "host");
        detail::set(c, opt::name, name.text, name.where);
        detail::set(c, opt::cluster_name, d.cluster_name.text, d.cluster_name.where);
        detail::set(c, opt::cluster_role, role.text, role.where);
        const auto api = d.value(m, "api-port");
        detail::set(c, opt::api_addr,
                    (host.text.find(':') != std::string::npos ? "[" + host.text + "]" : host.text) +
                        ":" + api.text,
                    api.where);
        for (auto [decl, key] :
             {std::pair{&opt::home_dir, "home-dir"}, std::pair{&opt::data_dir, "data-dir"},
              std::pair{&opt::log_dir, "log-dir"}}) {
            const auto v = d.value(m, key);
            if (v.text != decl->spec.default_text) detail::set(c, *decl, v.text, v.where);
        }
        if (role.text == "primary") {
            const auto peer = detail::url(host.text, d.value(m, "peer-port").text);
            const auto client = detail::url(host.text, d.value(m, "client-port").text);
            detail::set(c, opt::listen_peer_urls, {peer}, host.where, {host.where});
            detail::set(c, opt::listen_client_urls, {client}, host.where, {host.where});
            detail::set(c, opt::advertise_client_urls, {client}, host.where, {host.where});
            detail::set(c, opt::initial_advertise_peer_urls, {peer}, host.where, {host.where});
            config::string_pairs cluster;
            std::vector<diag::location> places;
            for (const auto& p : primaries) {
                cluster.emplace_back(p.name, p.peer_url);
                places.push_back(p.where);
            }
            detail::set(c, opt::initial_cluster, std::move(cluster), host.where, std::move(places));
        } else {
            config::string_list peers;
            std::vector<diag::location> places;
            for (const auto& p : primaries) {
                peers.push_back(p.peer_url);
                places.push_back(p.where);
            }
            if (!peers.empty())
                detail::set(c, opt::primary_listen_peer_urls, std::move(peers), m.where,
                            std::move(places));
        }
        for (const auto* options : {&d.default_options, &m.options})
            for (const auto& fv : *options) {
                auto& slot = c.mutable_at(*fv.spec);
                slot.value = fv.value;
                slot.source = fv.source;
            }
        std::string machine = host.text;
        if (config::is_loopback_host(machine)) machine = "localhost";
        views.push_back({d.path, m.where, machine, std::move(c)});
    }
    return views;
}

}  // namespace eg::description
