#pragma once
// ready member backend: the admin routes' view of a member that is ready, knows no member
// statuses and purges nothing; tests set what they need on top.

#include "daemon/admin/admin_routes.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace eg::test {

inline server::admin_backend ready_member_backend() {
    server::admin_backend backend;
    backend.waiting_for = [] { return std::string(); };
    backend.member_statuses = []() -> std::optional<std::vector<std::string>> {
        return std::vector<std::string>{};
    };
    backend.leader_id = [] { return std::string(); };
    backend.etcd_members = [] { return std::vector<eg::server::etcd_member_entry>{}; };
    backend.purge = [](const std::string&) { return false; };
    return backend;
}

// One function for the three object writes, told the method of the request ("POST", "PUT" or
// "DELETE"), the object's name and its spec (nullptr for DELETE): for tests that record writes.
using object_writer = std::function<server::object_write(
    const std::string& method, const std::string& name, const nlohmann::json* spec)>;

inline void write_objects_with(server::admin_backend& backend, object_writer writer) {
    backend.create_object = [writer](const nlohmann::json& spec) {
        return writer("POST", spec.value("name", ""), &spec);
    };
    backend.update_object = [writer](const std::string& name, const nlohmann::json& spec) {
        return writer("PUT", name, &spec);
    };
    backend.delete_object = [writer](const std::string& name) {
        return writer("DELETE", name, nullptr);
    };
}

}  // namespace eg::test
