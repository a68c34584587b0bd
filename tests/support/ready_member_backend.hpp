#pragma once
// ready member backend: the admin routes' view of a member that is ready, knows no member
// statuses and purges nothing; tests set what they need on top.

#include "daemon/admin/admin_routes.hpp"

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
    backend.purge = [](const std::string&) { return false; };
    return backend;
}

}  // namespace eg::test
