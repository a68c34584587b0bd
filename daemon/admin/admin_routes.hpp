#pragma once
// admin routes: the admin API's answers, independent of the HTTP server that carries them.
// Every route is served under /apis/v1 and /apis/v2; a trailing "/" is ignored. Errors are
// {"code":<status>,"message":"…"}; an unknown path is 404 "404 page not found", a known path
// with another method 405 with an empty body.

#include "daemon/objects/object_store.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace eg::server {

struct api_response {
    api_response() = default;
    api_response(int status_code, std::string text, std::string type, std::string version = {})
        : status(status_code),
          body(std::move(text)),
          content_type(std::move(type)),
          config_version(std::move(version)) {}

    int status = 200;
    std::string body;
    std::string content_type;    // empty: none sent
    std::string config_version;  // not empty: sent as X-Config-Version
};

// What the routes need from the running member.
struct admin_backend {
    // Empty when the member is ready; otherwise what start-up is waiting for.
    std::function<std::string()> waiting_for;
    // Optional: empty while the member can serve; otherwise why not (its etcd is restarting or
    // does not answer). /healthz answers 503 with it.
    std::function<std::string()> health_problem;
    // The stored member statuses (JSON documents), or nullopt while they are not known yet.
    std::function<std::optional<std::vector<std::string>>()> member_statuses;
    // The cluster's current etcd leader id (hex), empty when unknown.
    std::function<std::string()> leader_id;
    // Optional: a number that changes whenever the statuses may have changed (the view's
    // revision). With it, the member list is rendered once per change, not once per request.
    std::function<std::int64_t()> statuses_version;
    // Purges a member: true when it existed. Throws on cluster errors.
    std::function<bool(const std::string&)> purge;
    // Objects: name to stored spec (a JSON text), or nullopt while they are not known yet;
    // unset: this member serves no objects.
    std::function<std::optional<std::map<std::string, std::string>>()> object_specs;
    // Object statuses as stored: "<namespace>/<name>/<member>" to the status (a JSON text), or
    // nullopt while they are not known yet; unset: this member keeps none.
    std::function<std::optional<std::map<std::string, std::string>>()> object_statuses;
    // Optional: the current config version ("0" when no object was ever written), sent with
    // every answer as X-Config-Version.
    std::function<std::string()> config_version;
    // Largest object stored, as JSON (YAML aliases expanded); 0: no limit.
    std::size_t max_object_bytes = 0;
    // Writes an object: method POST (create), PUT (update) or DELETE; spec null for DELETE.
    std::function<object_write(const std::string& method, const std::string& name,
                               const nlohmann::json* spec)>
        write_object;
};

api_response error_response(int status, const std::string& message);

// Member statuses as served: sorted by name, and a primary's `etcd.state` Leader or Follower set
// from the cluster's current leader when it is known (a stopped leader's last word is not
// "Leader"); another state (Offline: its etcd does not answer) is served as published.
std::string member_list_json(const std::vector<std::string>& statuses, const std::string& leader);

class admin_routes {
public:
    explicit admin_routes(admin_backend backend) : backend_(std::move(backend)) {}

    api_response handle(const std::string& method, const std::string& target,
                        const std::string& body = {}) const;

private:
    api_response route(const std::string& method, const std::string& target,
                       const std::string& body) const;
    api_response member_list() const;
    api_response object_route(const std::string& method, const std::string& path,
                              const std::string& name, const std::string& body) const;
    api_response object_statuses(const std::string& name, const std::string& target) const;

    admin_backend backend_;
    struct rendered_list {
        std::mutex mutex;
        std::optional<std::int64_t> version;
        std::string leader;
        std::string json;
    };
    std::unique_ptr<rendered_list> rendered_ = std::make_unique<rendered_list>();
};

}  // namespace eg::server
