// Fuzz target: egctl's rc file (~/.egctlrc) as egctl reads it: the text is parsed
// (parse_rc_file, base64 `-data` fields included) and the current context resolved to a
// cluster and a user (resolve_current). Nothing may crash, hang or throw, whatever the text.

#include "tools/egctl/rc_file.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto config = eg::ctl::parse_rc_file(text, "fuzz/.egctlrc");
    if (config) {
        const auto current = eg::ctl::resolve_current(*config);
        if (current) (void)current->use_https();
    }
    return 0;
}
