// propagation_bench (P5): how long an object written through the admin API takes to be visible
// on every member of an eg cluster, against how long a raw etcd put takes to reach a watcher on
// every etcd member of the same cluster. Prints percentiles of both sides and the ratio of the
// p99s; the figures are reported, never checked.
//
//   propagation_bench --api HOST:PORT,... --etcd http://HOST:PORT,... [--count N] [--warmup N]
//                     [--poll-us N] [--gap-ms N] [--timeout-ms N] [--json]
//
// eg side, per sample: POST a new Pipeline to the first --api member; the time from just before
// the POST until GET /apis/v2/objects/<name> has answered 200 on every --api member (each polled
// from its own thread over a keep-alive connection, --poll-us between polls). Then the object is
// deleted through the first member.
// etcd side, per sample: a watch stream is open on every --etcd member (prefix /bench/p5/); put a
// key (with the same JSON as value) through the first --etcd member; the time from just before
// the put until every stream has delivered the event. Then the key is deleted.
// The two sides alternate sample by sample (eg first on even samples, etcd first on odd ones),
// with --gap-ms of quiet after each sample.
//
// Exit codes: 0 figures printed, 1 the measurement failed (a member unreachable, a write refused,
// a change not seen within --timeout-ms), 2 bad arguments.

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <nlohmann/json.hpp>

#include "daemon/etcd/etcd_client.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using json = nlohmann::json;
using steady = std::chrono::steady_clock;

constexpr std::string_view etcd_prefix = "/bench/p5/";

// ---------------------------------------------------------------------------------------------
// Options

struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};
struct help_requested {};

struct endpoint {
    std::string host;
    std::uint16_t port = 0;
    std::string text() const { return host + ":" + std::to_string(port); }
};

struct options {
    std::vector<endpoint> api_members;   // the first one takes the writes
    std::vector<endpoint> etcd_members;  // the first one takes the puts
    int count = 200;
    int warmup = 5;
    std::chrono::microseconds poll_pause{1000};
    std::chrono::milliseconds gap{10};
    std::chrono::milliseconds timeout{10000};
    bool as_json = false;
};

constexpr const char* usage_text =
    "usage: propagation_bench --api HOST:PORT,... --etcd http://HOST:PORT,... [--count N]\n"
    "                         [--warmup N] [--poll-us N] [--gap-ms N] [--timeout-ms N] [--json]\n"
    "  --api         admin API addresses of the members; the first one takes the writes\n"
    "  --etcd        client URLs of the cluster's etcd members; the first one takes the puts\n"
    "  --count       samples per side (default 200)\n"
    "  --warmup      samples per side taken first and not counted (default 5)\n"
    "  --poll-us     pause between two GETs of one member, microseconds (default 1000)\n"
    "  --gap-ms      quiet time after each sample, milliseconds (default 10)\n"
    "  --timeout-ms  longest wait for one change to be seen everywhere (default 10000)\n"
    "  --json        print the results as one JSON object\n";

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto end = text.find(separator, start);
        parts.emplace_back(text.substr(start, end - start));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

long long parse_integer(std::string_view text, std::string_view option, long long min,
                        long long max) {
    long long value = 0;
    const auto [end, problem] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (problem != std::errc() || end != text.data() + text.size() || value < min || value > max)
        throw usage_error(std::string(option) + " needs an integer in " + std::to_string(min) +
                          "-" + std::to_string(max) + ", not '" + std::string(text) + "'");
    return value;
}

// "HOST:PORT" or "http://HOST:PORT[/]".
endpoint parse_endpoint(std::string_view text, std::string_view option) {
    std::string_view rest = text;
    if (rest.starts_with("http://")) rest.remove_prefix(7);
    if (rest.ends_with('/')) rest.remove_suffix(1);
    const auto colon = rest.rfind(':');
    if (rest.find("://") != std::string_view::npos || colon == std::string_view::npos ||
        colon == 0 || rest.find('/') != std::string_view::npos)
        throw usage_error(std::string(option) + ": '" + std::string(text) +
                          "' is not HOST:PORT or http://HOST:PORT");
    endpoint parsed;
    parsed.host = std::string(rest.substr(0, colon));
    parsed.port =
        static_cast<std::uint16_t>(parse_integer(rest.substr(colon + 1), option, 1, 65535));
    return parsed;
}

std::vector<endpoint> parse_endpoints(std::string_view list, std::string_view option) {
    std::vector<endpoint> endpoints;
    for (const auto& item : split(list, ',')) endpoints.push_back(parse_endpoint(item, option));
    return endpoints;
}

constexpr std::array<std::string_view, 7> valued_options = {
    "--api", "--etcd", "--count", "--warmup", "--poll-us", "--gap-ms", "--timeout-ms"};

options parse_options(int argc, char** argv) {
    options parsed;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--json") {
            parsed.as_json = true;
            continue;
        }
        if (arg == "-h" || arg == "--help") throw help_requested{};
        if (std::find(valued_options.begin(), valued_options.end(), arg) == valued_options.end())
            throw usage_error("unknown option or argument: " + std::string(arg));
        if (i + 1 >= argc) throw usage_error(std::string(arg) + " needs a value");
        const std::string_view value = argv[++i];
        if (arg == "--api")
            parsed.api_members = parse_endpoints(value, arg);
        else if (arg == "--etcd")
            parsed.etcd_members = parse_endpoints(value, arg);
        else if (arg == "--count")
            parsed.count = static_cast<int>(parse_integer(value, arg, 1, 1000000));
        else if (arg == "--warmup")
            parsed.warmup = static_cast<int>(parse_integer(value, arg, 0, 1000000));
        else if (arg == "--poll-us")
            parsed.poll_pause = std::chrono::microseconds(parse_integer(value, arg, 0, 1000000));
        else if (arg == "--gap-ms")
            parsed.gap = std::chrono::milliseconds(parse_integer(value, arg, 0, 60000));
        else if (arg == "--timeout-ms")
            parsed.timeout = std::chrono::milliseconds(parse_integer(value, arg, 1, 600000));
    }
    if (parsed.api_members.empty()) throw usage_error("--api is required");
    if (parsed.etcd_members.empty()) throw usage_error("--etcd is required");
    return parsed;
}

// ---------------------------------------------------------------------------------------------
// HTTP and etcd's JSON gateway

// What went wrong, with Poco's details (its what() is only the exception's name).
std::string describe(const std::exception& e) {
    if (const auto* poco = dynamic_cast<const Poco::Exception*>(&e)) return poco->displayText();
    return e.what();
}

struct http_answer {
    int status = 0;
    std::string body;
};

std::unique_ptr<Poco::Net::HTTPClientSession> open_session(const endpoint& to,
                                                           std::chrono::milliseconds timeout) {
    auto session = std::make_unique<Poco::Net::HTTPClientSession>(to.host, to.port);
    session->setKeepAlive(true);
    session->setTimeout(
        Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(timeout.count()) * 1000));
    return session;
}

// One request on a keep-alive session; the body is read whole so the connection can be reused.
// A request that gets no answer throws, naming the request.
http_answer exchange(Poco::Net::HTTPClientSession& session, const std::string& method,
                     const std::string& path, const std::string& body = {}) {
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPRequest::HTTP_1_1);
    request.setKeepAlive(true);
    if (method == Poco::Net::HTTPRequest::HTTP_POST) {
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    try {
        session.sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        http_answer answer;
        answer.status = static_cast<int>(response.getStatus());
        Poco::StreamCopier::copyToString(in, answer.body);
        return answer;
    } catch (const Poco::Exception& e) {
        session.reset();  // the next request starts on a new connection
        throw std::runtime_error(method + " http://" + session.getHost() + ":" +
                                 std::to_string(session.getPort()) + path + ": " + e.displayText());
    }
}

// The etcd gateway's encodings, from the daemon's etcd client.
using eg::server::etcd::base64;
using eg::server::etcd::prefix_end;
using eg::server::etcd::unbase64;

// ---------------------------------------------------------------------------------------------
// Sightings: which observers have seen the current target (an object name or an etcd key), and
// when. One round at a time: the sampler starts a round for a target, each observer reports the
// target once it sees it, the sampler waits until all have.

class sightings {
public:
    explicit sightings(std::size_t observers) : seen_(observers), trouble_(observers) {}

    void begin(std::string target) {
        {
            std::lock_guard lock(mutex_);
            ++round_;
            target_ = std::move(target);
            open_ = true;
            std::fill(seen_.begin(), seen_.end(), std::nullopt);
        }
        changed_.notify_all();
    }

    void stop() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
            open_ = false;
        }
        changed_.notify_all();
    }

    struct round {
        std::uint64_t number = 0;
        std::string target;
    };
    // Blocks until a round later than `after` is open; nullopt once stopping.
    std::optional<round> next_round(std::uint64_t after) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stopping_ || (open_ && round_ > after); });
        if (stopping_) return std::nullopt;
        return round{round_, target_};
    }

    // Whether observer still has to look for round `number`'s target.
    bool wanted(std::size_t observer, std::uint64_t number) const {
        std::lock_guard lock(mutex_);
        return open_ && round_ == number && !seen_[observer];
    }

    void saw(std::size_t observer, std::string_view target, steady::time_point when) {
        {
            std::lock_guard lock(mutex_);
            if (!open_ || target != target_ || seen_[observer]) return;
            seen_[observer] = when;
        }
        changed_.notify_all();
    }

    // The last problem an observer ran into (kept for the error message of a timeout).
    void trouble(std::size_t observer, std::string why) {
        std::lock_guard lock(mutex_);
        trouble_[observer] = std::move(why);
    }

    // A broken observer cannot see anything any more: the round fails at once.
    void broke(std::size_t observer, std::string why) {
        {
            std::lock_guard lock(mutex_);
            trouble_[observer] = std::move(why);
            broken_ = true;
        }
        changed_.notify_all();
    }

    // Waits until every observer has seen the target, then closes the round. The latest
    // sighting, or nullopt (deadline passed or an observer broke; see missing()).
    std::optional<steady::time_point> wait_all(steady::time_point deadline) {
        std::unique_lock lock(mutex_);
        const bool complete = changed_.wait_until(lock, deadline, [&] {
            return broken_ || std::all_of(seen_.begin(), seen_.end(),
                                          [](const auto& when) { return when.has_value(); });
        });
        open_ = false;
        if (!complete || broken_) return std::nullopt;
        return **std::max_element(seen_.begin(), seen_.end());
    }

    // "observer 2 (last problem: ...), observer 3" for the observers that have not seen it.
    std::string missing(const std::vector<std::string>& names) const {
        std::lock_guard lock(mutex_);
        std::string text;
        for (std::size_t i = 0; i < seen_.size(); ++i) {
            if (seen_[i]) continue;
            text += (text.empty() ? "" : ", ") + names[i];
            if (!trouble_[i].empty()) text += " (last problem: " + trouble_[i] + ")";
        }
        return text;
    }

private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::uint64_t round_ = 0;
    std::string target_;
    bool open_ = false;
    bool stopping_ = false;
    bool broken_ = false;
    std::vector<std::optional<steady::time_point>> seen_;
    std::vector<std::string> trouble_;
};

// ---------------------------------------------------------------------------------------------
// eg side: one polling thread per member, GET /apis/v2/objects/<name> until 200.

class object_pollers {
public:
    object_pollers(const std::vector<endpoint>& members, std::chrono::microseconds pause,
                   std::chrono::milliseconds timeout)
        : members_(members), pause_(pause), timeout_(timeout), seen_(members.size()) {
        for (std::size_t i = 0; i < members_.size(); ++i)
            threads_.emplace_back([this, i] { poll_member(i); });
    }
    ~object_pollers() {
        seen_.stop();
        for (auto& thread : threads_) thread.join();
    }
    object_pollers(const object_pollers&) = delete;
    object_pollers& operator=(const object_pollers&) = delete;

    sightings& seen() { return seen_; }

private:
    void poll_member(std::size_t index) {
        const auto session = open_session(members_[index], timeout_);
        std::uint64_t last_round = 0;
        while (const auto round = seen_.next_round(last_round)) {
            last_round = round->number;
            const std::string path = "/apis/v2/objects/" + round->target;
            while (seen_.wanted(index, round->number)) {
                if (poll_once(*session, index, path, round->target)) break;
                std::this_thread::sleep_for(pause_);
            }
        }
    }

    // One GET; true when the member answered 200.
    bool poll_once(Poco::Net::HTTPClientSession& session, std::size_t index,
                   const std::string& path, const std::string& name) {
        try {
            const auto answer = exchange(session, Poco::Net::HTTPRequest::HTTP_GET, path);
            const auto when = steady::now();
            if (answer.status == 200) {
                seen_.saw(index, name, when);
                return true;
            }
            if (answer.status != 404)
                seen_.trouble(index, "GET " + path + " answered " + std::to_string(answer.status) +
                                         " " + answer.body);
        } catch (const std::exception& e) {
            seen_.trouble(index, e.what());
        }
        return false;
    }

    std::vector<endpoint> members_;
    std::chrono::microseconds pause_;
    std::chrono::milliseconds timeout_;
    sightings seen_;
    std::vector<std::thread> threads_;
};

// ---------------------------------------------------------------------------------------------
// etcd side: one watch stream per etcd member on the bench prefix.

class etcd_watchers {
public:
    etcd_watchers(const std::vector<endpoint>& members, std::chrono::milliseconds timeout)
        : members_(members),
          seen_(members.size()),
          created_(members.size(), false),
          connected_(members.size(), false),
          failures_(members.size()) {
        for (std::size_t i = 0; i < members_.size(); ++i)
            sessions_.push_back(open_session(members_[i], timeout));
        for (std::size_t i = 0; i < members_.size(); ++i)
            threads_.emplace_back([this, i] { watch_member(i); });
    }
    ~etcd_watchers() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
            // Wakes the blocked reads with end of stream; each thread then ends on its own. A
            // stream still connecting sees stopping_ once connected (or times out).
            for (std::size_t i = 0; i < sessions_.size(); ++i) {
                if (!connected_[i]) continue;
                try {
                    sessions_[i]->socket().shutdown();
                } catch (const Poco::Exception&) {
                }
            }
        }
        seen_.stop();
        for (auto& thread : threads_) thread.join();
    }
    etcd_watchers(const etcd_watchers&) = delete;
    etcd_watchers& operator=(const etcd_watchers&) = delete;

    sightings& seen() { return seen_; }

    // Waits until every stream has its watch created; throws naming those that have not.
    void wait_created(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        const auto all_created = [&] {
            return std::all_of(created_.begin(), created_.end(), [](bool c) { return c; });
        };
        const auto any_failed = [&] {
            return std::any_of(failures_.begin(), failures_.end(),
                               [](const std::string& why) { return !why.empty(); });
        };
        const bool settled =
            ready_.wait_for(lock, timeout, [&] { return all_created() || any_failed(); });
        if (settled && all_created()) return;
        const std::string unanswered =
            settled ? "not created yet"
                    : "not created within " + std::to_string(timeout.count()) + " ms";
        std::string problems;
        for (std::size_t i = 0; i < members_.size(); ++i) {
            if (created_[i]) continue;
            problems += (problems.empty() ? "" : "; ") + std::string("etcd watch on ") +
                        members_[i].text() + ": " +
                        (failures_[i].empty() ? unanswered : failures_[i]);
        }
        throw std::runtime_error(problems);
    }

    std::vector<std::string> names() const {
        std::vector<std::string> list;
        for (const auto& member : members_) list.push_back("etcd " + member.text());
        return list;
    }

private:
    void watch_member(std::size_t index) {
        try {
            stream(index);
            if (!stopping()) failed(index, "the watch stream ended");
        } catch (const std::exception& e) {
            if (!stopping()) failed(index, describe(e));
        }
    }

    void failed(std::size_t index, const std::string& why) {
        {
            std::lock_guard lock(mutex_);
            failures_[index] = why;
        }
        ready_.notify_all();
        seen_.broke(index, "watch: " + why);
    }

    bool stopping() {
        std::lock_guard lock(mutex_);
        return stopping_;
    }

    void stream(std::size_t index) {
        auto& session = *sessions_[index];
        const json create = {
            {"create_request",
             {{"key", base64(etcd_prefix)}, {"range_end", base64(prefix_end(etcd_prefix))}}}};
        const std::string body = create.dump();
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/v3/watch",
                                       Poco::Net::HTTPRequest::HTTP_1_1);
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(body.size()));
        session.sendRequest(request) << body;
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
            connected_[index] = true;
        }
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK)
            throw std::runtime_error("POST /v3/watch answered " +
                                     std::to_string(static_cast<int>(response.getStatus())));
        // The stream stays silent between samples: no read timeout, the destructor ends it.
        session.socket().setReceiveTimeout(Poco::Timespan(0));
        std::string line;
        while (std::getline(in, line)) {
            const auto when = steady::now();
            if (!line.empty()) handle_message(index, line, when);
        }
    }

    void handle_message(std::size_t index, const std::string& line, steady::time_point when) {
        const auto message = json::parse(line, nullptr, false);
        if (!message.is_object()) return;
        if (message.contains("error")) throw std::runtime_error(line);
        const auto result = message.value("result", json::object());
        if (result.value("canceled", false)) throw std::runtime_error("canceled: " + line);
        if (result.value("created", false)) {
            {
                std::lock_guard lock(mutex_);
                created_[index] = true;
            }
            ready_.notify_all();
        }
        for (const auto& event : result.value("events", json::array())) {
            if (event.value("type", "PUT") != "PUT") continue;
            const auto kv = event.value("kv", json::object());
            seen_.saw(index, unbase64(kv.value("key", "")), when);
        }
    }

    std::vector<endpoint> members_;
    sightings seen_;
    std::vector<std::unique_ptr<Poco::Net::HTTPClientSession>> sessions_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::vector<bool> created_;
    std::vector<bool> connected_;
    std::vector<std::string> failures_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

// ---------------------------------------------------------------------------------------------
// Sampling

using millis = std::chrono::duration<double, std::milli>;

struct side_samples {
    std::vector<double> visible_ms;  // write start → seen everywhere
    std::vector<double> write_ms;    // write start → the write's answer
};

std::string object_spec(const std::string& name) {
    const json spec = {{"kind", "Pipeline"},
                       {"name", name},
                       {"filters", json::array({{{"name", "proxy"}, {"kind", "Proxy"}}})},
                       {"flow", json::array({{{"filter", "proxy"}}})}};
    return spec.dump();
}

std::string run_tag() { return std::to_string(::getpid()); }

class eg_side {
public:
    explicit eg_side(const options& opts)
        : opts_(opts),
          writer_(open_session(opts.api_members.front(), opts.timeout)),
          pollers_(opts.api_members, opts.poll_pause, opts.timeout) {
        for (const auto& member : opts.api_members) names_.push_back("member " + member.text());
    }

    // One sample: create object `name` through the first member, wait until every member
    // serves it, delete it.
    void sample(int number, side_samples& into) {
        const std::string name = "p5-" + run_tag() + "-" + std::to_string(number);
        const std::string spec = object_spec(name);
        pollers_.seen().begin(name);
        const auto start = steady::now();
        const auto created =
            exchange(*writer_, Poco::Net::HTTPRequest::HTTP_POST, "/apis/v2/objects", spec);
        const auto answered = steady::now();
        if (created.status != 201)
            throw std::runtime_error("POST /apis/v2/objects to " +
                                     opts_.api_members.front().text() + " answered " +
                                     std::to_string(created.status) + " " + created.body);
        const auto visible = pollers_.seen().wait_all(start + opts_.timeout);
        if (!visible) {
            const std::string why = "object " + name + " not served within " +
                                    std::to_string(opts_.timeout.count()) + " ms by " +
                                    pollers_.seen().missing(names_);
            remove_quietly(name);
            throw std::runtime_error(why);
        }
        into.visible_ms.push_back(millis(*visible - start).count());
        into.write_ms.push_back(millis(answered - start).count());
        remove(name);
    }

private:
    void remove_quietly(const std::string& name) {
        try {
            remove(name);
        } catch (const std::exception&) {
        }
    }

    void remove(const std::string& name) {
        const auto answer =
            exchange(*writer_, Poco::Net::HTTPRequest::HTTP_DELETE, "/apis/v2/objects/" + name);
        if (answer.status != 200)
            throw std::runtime_error("DELETE /apis/v2/objects/" + name + " answered " +
                                     std::to_string(answer.status) + " " + answer.body);
    }

    const options& opts_;
    std::unique_ptr<Poco::Net::HTTPClientSession> writer_;
    object_pollers pollers_;
    std::vector<std::string> names_;
};

class etcd_side {
public:
    explicit etcd_side(const options& opts)
        : opts_(opts),
          writer_(open_session(opts.etcd_members.front(), opts.timeout)),
          watchers_(opts.etcd_members, opts.timeout) {
        watchers_.wait_created(opts.timeout);
    }

    // One sample: put a key through the first etcd member, wait until every watcher has the
    // event, delete the key.
    void sample(int number, side_samples& into) {
        const std::string key = std::string(etcd_prefix) + run_tag() + "-" + std::to_string(number);
        const std::string value = object_spec("p5-" + run_tag() + "-" + std::to_string(number));
        watchers_.seen().begin(key);
        const auto start = steady::now();
        call("/v3/kv/put", {{"key", base64(key)}, {"value", base64(value)}});
        const auto answered = steady::now();
        const auto visible = watchers_.seen().wait_all(start + opts_.timeout);
        if (!visible) {
            const std::string why = "etcd key " + key + " not delivered within " +
                                    std::to_string(opts_.timeout.count()) + " ms by " +
                                    watchers_.seen().missing(watchers_.names());
            try {
                call("/v3/kv/deleterange", {{"key", base64(key)}});
            } catch (const std::exception&) {
            }
            throw std::runtime_error(why);
        }
        into.visible_ms.push_back(millis(*visible - start).count());
        into.write_ms.push_back(millis(answered - start).count());
        call("/v3/kv/deleterange", {{"key", base64(key)}});
    }

private:
    void call(const std::string& path, const json& body) {
        const auto answer =
            exchange(*writer_, Poco::Net::HTTPRequest::HTTP_POST, path, body.dump());
        if (answer.status != 200)
            throw std::runtime_error("POST " + path + " to etcd " +
                                     opts_.etcd_members.front().text() + " answered " +
                                     std::to_string(answer.status) + " " + answer.body);
    }

    const options& opts_;
    std::unique_ptr<Poco::Net::HTTPClientSession> writer_;
    etcd_watchers watchers_;
};

// ---------------------------------------------------------------------------------------------
// Report

// Nearest-rank percentile: the smallest sample with at least p% of the samples at or below it.
double percentile(std::vector<double> samples, double p) {
    std::sort(samples.begin(), samples.end());
    const auto rank = static_cast<std::size_t>(
        std::max(1.0, std::ceil(p / 100.0 * static_cast<double>(samples.size()))));
    return samples[std::min(rank, samples.size()) - 1];
}

json side_summary(const side_samples& side) {
    return {{"p50_ms", percentile(side.visible_ms, 50)},
            {"p90_ms", percentile(side.visible_ms, 90)},
            {"p99_ms", percentile(side.visible_ms, 99)},
            {"max_ms", percentile(side.visible_ms, 100)},
            {"write_p50_ms", percentile(side.write_ms, 50)},
            {"write_p99_ms", percentile(side.write_ms, 99)},
            {"samples", side.visible_ms.size()}};
}

json report(const options& opts, const side_samples& eg, const side_samples& etcd) {
    json out = {{"count", opts.count},
                {"warmup", opts.warmup},
                {"poll_us", opts.poll_pause.count()},
                {"gap_ms", opts.gap.count()},
                {"api_members", opts.api_members.size()},
                {"etcd_members", opts.etcd_members.size()},
                {"eg", side_summary(eg)},
                {"etcd", side_summary(etcd)}};
    const double etcd_p99 = out["etcd"]["p99_ms"];
    const double etcd_p50 = out["etcd"]["p50_ms"];
    out["ratio_p99"] = etcd_p99 > 0 ? json(out["eg"]["p99_ms"].get<double>() / etcd_p99) : json();
    out["ratio_p50"] = etcd_p50 > 0 ? json(out["eg"]["p50_ms"].get<double>() / etcd_p50) : json();
    out["target"] = "ratio_p99 <= 3";
    return out;
}

void print_table(const json& out) {
    std::printf(
        "P5 propagation: %d samples per side (+%d warm-up), eg and etcd alternating, "
        "GET every %lld us per member\n",
        out["count"].get<int>(), out["warmup"].get<int>(), out["poll_us"].get<long long>());
    std::printf("%-46s %8s %8s %8s %8s %12s\n", "", "p50 ms", "p90 ms", "p99 ms", "max ms",
                "write p50");
    const auto row = [](const char* label, const json& side) {
        std::printf("%-46s %8.2f %8.2f %8.2f %8.2f %9.2f ms\n", label, side["p50_ms"].get<double>(),
                    side["p90_ms"].get<double>(), side["p99_ms"].get<double>(),
                    side["max_ms"].get<double>(), side["write_p50_ms"].get<double>());
    };
    const std::string eg_label = "eg: POST -> GET 200 on all " +
                                 std::to_string(out["api_members"].get<std::size_t>()) + " members";
    const std::string etcd_label = "etcd: put -> event on all " +
                                   std::to_string(out["etcd_members"].get<std::size_t>()) +
                                   " watchers";
    row(eg_label.c_str(), out["eg"]);
    row(etcd_label.c_str(), out["etcd"]);
    if (out["ratio_p99"].is_number())
        std::printf("ratio eg/etcd p99: %.2fx (target <= 3x), p50: %.2fx\n",
                    out["ratio_p99"].get<double>(), out["ratio_p50"].get<double>());
}

void pause_for(std::chrono::milliseconds gap) {
    if (gap.count() > 0) std::this_thread::sleep_for(gap);
}

int run(const options& opts) {
    etcd_side etcd(opts);
    eg_side eg(opts);
    side_samples eg_samples, etcd_samples, discarded;
    for (int i = 0; i < opts.warmup + opts.count; ++i) {
        const bool counted = i >= opts.warmup;
        auto& eg_into = counted ? eg_samples : discarded;
        auto& etcd_into = counted ? etcd_samples : discarded;
        if (i % 2 == 0) {
            eg.sample(i, eg_into);
            pause_for(opts.gap);
            etcd.sample(i, etcd_into);
        } else {
            etcd.sample(i, etcd_into);
            pause_for(opts.gap);
            eg.sample(i, eg_into);
        }
        pause_for(opts.gap);
    }
    const json out = report(opts, eg_samples, etcd_samples);
    if (opts.as_json)
        std::cout << out.dump(2) << "\n";
    else
        print_table(out);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    options opts;
    try {
        opts = parse_options(argc, argv);
    } catch (const help_requested&) {
        std::cout << usage_text;
        return 0;
    } catch (const usage_error& e) {
        std::cerr << "propagation_bench: " << e.what() << " (--help for usage)\n";
        return 2;
    }
    try {
        return run(opts);
    } catch (const std::exception& e) {
        std::cerr << "propagation_bench: " << describe(e) << "\n";
    }
    return 1;
}
