#include "daemon/etcd/etcd_client.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <sstream>
#include <thread>

namespace eg::server::etcd {

namespace {

using Poco::Net::HTTPClientSession;
using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;

std::unique_ptr<HTTPClientSession> new_session(const std::string& endpoint,
                                               std::chrono::milliseconds timeout) {
    const Poco::URI uri(endpoint);
    auto session = std::make_unique<HTTPClientSession>(uri.getHost(), uri.getPort());
    session->setTimeout(
        Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(timeout.count()) * 1000));
    session->setKeepAlive(true);
    return session;
}

// The gateway's error body {"error":"…","message":"…","code":N} as an error.
error error_from(const std::string& endpoint, int status, const std::string& body) {
    std::string message = body;
    int code = 0;
    try {
        const auto parsed = json::parse(body);
        if (parsed.is_object()) {
            if (parsed.contains("message") && parsed["message"].is_string())
                message = parsed["message"].get<std::string>();
            else if (parsed.contains("error") && parsed["error"].is_string())
                message = parsed["error"].get<std::string>();
            if (parsed.contains("code") && parsed["code"].is_number_integer())
                code = parsed["code"].get<int>();
        }
    } catch (const json::exception&) {
    }
    while (!message.empty() && (message.back() == '\n' || message.back() == '\r'))
        message.pop_back();
    return error(endpoint + ": " + std::to_string(status) + " " + message, status, code);
}

std::vector<std::string> strings_of(const json& object, const char* field) {
    std::vector<std::string> out;
    if (object.contains(field) && object[field].is_array())
        for (const auto& item : object[field])
            if (item.is_string()) out.push_back(item.get<std::string>());
    return out;
}

}  // namespace

client::client(std::vector<std::string> endpoints, std::chrono::milliseconds timeout)
    : endpoints_(std::move(endpoints)), timeout_(timeout) {}

client::~client() = default;

void client::set_endpoints(std::vector<std::string> endpoints) {
    std::lock_guard lock(mutex_);
    if (endpoints == endpoints_) return;
    const std::string current =
        endpoints_.empty() ? "" : endpoints_[preferred_ % endpoints_.size()];
    endpoints_ = std::move(endpoints);
    preferred_ = 0;
    for (std::size_t i = 0; i < endpoints_.size(); ++i)
        if (endpoints_[i] == current) preferred_ = i;
}

std::vector<std::string> client::endpoints() const {
    std::lock_guard lock(mutex_);
    return endpoints_;
}

std::unique_ptr<HTTPClientSession> client::take(const std::string& endpoint, bool& reused) {
    {
        std::lock_guard lock(mutex_);
        for (auto it = idle_.begin(); it != idle_.end(); ++it) {
            if (it->first != endpoint) continue;
            auto session = std::move(it->second);
            idle_.erase(it);
            reused = true;
            return session;
        }
    }
    reused = false;
    return new_session(endpoint, timeout_);
}

void client::give_back(const std::string& endpoint, std::unique_ptr<HTTPClientSession> session) {
    std::lock_guard lock(mutex_);
    constexpr std::size_t max_idle = 16;
    if (idle_.size() < max_idle) idle_.emplace_back(endpoint, std::move(session));
}

void client::cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    for (auto* session : active_) {
        try {
            session->abort();
        } catch (const Poco::Exception&) {
        }
    }
}

json client::call_at(const std::string& endpoint, std::string_view path, const json& body,
                     std::optional<time_point> deadline) {
    const std::string text = body.dump();
    const auto give_up =
        std::min(std::chrono::steady_clock::now() + timeout_, deadline.value_or(time_point::max()));
    for (int attempt = 0;; ++attempt) {
        bool reused = false;
        bool sent = false;
        auto session = take(endpoint, reused);
        {
            const auto left =
                std::max<std::int64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                           give_up - std::chrono::steady_clock::now())
                                           .count(),
                                       1000);
            const Poco::Timespan whole(left);
            const Poco::Timespan connect(
                std::min<std::int64_t>(left, std::int64_t{connect_timeout_.count()} * 1000));
            session->setTimeout(connect, whole, whole);
        }
        struct in_flight {
            client& self;
            HTTPClientSession* session;
            in_flight(client& c, HTTPClientSession* s) : self(c), session(s) {
                std::lock_guard lock(self.mutex_);
                if (self.cancelled_) throw error("etcd client is shutting down", 0);
                self.active_.push_back(session);
            }
            ~in_flight() {
                std::lock_guard lock(self.mutex_);
                std::erase(self.active_, session);
            }
        } registered(*this, session.get());
        try {
            HTTPRequest request(HTTPRequest::HTTP_POST, std::string(path), HTTPRequest::HTTP_1_1);
            request.setContentType("application/json");
            request.setContentLength(static_cast<std::streamsize>(text.size()));
            request.setKeepAlive(true);
            session->sendRequest(request) << text;
            sent = true;
            session->flushRequest();
            await_answer(endpoint, *session, give_up);
            HTTPResponse response;
            std::istream& in = session->receiveResponse(response);
            std::string answer;
            Poco::StreamCopier::copyToString(in, answer);
            const int status = static_cast<int>(response.getStatus());
            give_back(endpoint, std::move(session));
            if (status != 200) throw error_from(endpoint, status, answer);
            auto parsed = json::parse(answer, nullptr, false);
            if (parsed.is_discarded())
                throw error(endpoint + ": answer is not JSON: " + answer, 500);
            note_term(endpoint, parsed);
            return parsed;
        } catch (const Poco::Exception& e) {
            // A kept-alive connection the server closed meanwhile: try once on a new one.
            {
                std::lock_guard lock(mutex_);
                if (cancelled_) throw error(endpoint + ": cancelled", 0);
            }
            // (A timeout is not that: the server may be working on the request.)
            const bool timed_out = dynamic_cast<const Poco::TimeoutException*>(&e) != nullptr;
            if (reused && attempt == 0 && !timed_out) continue;
            throw error(endpoint + ": " + e.displayText(), 0, 0, sent);
        }
    }
}

std::int64_t client::known_term(const std::string& endpoint) const {
    std::lock_guard lock(mutex_);
    const auto found = terms_.find(endpoint);
    return found == terms_.end() ? 0 : found->second;
}

void client::note_term(const std::string& endpoint, const json& answer) {
    const auto header = answer.find("header");
    if (header == answer.end()) return;
    const std::int64_t term = as_i64(*header, "raft_term");
    if (term == 0) return;
    std::lock_guard lock(mutex_);
    terms_[endpoint] = term;
}

std::string client::stall_of(const std::string& endpoint, std::int64_t& term) const {
    const auto probe_timeout = std::min(stall_check_, timeout_);
    try {
        auto session = new_session(endpoint, probe_timeout);
        session->setKeepAlive(false);
        const std::string text = "{}";
        HTTPRequest request(HTTPRequest::HTTP_POST, "/v3/maintenance/status",
                            HTTPRequest::HTTP_1_1);
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(text.size()));
        session->sendRequest(request) << text;
        HTTPResponse response;
        std::istream& in = session->receiveResponse(response);
        std::string answer;
        Poco::StreamCopier::copyToString(in, answer);
        if (response.getStatus() != HTTPResponse::HTTP_OK)
            return "its status probe answered " + std::to_string(response.getStatus());
        const auto parsed = json::parse(answer, nullptr, false);
        if (!parsed.is_object()) return "its status probe answered no JSON";
        if (as_u64(parsed, "leader") == 0) return "it has no leader";
        const std::int64_t now = as_i64(parsed.value("header", json::object()), "raft_term");
        if (term != 0 && now != term)
            return "its leader changed (raft term " + std::to_string(term) + " -> " +
                   std::to_string(now) + ")";
        term = now;
        return {};
    } catch (const Poco::Exception& e) {
        return "it does not answer a status probe (" + e.displayText() + ")";
    } catch (const std::exception& e) {
        return std::string("its status probe failed (") + e.what() + ")";
    }
}

void client::await_answer(const std::string& endpoint, HTTPClientSession& session,
                          time_point deadline) {
    const auto start = std::chrono::steady_clock::now();
    std::int64_t term = known_term(endpoint);
    auto next_check = start + stall_check_;
    while (true) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) break;
        const auto slice = std::min({next_check, deadline}) - now;
        const auto micros = std::max<std::int64_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(slice).count(), 1000);
        if (session.socket().poll(Poco::Timespan(micros),
                                  Poco::Net::Socket::SELECT_READ | Poco::Net::Socket::SELECT_ERROR))
            return;
        {
            std::lock_guard lock(mutex_);
            if (cancelled_) throw error(endpoint + ": cancelled", 0, 0, true);
        }
        if (std::chrono::steady_clock::now() >= next_check) {
            if (const auto why = stall_of(endpoint, term); !why.empty()) {
                session.reset();
                throw error(
                    endpoint + ": no answer after " +
                        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::steady_clock::now() - start)
                                           .count()) +
                        " ms, and " + why,
                    0, 0, true);
            }
            next_check = std::chrono::steady_clock::now() + stall_check_;
        }
    }
    session.reset();
    throw error(endpoint + ": no answer within " +
                    std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::steady_clock::now() - start)
                                       .count()) +
                    " ms",
                0, 0, true);
}

json client::call(std::string_view path, const json& body, repeat again,
                  std::optional<time_point> deadline) {
    std::vector<std::string> endpoints;
    std::size_t start = 0;
    {
        std::lock_guard lock(mutex_);
        endpoints = endpoints_;
        start = preferred_;
    }
    if (endpoints.empty()) throw error("no etcd endpoints known", 0);
    std::string failures;
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
        const std::size_t index = (start + i) % endpoints.size();
        if (deadline && std::chrono::steady_clock::now() >= *deadline) {
            failures += std::string(failures.empty() ? "" : "; ") + "out of time";
            break;
        }
        try {
            auto answer = call_at(endpoints[index], path, body, deadline);
            std::lock_guard lock(mutex_);
            if (endpoints_ == endpoints) preferred_ = index;
            return answer;
        } catch (const error& e) {
            // etcd's own "unavailable" answers to a write (request timed out, leader changed)
            // do not say it was not applied; only "too many requests" is refused before.
            if (again == repeat::unsafe && e.http_status() == 503 && !e.outcome_unknown() &&
                std::string_view(e.what()).find("too many requests") == std::string_view::npos)
                throw error(e.what(), e.http_status(), e.grpc_code(), true);
            if (!e.unavailable() || (again == repeat::unsafe && e.outcome_unknown())) throw;
            failures += std::string(failures.empty() ? "" : "; ") + e.what();
            std::lock_guard lock(mutex_);
            if (cancelled_) break;
        }
    }
    throw error("no etcd endpoint answered: " + failures, 503);
}

range_result client::get(std::string_view key) {
    const auto answer = call("/v3/kv/range", {{"key", base64(key)}});
    range_result out;
    out.revision = as_i64(answer.value("header", json::object()), "revision");
    if (answer.contains("kvs"))
        for (const auto& kv : answer["kvs"]) out.kvs.push_back(key_value_from(kv));
    return out;
}

range_result client::get_prefix(std::string_view prefix) {
    const auto answer =
        call("/v3/kv/range", {{"key", base64(prefix)}, {"range_end", base64(prefix_end(prefix))}});
    range_result out;
    out.revision = as_i64(answer.value("header", json::object()), "revision");
    if (answer.contains("kvs"))
        for (const auto& kv : answer["kvs"]) out.kvs.push_back(key_value_from(kv));
    return out;
}

std::optional<key_value> client::get_at(std::string_view key, std::int64_t revision,
                                        std::optional<time_point> deadline) {
    const auto answer =
        call("/v3/kv/range", {{"key", base64(key)}, {"revision", std::to_string(revision)}},
             repeat::safe, deadline);
    if (!answer.contains("kvs") || answer["kvs"].empty()) return std::nullopt;
    return key_value_from(answer["kvs"].front());
}

std::int64_t client::put(std::string_view key, std::string_view value, std::uint64_t lease) {
    json body = {{"key", base64(key)}, {"value", base64(value)}};
    if (lease != 0) body["lease"] = std::to_string(lease);
    const auto answer = call("/v3/kv/put", body);
    return as_i64(answer.value("header", json::object()), "revision");
}

bool client::put_if_absent(std::string_view key, std::string_view value, std::uint64_t lease) {
    json put = {{"key", base64(key)}, {"value", base64(value)}};
    if (lease != 0) put["lease"] = std::to_string(lease);
    const json body = {{"compare", json::array({{{"key", base64(key)},
                                                 {"target", "CREATE"},
                                                 {"result", "EQUAL"},
                                                 {"create_revision", "0"}}})},
                       {"success", json::array({{{"request_put", put}}})}};
    const auto answer = call("/v3/kv/txn", body, repeat::unsafe);
    return answer.value("succeeded", false);
}

json client::txn(const json& body, repeat again, std::optional<time_point> deadline) {
    return call("/v3/kv/txn", body, again, deadline);
}

std::int64_t client::erase(std::string_view key) {
    const auto answer = call("/v3/kv/deleterange", {{"key", base64(key)}});
    return as_i64(answer, "deleted");
}

std::uint64_t client::grant_lease(std::int64_t ttl_seconds) {
    const auto answer = call("/v3/lease/grant", {{"TTL", ttl_seconds}});
    const auto id = as_u64(answer, "ID");
    if (id == 0) throw error("lease grant answered without an ID", 500);
    return id;
}

std::int64_t client::keep_alive(std::uint64_t lease) {
    try {
        const auto answer = call("/v3/lease/keepalive", {{"ID", std::to_string(lease)}});
        return as_i64(answer.value("result", json::object()), "TTL");
    } catch (const error& e) {
        if (e.not_found()) return 0;
        throw;
    }
}

void client::revoke_lease(std::uint64_t lease) {
    try {
        call("/v3/lease/revoke", {{"ID", std::to_string(lease)}});
    } catch (const error& e) {
        if (!e.not_found()) throw;
    }
}

namespace {

member member_from(const json& m, const char* id_field) {
    member out;
    out.id = as_u64(m, id_field);
    out.name = m.value("name", "");
    out.peer_urls = strings_of(m, "peerURLs");
    out.client_urls = strings_of(m, "clientURLs");
    out.is_learner = m.value("isLearner", false);
    return out;
}

}  // namespace

std::vector<member> client::members() {
    const auto answer = call("/v3/cluster/member/list", json::object());
    std::vector<member> out;
    if (answer.contains("members"))
        for (const auto& m : answer["members"]) out.push_back(member_from(m, "ID"));
    return out;
}

std::uint64_t client::add_member(const std::vector<std::string>& peer_urls) {
    const auto answer = call("/v3/cluster/member/add", {{"peerURLs", peer_urls}}, repeat::unsafe);
    return as_u64(answer.value("member", json::object()), "ID");
}

void client::remove_member(std::uint64_t id) {
    call("/v3/cluster/member/remove", {{"ID", std::to_string(id)}}, repeat::unsafe);
}

namespace {

endpoint_status status_from(const json& answer) {
    endpoint_status out;
    const auto header = answer.value("header", json::object());
    out.member_id = as_u64(header, "member_id");
    out.leader = as_u64(answer, "leader");
    out.raft_term = as_i64(answer, "raftTerm");
    return out;
}

// A watch stream over POST /v3/watch: one JSON answer a line.
class gateway_watch final : public watch_stream {
public:
    gateway_watch(std::string endpoint, watch_request request, std::chrono::milliseconds timeout)
        : endpoint_(std::move(endpoint)), request_(std::move(request)) {
        const Poco::URI uri(endpoint_);
        session_.setHost(uri.getHost());
        session_.setPort(uri.getPort());
        session_.setTimeout(
            Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(timeout.count()) * 1000));
    }

    watch_update next() override {
        try {
            if (in_ == nullptr) open();
            std::string line;
            while (std::getline(*in_, line))
                if (auto update = update_of(line)) return *update;
        } catch (const Poco::Exception& e) {
            throw error(endpoint_ + ": watch: " + e.displayText());
        }
        return {};  // quiet for the idle time, or closed
    }

    void abort() override {
        std::lock_guard lock(mutex_);
        aborted_ = true;
        try {
            session_.abort();
        } catch (const Poco::Exception&) {
        }
    }

private:
    void open() {
        const json body = {{"create_request",
                            {{"key", base64(request_.prefix)},
                             {"range_end", base64(prefix_end(request_.prefix))},
                             {"start_revision", std::to_string(request_.start_revision)},
                             {"progress_notify", true}}}};
        const std::string text = body.dump();
        {
            std::lock_guard lock(mutex_);
            if (aborted_) throw error(endpoint_ + ": watch aborted");
        }
        HTTPRequest request(HTTPRequest::HTTP_POST, "/v3/watch", HTTPRequest::HTTP_1_1);
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(text.size()));
        session_.sendRequest(request) << text;
        std::istream& in = session_.receiveResponse(response_);
        if (response_.getStatus() != HTTPResponse::HTTP_OK) {
            std::string answer;
            Poco::StreamCopier::copyToString(in, answer);
            throw error(endpoint_ + ": watch answered " + std::to_string(response_.getStatus()) +
                            " " + answer,
                        static_cast<int>(response_.getStatus()));
        }
        session_.socket().setReceiveTimeout(
            Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(request_.idle.count()) * 1000));
        in_ = &in;
    }

    // The update a line carries; nullopt for none (the stream's creation, a blank line).
    std::optional<watch_update> update_of(const std::string& line) const {
        if (line.empty()) return std::nullopt;
        const auto message = json::parse(line, nullptr, false);
        if (!message.is_object()) return std::nullopt;
        const auto result = message.value("result", json::object());
        if (message.contains("error")) throw error(endpoint_ + ": watch: " + line, 503);
        if (result.value("canceled", false)) {
            if (as_i64(result, "compact_revision") > 0)
                return watch_update{watch_update::kind::compacted, {}, 0};
            throw error(endpoint_ + ": watch canceled: " + line, 503);
        }
        if (result.value("created", false)) return std::nullopt;
        watch_update update;
        update.revision = as_i64(result.value("header", json::object()), "revision");
        for (const auto& event : result.value("events", json::array()))
            update.events.push_back({event.value("type", "") == "DELETE",
                                     key_value_from(event.value("kv", json::object()))});
        update.what =
            update.events.empty() ? watch_update::kind::progress : watch_update::kind::events;
        return update;
    }

    std::string endpoint_;
    watch_request request_;
    HTTPClientSession session_;
    HTTPResponse response_;
    std::istream* in_ = nullptr;
    std::mutex mutex_;
    bool aborted_ = false;
};

}  // namespace

endpoint_status client::status_of(const std::string& endpoint) {
    return status_from(call_at(endpoint, "/v3/maintenance/status", json::object()));
}

endpoint_status client::status() {
    return status_from(call("/v3/maintenance/status", json::object()));
}

std::unique_ptr<watch_stream> client::watch(const watch_request& request) {
    const auto known = endpoints();
    if (known.empty()) throw error("no etcd endpoints known");
    return std::make_unique<gateway_watch>(known[request.attempt % known.size()], request,
                                           timeout_);
}

std::string http_get(const std::string& base_url, std::string_view path,
                     std::chrono::milliseconds timeout) {
    try {
        auto session = new_session(base_url, timeout);
        session->setKeepAlive(false);
        HTTPRequest request(HTTPRequest::HTTP_GET, std::string(path), HTTPRequest::HTTP_1_1);
        session->sendRequest(request);
        HTTPResponse response;
        std::istream& in = session->receiveResponse(response);
        std::string body;
        Poco::StreamCopier::copyToString(in, body);
        const int status = static_cast<int>(response.getStatus());
        if (status != 200) throw error_from(base_url, status, body);
        return body;
    } catch (const Poco::Exception& e) {
        throw error(base_url + ": " + e.displayText(), 0);
    }
}

std::vector<member> members_from_peer(const std::string& peer_url,
                                      std::chrono::milliseconds timeout) {
    const std::string body = http_get(peer_url, "/members", timeout);
    const auto parsed = json::parse(body, nullptr, false);
    if (!parsed.is_array()) throw error(peer_url + "/members: not a member list: " + body, 500);
    std::vector<member> out;
    for (const auto& m : parsed) out.push_back(member_from(m, "id"));
    return out;
}

bool healthy(const std::string& client_url, std::chrono::milliseconds timeout) {
    try {
        const auto parsed = json::parse(http_get(client_url, "/health", timeout), nullptr, false);
        return parsed.is_object() && parsed.value("health", "") == "true";
    } catch (const error&) {
        return false;
    }
}

}  // namespace eg::server::etcd
