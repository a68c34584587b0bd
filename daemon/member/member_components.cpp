#include "daemon/member/member_components.hpp"

#include "daemon/cluster/member_status.hpp"
#include "daemon/process/service_manager.hpp"

#include <pthread.h>

#include <thread>

namespace eg::server {
namespace {

namespace opt = config::opt;
using namespace std::chrono_literals;

std::chrono::milliseconds millis(const config::duration& d) {
    return std::chrono::milliseconds(std::max<std::int64_t>(d.nanoseconds / 1'000'000, 1));
}

std::unique_ptr<etcd_member> own_etcd_of(const config::effective_config& config,
                                         const member_places& places, logger& log,
                                         startup_state& state) {
    if (config.get(opt::cluster_role) != "primary" || config.get(opt::use_standalone_etcd))
        return nullptr;
    return std::make_unique<etcd_member>(
        config, places.working_dir, log,
        [&state](const std::string& text) { state.waiting_for(text); });
}

membership_settings membership_settings_of(const config::effective_config& config,
                                           const etcd_member* own_etcd) {
    membership_settings settings;
    settings.name = config.get(opt::name);
    settings.heartbeat = millis(config.get(opt::member_heartbeat_interval));
    if (own_etcd != nullptr) settings.own_etcd = own_etcd->client_url();
    return settings;
}

admin_server_settings admin_settings_of(const config::effective_config& config,
                                        const member_logs& logs, int inherited_listener) {
    admin_server_settings settings;
    settings.address = config.get(opt::api_addr);
    settings.access_log = logs.access.get();
    settings.max_body_bytes =
        static_cast<std::size_t>(config.get(opt::max_call_send_msg_size).bytes);
    if (config.get(opt::tls))
        settings.tls = admin_tls{config.get(opt::cert_file), config.get(opt::key_file),
                                 config.get(opt::client_ca_file)};
    for (const auto& [user, password] : config.get(opt::basic_auth))
        settings.basic_auth.emplace_back(user, password);
    settings.inherited_listener = inherited_listener;
    return settings;
}

std::size_t traffic_workers_of(const config::effective_config& config) {
    const auto workers = config.get(opt::traffic_workers);
    if (workers > 0) return static_cast<std::size_t>(workers);
    return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

member_components::member_components(const config::effective_config& config,
                                     const member_places& places, member_logs& logs,
                                     startup_state& state, int inherited_listener)
    : etcd({}, millis(config.get(opt::cluster_request_timeout))),
      own_etcd(own_etcd_of(config, places, logs.system, state)),
      members_view(
          etcd, std::string(members_prefix), {},
          [&log = logs.system](const std::string& trouble) { log.debug("cluster", trouble); }),
      dump(places.home, millis(config.get(opt::objects_dump_interval)), logs.system),
      objects_view(
          etcd, std::string(objects_prefix),
          [this] {
              dump.changed();
              traffic.changed();
          },
          [&log = logs.system](const std::string& trouble) { log.debug("objects", trouble); }),
      version_view(etcd, std::string(config_version_key)),
      engine(traffic_workers_of(config), logs.system),
      traffic(objects_view, engine, logs.system),
      objects(etcd),
      member(
          etcd, membership_settings_of(config, own_etcd.get()),
          [&config, working_dir = places.working_dir](auto heartbeat, const auto& etcd_state) {
              return member_status_json(config, working_dir, heartbeat, etcd_state);
          },
          [this] {
              return own_etcd ? own_etcd->started_at() : std::chrono::system_clock::time_point{};
          },
          logs.system),
      status_reporter(
          etcd, config.get(opt::name),
          static_cast<int>(config.get(opt::status_update_max_batch_size)),
          [this] { return member.lease(); }, objects_view, logs.system,
          [this] { return traffic.status_round(5.0); }),
      endpoints(etcd, own_etcd ? std::vector{own_etcd->client_url()} : std::vector<std::string>{},
                logs.system),
      routes(member_admin_backend(
          *this, state, static_cast<std::size_t>(config.get(opt::max_call_send_msg_size).bytes))),
      api(admin_settings_of(config, logs, inherited_listener), routes) {}

member_components::~member_components() { stop(); }

void member_components::start_cluster_side() {
    members_view.start();
    objects_view.start();
    version_view.start();
    dump.start(objects_view);
    traffic.start();
    endpoints.start();
    member.start();
}

void member_components::stop() {
    api.stop();
    etcd.cancel();
    std::thread cluster_side([this] {
        ::pthread_setname_np(::pthread_self(), "stop-cluster");
        traffic.stop();
        status_reporter.stop();
        member.stop();
        members_view.stop();
        objects_view.stop();
        version_view.stop();
        dump.stop();
        endpoints.stop();
    });
    if (own_etcd) own_etcd->stop();
    cluster_side.join();
}

}  // namespace eg::server
