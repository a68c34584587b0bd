#pragma once
// Linting a set of YAML files: member configuration files are checked each alone and, unless
// `each` is set, together as one cluster; a cluster description (a file with `members:`) is
// checked as one cluster by itself; an object file (a file whose top level has `kind:`, e.g. an
// HTTPServer or a Pipeline) is checked as a traffic object, its backends against the Pipelines of
// all the files given.

#include <eg/cluster_description.hpp>
#include <eg/config_loader.hpp>
#include <eg/host_checks.hpp>
#include <eg/member_rules.hpp>
#include <eg/topology.hpp>
#include <eg/traffic/validate.hpp>
#include <eg/yaml_json.hpp>
#include <eg/yaml_reading.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace eg::lint {

struct lint_options {
    bool each = false;         // member files alone only, no cluster checks across them
    bool host_checks = false;  // check ports, files and addresses on this machine
};

struct source_file {
    std::string path;
    std::string text;
};

struct lint_result {
    diag::diagnostics findings;
    std::size_t members = 0;
    std::size_t clusters = 0;
};

// Hosts of members whose configuration does not say: a secondary with a loopback or wildcard
// api-addr runs on "localhost" when every other member does, and on an unknown host otherwise.
inline void settle_hosts(std::vector<topology::member_view>& members) {
    std::set<std::string> hosts;
    for (const auto& m : members)
        if (topology::detail::is_primary(m) && !m.host.empty()) hosts.insert(m.host);
    const bool all_local = hosts.size() == 1 && *hosts.begin() == "localhost";
    for (auto& m : members) {
        if (topology::detail::is_primary(m)) continue;
        const auto addr = config::split_host_port(m.config.get(config::opt::api_addr));
        const bool wildcard =
            addr && (addr->host.empty() || config::is_unspecified_address(addr->host));
        if (m.host == "localhost" || (m.host.empty() && wildcard))
            m.host = all_local ? "localhost" : "";
    }
}

inline void check_members(std::vector<topology::member_view>& members, const lint_options& options,
                          lint_result& result) {
    for (const auto& m : members) {
        result.findings.append(config::rules::check_member(m.config));
        if (options.host_checks && host::is_this_machine(m.host))
            host::check_member_on_host(m.config, result.findings);
    }
    result.members += members.size();
}

// The members a cluster description stands for; nullopt when it cannot be read.
inline std::optional<std::vector<topology::member_view>> description_members(
    const YAML::Node& root, const std::string& path, diag::diagnostics& findings) {
    auto described = description::detail::description_reader(path, findings).read(root);
    if (!described) return std::nullopt;
    return description::members_of(*described);
}

// The member a member configuration file stands for.
inline topology::member_view file_member(const YAML::Node& root, const std::string& path,
                                         diag::diagnostics& findings) {
    auto loaded = config::load_config_file(root, path);
    findings.append(loaded.diagnostics);
    auto host = topology::host_of(loaded.config);
    return {path, diag::file_location{path, 1, 1}, std::move(host), std::move(loaded.config)};
}

// A cluster as files describe it: a cluster description's members, or member files'.
struct described_cluster {
    std::vector<topology::member_view> members;
    diag::location place;  // the first file: where findings about the whole cluster point
};

// Reads the members of a cluster description or of member files (object files are skipped);
// what cannot be read goes to `findings`.
inline described_cluster read_cluster(const std::vector<source_file>& files,
                                      diag::diagnostics& findings) {
    described_cluster cluster;
    for (const auto& file : files) {
        auto root = config::load_yaml(file.text, file.path, findings);
        if (!root || (root->IsMap() && static_cast<const YAML::Node&>(*root)["kind"])) continue;
        if (std::holds_alternative<std::monostate>(cluster.place))
            cluster.place = diag::file_location{file.path, 1, 1};
        if (description::is_description(*root)) {
            if (auto members = description_members(*root, file.path, findings))
                for (auto& m : *members) cluster.members.push_back(std::move(m));
            continue;
        }
        cluster.members.push_back(file_member(*root, file.path, findings));
    }
    settle_hosts(cluster.members);
    return cluster;
}

inline lint_result lint_files(const std::vector<source_file>& files, const lint_options& options) {
    lint_result result;
    std::vector<topology::member_view> member_files;
    struct object_file {
        std::string path;
        YAML::Node root;
        nlohmann::json value;
    };
    std::vector<object_file> objects;
    for (const auto& file : files) {
        auto root = config::load_yaml(file.text, file.path, result.findings);
        if (!root) continue;
        if (root->IsMap() && static_cast<const YAML::Node&>(*root)["kind"]) {
            auto read = yaml_json::read_document(file.text, file.path);
            if (!read) {
                result.findings.add(*read.problem);
                continue;
            }
            objects.push_back({file.path, *root, std::move(read.value)});
            continue;
        }
        if (description::is_description(*root)) {
            auto members = description_members(*root, file.path, result.findings);
            if (!members) continue;
            check_members(*members, options, result);
            result.findings.append(topology::check_topology(*members));
            ++result.clusters;
            continue;
        }
        member_files.push_back(file_member(*root, file.path, result.findings));
    }
    std::vector<nlohmann::json> values;
    for (const auto& o : objects) values.push_back(o.value);
    const auto pipelines = traffic::pipeline_names(values);
    for (const auto& o : objects) {
        auto findings = traffic::check_object(o.value, pipelines);
        traffic::locate(findings, o.root, o.path);
        result.findings.append(findings);
    }
    if (member_files.empty()) return result;
    settle_hosts(member_files);
    check_members(member_files, options, result);
    if (!options.each && member_files.size() > 1) {
        result.findings.append(topology::check_topology(member_files));
        ++result.clusters;
    }
    return result;
}

}  // namespace eg::lint
