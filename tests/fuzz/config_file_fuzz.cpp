// Fuzz target: a member configuration file as `eg-config lint` and `easegress-server
// --config-file` read it. The input is the file's text; it is read (read_config_text), applied
// over the defaults, checked by every member rule, and the findings are rendered as text, JSON and
// GitHub annotations (SARIF only adds a fixed rule table). Nothing may crash, hang or throw,
// whatever the text.

#include <eg/config_file.hpp>
#include <eg/config_loader.hpp>
#include <eg/diagnostic_format.hpp>
#include <eg/github_output.hpp>
#include <eg/member_rules.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace config = eg::config;
    const std::string text(reinterpret_cast<const char*>(data), size);
    const std::string path = "fuzz/easegress.yaml";

    eg::diag::diagnostics findings;
    auto values = config::read_config_text(text, path, findings);
    auto member = config::default_config();
    member.set_config_file(path);
    config::apply_file_values(std::move(values), member);
    config::resolve_deprecated_values(member, findings);
    findings.append(config::rules::check_member(member));

    (void)eg::diag::format_text(findings);
    (void)eg::diag::format_json(findings);
    (void)eg::diag::format_github(findings);
    return 0;
}
