// lint_bench: the cost of `eg-config lint` on a large cluster description, against parsing the
// same text with yaml-cpp alone. Prints both medians and their ratio.
//
//   build/bin/lint_bench [MEMBERS] [ROUNDS]      (defaults: 1000 members, 21 rounds)

#include <eg/lint.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

// A cluster description with 3 primaries and MEMBERS-3 secondaries, one per host, each with a
// couple of options, as an operator would write it.
std::string description(int members) {
    std::string text =
        "cluster-name: bench-cluster\n"
        "defaults:\n"
        "  peer-port: 2380\n"
        "  client-port: 2379\n"
        "  api-port: 2381\n"
        "  options:\n"
        "    cluster-request-timeout: 10s\n"
        "members:\n";
    for (int i = 0; i < members; ++i) {
        const std::string host = "10." + std::to_string(i / 65536) + "." +
                                 std::to_string(i / 256 % 256) + "." + std::to_string(i % 256 + 1);
        text += "  - name: member-" + std::to_string(i) + "\n";
        text += std::string("    role: ") + (i < 3 ? "primary" : "secondary") + "\n";
        text += "    host: " + host + "\n";
        text += "    options:\n      labels:\n        zone: zone-" + std::to_string(i % 3) + "\n";
    }
    return text;
}

template <class F>
double median_ms(int rounds, F&& work) {
    std::vector<double> times;
    for (int r = 0; r < rounds; ++r) {
        const auto start = std::chrono::steady_clock::now();
        work();
        const auto end = std::chrono::steady_clock::now();
        times.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    const int members = argc > 1 ? std::atoi(argv[1]) : 1000;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 21;
    const std::string text = description(members);
    const std::vector<eg::lint::source_file> files = {{"cluster.yaml", text}};

    const auto check = eg::lint::lint_files(files, {});
    std::size_t findings = 0;
    const double parse = median_ms(rounds, [&] {
        const YAML::Node root = YAML::Load(text);
        findings += root.size();
    });
    const double lint = median_ms(rounds, [&] {
        const auto result = eg::lint::lint_files(files, {});
        findings += result.findings.size() + result.members;
    });
    std::printf("members: %d, description: %zu bytes, rounds: %d\n", members, text.size(), rounds);
    std::printf("yaml-cpp parse only: %8.2f ms (median)\n", parse);
    std::printf("eg-config lint:      %8.2f ms (median)\n", lint);
    std::printf("lint findings:       %8zu (members linted: %zu)\n", check.findings.size(),
                check.members);
    std::printf("ratio lint/parse:    %8.2f (target <= 3.00)\n", lint / parse);
    return findings == 0 ? 1 : 0;
}
