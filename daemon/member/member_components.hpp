#pragma once
// member components: every part of a running member, built from its configuration, declared
// in the order they depend on each other (a part references only parts above it). The member
// runtime starts them step by step (member_runtime.cpp) and stops them in reverse (stop()).
//
//   etcd            the etcd client every part shares (endpoints set once etcd is reached)
//   own_etcd        a primary's etcd, supervised (nullptr on a secondary or with standalone etcd)
//   members_view    /status/members/, watched: the member list the admin API serves
//   objects_view    /config/objects/, watched: the objects this member serves and dumps
//   version_view    the config version, watched
//   engine, traffic the traffic plane: the engine's workers serve what the controller builds
//                   from the objects view (HTTPServers listen, Pipelines run)
//   dump            <home>/running_objects.json, rewritten when the objects change
//   objects         object writes (create, update, delete) through etcd transactions
//   member          this member's lease, heartbeats, leader probe
//   status_reporter this member's object statuses, under its lease
//   endpoints       the etcd endpoints, refreshed from the cluster's member list
//   routes, api     the admin API: its routes over the parts above, and its HTTP server

#include "daemon/admin/admin_routes.hpp"
#include "daemon/admin/admin_server.hpp"
#include "daemon/cluster/membership.hpp"
#include "daemon/etcd/cluster_endpoints.hpp"
#include "daemon/etcd/etcd_client.hpp"
#include "daemon/etcd/etcd_member.hpp"
#include "daemon/etcd/prefix_view.hpp"
#include "daemon/member/member_logs.hpp"
#include "daemon/member/member_places.hpp"
#include "daemon/member/startup_state.hpp"
#include "daemon/objects/object_dump.hpp"
#include "daemon/objects/object_status.hpp"
#include "daemon/objects/object_store.hpp"
#include "daemon/traffic/traffic_controller.hpp"
#include "daemon/traffic/traffic_engine.hpp"

#include <eg/config_loader.hpp>

#include <memory>

namespace eg::server {

struct member_components {
    // inherited_listener: the admin API's socket handed over by an upgrade, or -1.
    member_components(const config::effective_config& config, const member_places& places,
                      member_logs& logs, startup_state& state, int inherited_listener);
    ~member_components();
    member_components(const member_components&) = delete;
    member_components& operator=(const member_components&) = delete;

    // Starts the watched views, the dump, the endpoint refresh and the heartbeats.
    void start_cluster_side();
    // Stops everything: the admin API first; then the cluster side and etcd together, as a
    // status write that waits for a quorum which is going away must not hold etcd up.
    void stop();

    etcd::client etcd;
    std::unique_ptr<etcd_member> own_etcd;
    etcd::prefix_view members_view;
    object_dump dump;
    etcd::prefix_view objects_view;
    etcd::prefix_view version_view;
    traffic_engine engine;
    traffic_controller traffic;
    object_store objects;
    membership member;
    object_status_reporter status_reporter;
    endpoint_sync endpoints;
    admin_routes routes;
    admin_server api;
};

// What the admin API's routes read and write on this member.
admin_backend member_admin_backend(member_components& parts, const startup_state& state,
                                   std::size_t max_object_bytes);

}  // namespace eg::server
