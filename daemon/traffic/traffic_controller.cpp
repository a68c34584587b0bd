#include "daemon/traffic/traffic_controller.hpp"

#include "daemon/objects/bounded_json.hpp"

#include <eg/option_value.hpp>
#include <eg/traffic/runnable.hpp>

#include <algorithm>
#include <set>

namespace eg::server {

namespace {

using json = nlohmann::json;

// The largest body a server buffers, whatever its clientMaxBodySize says (-1 included): the
// engine reads a request whole before it routes it.
constexpr std::uint64_t max_buffered_body = 64ull * 1024 * 1024;

template <typename T>
T field_or(const json& spec, const char* key, T fallback) {
    const auto found = spec.find(key);
    if (found == spec.end() || found->is_null()) return fallback;
    if constexpr (std::is_same_v<T, bool>) {
        return found->is_boolean() ? found->get<bool>() : fallback;
    } else if constexpr (std::is_same_v<T, std::string>) {
        return found->is_string() ? found->get<std::string>() : fallback;
    } else {
        return found->is_number_integer() ? found->get<T>() : fallback;
    }
}

std::chrono::milliseconds duration_or(const json& spec, const char* key,
                                      std::chrono::milliseconds fallback) {
    const auto text = field_or<std::string>(spec, key, "");
    if (text.empty()) return fallback;
    const auto parsed = config::parse_duration(text);
    if (const auto* d = std::get_if<config::duration>(&parsed))
        return std::chrono::milliseconds(std::max<std::int64_t>(d->nanoseconds / 1'000'000, 0));
    return fallback;
}

// Why this version does not run the object (fields it refuses when applied, in an object
// stored before), "" when it does.
std::string not_runnable(const json& spec) {
    diag::diagnostics findings;
    traffic::checker check(findings);
    traffic::check_runnable(check, spec);
    std::string why;
    for (const auto& finding : findings)
        why.append(why.empty() ? "" : "; ").append(finding.message);
    return why;
}

}  // namespace

served_server served_server_of(const std::string& name, const json& spec) {
    served_server server;
    server.name = name;
    server.keep_alive = field_or<bool>(spec, "keepAlive", true);
    server.keep_alive_timeout = duration_or(spec, "keepAliveTimeout", server.keep_alive_timeout);
    const auto max_connections = field_or<std::int64_t>(spec, "maxConnections", 0);
    if (max_connections > 0) server.max_connections = static_cast<std::size_t>(max_connections);
    const auto body = field_or<std::int64_t>(spec, "clientMaxBodySize", 0);
    if (body < 0)
        server.client_max_body_size = max_buffered_body;
    else if (body > 0)
        server.client_max_body_size = std::min<std::uint64_t>(body, max_buffered_body);
    server.x_forwarded_for = field_or<bool>(spec, "xForwardedFor", false);
    server.routes = route_table::build(spec);
    return server;
}

traffic_controller::traffic_controller(const etcd::prefix_view& objects, traffic_engine& engine,
                                       logger& log)
    : objects_(objects), engine_(engine), log_(log) {}

traffic_controller::~traffic_controller() { stop(); }

void traffic_controller::start() {
    engine_.start();
    worker_.start([this] {
        // Applied at once when the view is read, then on each change (and every few seconds,
        // so that a server whose port was taken listens once the port is free).
        while (worker_.pause_for(std::chrono::seconds(5)) != worker::pause_end::stopping)
            if (objects_.synced()) apply(objects_.snapshot());
    });
    worker_.wake();
}

void traffic_controller::stop() {
    worker_.stop();
    std::map<std::string, std::unique_ptr<health_checker>> checkers;
    {
        std::lock_guard lock(mutex_);
        checkers.swap(checkers_);
    }
    checkers.clear();  // each stops and joins its threads
    engine_.stop();
}

void traffic_controller::apply(const std::map<std::string, etcd::key_value>& objects) {
    auto snapshot = std::make_shared<traffic_snapshot>();
    std::map<std::string, std::pair<std::string, int>> addresses;  // server -> address, port
    std::map<std::string, std::string> problems;
    std::map<std::string, std::string> applied;
    // The health checkers of replaced or deleted Pipeline versions, stopped outside the lock.
    std::vector<std::unique_ptr<health_checker>> retired;
    for (const auto& [key, entry] : objects) {
        const auto spec = parse_bounded_json(entry.value);
        if (!spec.is_object()) continue;
        const auto kind = field_or<std::string>(spec, "kind", "");
        const auto name = field_or<std::string>(spec, "name", key.substr(key.rfind('/') + 1));
        if (kind != "Pipeline" && kind != "HTTPServer") continue;
        applied[name] = entry.value;
        if (const auto why = not_runnable(spec); !why.empty()) {
            problems[name] = why;
            continue;
        }
        if (kind == "Pipeline") {
            auto& built = pipelines_[name];
            if (!built.second || built.first != entry.value) {
                built = {entry.value, pipeline_program::build(spec)};
                std::unique_ptr<health_checker> checker;
                if (built.second->error().empty()) {
                    checker = std::make_unique<health_checker>(
                        built.second, [this, name](const std::string& message) {
                            log_.warn("traffic", "Pipeline '" + name + "': " + message);
                        });
                    if (!checker->checks_anything()) checker.reset();
                }
                std::lock_guard lock(mutex_);
                auto& slot = checkers_[name];
                if (slot) retired.push_back(std::move(slot));
                slot = std::move(checker);
            }
            if (!built.second->error().empty()) problems[name] = built.second->error();
            snapshot->pipelines[name] = built.second;
        } else if (kind == "HTTPServer") {
            auto& built = servers_[name];
            if (!built.second || built.first != entry.value) {
                auto server = std::make_shared<served_server>(served_server_of(name, spec));
                std::lock_guard lock(mutex_);
                auto& counters = counters_[name];
                if (!counters) counters = std::make_shared<server_counters>();
                server->counters = counters;
                built = {entry.value, std::move(server)};
            }
            addresses[name] = {field_or<std::string>(spec, "address", ""),
                               static_cast<int>(field_or<std::int64_t>(spec, "port", 0))};
            snapshot->servers[name] = built.second;
        }
    }
    std::erase_if(pipelines_,
                  [&](const auto& item) { return !snapshot->pipelines.count(item.first); });
    std::erase_if(servers_, [&](const auto& item) { return !snapshot->servers.count(item.first); });
    {
        std::lock_guard lock(mutex_);
        for (auto it = checkers_.begin(); it != checkers_.end();) {
            if (it->second && snapshot->pipelines.count(it->first) != 0) {
                ++it;
                continue;
            }
            if (it->second) retired.push_back(std::move(it->second));
            it = checkers_.erase(it);
        }
    }
    if (!published_ || published_->servers != snapshot->servers ||
        published_->pipelines != snapshot->pipelines) {
        engine_.publish(snapshot);
        published_ = snapshot;
    }
    std::set<std::string> gone;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [name, counters] : counters_)
            if (addresses.count(name) == 0) gone.insert(name);
    }
    for (const auto& name : gone) engine_.close(name);
    for (const auto& [name, where] : addresses) {
        if (where.second < 1 || where.second > 65535) {
            problems[name] = "port " + std::to_string(where.second) + " is not a port";
            engine_.close(name);
            continue;
        }
        if (const auto why = engine_.listen(name, where.first, where.second)) {
            if (problems_.count(name) == 0 || problems_.at(name) != *why)
                log_.warn("traffic", "HTTPServer '" + name + "' cannot listen: " + *why);
            problems[name] = *why;
        }
    }
    retired.clear();  // each stops and joins its threads
    std::lock_guard lock(mutex_);
    for (const auto& name : gone) counters_.erase(name);
    problems_ = std::move(problems);
    applied_ = std::move(applied);
}

std::map<std::string, std::string> traffic_controller::problems() const {
    std::lock_guard lock(mutex_);
    std::map<std::string, std::string> all;
    for (const auto& [name, spec] : applied_) all[name] = "";
    for (const auto& [name, why] : problems_) all[name] = why;
    return all;
}

std::map<std::string, nlohmann::json> traffic_controller::status_round(double seconds) {
    std::lock_guard lock(mutex_);
    std::map<std::string, json> statuses;
    for (const auto& [name, spec] : applied_) {
        json status = json::object();
        const auto problem = problems_.find(name);
        if (problem == problems_.end()) {
            status["state"] = "running";
        } else {
            status["state"] = "failed";
            status["error"] = problem->second;
        }
        if (const auto counters = counters_.find(name); counters != counters_.end()) {
            counters->second->statistics.tick(seconds);
            status["name"] = name;
            status.update(counters->second->statistics.snapshot().to_json());
        }
        if (const auto checker = checkers_.find(name);
            checker != checkers_.end() && checker->second)
            status["health"] = checker->second->status();
        statuses[name] = std::move(status);
    }
    return statuses;
}

}  // namespace eg::server
