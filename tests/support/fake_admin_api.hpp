#pragma once
// A stand-in for the admin API behind egctl's commands: canned answers by "METHOD PATH" (404
// otherwise), every request recorded with its body.

#include "tools/egctl/member_commands.hpp"
#include "tools/egctl/outcome.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace eg::test {

struct sent_request {
    std::string method;
    std::string path;
    std::string body;
};

struct fake_admin_api {
    std::map<std::string, ctl::outcome<std::string>> answers;
    std::vector<sent_request> requests;

    ctl::request_function function() {
        return [this](std::string_view method, std::string_view path, std::string_view body) {
            requests.push_back({std::string(method), std::string(path), std::string(body)});
            const auto it = answers.find(std::string(method) + " " + std::string(path));
            if (it != answers.end()) return it->second;
            return ctl::outcome<std::string>::failure("404: not found");
        };
    }

    // "METHOD PATH" of each request made, in order.
    std::vector<std::string> lines() const {
        std::vector<std::string> out;
        for (const auto& r : requests) out.push_back(r.method + " " + r.path);
        return out;
    }
};

// The command failed with exactly this error text.
inline void check_failure(const ctl::command_result& r, const std::string& error) {
    REQUIRE(r.error);
    CHECK(*r.error == error);
}

}  // namespace eg::test
