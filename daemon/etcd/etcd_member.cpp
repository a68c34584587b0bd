#include "daemon/etcd/etcd_member.hpp"

#include "daemon/process/startup_failure.hpp"

#include <eg/diagnostic_catalogue.hpp>
#include <eg/host_checks.hpp>
#include <eg/member_paths.hpp>
#include <eg/server_options.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <sstream>
#include <thread>

namespace eg::server {

namespace opt = config::opt;
using namespace std::chrono_literals;

std::string find_executable(const std::string& name, const std::string& path_variable) {
    if (name.empty()) return {};
    if (name.find('/') != std::string::npos)
        return ::access(name.c_str(), X_OK) == 0 ? name : std::string();
    std::stringstream dirs(path_variable);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        if (dir.empty()) dir = ".";
        const std::string candidate = dir + "/" + name;
        if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate))
            return candidate;
    }
    return {};
}

diag::diagnostic etcd_not_found(const config::effective_config& config) {
    const std::string& binary = config.get(opt::etcd_binary);
    const bool path = binary.find('/') != std::string::npos;
    return diag::make(diag::code("etcd-not-found"), config::option_path(opt::etcd_binary.spec),
                      config.at(opt::etcd_binary).source.where,
                      path ? std::string(opt::etcd_binary.spec.yaml_key()) + " \"" + binary +
                                 "\" is not an executable file"
                           : "no executable \"" + binary + "\" on PATH",
                      "install Debian's etcd-server package (apt-get install etcd-server), or "
                      "give the path of etcd with --" +
                          std::string(opt::etcd_binary.spec.flag));
}

namespace {

std::chrono::milliseconds millis_of(const config::duration& d) {
    return std::chrono::milliseconds(d.nanoseconds / 1'000'000);
}

std::string join(const std::vector<std::string>& items, const char* separator) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
    return out;
}

bool shares_url(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    for (const auto& x : a)
        for (const auto& y : b)
            if (x == y) return true;
    return false;
}

}  // namespace

join_plan plan_join(const std::vector<etcd::member>& running, const std::string& name,
                    const std::vector<std::string>& peer_urls) {
    if (running.empty()) return join_plan::as_configured;  // nobody up yet
    bool added_unstarted = false;
    for (const auto& m : running) {
        if (m.name == name) return join_plan::member;
        if (m.name.empty() && shares_url(m.peer_urls, peer_urls)) added_unstarted = true;
    }
    return added_unstarted ? join_plan::join_listed : join_plan::join_add;
}

std::string joining_cluster(const std::vector<etcd::member>& running, const std::string& name,
                            const std::vector<std::string>& peer_urls) {
    std::vector<std::string> cluster;
    for (const auto& m : running)
        if (!m.name.empty())
            for (const auto& url : m.peer_urls) cluster.push_back(m.name + "=" + url);
    for (const auto& url : peer_urls) cluster.push_back(name + "=" + url);
    return join(cluster, ",");
}

bool listed_unstarted(etcd::kv_store& cluster, const std::vector<std::string>& peer_urls) {
    try {
        for (const auto& m : cluster.members())
            if (m.name.empty() && shares_url(m.peer_urls, peer_urls)) return true;
    } catch (const etcd::error&) {
    }
    return false;
}

bool add_member_to(etcd::kv_store& cluster, const std::vector<std::string>& peer_urls,
                   std::chrono::steady_clock::time_point deadline,
                   const std::atomic<bool>& stopping,
                   const std::function<void(const std::string&)>& waiting,
                   std::chrono::milliseconds pause) {
    while (true) {
        try {
            cluster.add_member(peer_urls);
            return true;
        } catch (const etcd::error& e) {
            // An add whose answer was lost may have been applied: then it is listed.
            if (listed_unstarted(cluster, peer_urls)) return false;
            if (e.http_status() != 503 || std::chrono::steady_clock::now() > deadline || stopping)
                throw;
            waiting("waiting for the cluster to accept a new member: " + std::string(e.what()));
            std::this_thread::sleep_for(pause);
        }
    }
}

etcd_member::etcd_member(const config::effective_config& config, std::filesystem::path working_dir,
                         logger& log, std::function<void(const std::string&)> report_waiting)
    : config_(config),
      working_dir_(std::move(working_dir)),
      log_(log),
      report_waiting_(std::move(report_waiting)),
      etcd_(etcd_configuration_for(config, working_dir_)) {
    if (!etcd_.advertise_client_urls.empty()) client_url_ = etcd_.advertise_client_urls.front();
}

etcd_member::~etcd_member() { stop(); }

void etcd_member::plan(const std::atomic<bool>& stopping) {
    const char* path_variable = std::getenv("PATH");
    binary_ = find_executable(config_.get(opt::etcd_binary),
                              path_variable != nullptr ? path_variable : "/usr/bin:/bin");
    if (binary_.empty()) throw startup_failure(etcd_not_found(config_));

    // Does a cluster run already, and is this member in it?
    const auto running = running_members(stopping);
    const auto decided = plan_join(running, etcd_.name, etcd_.initial_advertise_peer_urls);
    if (decided == join_plan::as_configured || decided == join_plan::member) return;
    // Not a member of the running cluster: join it.
    move_old_data_aside();
    if (decided == join_plan::join_add) add_self(running, stopping);
    etcd_.initial_cluster = joining_cluster(running, etcd_.name, etcd_.initial_advertise_peer_urls);
    etcd_.initial_cluster_state = "existing";
}

std::vector<etcd::member> etcd_member::running_members(const std::atomic<bool>& stopping) const {
    // All peers are asked at once: a peer whose etcd is itself starting accepts the connection
    // but answers only when ready, and must not hold this start-up up once per peer.
    std::vector<std::future<std::vector<etcd::member>>> answers;
    for (const auto& [member, url] : config_.get(opt::initial_cluster)) {
        if (member == etcd_.name || stopping) continue;
        answers.push_back(std::async(std::launch::async, [url = url] {
            try {
                return etcd::members_from_peer(url, 700ms);
            } catch (const etcd::error&) {
                return std::vector<etcd::member>{};
            }
        }));
    }
    std::vector<etcd::member> running;
    for (auto& answer : answers) {
        auto members = answer.get();
        if (running.empty() && !members.empty()) running = std::move(members);
    }
    return running;
}

void etcd_member::move_old_data_aside() {
    const auto data_dir = std::filesystem::path(etcd_.data_dir);
    if (!std::filesystem::exists(data_dir / "member")) return;
    const auto aside = data_dir / ("member.removed-" + std::to_string(std::time(nullptr)));
    std::error_code ec;
    std::filesystem::rename(data_dir / "member", aside, ec);
    if (ec)
        throw startup_failure(
            diag::make(diag::code("cannot-write"), config::option_path(opt::data_dir.spec), {},
                       "cannot move the old member data to " + aside.string() + ": " + ec.message(),
                       "check the permissions of the data dir"));
    log_.warn("etcd", "this member is not in the running cluster; its old data was moved to " +
                          aside.string());
}

void etcd_member::add_self(const std::vector<etcd::member>& running,
                           const std::atomic<bool>& stopping) {
    std::vector<std::string> endpoints;
    for (const auto& m : running)
        for (const auto& url : m.client_urls) endpoints.push_back(url);
    etcd::client cluster(endpoints, 5000ms);
    const auto deadline =
        std::chrono::steady_clock::now() + 3 * millis_of(config_.get(opt::cluster_request_timeout));
    try {
        if (add_member_to(cluster, etcd_.initial_advertise_peer_urls, deadline, stopping,
                          report_waiting_))
            log_.info("etcd", "added " + etcd_.name + " to the running cluster");
        else
            log_.info("etcd", etcd_.name + " is in the running cluster's membership");
    } catch (const etcd::error& e) {
        throw startup_failure(diag::make(
            diag::code("join-failed"), config::option_path(opt::name.spec),
            config_.at(opt::name).source.where,
            "cannot add " + etcd_.name + " to the running cluster: " + e.what(),
            "make sure a quorum of the other primaries is up, or remove this member with "
            "`egctl delete member " +
                etcd_.name + "` and try again"));
    }
}

void etcd_member::start() {
    const auto data_dir = std::filesystem::path(etcd_.data_dir);
    std::error_code ec;
    std::filesystem::create_directories(data_dir, ec);
    std::filesystem::permissions(data_dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);  // as etcd wants it
    const auto config_file = std::filesystem::path(config::resolve_home(config_, working_dir_)) /
                             (etcd_.name + ".etcd.yaml");
    {
        std::ofstream out(config_file, std::ios::trunc);
        out << etcd_config_file(etcd_);
        std::ofstream marker(data_dir / host::cluster_marker, std::ios::trunc);
        marker << etcd_.initial_cluster_token << "\n";
        if (!out || !marker)
            throw startup_failure(diag::make(
                diag::code("cannot-write"), config::option_path(opt::data_dir.spec),
                config_.at(opt::data_dir).source.where, "cannot write " + config_file.string(),
                "check that the data dir is writable"));
    }
    etcd_launch launch;
    launch.binary = binary_;
    launch.arguments = {"--config-file", config_file.string()};
    launch.environment = {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + data_dir.string()};
    const std::string log_dir = config::resolve_under_home(
        config_.get(opt::log_dir), config::resolve_home(config_, working_dir_));
    if (!config_.get(opt::log_dir).empty()) {
        launch.output_file = (std::filesystem::path(log_dir) / "etcd_server.log").string();
    } else {
        launch.output_line = [](const std::string& line) {
            const std::string text = "etcd\t" + line + "\n";
            std::fputs(text.c_str(), stdout);
            std::fflush(stdout);
        };
    }
    supervisor_ = std::make_unique<etcd_supervisor>(
        std::move(launch), [this](const std::string& event) { log_.info("etcd", event); });
    if (!supervisor_->start())
        throw startup_failure(
            diag::make(diag::code("etcd-not-found"), config::option_path(opt::etcd_binary.spec),
                       config_.at(opt::etcd_binary).source.where, "cannot start " + binary_,
                       "check that it is Debian's etcd and is executable"));
    log_.info("etcd", "etcd " + etcd_.name + " starting (" + etcd_.initial_cluster_state +
                          " cluster " + etcd_.initial_cluster + ")");
}

std::string etcd_member::waiting_text() {
    std::vector<std::string> reachable;
    std::vector<std::string> missing;
    std::set<std::string> seen;
    std::stringstream cluster(etcd_.initial_cluster);
    std::string entry;
    while (std::getline(cluster, entry, ',')) {
        const auto eq = entry.find('=');
        if (eq == std::string::npos) continue;
        const std::string member = entry.substr(0, eq);
        const std::string url = entry.substr(eq + 1);
        if (member == etcd_.name || !seen.insert(member).second) continue;
        try {
            etcd::http_get(url, "/version", 300ms);
            reachable.push_back(member);
        } catch (const etcd::error&) {
            missing.push_back(member + " (" + url + ")");
        }
    }
    std::string text = "waiting for etcd " + etcd_.name + " to join a cluster with quorum";
    if (!reachable.empty()) text += "; reachable: " + join(reachable, ", ");
    if (!missing.empty()) text += "; not reachable: " + join(missing, ", ");
    return text;
}

bool etcd_member::wait_healthy(const std::atomic<bool>& stopping) {
    auto next_report = std::chrono::steady_clock::now() + 1s;
    std::string last_logged;
    auto last_log_time = std::chrono::steady_clock::now() - 1h;
    report_waiting_("waiting for etcd " + etcd_.name + " to start");
    while (!stopping) {
        if (etcd::healthy(client_url_, 500ms)) {
            log_.info("etcd", "etcd " + etcd_.name + " is healthy");
            return true;
        }
        if (supervisor_->removed())
            throw startup_failure(
                diag::make(diag::code("etcd-failed"), "", {},
                           "etcd " + etcd_.name + " exited: it was removed from the cluster",
                           "start this member again: it rejoins the running cluster by itself"));
        if (supervisor_->restarts() >= 3)
            throw startup_failure(diag::make(
                diag::code("etcd-failed"), "", {},
                "etcd " + etcd_.name + " exited " + std::to_string(supervisor_->restarts()) +
                    " times while starting",
                config_.get(opt::log_dir).empty()
                    ? std::string("its output above (lines starting with \"etcd\") says why")
                    : "see etcd_server.log in the log dir for why"));
        const auto now = std::chrono::steady_clock::now();
        if (now >= next_report) {
            const std::string text = waiting_text();
            report_waiting_(text);
            if (text != last_logged || now - last_log_time > 10s) {
                log_.info("etcd", text);
                last_logged = text;
                last_log_time = now;
            }
            next_report = now + 2s;
        }
        // Often: each poll is a refused connection or one /health, and every millisecond
        // between etcd serving and this member seeing it is start-up time.
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

void etcd_member::stop() {
    if (supervisor_) supervisor_->stop();
}

std::chrono::system_clock::time_point etcd_member::started_at() const {
    return supervisor_ ? supervisor_->started_at() : std::chrono::system_clock::time_point{};
}

bool etcd_member::removed() const { return supervisor_ && supervisor_->removed(); }

std::string etcd_member::down_reason() const {
    if (!supervisor_) return {};
    const auto outage = supervisor_->down();
    if (!outage) return {};
    if (outage->next_start == std::chrono::steady_clock::time_point{})
        return "etcd " + outage->how + "; it is not restarted";
    const auto left = std::max(outage->next_start - std::chrono::steady_clock::now(),
                               std::chrono::steady_clock::duration::zero());
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f", std::chrono::duration<double>(left).count());
    return "etcd is restarting after it " + outage->how + "; next start in " + seconds + " s";
}

}  // namespace eg::server
