#include "daemon/objects/object_status.hpp"

#include "daemon/objects/object_store.hpp"

#include <eg/server_options.hpp>

#include <algorithm>
#include <set>

namespace eg::server {

namespace {

using namespace std::chrono_literals;
constexpr std::int64_t report_period_seconds = 5;

std::string status_key(const std::string& ns, const std::string& name, const std::string& member) {
    return std::string(object_statuses_prefix) + ns + "/" + name + "/" + member;
}

// Whether a stored status key is one of `member`'s: <prefix><ns>/<name>/<member>.
bool reported_by(const std::string& key, const std::string& member) {
    if (key.size() <= object_statuses_prefix.size() + member.size() + 1) return false;
    const std::string_view rest = std::string_view(key).substr(object_statuses_prefix.size());
    if (std::count(rest.begin(), rest.end(), '/') != 2) return false;
    return rest.substr(rest.rfind('/') + 1) == member;
}

etcd::json put_operation(const std::string& key, const std::string& value, std::uint64_t lease) {
    etcd::json put{{"key", etcd::base64(key)}, {"value", etcd::base64(value)}};
    if (lease != 0) put["lease"] = std::to_string(lease);
    return {{"request_put", std::move(put)}};
}

etcd::json delete_operation(const std::string& key) {
    return {{"request_delete_range", {{"key", etcd::base64(key)}}}};
}

// Operations in transactions of at most `batch`.
void append_batched(std::vector<etcd::json>& transactions, std::vector<etcd::json> operations,
                    int batch) {
    const std::size_t size = static_cast<std::size_t>(std::max(batch, 1));
    for (std::size_t first = 0; first < operations.size(); first += size) {
        etcd::json success = etcd::json::array();
        for (std::size_t i = first; i < std::min(first + size, operations.size()); ++i)
            success.push_back(std::move(operations[i]));
        transactions.push_back({{"success", std::move(success)}});
    }
}

}  // namespace

std::string status_namespace(std::string_view kind) {
    if (kind == "HTTPServer" || kind == "Pipeline" || kind == "GRPCServer")
        return "eg-traffic-default";
    return "default";
}

status_round plan_status_round(const std::map<std::string, etcd::key_value>& objects,
                               const std::map<std::string, etcd::key_value>& statuses,
                               const std::string& member, std::int64_t unix_seconds,
                               const runtime_statuses& runtime) {
    status_round round;
    std::set<std::string> current;
    for (const auto& [key, entry] : objects) {
        if (key.size() <= objects_prefix.size()) continue;
        const std::string name = key.substr(objects_prefix.size());
        const auto spec = etcd::json::parse(entry.value, nullptr, false);
        const std::string kind =
            spec.is_object() && spec.contains("kind") && spec["kind"].is_string()
                ? spec["kind"].get<std::string>()
                : std::string();
        const std::string status = status_key(status_namespace(kind), name, member);
        current.insert(status);
        etcd::json value{{"revision", entry.mod_revision}, {"timestamp", unix_seconds}};
        if (const auto found = runtime.find(name); found != runtime.end())
            value["status"] = found->second;
        round.puts.emplace_back(status, value.dump());
    }
    for (const auto& [key, entry] : statuses)
        if (reported_by(key, member) && !current.count(key)) round.deletes.push_back(key);
    return round;
}

std::vector<etcd::json> status_transactions(const status_round& round, std::uint64_t lease,
                                            int batch) {
    std::vector<etcd::json> transactions;
    std::vector<etcd::json> deletes;
    for (const auto& key : round.deletes) deletes.push_back(delete_operation(key));
    append_batched(transactions, std::move(deletes), batch);
    std::vector<etcd::json> puts;
    for (const auto& [key, value] : round.puts) puts.push_back(put_operation(key, value, lease));
    append_batched(transactions, std::move(puts), batch);
    return transactions;
}

object_status_reporter::object_status_reporter(etcd::kv_store& etcd, std::string member, int batch,
                                               std::function<std::uint64_t()> lease,
                                               const etcd::prefix_view& objects, logger& log,
                                               std::function<runtime_statuses()> runtime)
    : etcd_(etcd),
      member_(std::move(member)),
      batch_(std::clamp(batch, 1, etcd_max_txn_ops)),
      lease_(std::move(lease)),
      objects_(objects),
      runtime_(std::move(runtime)),
      log_(log) {
    if (batch > etcd_max_txn_ops)
        log_.warn("objects",
                  std::string(config::opt::status_update_max_batch_size.spec.yaml_key()) + " " +
                      std::to_string(batch) + " is above etcd's limit of " +
                      std::to_string(etcd_max_txn_ops) + " operations in one transaction; using " +
                      std::to_string(etcd_max_txn_ops));
}

object_status_reporter::~object_status_reporter() { stop(); }

void object_status_reporter::start() {
    worker_.start([this] { run(); });
}

void object_status_reporter::stop() { worker_.stop(); }

void object_status_reporter::run() {
    bool failing = false;
    while (true) {
        try {
            report_once();
            if (failing) log_.info("objects", "object statuses are written again");
            failing = false;
        } catch (const std::exception& e) {
            if (!failing)
                log_.warn("objects", std::string("object status update failed: ") + e.what());
            failing = true;
        }
        // The next Unix multiple of the period.
        const auto now = std::chrono::system_clock::now();
        const auto seconds =
            std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
        const auto next = std::chrono::system_clock::time_point(
            std::chrono::seconds((seconds / report_period_seconds + 1) * report_period_seconds));
        if (worker_.pause_for(next - now) == worker::pause_end::stopping) return;
    }
}

void object_status_reporter::report_once() {
    const std::uint64_t lease = lease_();
    if (lease == 0 || !objects_.synced()) return;
    if (!stored_) {
        // Once: what this member stored before (an earlier run under the same lease).
        std::map<std::string, etcd::key_value> stored;
        for (auto& kv : etcd_.get_prefix(object_statuses_prefix).kvs)
            if (kv.key.ends_with("/" + member_)) stored.emplace(kv.key, std::move(kv));
        stored_ = std::move(stored);
    }
    const auto unix_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
    const auto round = plan_status_round(objects_.snapshot(), *stored_, member_, unix_seconds,
                                         runtime_ ? runtime_() : runtime_statuses{});
    for (const auto& transaction : status_transactions(round, lease, batch_)) {
        // Puts of whole values and deletes: sending one twice does no harm.
        etcd_.txn(transaction, etcd::kv_store::repeat::safe, std::nullopt);
    }
    stored_->clear();
    for (const auto& [key, value] : round.puts) stored_->emplace(key, etcd::key_value{key, value});
}

}  // namespace eg::server
