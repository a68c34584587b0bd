#pragma once
// bounded json: JSON text parsed only when it nests no deeper than the input limit. nlohmann's
// parser is iterative, but dumping, copying and comparing a value recurse once per level, so a
// text nested thousands deep overflows a thread's stack later, wherever it is used. Everything
// the member parses from outside (request bodies, files) or from etcd goes through here.

#include <eg/input_limits.hpp>

#include <nlohmann/json.hpp>

#include <string_view>

namespace eg::server {

// The parsed value; discarded (is_discarded()) when the text is not JSON or nests too deep.
template <class Json = nlohmann::json>
Json parse_bounded_json(std::string_view text) {
    if (limits::json_nesting_problem(text)) return Json(Json::value_t::discarded);
    return Json::parse(text, nullptr, false);
}

}  // namespace eg::server
