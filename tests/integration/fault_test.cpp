// Faults on a real cluster: the etcd leader's daemon SIGKILLed under a writer loop, a primary's
// etcd killed or stopped, every etcd stopped under a secondary, the whole cluster restarted.
// Times are printed, never asserted.

#include <signal.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/local_cluster.hpp"

#include <nlohmann/json.hpp>

namespace {

using namespace std::chrono_literals;
using eg::test::local_cluster;
using eg::test::member_row;
using steady = std::chrono::steady_clock;

struct http_answer {
    int status = 0;  // 0: no answer
    std::string body;
    std::string config_version;
};

http_answer request(const std::string& addr, const std::string& method, const std::string& path,
                    const std::string& body = {}, std::chrono::seconds timeout = 20s) {
    http_answer answer;
    try {
        const auto colon = addr.rfind(':');
        Poco::Net::HTTPClientSession session(
            addr.substr(0, colon), static_cast<Poco::UInt16>(std::stoi(addr.substr(colon + 1))));
        session.setTimeout(Poco::Timespan(static_cast<long>(timeout.count()), 0));
        Poco::Net::HTTPRequest out(method, "/apis/v2" + path, Poco::Net::HTTPRequest::HTTP_1_1);
        if (method != "GET") {
            out.setContentType("application/json");
            out.setContentLength(static_cast<std::streamsize>(body.size()));
        }
        session.sendRequest(out) << body;
        Poco::Net::HTTPResponse in;
        std::istream& stream = session.receiveResponse(in);
        Poco::StreamCopier::copyToString(stream, answer.body);
        answer.status = static_cast<int>(in.getStatus());
        answer.config_version = in.get("X-Config-Version", "");
    } catch (const std::exception& e) {
        answer.body = e.what();
    }
    return answer;
}

http_answer request(local_cluster& cluster, int member, const std::string& method,
                    const std::string& path, const std::string& body = {}) {
    return request(cluster.member(member).api_addr(), method, path, body);
}

std::string pipeline(const std::string& name) {
    return R"({"kind":"Pipeline","name":")" + name +
           R"(","filters":[{"name":"f","kind":"Proxy","pools":[{"servers":[{"url":"http://127.0.0.1:9095"}]}]}],"flow":[{"filter":"f"}]})";
}

std::vector<pid_t> etcd_of(local_cluster& cluster, int i) {
    return eg::test::processes_with("--config-file " + cluster.home_of(i) + "/");
}

const member_row* row_of(const std::vector<member_row>& rows, const std::string& name) {
    for (const auto& r : rows)
        if (r.name == name) return &r;
    return nullptr;
}

bool all_healthy(local_cluster& cluster, int members) {
    for (int i = 1; i <= members; ++i)
        if (request(cluster, i, "GET", "/healthz").status != 200) return false;
    return true;
}

int leader_of(local_cluster& cluster, int asked) {
    const auto rows = cluster.members_seen_by(asked);
    for (std::size_t i = 0; i < cluster.members.size(); ++i) {
        const auto* row = row_of(rows, cluster.members[i].name);
        if (row != nullptr && row->state == "Leader") return static_cast<int>(i) + 1;
    }
    return 0;
}

// Creates objects through one member, one after another, recording each answer.
class writer {
public:
    struct write {
        steady::time_point sent, answered;
        int status;
        std::string name;
        std::string body;
    };
    writer(std::string addr, std::string tag) : addr_(std::move(addr)), tag_(std::move(tag)) {
        thread_ = std::thread([this] {
            for (int n = 0; !stop_; ++n) {
                const std::string name = tag_ + "-" + std::to_string(n);
                const auto sent = steady::now();
                const auto answer = request(addr_, "POST", "/objects", pipeline(name));
                std::lock_guard lock(mutex_);
                writes_.push_back({sent, steady::now(), answer.status, name, answer.body});
            }
        });
    }
    ~writer() { stop(); }
    void stop() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }
    std::vector<write> writes() {
        std::lock_guard lock(mutex_);
        return writes_;
    }
    // The first acknowledged write sent at or after t, as seconds after t.
    std::optional<double> resumed_after(steady::time_point t) {
        for (const auto& w : writes())
            if (w.sent >= t && w.status == 201)
                return std::chrono::duration<double>(w.answered - t).count();
        return std::nullopt;
    }

private:
    std::string addr_;
    std::string tag_;
    std::atomic<bool> stop_{false};
    std::mutex mutex_;
    std::vector<write> writes_;
    std::thread thread_;
};

std::set<std::string> object_names(const std::string& list) {
    std::set<std::string> names;
    const auto parsed = nlohmann::json::parse(list, nullptr, false);
    if (parsed.is_array())
        for (const auto& o : parsed)
            if (o.is_object()) names.insert(o.value("name", ""));
    return names;
}

}  // namespace

TEST_CASE(
    "faults: writes across a SIGKILL of the leader's daemon: none acknowledged is lost, none "
    "applies twice; a full restart gives every object back byte-identical",
    "[integration][fault]") {
    local_cluster cluster(3, 1);
    cluster.start_all();
    REQUIRE(eg::test::wait_until([&] { return all_healthy(cluster, 4) && leader_of(cluster, 4); },
                                 60s));
    const int leader = leader_of(cluster, 4);
    REQUIRE(leader != 0);
    const int survivor = leader == 1 ? 2 : 1;
    const auto leader_etcd = etcd_of(cluster, leader);
    REQUIRE(leader_etcd.size() == 1);
    const auto before = request(cluster, survivor, "GET", "/healthz");
    const std::int64_t version_before = std::stoll(before.config_version);

    writer through_primary(cluster.member(survivor).api_addr(), "w-primary");
    writer through_secondary(cluster.member(4).api_addr(), "w-secondary");
    std::this_thread::sleep_for(1s);
    const auto killed = steady::now();
    cluster.process(leader).signal(SIGKILL);
    // Its etcd goes with it (parent-death signal): no orphan.
    CHECK(eg::test::wait_until([&] { return !eg::test::process_alive(leader_etcd.front()); }, 2s,
                               20ms));
    CHECK(eg::test::wait_until(
        [&] {
            return through_primary.resumed_after(killed) && through_secondary.resumed_after(killed);
        },
        30s));
    std::this_thread::sleep_for(500ms);
    through_primary.stop();
    through_secondary.stop();
    const auto primary_resume = through_primary.resumed_after(killed);
    const auto secondary_resume = through_secondary.resumed_after(killed);
    std::printf(
        "writes resumed %.3f s (through %s) and %.3f s (through machine-4) after SIGKILL "
        "of %s's daemon\n",
        primary_resume.value_or(-1), cluster.member(survivor).name.c_str(),
        secondary_resume.value_or(-1), cluster.member(leader).name.c_str());

    std::vector<std::string> acknowledged;
    std::size_t failed = 0;
    for (auto* w : {&through_primary, &through_secondary})
        for (const auto& write : w->writes()) {
            if (write.status == 201) {
                acknowledged.push_back(write.name);
            } else {
                ++failed;
                std::printf("%s: %d %s\n", write.name.c_str(), write.status, write.body.c_str());
            }
        }
    std::printf("%zu writes acknowledged, %zu answered otherwise\n", acknowledged.size(), failed);
    CHECK(acknowledged.size() > 10);

    cluster.start(leader);
    REQUIRE(eg::test::wait_until([&] { return all_healthy(cluster, 4); }, 60s));
    std::string list;
    for (int i = 1; i <= 4; ++i) {
        // Every member has every acknowledged object.
        std::set<std::string> names;
        CHECK(eg::test::wait_until(
            [&] {
                const auto answer = request(cluster, i, "GET", "/objects");
                names = object_names(answer.body);
                return std::all_of(acknowledged.begin(), acknowledged.end(),
                                   [&](const auto& n) { return names.count(n) == 1; });
            },
            10s));
        if (i == 1) list = request(cluster, 1, "GET", "/objects").body;
    }
    // Each change bumped the config version once: as many bumps as objects written (an
    // unacknowledged write may have applied, but then exactly once).
    const auto names = object_names(list);
    const auto after = request(cluster, 1, "GET", "/healthz");
    CHECK(std::stoll(after.config_version) - version_before ==
          static_cast<std::int64_t>(names.size()));

    // The whole cluster stopped and started again: every object back, byte for byte.
    for (int i = 1; i <= 4; ++i) CHECK(cluster.process(i).stop() == 0);
    cluster.start_all();
    const bool restarted = eg::test::wait_until([&] { return all_healthy(cluster, 4); }, 60s);
    std::string health;
    for (int i = 1; i <= 4; ++i) health += request(cluster, i, "GET", "/healthz").body + "\n";
    INFO("/healthz after the restart:\n" << health << cluster.outputs());
    REQUIRE(restarted);
    for (int i = 1; i <= 4; ++i) {
        INFO("member " << i);
        CHECK(eg::test::wait_until(
            [&] { return request(cluster, i, "GET", "/objects").body == list; }, 10s));
    }
    CHECK(request(cluster, 4, "GET", "/healthz").config_version == after.config_version);
}

TEST_CASE(
    "faults: /healthz is 503 with the reason while a member's etcd is stopped, killed or "
    "restarting, and the member's STATE is Offline; 200 once etcd is back",
    "[integration][fault]") {
    local_cluster cluster(3, 1);
    cluster.start_all();
    REQUIRE(eg::test::wait_until([&] { return all_healthy(cluster, 4) && leader_of(cluster, 4); },
                                 60s));
    auto state_of = [&](int asked, int member) {
        const auto rows = cluster.members_seen_by(asked);
        const auto* row = row_of(rows, cluster.member(member).name);
        return row == nullptr ? std::string() : row->state;
    };

    // An etcd that does not answer (SIGSTOP): 503 "etcd not reachable", STATE Offline as the
    // other members see it (published through their etcd).
    const auto stopped = etcd_of(cluster, 2);
    REQUIRE(stopped.size() == 1);
    ::kill(stopped.front(), SIGSTOP);
    http_answer health;
    CHECK(eg::test::wait_until(
        [&] { return (health = request(cluster, 2, "GET", "/healthz")).status == 503; }, 10s));
    INFO(health.body);
    CHECK(health.body.find("\"code\":503") != std::string::npos);
    CHECK(health.body.find("etcd not reachable") != std::string::npos);
    CHECK(eg::test::wait_until([&] { return state_of(1, 2) == "Offline"; }, 10s));
    ::kill(stopped.front(), SIGCONT);
    CHECK(eg::test::wait_until([&] { return request(cluster, 2, "GET", "/healthz").status == 200; },
                               15s));
    CHECK(eg::test::wait_until(
        [&] {
            const auto state = state_of(1, 2);
            return state == "Follower" || state == "Leader";
        },
        10s));

    // An etcd killed again as soon as it is back: the restart backoff grows (0.2, 0.4, 0.8 s),
    // and /healthz says so meanwhile.
    std::vector<std::string> reasons;
    std::atomic<bool> watching{true};
    std::thread watcher([&] {
        while (watching) {
            const auto answer = request(cluster, 3, "GET", "/healthz");
            if (answer.status != 200 &&
                (reasons.empty() || reasons.back() != std::to_string(answer.status) + answer.body))
                reasons.push_back(std::to_string(answer.status) + answer.body);
            std::this_thread::sleep_for(10ms);
        }
    });
    pid_t last = 0;
    for (int kill = 0; kill < 3; ++kill) {
        std::vector<pid_t> now;
        CHECK(eg::test::wait_until(
            [&] {
                now = etcd_of(cluster, 3);
                return now.size() == 1 && now.front() != last;
            },
            15s, 10ms));
        if (now.size() != 1) break;
        last = now.front();
        ::kill(last, SIGKILL);
    }
    CHECK(eg::test::wait_until([&] { return request(cluster, 3, "GET", "/healthz").status == 200; },
                               30s));
    watching = false;
    watcher.join();
    std::string seen;
    for (const auto& r : reasons) seen += r + "\n";
    INFO("/healthz answers while etcd was down:\n" << seen << cluster.outputs());
    CHECK(std::any_of(reasons.begin(), reasons.end(), [](const auto& r) {
        return r.rfind("503", 0) == 0 &&
               r.find("etcd is restarting after it was killed by signal 9; next start in") !=
                   std::string::npos;
    }));
    CHECK(std::all_of(reasons.begin(), reasons.end(), [](const auto& r) {
        return r.rfind("503{\"code\":503,\"message\":", 0) == 0;
    }));

    // A secondary whose etcd endpoints all stop answering says so too.
    std::vector<pid_t> all;
    for (int i = 1; i <= 3; ++i)
        for (const auto pid : etcd_of(cluster, i)) all.push_back(pid);
    REQUIRE(all.size() == 3);
    for (const auto pid : all) ::kill(pid, SIGSTOP);
    CHECK(eg::test::wait_until(
        [&] { return (health = request(cluster, 4, "GET", "/healthz")).status == 503; }, 15s));
    CHECK(health.body.find("etcd not reachable") != std::string::npos);
    for (const auto pid : all) ::kill(pid, SIGCONT);
    CHECK(eg::test::wait_until([&] { return all_healthy(cluster, 4); }, 30s));
}
