#include "daemon/member/member_runtime.hpp"

#include "daemon/member/initial_objects.hpp"
#include "daemon/process/service_manager.hpp"

#include <eg/diagnostic_catalogue.hpp>
#include <eg/diagnostic_format.hpp>
#include <eg/print_config.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <sstream>
#include <thread>

namespace eg::server {
namespace {

namespace opt = config::opt;
using namespace std::chrono_literals;

void report(const diag::diagnostic& finding) {
    diag::diagnostics one;
    one.add(finding);
    const std::string text = diag::format_text(one, isatty(STDERR_FILENO) == 1);
    std::fputs(text.c_str(), stderr);
}

startup_failure cannot_write(const std::string& what, const std::string& why) {
    const std::string home_dir = config::option_path(opt::home_dir.spec);
    return startup_failure(
        diag::make(diag::code("cannot-write"), home_dir, {}, "cannot create " + what + ": " + why,
                   "check the path and its permissions, or choose another " + home_dir));
}

// Sleeps between start-up polls; false when a stop was asked for meanwhile.
bool pause(std::chrono::milliseconds pause, const std::atomic<bool>& stopping) {
    std::this_thread::sleep_for(pause);
    return !stopping;
}

// Logs (at debug level) how long a start-up step took, when it ends.
class step_timing {
public:
    step_timing(logger& log, std::string step)
        : log_(log), step_(std::move(step)), started_(std::chrono::steady_clock::now()) {}
    ~step_timing() {
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started_);
        log_.debug("startup", step_ + " took " + std::to_string(took.count()) + " ms");
    }
    step_timing(const step_timing&) = delete;
    step_timing& operator=(const step_timing&) = delete;

private:
    logger& log_;
    std::string step_;
    std::chrono::steady_clock::time_point started_;
};

}  // namespace

member_runtime::member_runtime(const config::effective_config& config,
                               std::vector<std::string> arguments,
                               std::optional<upgrade_handover> handover)
    : config_(config),
      arguments_(std::move(arguments)),
      handover_(std::move(handover)),
      places_(config) {}

member_runtime::~member_runtime() { stop(); }

// The start-up sequence. Each step either completes, returns false when a stop was asked for
// meanwhile, or throws startup_failure (exit 3).
int member_runtime::run() {
    try {
        create_directories();
        open_logs();
        take_signals();
        write_pid_file();
        parts_ = std::make_unique<member_components>(config_, places_, *logs_, state_,
                                                     handover_ ? handover_->listener_fd : -1);
        // The admin API first, so that /healthz says what start-up waits for; after an upgrade
        // only once ready, as the old process serves it until then.
        if (!handover_) start_admin_api();
        if (reach_etcd() && check_cluster_name() && join_cluster()) {
            create_initial_objects(config_.get(opt::initial_object_config_files), parts_->etcd,
                                   logs_->system);
            become_ready();
            serve_until_stopped();
        }
    } catch (const startup_failure& failure) {
        if (logs_) logs_->system.error("process", failure.what());
        report(failure.diagnostic());
        stop();
        return member_exit_cannot_start;
    }
    stop();
    logs_->system.info("process", "easegress stopped");
    return member_exit_ok;
}

// 1. The home, data and log directories; then the logs.
void member_runtime::create_directories() {
    for (const auto& dir : {places_.home.string(), places_.data_dir, places_.log_dir}) {
        std::error_code ec;
        if (!dir.empty()) std::filesystem::create_directories(dir, ec);
        if (ec) throw cannot_write(dir, ec.message());
    }
}

void member_runtime::open_logs() {
    logs_ = std::make_unique<member_logs>(config_, places_);
    if (!logs_->ok()) throw cannot_write("log files in " + places_.log_dir, std::strerror(errno));
    // --debug: the effective configuration, each value with its source.
    std::istringstream lines(emit::print_config(config_));
    for (std::string line; std::getline(lines, line);)
        if (!line.empty() && line.front() != '#') logs_->system.debug("config", line);
    logs_->system.info("process", std::string("Easegress release: ") + EG_VERSION + ", member " +
                                      config_.get(opt::name) + " (" +
                                      config_.get(opt::cluster_role) + ")");
}

// Signals from here on: a stop asked for during start-up ends it at the next step.
void member_runtime::take_signals() {
    member_logs& logs = *logs_;
    signals_ = std::make_unique<signal_control>(
        [&logs](const std::string& text) { logs.system.info("process", text); },
        [&logs] {
            logs.reopen();
            logs.system.info("process", "hangup signal received, log files reopened");
        });
}

// 2. The pid file; after an upgrade it names the old process until this one takes over.
void member_runtime::write_pid_file() {
    if (handover_) {
        logs_->system.info("process", "started by a graceful upgrade of process " +
                                          std::to_string(handover_->parent) +
                                          "; serving the admin API once ready");
        return;
    }
    if (const auto problem = pid_.write(places_.pid_path); !problem.empty())
        throw cannot_write("the pid file", problem);
}

// 3. The admin API's listener.
void member_runtime::start_admin_api() {
    try {
        parts_->api.start();
    } catch (const std::exception& e) {
        throw startup_failure(diag::make(
            diag::code("port-in-use"), config::option_path(opt::api_addr.spec),
            config_.at(opt::api_addr).source.where, std::string("the admin API ") + e.what(),
            "stop what listens there (ss -ltnp shows it), or choose another api-addr"));
    }
    logs_->system.info("admin-api", "listening on " + config_.get(opt::api_addr));
    notify_service_manager("READY=1");
}

// 4. etcd: a primary's own, healthy; a standalone etcd's client URLs; or, on a secondary, the
// client URLs the primaries advertise.
bool member_runtime::reach_etcd() {
    const step_timing timing(logs_->system, "reaching etcd");
    if (auto* own = parts_->own_etcd.get()) {
        if (handover_ && config_.get(opt::force_new_cluster)) {
            logs_->system.info("etcd", "force-new-cluster is ignored by a graceful upgrade");
            own->keep_cluster();
        }
        own->plan(signals_->stopping_flag());
        own->start();
        if (!own->wait_healthy(signals_->stopping_flag())) return false;
        parts_->etcd.set_endpoints({own->client_url()});
    } else if (config_.get(opt::use_standalone_etcd)) {
        parts_->etcd.set_endpoints(config_.get(opt::primary_listen_peer_urls));
    } else if (!wait_for_primaries()) {
        return false;
    }
    parts_->endpoints.refresh();
    return true;
}

bool member_runtime::wait_for_primaries() {
    const auto peers = config_.get(opt::primary_listen_peer_urls);
    auto last_log = std::chrono::steady_clock::now() - 1h;
    do {
        std::string failures;
        if (auto urls = client_urls_from_peers(peers, 2s, failures)) {
            parts_->etcd.set_endpoints(std::move(*urls));
            return true;
        }
        const std::string text = "waiting for a primary to answer: " + failures;
        state_.waiting_for(text);
        if (std::chrono::steady_clock::now() - last_log > 10s) {
            logs_->system.info("cluster", text);
            last_log = std::chrono::steady_clock::now();
        }
    } while (pause(50ms, signals_->stopping_flag()));
    return false;
}

// 5. The cluster name: primaries (and members of a standalone etcd) publish it when it is
// absent; every member checks it.
bool member_runtime::check_cluster_name() {
    const step_timing timing(logs_->system, "the cluster-name check");
    const std::string cluster_name = config_.get(opt::cluster_name);
    const bool publishes =
        config_.get(opt::cluster_role) == "primary" || config_.get(opt::use_standalone_etcd);
    while (!stopping()) {
        try {
            if (publishes) parts_->etcd.put_if_absent(cluster_name_key, cluster_name);
            const auto stored = parts_->etcd.get(cluster_name_key);
            if (!stored.kvs.empty() && stored.kvs.front().value == cluster_name) return true;
            if (!stored.kvs.empty())
                throw startup_failure(
                    diag::make(diag::code("cluster-name-mismatch"),
                               config::option_path(opt::cluster_name.spec),
                               config_.at(opt::cluster_name).source.where,
                               "cluster names mismatch, local(" + cluster_name + ") != existed(" +
                                   stored.kvs.front().value + ")",
                               "give this member the cluster-name of the cluster it joins"));
            state_.waiting_for("waiting for the primaries to publish the cluster name");
        } catch (const etcd::error& e) {
            state_.waiting_for(std::string("waiting for etcd: ") + e.what());
        }
        pause(200ms, signals_->stopping_flag());
    }
    return false;
}

// 6 and 7. The watched views, the dump, the endpoint refresh and the heartbeats; then waits
// until this member's status is published and the views are read.
bool member_runtime::join_cluster() {
    const step_timing timing(logs_->system, "joining the cluster");
    parts_->start_cluster_side();
    state_.waiting_for("publishing this member's status");
    while (!(parts_->member.published() && parts_->members_view.synced() &&
             parts_->objects_view.synced()))
        if (!pause(5ms, signals_->stopping_flag())) return false;
    return true;
}

// 9. Ready: object statuses reported, and after an upgrade the hand-over.
void member_runtime::become_ready() {
    const step_timing timing(logs_->system, "becoming ready");
    state_.set_ready();
    parts_->status_reporter.start();
    logs_->system.info("cluster", "cluster is ready");
    notify_service_manager("STATUS=cluster is ready");
    if (handover_) take_over();
}

// The new side of an upgrade, once ready: serve the admin API on the inherited listener, name
// this process in the pid file, and ask the old process to stop.
void member_runtime::take_over() {
    start_admin_api();
    if (const auto problem = pid_.write(places_.pid_path); !problem.empty())
        logs_->system.warn("process", "cannot write the pid file: " + problem);
    if (::getppid() == handover_->parent) {
        ::kill(handover_->parent, SIGTERM);
        logs_->system.info("process",
                           "took over from process " + std::to_string(handover_->parent));
    } else {
        logs_->system.info("process", "process " + std::to_string(handover_->parent) +
                                          " is gone already; nothing to take over from");
    }
}

// Serves until a signal asks to stop; SIGUSR2 starts a graceful upgrade meanwhile.
void member_runtime::serve_until_stopped() {
    upgrades_ = upgrade_starter_for();
    signals_->on_upgrade([this] { upgrades_->request(); });
    // Under systemd the unit follows the new process from now on.
    signals_->on_takeover([this](pid_t successor) {
        if (notify_service_manager("MAINPID=" + std::to_string(successor)))
            logs_->system.info("process", "told the service manager that process " +
                                              std::to_string(successor) + " is the main one now");
    });
    signals_->wait();
    signals_->on_upgrade({});
}

std::unique_ptr<upgrade_starter> member_runtime::upgrade_starter_for() {
    upgrade_starter::hooks hooks{
        .refusal = [this]() -> std::string {
            return state_.ready() ? "" : "this member is not ready yet";
        },
        .listener_fd = [this] { return parts_->api.listener_fd(); },
        .before_start =
            [this] {
                if (!parts_->own_etcd) return;
                state_.set_etcd_handed_over(true);
                parts_->own_etcd->stop();
            },
        .after_failure =
            [this] {
                if (!parts_->own_etcd) return;
                state_.set_etcd_handed_over(false);
                try {
                    parts_->own_etcd->start();
                    if (parts_->own_etcd->wait_healthy(signals_->stopping_flag()))
                        logs_->system.info("etcd", "etcd is back");
                } catch (const startup_failure& failure) {
                    logs_->system.error("etcd", failure.what());
                }
            },
        .successor = [this](pid_t child) { signals_->expect_takeover_from(child); }};
    return std::make_unique<upgrade_starter>(arguments_, std::move(hooks),
                                             signals_->stopping_flag(), logs_->system);
}

// Stops in reverse: SIGUSR2 no longer upgrades; the components; an upgrade under way (which
// sees the stop); the pid file. Idempotent.
void member_runtime::stop() {
    if (signals_) signals_->on_upgrade({});
    if (parts_) {
        notify_service_manager("STOPPING=1");
        parts_->stop();
    }
    upgrades_.reset();
    parts_.reset();
    pid_.remove();
}

bool member_runtime::stopping() const { return signals_ && signals_->stop_requested(); }

}  // namespace eg::server
