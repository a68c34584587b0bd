// Fuzz target: requests to the admin API's routes (admin_routes::handle) of a member whose
// objects, object statuses and member statuses are kept in memory, as a ready member would
// answer them. One input is a sequence of requests, so that what one request writes is read by
// the next.
//
// Input: requests separated by a line "%%"; each is a line "<METHOD> <target>" and the body
// after it (the rest of the request). At most 16 requests are sent.
//
// Besides crashes, hangs and exceptions, these are findings (the target aborts):
//   - a status outside 200-599, or any 5xx: this member has nothing that can fail;
//   - an error (4xx) that is not {"code":<status>,"message":"..."}, except the 404 of an
//     unknown path ("404 page not found") and a 405 (empty), as upstream answers them;
//   - a 200 with a JSON content type whose body is not JSON.

#include "daemon/admin/admin_routes.hpp"
#include "daemon/objects/object_store.hpp"
#include "input_parts.hpp"
#include "tests/support/ready_member_backend.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

using eg::server::admin_backend;
using eg::server::api_response;
using eg::server::object_write;
using json = nlohmann::json;

struct request {
    std::string method;
    std::string target;
    std::string body;
};

// The input's requests: parts ending at a line "%%".
std::vector<request> requests_of(std::string_view input) {
    const auto parts = eg::fuzz::input_parts(input);
    std::vector<request> requests;
    for (auto part : parts) {
        if (requests.size() == 16) break;
        const auto line_end = std::min(part.find('\n'), part.size());
        const auto request_line = part.substr(0, line_end);
        const auto space = std::min(request_line.find(' '), request_line.size());
        requests.push_back({std::string(request_line.substr(0, space)),
                            std::string(request_line.substr(std::min(space + 1, line_end))),
                            std::string(part.substr(std::min(line_end + 1, part.size())))});
    }
    return requests;
}

// A ready member whose store is a map: writes behave as object_store's (POST of an existing
// name: exists; PUT or DELETE of a missing one: not found).
struct memory_member {
    std::map<std::string, std::string> specs;
    std::int64_t version = 0;

    admin_backend backend() {
        admin_backend b;
        b.waiting_for = [] { return std::string(); };
        b.member_statuses = []() -> std::optional<std::vector<std::string>> {
            return std::vector<std::string>{
                R"({"options":{"Name":"machine-2","ClusterRole":"primary"},"etcd":{"id":"2","state":"Follower"}})",
                R"({"options":{"Name":"machine-1","ClusterRole":"primary"},"etcd":{"id":"1"}})",
                R"({"options":{"Name":"machine-4","ClusterRole":"secondary"}})"};
        };
        b.leader_id = [] { return std::string("1"); };
        b.purge = [](const std::string& name) { return name == "machine-4"; };
        b.object_specs = [this]() -> std::optional<std::map<std::string, std::string>> {
            return specs;
        };
        b.object_statuses = [this]() -> std::optional<std::map<std::string, std::string>> {
            std::map<std::string, std::string> statuses;
            for (const auto& [name, spec] : specs)
                statuses["default/" + name + "/machine-1"] = R"({"status":"running"})";
            return statuses;
        };
        b.config_version = [this] { return std::to_string(version); };
        eg::test::write_objects_with(b, [this](const std::string& method, const std::string& name,
                                               const json* spec) {
            object_write written;
            const bool exists = specs.count(name) > 0;
            if (method == "POST" && exists) {
                written.result = object_write::exists;
                written.why = "conflict name: " + name;
            } else if (method != "POST" && !exists) {
                written.result = object_write::not_found;
            } else {
                if (method == "DELETE")
                    specs.erase(name);
                else
                    specs[name] = eg::server::with_created_at(*spec, "2026-04-01T10:00:00Z").dump();
                written.version = ++version;
            }
            return written;
        });
        return b;
    }
};

[[noreturn]] void finding(const request& r, const api_response& answer, const char* what) {
    std::fprintf(stderr, "%s: %s %s -> %d %s\n", what, r.method.c_str(), r.target.c_str(),
                 answer.status, answer.body.c_str());
    std::abort();
}

void check(const request& r, const api_response& answer) {
    if (answer.status < 200 || answer.status > 599) finding(r, answer, "status out of range");
    if (answer.status >= 500) finding(r, answer, "server error from a member that cannot fail");
    if (answer.status >= 400) {
        if (answer.status == 404 && answer.body == "404 page not found\n") return;
        if (answer.status == 405 && answer.body.empty()) return;
        const auto body = json::parse(answer.body, nullptr, false);
        if (!body.is_object() || body.size() != 2 || body.value("code", 0) != answer.status ||
            !body.contains("message") || !body["message"].is_string())
            finding(r, answer, "error body is not {code,message}");
        return;
    }
    if (answer.content_type == "application/json" &&
        json::parse(answer.body, nullptr, false).is_discarded())
        finding(r, answer, "JSON answer that does not parse");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    memory_member member;
    const eg::server::admin_routes routes(member.backend());
    for (const auto& r : requests_of(std::string_view(reinterpret_cast<const char*>(data), size)))
        check(r, routes.handle(r.method, r.target, r.body));
    return 0;
}
