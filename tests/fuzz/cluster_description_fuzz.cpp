// Fuzz target: a cluster description as `eg-config lint` and `eg-config generate` read it. The
// input is the description's text; it is read (read_description), each member's configuration
// is derived and checked by the member rules, the members are checked together (topology), and
// each member's generated files (YAML, environment file, systemd unit) are written to memory.
// Nothing may crash, hang or throw, whatever the text.

#include <eg/cluster_description.hpp>
#include <eg/diagnostic_format.hpp>
#include <eg/member_files.hpp>
#include <eg/member_rules.hpp>
#include <eg/topology.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    eg::diag::diagnostics findings;
    const auto described = eg::description::read_description(text, "fuzz/cluster.yaml", findings);
    if (described) {
        const auto members = eg::description::members_of(*described);
        for (const auto& member : members) {
            findings.append(eg::config::rules::check_member(member.config));
            (void)eg::emit::files_for(*described, member);
        }
        findings.append(eg::topology::check_topology(members));
    }
    (void)eg::diag::format_text(findings);
    (void)eg::diag::format_json(findings);
    return 0;
}
