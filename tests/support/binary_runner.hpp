// Test support: run a program to its end, failing the test when it times out, and run the binaries
// this project builds as a user would.
#pragma once

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "support/process.hpp"

namespace eg::test {

// Runs `argv` with `options`; a run that times out fails the test.
inline process_result run_to_end(const std::vector<std::string>& argv, const run_options& options) {
    auto result = run_process(argv, options);
    REQUIRE_FALSE(result.timed_out);
    return result;
}

// Runs the built binary `name` with `args` in exactly `env` (plus PATH) from `cwd` (empty: the
// test's own), for at most 30 seconds; a run that times out fails the test.
inline process_result run_built(std::string_view name, const std::vector<std::string>& args,
                                const std::map<std::string, std::string>& env,
                                const std::string& cwd) {
    std::vector<std::string> argv{binary_path(name)};
    argv.insert(argv.end(), args.begin(), args.end());
    run_options options;
    options.env = env;
    options.cwd = cwd;
    options.timeout = std::chrono::seconds(30);
    return run_to_end(argv, options);
}

}  // namespace eg::test
