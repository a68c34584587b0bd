// Fuzz target: a request body of `POST /apis/v2/objects` (or PUT) as the admin API reads it: the
// body (JSON, or YAML) is read as every object text is (parse_object_body, through
// eg::yaml_json::read_document), checked (object_problem), and a valid object is rendered as the
// store writes it (with createdAt). Nothing may crash, hang or throw, whatever the body; and a
// spec read back from what the store writes is the spec that was read.

#include "daemon/objects/object_spec.hpp"
#include "daemon/objects/object_store.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    std::string why;
    const auto spec = eg::server::parse_object_body(body, why);
    if (!spec) return 0;
    const auto again = eg::server::parse_object_body(spec->dump(), why);
    if (!again || *again != *spec) __builtin_trap();
    if (eg::server::object_problem(*spec)) return 0;
    (void)eg::server::with_created_at(*spec, "2026-04-01T10:00:00Z").dump();
    return 0;
}
