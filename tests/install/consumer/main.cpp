// Uses the installed eg headers through eg::config only.
#include <eg/server_options.hpp>

#include <cstdio>

int main() {
    std::printf("eg options: %zu\n", eg::config::all_options.size());
    return 0;
}
