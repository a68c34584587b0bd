#include "daemon/etcd/prefix_view.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>

namespace eg::server::etcd {
namespace {

// "view members" for /status/members/: the last part of the prefix.
std::string thread_name(std::string prefix) {
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    return "view " + prefix.substr(prefix.rfind('/') + 1);
}

}  // namespace

prefix_view::prefix_view(client& etcd, std::string prefix, on_change changed, on_trouble trouble,
                         std::chrono::milliseconds idle)
    : etcd_(etcd),
      prefix_(std::move(prefix)),
      changed_(std::move(changed)),
      trouble_(std::move(trouble)),
      idle_(idle),
      worker_(thread_name(prefix_)) {}

prefix_view::~prefix_view() { stop(); }

void prefix_view::start() {
    if (worker_.running()) return;
    {
        std::lock_guard lock(mutex_);
        stopping_ = false;
    }
    worker_.start([this] { run(); });
}

void prefix_view::stop() {
    worker_.stop([this] {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
            if (streaming_ != nullptr) {
                try {
                    streaming_->abort();
                } catch (const Poco::Exception&) {
                }
            }
        }
        updated_.notify_all();
    });
}

bool prefix_view::synced() const {
    std::lock_guard lock(mutex_);
    return synced_;
}

std::map<std::string, key_value> prefix_view::snapshot() const {
    std::lock_guard lock(mutex_);
    return entries_;
}

std::int64_t prefix_view::revision() const {
    std::lock_guard lock(mutex_);
    return revision_;
}

bool prefix_view::wait_for_revision(std::int64_t revision,
                                    std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return updated_.wait_for(lock, timeout, [&] {
        return (synced_ && revision_ >= revision) || stopping_;
    }) && !stopping_;
}

void prefix_view::read_all() {
    auto read = etcd_.get_prefix(prefix_);
    {
        std::lock_guard lock(mutex_);
        entries_.clear();
        for (auto& kv : read.kvs) entries_[kv.key] = std::move(kv);
        revision_ = read.revision;
        synced_ = true;
    }
    updated_.notify_all();
    if (changed_) changed_();
}

void prefix_view::run() {
    auto backoff = std::chrono::milliseconds(100);
    std::size_t next_endpoint = 0;
    bool need_read = true;
    while (!worker_.stopping()) {
        try {
            if (need_read) {
                read_all();
                need_read = false;
            }
            const auto endpoints = etcd_.endpoints();
            if (endpoints.empty()) throw error("no etcd endpoints known");
            const auto& endpoint = endpoints[next_endpoint % endpoints.size()];
            if (!stream(endpoint)) {
                need_read = true;  // compacted: start over from a full read
                continue;
            }
            backoff = std::chrono::milliseconds(100);
            continue;  // idle stream re-established on the same endpoint
        } catch (const std::exception& e) {
            if (trouble_) trouble_(std::string("watch ") + prefix_ + ": " + e.what());
            ++next_endpoint;
        }
        if (worker_.pause_for(backoff) == worker::pause_end::stopping) return;
        backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
    }
}

bool prefix_view::stream(const std::string& endpoint) {
    const Poco::URI uri(endpoint);
    Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
    session.setTimeout(Poco::Timespan(etcd_.timeout().count() * 1000));
    std::int64_t from = 0;
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return true;
        streaming_ = &session;
        from = revision_ + 1;
    }
    struct unregister {
        prefix_view* self;
        ~unregister() {
            std::lock_guard lock(self->mutex_);
            self->streaming_ = nullptr;
        }
    } guard{this};

    const json body = {{"create_request",
                        {{"key", base64(prefix_)},
                         {"range_end", base64(prefix_end(prefix_))},
                         {"start_revision", std::to_string(from)},
                         {"progress_notify", true}}}};
    const std::string text = body.dump();
    try {
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/v3/watch",
                                       Poco::Net::HTTPRequest::HTTP_1_1);
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(text.size()));
        session.sendRequest(request) << text;
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        if (response.getStatus() != Poco::Net::HTTPResponse::HTTP_OK) {
            std::string answer;
            Poco::StreamCopier::copyToString(in, answer);
            throw error(endpoint + ": watch answered " + std::to_string(response.getStatus()) +
                            " " + answer,
                        static_cast<int>(response.getStatus()));
        }
        session.socket().setReceiveTimeout(
            Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(idle_.count()) * 1000));
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty()) continue;
            const auto message = json::parse(line, nullptr, false);
            if (!message.is_object()) continue;
            const auto result = message.value("result", json::object());
            if (message.contains("error")) throw error(endpoint + ": watch: " + line, 503);
            if (result.value("canceled", false)) {
                if (as_i64(result, "compact_revision") > 0) return false;
                throw error(endpoint + ": watch canceled: " + line, 503);
            }
            if (result.value("created", false)) continue;
            apply(result.value("events", json::array()),
                  as_i64(result.value("header", json::object()), "revision"));
        }
    } catch (const Poco::Exception& e) {
        std::lock_guard lock(mutex_);
        if (stopping_) return true;
        throw error(endpoint + ": watch: " + e.displayText());
    }
    return true;  // the stream went quiet or ended: re-establish it
}

void prefix_view::apply(const json& events, std::int64_t header_revision) {
    {
        std::lock_guard lock(mutex_);
        for (const auto& event : events) {
            auto kv = key_value_from(event.value("kv", json::object()));
            revision_ = std::max(revision_, kv.mod_revision);
            if (event.value("type", "") == "DELETE")
                entries_.erase(kv.key);
            else
                entries_[kv.key] = std::move(kv);
        }
        // A progress notification (no events) says every revision up to its header was sent.
        if (events.empty()) revision_ = std::max(revision_, header_revision);
    }
    updated_.notify_all();
    if (!events.empty() && changed_) changed_();
}

}  // namespace eg::server::etcd
