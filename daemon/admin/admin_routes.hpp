#pragma once
// admin routes: the admin API's answers, independent of the HTTP server that carries them. The
// routes, their paths and the error body are the contract's (include/eg/admin_api.hpp); here is
// one handler per route, over what the running member offers (admin_backend).

#include "daemon/objects/object_store.hpp"

#include <eg/admin_api.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <variant>
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

// One member of etcd's cluster, as etcd's member list tells it.
struct etcd_member_entry {
    std::string id;    // lower-case hex, as member statuses carry it
    std::string name;  // empty for a member added but not started yet
    std::vector<std::string> peer_urls;
    std::vector<std::string> client_urls;
    bool is_learner = false;
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
    // Optional: etcd's membership as this member's etcd client reads it, as GET
    // /status/etcd-members serves it (etcd_members_json). Throws on cluster errors.
    std::function<std::vector<etcd_member_entry>()> etcd_members;
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
    // Object writes (POST, PUT, DELETE); unset: this member serves no objects. Throw on cluster
    // errors.
    std::function<object_write(const nlohmann::json& spec)> create_object;
    std::function<object_write(const std::string& name, const nlohmann::json& spec)> update_object;
    std::function<object_write(const std::string& name)> delete_object;
};

api_response error_response(int status, const std::string& message);

// Member statuses as served: sorted by name, and a primary's `etcd.state` Leader or Follower set
// from the cluster's current leader when it is known (a stopped leader's last word is not
// "Leader"); another state (Offline: its etcd does not answer) is served as published.
std::string member_list_json(const std::vector<std::string>& statuses, const std::string& leader);

// etcd's membership as served: {"leader": "<id>", "members": [{"id", "name", "peerURLs",
// "clientURLs", "isLearner"}]}, ids in lower-case hex as member statuses carry them, members
// sorted by name; leader "" when unknown.
std::string etcd_members_json(const std::vector<etcd_member_entry>& members,
                              const std::string& leader);

class admin_routes {
public:
    explicit admin_routes(admin_backend backend) : backend_(std::move(backend)) {}

    api_response handle(const std::string& method, const std::string& target,
                        const std::string& body = {}) const;

private:
    api_response route(const std::string& method, const std::string& target,
                       const std::string& body) const;
    api_response serve(admin_api::route_id id, const std::string& name, const std::string& target,
                       const std::string& body) const;
    api_response health() const;
    api_response member_list() const;
    api_response etcd_member_list() const;
    bool objects_available() const;
    api_response object_list() const;
    api_response object_get(const std::string& name) const;
    std::variant<nlohmann::json, api_response> object_of_body(const std::string& body,
                                                              const std::string* url_name) const;
    std::set<std::string> known_pipelines(const nlohmann::json& written) const;
    api_response write_object(admin_api::route_id id, const std::string& name,
                              const std::string& body) const;
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
