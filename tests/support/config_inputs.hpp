// Test support: configuration inputs for the loader and rule tests: an in-memory file reader and
// the tutorial's member files ("Deploy an Easegress Cluster Step by Step").
#pragma once

#include <eg/cluster_description.hpp>
#include <eg/config_loader.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/diagnostic_checks.hpp"

namespace eg::test {

using file_map = std::map<std::string, std::string>;

// Reads from `files` (path -> text) instead of the disk; a path not in it cannot be read. When
// `reads` is given, every path asked for is appended to it.
inline eg::config::file_reader reader_over(file_map files,
                                           std::vector<std::string>* reads = nullptr) {
    return
        [files = std::move(files), reads](const std::string& path) -> std::optional<std::string> {
            if (reads != nullptr) reads->push_back(path);
            const auto it = files.find(path);
            if (it == files.end()) return std::nullopt;
            return it->second;
        };
}

// The configuration of the member file `path` holding `text`, loaded alone as
// `easegress-server --config-file` loads it; loading must be clean.
inline eg::config::effective_config load_member_file(const std::string& path,
                                                     const std::string& text) {
    auto loaded = eg::config::load_config({"--config-file", path}, {}, reader_over({{path, text}}));
    log_diagnostics("load", loaded.diagnostics);
    REQUIRE(loaded.diagnostics.empty());
    return std::move(loaded.config);
}

// The cluster description `text` read from `path`; reading must be clean.
inline eg::description::cluster_description read_clean_description(const std::string& text,
                                                                   const std::string& path) {
    eg::diag::diagnostics read;
    auto d = eg::description::read_description(text, path, read);
    log_diagnostics("read", read);
    REQUIRE(read.empty());
    REQUIRE(d);
    return std::move(*d);
}

// A cluster description of two primaries, a on 10.0.0.1 and b on 10.0.0.2.
inline constexpr const char* two_primaries_description =
    "cluster-name: two\n"
    "members:\n"
    "  - name: a\n"
    "    role: primary\n"
    "    host: 10.0.0.1\n"
    "  - name: b\n"
    "    role: primary\n"
    "    host: 10.0.0.2\n";

// The tutorial's file for primary machine-N, HOSTn = 10.0.0.n.
inline std::string tutorial_primary_file(int n) {
    const std::string host = "10.0.0." + std::to_string(n);
    return "name: machine-" + std::to_string(n) +
           "\n"
           "cluster-name: cluster-test\n"
           "cluster-role: primary\n"
           "api-addr: localhost:2381\n"
           "data-dir: ./data\n"
           "wal-dir: \"\"\n"
           "cpu-profile-file:\n"
           "memory-profile-file:\n"
           "log-dir: ./log\n"
           "debug: false\n"
           "cluster:\n"
           "  listen-peer-urls: # change CURRENT-HOST to current host\n"
           "  - http://" +
           host +
           ":2380\n"
           "  listen-client-urls:\n"
           "  - http://" +
           host +
           ":2379\n"
           "  advertise-client-urls:\n"
           "  - http://" +
           host +
           ":2379\n"
           "  initial-advertise-peer-urls:\n"
           "  - http://" +
           host +
           ":2380\n"
           "  initial-cluster: # initial-cluster is same for every host\n"
           "  - machine-1: http://10.0.0.1:2380\n"
           "  - machine-2: http://10.0.0.2:2380\n"
           "  - machine-3: http://10.0.0.3:2380\n";
}

// The tutorial's file for the secondary machine-4 ("Add New Member").
inline const char* const tutorial_secondary_file =
    "name: machine-4\n"
    "cluster-name: cluster-test\n"
    "cluster-role: secondary\n"
    "data-dir: ./data\n"
    "wal-dir: \"\"\n"
    "cpu-profile-file:\n"
    "memory-profile-file:\n"
    "log-dir: ./log\n"
    "debug: false\n"
    "cluster:\n"
    "  primary-listen-peer-urls:\n"
    "  - http://10.0.0.1:2380\n";

}  // namespace eg::test
