// easegress-server: one member of an Easegress cluster.
//
// Exit codes: 0 success or graceful stop; 1 invalid configuration; 3 the member cannot start;
// 255 stopped at once by a second SIGINT/SIGTERM.

#include "daemon/admin/admin_routes.hpp"
#include "daemon/admin/admin_server.hpp"
#include "daemon/admin/admin_tls.hpp"
#include "daemon/cluster/member_status.hpp"
#include "daemon/cluster/membership.hpp"
#include "daemon/etcd/cluster_endpoints.hpp"
#include "daemon/etcd/etcd_client.hpp"
#include "daemon/etcd/etcd_member.hpp"
#include "daemon/etcd/prefix_view.hpp"
#include "daemon/objects/object_dump.hpp"
#include "daemon/objects/object_spec.hpp"
#include "daemon/objects/object_status.hpp"
#include "daemon/objects/object_store.hpp"
#include "daemon/process/graceful_upgrade.hpp"
#include "daemon/process/logger.hpp"
#include "daemon/process/process_control.hpp"
#include "daemon/process/service_manager.hpp"
#include "daemon/process/startup_failure.hpp"

#include <eg/config_loader.hpp>
#include <eg/diagnostic_catalogue.hpp>
#include <eg/diagnostic_format.hpp>
#include <eg/help_text.hpp>
#include <eg/host_checks.hpp>
#include <eg/input_limits.hpp>
#include <eg/member_paths.hpp>
#include <eg/member_rules.hpp>
#include <eg/print_config.hpp>

#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

namespace opt = eg::config::opt;
using namespace std::chrono_literals;

constexpr int exit_ok = 0;
constexpr int exit_invalid_config = 1;
constexpr int exit_cannot_start = 3;

void report(const eg::diag::diagnostics& findings) {
    const std::string text = eg::diag::format_text(findings, isatty(STDERR_FILENO) == 1);
    std::fputs(text.c_str(), stderr);
}

void report(const eg::diag::diagnostic& finding) {
    eg::diag::diagnostics one;
    one.add(finding);
    report(one);
}

std::chrono::milliseconds millis(const eg::config::duration& d) {
    return std::chrono::milliseconds(std::max<std::int64_t>(d.nanoseconds / 1'000'000, 1));
}

eg::diag::diagnostic cannot_write(const std::string& what, const std::string& why) {
    const std::string home_dir = eg::config::option_path(opt::home_dir.spec);
    return eg::diag::make(eg::diag::code("cannot-write"), home_dir, {},
                          "cannot create " + what + ": " + why,
                          "check the path and its permissions, or choose another " + home_dir);
}

// What start-up is waiting for, shared with the admin API's /healthz.
class waiting_state {
public:
    void set(const std::string& text) {
        std::lock_guard lock(mutex_);
        if (text != text_) eg::server::notify_service_manager("STATUS=" + text);
        text_ = text;
    }
    std::string get() const {
        std::lock_guard lock(mutex_);
        return text_;
    }

private:
    mutable std::mutex mutex_;
    std::string text_ = "starting";
};

// initial-object-config-files: each file is one object spec (YAML or JSON), written only when no
// object of that name exists yet. A file that cannot be read or is not a valid object is logged
// and skipped.
void create_initial_objects(const eg::config::effective_config& config,
                            eg::server::etcd::client& etcd, eg::server::logger& log) {
    for (const auto& path : config.get(opt::initial_object_config_files)) {
        const auto file = eg::limits::read_input_file(path, eg::limits::max_object_file_bytes);
        std::string why;
        const auto parsed =
            file.text ? eg::server::parse_object_body(*file.text, why) : std::nullopt;
        if (!parsed) {
            log.warn("objects", "failed to load initial object, path: " + path +
                                    ", error: " + (file.text ? why : file.problem));
            continue;
        }
        const nlohmann::json& spec = *parsed;
        if (const auto problem = eg::server::object_problem(spec)) {
            log.warn("objects", "failed to create spec for initial object, path: " + path +
                                    ", error: " + *problem);
            continue;
        }
        const std::string name = spec["name"].get<std::string>();
        // etcd may still be settling right after start-up: retry what it could not take.
        const auto deadline = std::chrono::steady_clock::now() + 30s;
        while (true) {
            try {
                if (etcd.put_if_absent(
                        std::string(eg::server::objects_prefix) + name,
                        eg::server::with_created_at(
                            spec, eg::server::rfc3339(std::chrono::system_clock::now()))
                            .dump()))
                    log.info("objects", "initial object " + name + " created from " + path);
                else
                    log.info("objects",
                             "initial object " + name + " already exist in config, skip");
                break;
            } catch (const eg::server::etcd::error& e) {
                if (!e.unavailable() || std::chrono::steady_clock::now() > deadline) {
                    log.warn("objects", "cannot write initial object " + name + ": " + e.what());
                    break;
                }
                std::this_thread::sleep_for(200ms);
            }
        }
    }
}

// The new side of an upgrade, once ready: serve the admin API on the inherited listener, name
// this process in the pid file, and ask the old process to stop.
template <typename start_api_function>
void take_over(const eg::server::upgrade_handover& handover, start_api_function& start_api,
               eg::server::pid_file& pid, const std::string& pid_path, eg::server::logger& log) {
    start_api();
    if (const auto problem = pid.write(pid_path); !problem.empty())
        log.warn("process", "cannot write the pid file: " + problem);
    if (::getppid() == handover.parent) {
        ::kill(handover.parent, SIGTERM);
        log.info("process", "took over from process " + std::to_string(handover.parent));
    } else {
        log.info("process", "process " + std::to_string(handover.parent) +
                                " is gone already; nothing to take over from");
    }
}

// Runs the member until it is asked to stop. Returns the exit code. `arguments` are the
// command line (argv[0] first), to start the same again at an upgrade; `handover` what this
// process inherited when it was started by one.
int run_member(const eg::config::effective_config& config,
               const std::vector<std::string>& arguments,
               const std::optional<eg::server::upgrade_handover>& handover) {
    namespace server = eg::server;
    const std::filesystem::path working_dir = std::filesystem::current_path();
    const std::filesystem::path home = eg::config::resolve_home(config, working_dir);
    const std::string log_dir = eg::config::resolve_under_home(config.get(opt::log_dir), home);
    const bool standalone = config.get(opt::use_standalone_etcd);
    const bool primary = config.get(opt::cluster_role) == "primary" && !standalone;

    for (const auto& dir :
         {home.string(), eg::config::resolve_data_dir(config, working_dir), log_dir}) {
        std::error_code ec;
        if (!dir.empty()) std::filesystem::create_directories(dir, ec);
        if (ec) {
            report(cannot_write(dir, ec.message()));
            return exit_cannot_start;
        }
    }

    server::logger log(log_dir.empty() ? "" : log_dir + "/stdout.log", config.get(opt::debug));
    std::unique_ptr<server::logger> access_log;
    if (!config.get(opt::disable_access_log))
        access_log = std::make_unique<server::logger>(
            log_dir.empty() ? "" : log_dir + "/admin_api.log", false, false);
    if (!log.ok() || (access_log && !access_log->ok())) {
        report(cannot_write("log files in " + log_dir, std::strerror(errno)));
        return exit_cannot_start;
    }
    // Leaked on purpose: its thread takes signals for as long as the process lives.
    auto* signals = new server::signal_control(
        [&log](const std::string& text) { log.info("process", text); },
        [&log, &access_log] {
            log.reopen();
            if (access_log) access_log->reopen();
            log.info("process", "hangup signal received, log files reopened");
        });
    const auto& stopping = signals->stopping_flag();
    {
        // --debug: the effective configuration, each value with its source.
        std::istringstream lines(eg::emit::print_config(config));
        for (std::string line; std::getline(lines, line);)
            if (!line.empty() && line.front() != '#') log.debug("config", line);
    }
    log.info("process", std::string("Easegress release: ") + EG_VERSION + ", member " +
                            config.get(opt::name) + " (" + config.get(opt::cluster_role) + ")");

    // Started by an upgrade: the pid file names the old process until this one takes over.
    server::pid_file pid;
    const std::string pid_path = (home / eg::server::pid_file_name).string();
    if (handover) {
        log.info("process", "started by a graceful upgrade of process " +
                                std::to_string(handover->parent) +
                                "; serving the admin API once ready");
    } else if (const auto problem = pid.write(pid_path); !problem.empty()) {
        report(cannot_write("the pid file", problem));
        return exit_cannot_start;
    }

    waiting_state waiting;
    std::atomic<bool> ready{false};
    // During a graceful upgrade this process stops its etcd for the new process to start: not a
    // fault of this member (the new process takes over only once its etcd is healthy).
    std::atomic<bool> etcd_handed_over{false};
    server::etcd::client etcd({}, millis(config.get(opt::cluster_request_timeout)));
    server::etcd::prefix_view members_view(
        etcd, std::string(server::members_prefix), {},
        [&log](const std::string& trouble) { log.debug("cluster", trouble); });
    server::object_dump dump(home, millis(config.get(opt::objects_dump_interval)), log);
    server::etcd::prefix_view objects_view(
        etcd, std::string(server::objects_prefix), [&dump] { dump.changed(); },
        [&log](const std::string& trouble) { log.debug("objects", trouble); });
    server::object_store objects(etcd);
    server::etcd::prefix_view version_view(etcd, std::string(server::config_version_key));
    std::unique_ptr<server::etcd_member> own_etcd;
    if (primary)
        own_etcd = std::make_unique<server::etcd_member>(
            config, working_dir, log, [&waiting](const std::string& text) { waiting.set(text); });
    if (own_etcd && handover && config.get(opt::force_new_cluster)) {
        log.info("etcd", "force-new-cluster is ignored by a graceful upgrade");
        own_etcd->keep_cluster();
    }

    server::membership_settings settings;
    settings.name = config.get(opt::name);
    settings.heartbeat = millis(config.get(opt::member_heartbeat_interval));
    if (own_etcd) settings.own_etcd = own_etcd->client_url();
    server::membership member(
        etcd, settings,
        [&config, working_dir](auto heartbeat, const auto& etcd_state) {
            return server::member_status_json(config, working_dir, heartbeat, etcd_state);
        },
        [&own_etcd] {
            return own_etcd ? own_etcd->started_at() : std::chrono::system_clock::time_point{};
        },
        log);
    server::object_status_reporter status_reporter(
        etcd, config.get(opt::name),
        static_cast<int>(config.get(opt::status_update_max_batch_size)),
        [&member] { return member.lease(); }, objects_view, log);

    server::admin_routes routes(server::admin_backend{
        .waiting_for = [&] { return ready ? std::string() : waiting.get(); },
        .health_problem =
            [&] {
                // The supervisor knows first when this primary's etcd is down; the probes
                // see an etcd that runs but does not answer, or every endpoint unreachable.
                if (own_etcd && etcd_handed_over) return std::string();
                if (own_etcd)
                    if (std::string down = own_etcd->down_reason(); !down.empty()) return down;
                return member.etcd_problem();
            },
        .member_statuses = [&]() -> std::optional<std::vector<std::string>> {
            if (!members_view.synced()) return std::nullopt;
            std::vector<std::string> statuses;
            for (const auto& [key, entry] : members_view.snapshot())
                statuses.push_back(entry.value);
            return statuses;
        },
        .leader_id = [&] { return member.leader_id(); },
        .statuses_version = [&] { return members_view.revision(); },
        .purge =
            [&](const std::string& name) {
                if (!ready) throw std::runtime_error(waiting.get());
                return member.purge(name) == server::purge_result::purged;
            },
        .object_specs = [&]() -> std::optional<std::map<std::string, std::string>> {
            if (!objects_view.synced()) return std::nullopt;
            std::map<std::string, std::string> specs;
            for (auto& [key, entry] : objects_view.snapshot())
                specs.emplace(key.substr(server::objects_prefix.size()), std::move(entry.value));
            return specs;
        },
        .object_statuses = [&]() -> std::optional<std::map<std::string, std::string>> {
            // Asked for rarely: read from etcd, not watched (every member's statuses change
            // every 5 s).
            if (!ready) return std::nullopt;
            std::map<std::string, std::string> statuses;
            for (auto& kv : etcd.get_prefix(server::object_statuses_prefix).kvs)
                statuses.emplace(kv.key.substr(server::object_statuses_prefix.size()),
                                 std::move(kv.value));
            return statuses;
        },
        .config_version =
            [&] {
                const auto entries = version_view.snapshot();
                const auto found = entries.find(std::string(server::config_version_key));
                return found == entries.end() ? std::string("0") : found->second.value;
            },
        .max_object_bytes = static_cast<std::size_t>(config.get(opt::max_call_send_msg_size).bytes),
        .write_object = [&](const std::string& method, const std::string& name,
                            const nlohmann::json* spec) -> server::object_write {
            if (!ready) throw std::runtime_error(waiting.get());
            server::object_write written;
            if (method == "POST") written = objects.create(*spec);
            if (method == "PUT") written = objects.update(name, *spec);
            if (method == "DELETE") written = objects.remove(name);
            // Read your writes: this member's view has the change before the answer.
            if (written.result == server::object_write::done)
                objects_view.wait_for_revision(written.revision, 2s);
            return written;
        },
    });
    server::admin_server_settings api_settings;
    api_settings.address = config.get(opt::api_addr);
    api_settings.access_log = access_log.get();
    api_settings.max_body_bytes =
        static_cast<std::size_t>(config.get(opt::max_call_send_msg_size).bytes);
    if (config.get(opt::tls))
        api_settings.tls = server::admin_tls{config.get(opt::cert_file), config.get(opt::key_file),
                                             config.get(opt::client_ca_file)};
    for (const auto& [user, password] : config.get(opt::basic_auth))
        api_settings.basic_auth.emplace_back(user, password);
    if (handover) api_settings.inherited_listener = handover->listener_fd;
    server::admin_server api(api_settings, routes);
    server::upgrade_starter upgrades(
        arguments,
        {.refusal = [&]() -> std::string { return ready ? "" : "this member is not ready yet"; },
         .listener_fd = [&] { return api.listener_fd(); },
         .before_start =
             [&] {
                 if (!own_etcd) return;
                 etcd_handed_over = true;
                 own_etcd->stop();
             },
         .after_failure =
             [&] {
                 if (!own_etcd) return;
                 etcd_handed_over = false;
                 try {
                     own_etcd->start();
                     if (own_etcd->wait_healthy(stopping)) log.info("etcd", "etcd is back");
                 } catch (const server::startup_failure& failure) {
                     log.error("etcd", failure.what());
                 }
             },
         .successor = [signals](pid_t child) { signals->expect_takeover_from(child); }},
        stopping, log);
    server::endpoint_sync endpoints(
        etcd, own_etcd ? std::vector{own_etcd->client_url()} : std::vector<std::string>{}, log);
    // The admin API first; then the cluster side and etcd together, as a status write that
    // waits for a quorum which is going away must not hold etcd up.
    auto shut_down = [&] {
        server::notify_service_manager("STOPPING=1");
        api.stop();
        etcd.cancel();
        std::thread cluster_side([&] {
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
        pid.remove();
    };

    auto start_api = [&] {
        try {
            api.start();
        } catch (const std::exception& e) {
            throw server::startup_failure(eg::diag::make(
                eg::diag::code("port-in-use"), eg::config::option_path(opt::api_addr.spec),
                config.at(opt::api_addr).source.where, std::string("the admin API ") + e.what(),
                "stop what listens there (ss -ltnp shows it), or choose another api-addr"));
        }
        log.info("admin-api", "listening on " + config.get(opt::api_addr));
        server::notify_service_manager("READY=1");
    };

    try {
        // The admin API first, so that /healthz says what start-up waits for; after an upgrade
        // only once ready, as the old process serves it until then.
        if (!handover) start_api();

        if (own_etcd) {
            own_etcd->plan(stopping);
            own_etcd->start();
            if (!own_etcd->wait_healthy(stopping)) {
                shut_down();
                return exit_ok;
            }
            etcd.set_endpoints({own_etcd->client_url()});
        } else if (standalone) {
            // An etcd this member does not run: the URLs given are its client URLs.
            etcd.set_endpoints(config.get(opt::primary_listen_peer_urls));
        } else {
            const auto peers = config.get(opt::primary_listen_peer_urls);
            auto last_log = std::chrono::steady_clock::now() - 1h;
            while (!stopping) {
                std::string failures;
                if (auto urls = server::client_urls_from_peers(peers, 2s, failures)) {
                    etcd.set_endpoints(std::move(*urls));
                    break;
                }
                const std::string text = "waiting for a primary to answer: " + failures;
                waiting.set(text);
                if (std::chrono::steady_clock::now() - last_log > 10s) {
                    log.info("cluster", text);
                    last_log = std::chrono::steady_clock::now();
                }
                std::this_thread::sleep_for(200ms);
            }
        }
        endpoints.refresh();

        // The cluster name: primaries (and members of a standalone etcd) publish it when it is
        // absent; every member checks it.
        const std::string cluster_name = config.get(opt::cluster_name);
        while (!stopping) {
            try {
                if (primary || standalone)
                    etcd.put_if_absent(server::cluster_name_key, cluster_name);
                const auto stored = etcd.get(server::cluster_name_key);
                if (stored.kvs.empty()) {
                    waiting.set("waiting for the primaries to publish the cluster name");
                } else if (stored.kvs.front().value != cluster_name) {
                    throw server::startup_failure(eg::diag::make(
                        eg::diag::code("cluster-name-mismatch"),
                        eg::config::option_path(opt::cluster_name.spec),
                        config.at(opt::cluster_name).source.where,
                        "cluster names mismatch, local(" + cluster_name + ") != existed(" +
                            stored.kvs.front().value + ")",
                        "give this member the cluster-name of the cluster it joins"));
                } else {
                    break;
                }
            } catch (const server::etcd::error& e) {
                waiting.set(std::string("waiting for etcd: ") + e.what());
            }
            std::this_thread::sleep_for(200ms);
        }

        members_view.start();
        objects_view.start();
        version_view.start();
        dump.start(objects_view);
        endpoints.start();
        member.start();
        waiting.set("publishing this member's status");
        while (!stopping && !(member.published() && members_view.synced() && objects_view.synced()))
            std::this_thread::sleep_for(20ms);
        if (!stopping) {
            create_initial_objects(config, etcd, log);
            ready = true;
            status_reporter.start();
            log.info("cluster", "cluster is ready");
            server::notify_service_manager("STATUS=cluster is ready");
            if (handover) take_over(*handover, start_api, pid, pid_path, log);
        }
    } catch (const server::startup_failure& failure) {
        log.error("process", failure.what());
        report(failure.diagnostic());
        shut_down();
        return exit_cannot_start;
    }

    signals->on_upgrade([&upgrades] { upgrades.request(); });
    // Under systemd the unit follows the new process from now on.
    signals->on_takeover([&log](pid_t successor) {
        if (server::notify_service_manager("MAINPID=" + std::to_string(successor)))
            log.info("process", "told the service manager that process " +
                                    std::to_string(successor) + " is the main one now");
    });
    signals->wait();
    signals->on_upgrade({});
    shut_down();
    log.info("process", "easegress stopped");
    return exit_ok;
}

// --signal-upgrade: SIGUSR2 to the server named in this home dir's pid file.
int signal_running_server(const eg::config::effective_config& config,
                          const eg::diag::diagnostics& findings) {
    report(findings);
    const std::filesystem::path home =
        eg::config::resolve_home(config, std::filesystem::current_path());
    const std::string pid_path = (home / eg::server::pid_file_name).string();
    pid_t signalled = 0;
    if (const auto problem = eg::server::signal_upgrade(pid_path, signalled); !problem.empty()) {
        const std::string home_dir = eg::config::option_path(opt::home_dir.spec);
        report(eg::diag::make(eg::diag::code("upgrade-signal-failed"), home_dir,
                              config.at(opt::home_dir).source.where, problem,
                              "start the server first, or give the " + home_dir + " it runs with"));
        return exit_invalid_config;
    }
    std::printf("graceful upgrade signal sent to process %d\n", static_cast<int>(signalled));
    return exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
    // Few malloc arenas: the admin API's many connection threads would each get one otherwise.
    ::mallopt(M_ARENA_MAX, 2);
    eg::server::signal_control::block_signals();
    const auto handover = eg::server::inherited_upgrade();
    const std::vector<std::string> args(argv + 1, argv + argc);
    auto [config, findings] = eg::config::load_config(args, eg::config::environment_from(environ));

    if (config.get(opt::help)) {
        std::fputs(eg::emit::help_text().c_str(), stdout);
        return exit_ok;
    }
    if (config.get(opt::version)) {
        std::printf("Easegress %s\n", EG_VERSION);
        return exit_ok;
    }

    findings.append(eg::config::rules::check_member(config));
    const bool invalid = findings.has_errors();

    if (config.get(opt::print_config) && !findings.has("EG100")) {
        report(findings);
        std::fputs(eg::emit::print_config(config).c_str(), stdout);
        return invalid ? exit_invalid_config : exit_ok;
    }
    if (invalid || config.get(opt::check_config)) {
        report(findings);
        if (invalid) return exit_invalid_config;
        std::printf("configuration is valid: %zu warning(s), %zu note(s)\n",
                    findings.count(eg::diag::severity::warning),
                    findings.count(eg::diag::severity::note));
        return exit_ok;
    }

    if (config.get(opt::signal_upgrade)) return signal_running_server(config, findings);

    // About to run: the machine must fit too (ports free, data dir ours, files readable).
    eg::diag::diagnostics host;
    eg::host::check_member_on_host(config, host);
    for (const auto& finding : host) {
        // After an upgrade the admin API's port is the inherited listener's: in use, by us.
        if (handover && finding.code == eg::diag::code("port-in-use").code &&
            finding.path == opt::api_addr.spec.yaml_path)
            continue;
        findings.add(finding);
    }
    if (config.get(opt::cluster_role) == "primary" && !config.get(opt::use_standalone_etcd)) {
        const char* path = std::getenv("PATH");
        if (eg::server::find_executable(config.get(opt::etcd_binary),
                                        path != nullptr ? path : "/usr/bin:/bin")
                .empty())
            findings.add(eg::server::etcd_not_found(config));
    }
    if (config.get(opt::tls)) {
        try {
            eg::server::admin_tls_listener();
        } catch (const std::exception& e) {
            const std::string tls = eg::config::option_path(opt::tls.spec);
            findings.add(eg::diag::make(eg::diag::code("tls-support-missing"), tls,
                                        config.at(opt::tls).source.where, e.what(),
                                        "install easegress-server with its lib/eg/" +
                                            std::string(eg::server::admin_tls_module_name) +
                                            ", or serve the admin API without " + tls));
        }
    }
    report(findings);
    if (findings.has_errors()) return exit_cannot_start;
    return run_member(config, std::vector<std::string>(argv, argv + argc), handover);
}
