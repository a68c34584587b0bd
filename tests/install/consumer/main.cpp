// Uses the installed eg headers through eg::config only: the option declarations, and a JSON
// writer, which needs nlohmann-json found through eg's package config.
#include <eg/diagnostic_format.hpp>
#include <eg/server_options.hpp>

#include <cstdio>
#include <string>

int main() {
    const std::string empty = eg::diag::format_json(eg::diag::diagnostics{});
    if (empty.rfind("{\"diagnostics\":[]", 0) != 0) {
        std::fprintf(stderr, "unexpected JSON: %s\n", empty.c_str());
        return 1;
    }
    std::printf("eg options: %zu\n", eg::config::all_options.size());
    return 0;
}
