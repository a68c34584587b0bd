// Test support: run the built eg-config as a user would, and the Node.js tools that .ci/setup
// installs under <build>/npm (ajv-cli, ajv-draft-04, the official SARIF schema).
#pragma once

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "support/binary_runner.hpp"
#include "support/process.hpp"

namespace eg::test {

// Runs eg-config with `args` in exactly `env` (plus PATH) from `cwd` (empty: the test's own); a
// run that times out fails the test.
inline process_result run_eg_config(const std::vector<std::string>& args,
                                    const std::map<std::string, std::string>& env = {},
                                    const std::string& cwd = {}) {
    const std::string binary = binary_path("eg-config");
    INFO("eg-config is built by `cmake --build build` (target eg-config)");
    REQUIRE(std::filesystem::exists(binary));
    return run_built("eg-config", args, env, cwd);
}

// Shows how a run ended when a later check fails.
inline void show(const process_result& r) {
    UNSCOPED_INFO("exit code " << r.exit_code << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err);
}

// A usage error for `option` given without its value: exit 2, nothing on stdout, and stderr names
// the option without calling it unknown (it is a known option: calling it unknown sends the user
// looking for a typo).
inline void check_missing_value(const process_result& r, const std::string& option) {
    show(r);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find(option) != std::string::npos);
    CHECK(r.err.find("unknown option") == std::string::npos);
}

// The whole content of a file; fails the test when it cannot be read.
inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    INFO("reading " << path.string());
    REQUIRE(in.good());
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Where .ci/setup installs the npm test tools: <source>/build/npm.
inline std::string npm_prefix() { return source_path("build/npm"); }

// Fails the test (never skips it) unless node and the npm test tools are installed.
inline void require_npm_tools() {
    namespace fs = std::filesystem;
    bool has_node = true;
    try {
        detail::find_on_path("node", default_path);
    } catch (const std::system_error&) {
        has_node = false;
    }
    INFO("node is not on " << default_path << ": run .ci/setup");
    REQUIRE(has_node);
    const fs::path prefix = npm_prefix();
    for (const char* needed :
         {"node_modules/.bin/ajv", "node_modules/ajv-draft-04/package.json",
          "node_modules/ajv-formats/package.json",
          "node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"}) {
        INFO("missing build/npm/" << needed << ": run .ci/setup to install the npm test tools");
        REQUIRE(fs::exists(prefix / needed));
    }
}

// Runs a Node.js command (e.g. node_modules/.bin/ajv or `node script.js`) with only PATH set.
inline process_result run_node_tool(const std::vector<std::string>& argv,
                                    const std::string& cwd = {}) {
    require_npm_tools();
    run_options options;
    options.cwd = cwd;
    options.timeout = std::chrono::seconds(60);
    return run_to_end(argv, options);
}

}  // namespace eg::test
