// Fuzz target: a spec file of `egctl create -f` / `egctl apply -f` as egctl reads it: the text is
// cut into documents, each converted to JSON as go-yaml v2 types it (read_object_specs), and
// each spec rendered as the request body egctl sends. Nothing may crash, hang or throw, whatever
// the text.

#include "tools/egctl/yaml_documents.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto specs =
        eg::ctl::read_object_specs(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!specs) return 0;
    for (const auto& spec : *specs)
        (void)spec.json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return 0;
}
