// Test support: run the built easegress-server as a user would, with its own environment and
// working directory, and build its command lines.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "support/binary_runner.hpp"
#include "support/process.hpp"

namespace eg::test {

using env_map = std::map<std::string, std::string>;

// Runs easegress-server with `args` in exactly `env` (plus PATH) from `cwd` (empty: the test's
// own); a run that times out fails the test.
inline process_result run_server(const std::vector<std::string>& args, const env_map& env = {},
                                 const std::string& cwd = {}) {
    return run_built("easegress-server", args, env, cwd);
}

// `args` followed by `more`.
inline std::vector<std::string> with(std::vector<std::string> args,
                                     const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

}  // namespace eg::test
