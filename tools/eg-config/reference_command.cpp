// eg-config schema and eg-config docs: the JSON Schemas and the reference pages, generated from
// the option declarations and the diagnostic catalogue.

#include "command.hpp"

#include <eg/json_schema.hpp>
#include <eg/reference_docs.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

namespace eg::tools {

namespace {

// The value of `--kind K` / `--kind=K`, or the fallback; "" on a usage error.
std::string kind_of(const arguments& args, const std::string& fallback) {
    const auto parsed = parse_arguments({{"kind", true}}, args);
    if (parsed.error != parsed_arguments::problem::none || !parsed.operands.empty()) return "";
    return parsed.value_or("kind", fallback);
}

}  // namespace

int schema_command(const arguments& args) {
    const auto kind = kind_of(args, "server");
    nlohmann::ordered_json schema;
    if (kind == "server")
        schema = emit::server_schema_document();
    else if (kind == "cluster")
        schema = emit::cluster_schema_document();
    else
        return usage_error("schema: use --kind server or --kind cluster");
    std::fputs((schema.dump(2) + "\n").c_str(), stdout);
    return exit_ok;
}

int docs_command(const arguments& args) {
    const auto kind = kind_of(args, "options");
    if (kind == "options")
        std::fputs(emit::options_reference().c_str(), stdout);
    else if (kind == "diagnostics")
        std::fputs(emit::diagnostics_reference().c_str(), stdout);
    else
        return usage_error("docs: use --kind options or --kind diagnostics");
    return exit_ok;
}

}  // namespace eg::tools
