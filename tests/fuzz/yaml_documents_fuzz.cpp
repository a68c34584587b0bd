// Fuzz target: a spec file of `egctl create -f` / `egctl apply -f` as egctl reads it: the text is
// cut into documents, each read as every object text is (eg::yaml_json::read_document, through
// read_object_specs), and each spec rendered as the request body egctl sends. Nothing may crash,
// hang or throw, whatever the text; and the body sent, read again as the member reads it, must be
// the same value (the one reading is stable: what egctl sends is stored as egctl read it).

#include "tools/egctl/yaml_documents.hpp"

#include <eg/yaml_json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto specs =
        eg::ctl::read_object_specs(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!specs) return 0;
    for (const auto& spec : *specs) {
        const std::string sent =
            spec.json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        const auto again = eg::yaml_json::read_document(sent);
        if (!again || again.value != spec.json) __builtin_trap();
    }
    return 0;
}
