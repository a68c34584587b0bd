#include "daemon/traffic/proxy_filter.hpp"

#include "daemon/http/http_text.hpp"
#include "daemon/traffic/spec_fields.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace eg::server {

namespace {

bool is_ip_address(const std::string& host) {
    unsigned char buffer[16];
    return inet_pton(AF_INET, host.c_str(), buffer) == 1 ||
           inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

// Headers of one connection (RFC 9110 §7.6.1), and those the proxy writes itself.
bool is_dropped(std::string_view name) {
    for (std::string_view hop : {"connection", "keep-alive", "te", "trailer", "transfer-encoding",
                                 "upgrade", "host", "content-length", "expect"})
        if (http_text::same_text(name, hop)) return true;
    return name.size() >= 6 && http_text::same_text(name.substr(0, 6), "proxy-");
}

}  // namespace

std::optional<upstream_target> parse_server_url(std::string_view url) {
    upstream_target target;
    std::string_view rest;
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return std::nullopt;
    const auto scheme = url.substr(0, scheme_end);
    if (http_text::same_text(scheme, "https"))
        target.https = true;
    else if (!http_text::same_text(scheme, "http"))
        return std::nullopt;
    rest = url.substr(scheme_end + 3);
    const auto authority_end = rest.find_first_of("/?#");
    const auto authority = rest.substr(0, authority_end);
    if (authority.empty() || authority.find_first_of(" \t\r\n@") != std::string_view::npos)
        return std::nullopt;
    std::string_view host;
    std::string_view port;
    bool has_port = false;
    if (authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = authority.substr(1, close - 1);
        const auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return std::nullopt;
            port = after.substr(1);
            has_port = true;
        }
        if (host.find(':') == std::string_view::npos) return std::nullopt;
    } else {
        const auto colon = authority.find(':');
        host = authority.substr(0, colon);
        if (colon != std::string_view::npos) {
            port = authority.substr(colon + 1);
            has_port = true;
            if (port.find(':') != std::string_view::npos) return std::nullopt;
        }
    }
    if (host.empty()) return std::nullopt;
    target.host = std::string(host);
    target.port = target.https ? 443 : 80;
    if (has_port && !port.empty()) {
        unsigned value = 0;
        const auto parsed = std::from_chars(port.data(), port.data() + port.size(), value);
        if (parsed.ec != std::errc{} || parsed.ptr != port.data() + port.size() || value == 0 ||
            value > 65535)
            return std::nullopt;
        target.port = static_cast<std::uint16_t>(value);
    }
    target.host_header = std::string(authority);
    if (authority_end != std::string_view::npos && rest[authority_end] == '/') {
        const auto path = rest.substr(authority_end);
        target.path_prefix = std::string(path.substr(0, path.find_first_of("?#")));
    }
    target.ip_literal = is_ip_address(target.host);
    return target;
}

proxy_failure_answer answer_for(proxy_failure failure) {
    switch (failure) {
        case proxy_failure::no_server:
            return {503, proxy_result::internal_error};
        case proxy_failure::transport:
            return {503, proxy_result::server_error};
        case proxy_failure::timeout:
            return {504, proxy_result::timeout};
        case proxy_failure::client_gone:
            return {499, proxy_result::client_error};
        case proxy_failure::response_too_large:
            return {500, proxy_result::internal_error};
        case proxy_failure::response_malformed:
            return {502, proxy_result::server_error};
    }
    return {500, proxy_result::internal_error};
}

// --- request_matcher -------------------------------------------------------------------------

request_matcher request_matcher::build(const nlohmann::json& spec, const std::string& path,
                                       spec_fields& fields) {
    request_matcher matcher;
    if (!spec.is_object()) {
        fields.problem(path, "is not a mapping");
        return matcher;
    }
    const auto policy = fields.string(spec, "policy", path).value_or("");
    if (policy.empty() || policy == "general") {
        matcher.policy_ = policy::general;
    } else if (policy == "ipHash") {
        matcher.policy_ = policy::ip_hash;
    } else if (policy == "headerHash") {
        matcher.policy_ = policy::header_hash;
    } else if (policy == "random") {
        matcher.policy_ = policy::random;
    } else {
        fields.problem(spec_fields::field(path, "policy"),
                       "'" + policy + "' is not a matcher policy (never matches)");
        matcher.policy_ = policy::random;  // with permil 0: never
        return matcher;
    }
    matcher.match_all_headers_ = fields.boolean(spec, "matchAllHeaders", path).value_or(false);
    matcher.headers_ = build_header_matchers(fields.mapping(spec, "headers", path),
                                             spec_fields::field(path, "headers"), fields);
    if (const auto* urls = fields.list(spec, "urls", path))
        for (std::size_t i = 0; i < urls->size(); ++i) {
            const auto where = spec_fields::item(spec_fields::field(path, "urls"), i);
            const auto& url = (*urls)[i];
            if (!url.is_object()) {
                fields.problem(where, "is not a mapping");
                continue;
            }
            url_rule rule;
            rule.methods = fields.strings(url, "methods", where);
            if (const auto* m = spec_fields::find(url, "url"))
                rule.url = string_matcher::build(*m, spec_fields::field(where, "url"), fields);
            else
                fields.problem(spec_fields::field(where, "url"), "is missing");
            matcher.urls_.push_back(std::move(rule));
        }
    if (matcher.policy_ != policy::general) {
        matcher.permil_ =
            static_cast<std::uint32_t>(fields.integer(spec, "permil", path, 0, 1000).value_or(0));
        matcher.header_hash_key_ = fields.string(spec, "headerHashKey", path).value_or("");
    }
    return matcher;
}

bool request_matcher::headers_match(const request_view& request) const {
    for (const auto& rule : headers_) {
        bool holds = false;
        if (!request.has_header(rule.name)) {
            holds = rule.matcher.matches("");
        } else {
            for (const auto& field : *request.headers)
                if (http_text::same_text(field.name, rule.name) &&
                    rule.matcher.matches(field.value)) {
                    holds = true;
                    break;
                }
        }
        if (match_all_headers_ && !holds) return false;
        if (!match_all_headers_ && holds) return true;
    }
    return match_all_headers_;
}

bool request_matcher::matches(const request_view& request, random_source& random) const {
    switch (policy_) {
        case policy::ip_hash:
            return fnv1_32(request.client_ip) % 1000 < permil_;
        case policy::header_hash:
            return fnv1_32(request.header(header_hash_key_)) % 1000 < permil_;
        case policy::random:
            return permil_ > 0 && random.below(1000) < permil_;
        case policy::general:
            break;
    }
    if (!headers_match(request)) return false;
    if (urls_.empty()) return true;
    for (const auto& rule : urls_) {
        if (!rule.methods.empty() && std::find(rule.methods.begin(), rule.methods.end(),
                                               request.method) == rule.methods.end())
            continue;
        if (rule.url.matches(request.path)) return true;
    }
    return false;
}

// --- proxy_filter ----------------------------------------------------------------------------

proxy_filter::server_pool proxy_filter::build_pool(const nlohmann::json& spec,
                                                   const std::string& path, spec_fields& fields) {
    server_pool p;
    const auto tags = fields.strings(spec, "serverTags", path);
    std::vector<std::uint32_t> weights;
    if (const auto* servers = fields.list(spec, "servers", path))
        for (std::size_t i = 0; i < servers->size(); ++i) {
            const auto where = spec_fields::item(spec_fields::field(path, "servers"), i);
            const auto& server = (*servers)[i];
            if (!server.is_object()) {
                fields.problem(where, "is not a mapping");
                continue;
            }
            const auto url = fields.string(server, "url", where);
            auto target = url ? parse_server_url(*url) : std::nullopt;
            if (!target) {
                fields.problem(spec_fields::field(where, "url"),
                               url ? "'" + *url + "' is not an http:// or https:// URL with a host"
                                   : std::string("is missing"));
                continue;
            }
            target->keep_host = fields.boolean(server, "keepHost", where).value_or(false);
            target->weight = static_cast<std::uint32_t>(
                fields.integer(server, "weight", where, 0, 100).value_or(0));
            target->tags = fields.strings(server, "tags", where);
            if (!tags.empty() && std::none_of(tags.begin(), tags.end(), [&](const std::string& t) {
                    return std::find(target->tags.begin(), target->tags.end(), t) !=
                           target->tags.end();
                }))
                continue;
            weights.push_back(target->weight);
            p.servers.push_back(std::move(*target));
        }
    for (std::size_t i = 0; i < p.servers.size(); ++i)
        p.all.push_back(static_cast<std::uint32_t>(i));
    balance_spec balance;
    if (const auto* lb = fields.mapping(spec, "loadBalance", path)) {
        const auto where = spec_fields::field(path, "loadBalance");
        const auto policy = fields.string(*lb, "policy", where).value_or("");
        if (const auto parsed = parse_balance_policy(policy))
            balance.policy = *parsed;
        else
            fields.problem(spec_fields::field(where, "policy"),
                           "'" + policy + "' is not a load-balance policy (roundRobin used)");
        balance.header_key = fields.string(*lb, "headerHashKey", where).value_or("");
        balance.cookie_name = fields.string(*lb, "cookieName", where).value_or("");
    }
    p.balancer = std::make_unique<load_balancer>(std::move(balance), std::move(weights));
    p.timeout = std::chrono::milliseconds(fields.duration_ms(spec, "timeout", path).value_or(0));
    p.server_max_body_size =
        fields.integer(spec, "serverMaxBodySize", path, -1, INT64_MAX).value_or(0);
    p.set_upstream_host = fields.boolean(spec, "setUpstreamHost", path).value_or(false);
    const auto* codes = fields.list(spec, "failureCodes", path);
    if (codes == nullptr || codes->empty()) {
        for (int status = 500; status < 600; ++status) p.failure_codes.set(status);
    } else {
        for (std::size_t i = 0; i < codes->size(); ++i) {
            const auto& code = (*codes)[i];
            if (code.is_number_integer() && code.get<std::int64_t>() >= 100 &&
                code.get<std::int64_t>() <= 599)
                p.failure_codes.set(static_cast<std::size_t>(code.get<std::int64_t>()));
            else
                fields.problem(spec_fields::item(spec_fields::field(path, "failureCodes"), i),
                               "is not a status 100 to 599");
        }
    }
    if (const auto* filter = spec_fields::find(spec, "filter");
        filter != nullptr && !filter->is_null())
        p.filter = request_matcher::build(*filter, spec_fields::field(path, "filter"), fields);
    p.health_check = read_health_check(spec, path, fields);
    if (p.health_check) {
        p.healthy = std::make_unique<std::atomic<bool>[]>(p.servers.size());
        for (std::size_t i = 0; i < p.servers.size(); ++i) p.healthy[i].store(true);
    }
    return p;
}

std::unique_ptr<proxy_filter> proxy_filter::build(const nlohmann::json& filter_spec) {
    auto filter = std::unique_ptr<proxy_filter>(new proxy_filter());
    spec_fields fields(filter->problems_);
    if (!filter_spec.is_object()) fields.problem("", "the Proxy's spec is not a mapping");
    const auto name = fields.string(filter_spec, "name", "").value_or("");
    filter->name_ = name;
    filter->server_max_body_size_ =
        fields.integer(filter_spec, "serverMaxBodySize", "", -1, INT64_MAX).value_or(0);
    std::optional<std::size_t> main;
    if (const auto* pools = fields.list(filter_spec, "pools", ""))
        for (std::size_t i = 0; i < pools->size(); ++i) {
            const auto where = spec_fields::item("pools", i);
            if (!(*pools)[i].is_object()) {
                fields.problem(where, "is not a mapping");
                continue;
            }
            auto p = build_pool((*pools)[i], where, fields);
            if (p.filter) {
                p.name =
                    "proxy#" + name + "#candidate#" + std::to_string(filter->candidates_.size());
                filter->candidates_.push_back(filter->pools_.size());
            } else if (!main) {
                p.name = "proxy#" + name + "#main";
                main = filter->pools_.size();
            } else {
                fields.problem(where, "is a second pool without filter (never used)");
                p.name = "proxy#" + name + "#unused#" + std::to_string(i);
            }
            filter->pools_.push_back(std::move(p));
        }
    if (!main) {
        fields.problem("pools", "no pool without filter: one and only one main pool is required");
        server_pool p;
        p.name = "proxy#" + name + "#main";
        p.balancer = std::make_unique<load_balancer>(balance_spec{}, std::vector<std::uint32_t>{});
        for (int status = 500; status < 600; ++status) p.failure_codes.set(status);
        main = filter->pools_.size();
        filter->pools_.push_back(std::move(p));
    }
    for (const char* key : {"mirrorPool", "compression", "mtls", "maxRedirection"})
        if (const auto* value = spec_fields::find(filter_spec, key);
            value != nullptr && !value->is_null())
            filter->ignored_.emplace_back(key);
    if (const auto* pools = spec_fields::find(filter_spec, "pools"); pools && pools->is_array())
        for (std::size_t i = 0; i < pools->size(); ++i) {
            const auto where = spec_fields::item("pools", i);
            for (const char* key :
                 {"serviceName", "memoryCache", "retryPolicy", "circuitBreakerPolicy"})
                if (const auto* value = spec_fields::find((*pools)[i], key);
                    value != nullptr && !value->is_null() && *value != "")
                    filter->ignored_.push_back(spec_fields::field(where, key));
            if (const auto* lb = spec_fields::find((*pools)[i], "loadBalance"))
                if (const auto* sticky = spec_fields::find(*lb, "stickySession");
                    sticky != nullptr && !sticky->is_null())
                    filter->ignored_.push_back(
                        spec_fields::field(where, "loadBalance.stickySession"));
        }
    filter->main_ = *main;
    return filter;
}

std::size_t proxy_filter::choose_pool(const request_view& request, random_source& random) const {
    for (const auto index : candidates_)
        if (pools_[index].filter->matches(request, random)) return index;
    return main_;
}

std::optional<std::size_t> proxy_filter::choose_server(
    std::size_t pool, const request_view& request, random_source& random,
    std::span<const std::uint32_t> healthy) const {
    const auto& p = pools_.at(pool);
    balance_request balance;
    balance.client_ip = request.client_ip;
    if (!p.balancer->spec().header_key.empty())
        balance.hash_header = request.header(p.balancer->spec().header_key);
    balance.cookie_header = request.header("Cookie");
    return p.balancer->choose(healthy, balance, random);
}

proxy_filter::choice proxy_filter::choose(const request_view& request,
                                          random_source& random) const {
    thread_local std::vector<std::uint32_t> scratch;
    const auto pool = choose_pool(request, random);
    return {pool, choose_server(pool, request, random, healthy_servers(pool, scratch))};
}

std::span<const std::uint32_t> proxy_filter::all_servers(std::size_t pool) const {
    return pools_.at(pool).all;
}

std::span<const std::uint32_t> proxy_filter::healthy_servers(
    std::size_t pool, std::vector<std::uint32_t>& scratch) const {
    const auto& p = pools_.at(pool);
    if (!p.healthy) return p.all;
    scratch.clear();
    for (const auto index : p.all)
        if (p.healthy[index].load(std::memory_order_relaxed)) scratch.push_back(index);
    return scratch;
}

const health_check_spec* proxy_filter::health_check(std::size_t pool) const {
    const auto& p = pools_.at(pool);
    return p.health_check ? &*p.health_check : nullptr;
}

void proxy_filter::set_healthy(std::size_t pool, std::size_t server, bool healthy) const {
    const auto& p = pools_.at(pool);
    if (p.healthy && server < p.servers.size())
        p.healthy[server].store(healthy, std::memory_order_relaxed);
}

const upstream_target& proxy_filter::server(std::size_t pool, std::size_t index) const {
    return pools_.at(pool).servers.at(index);
}

std::size_t proxy_filter::server_count(std::size_t pool) const {
    return pools_.at(pool).servers.size();
}

std::string proxy_filter::upstream_request(const http_request& request, std::string_view target,
                                           std::size_t pool, std::size_t server,
                                           std::string_view client_ip) const {
    const auto& p = pools_.at(pool);
    const auto& s = p.servers.at(server);
    std::string out;
    out.reserve(256 + request.target.size() + request.body.size());
    out.append(request.method).append(" ");
    std::string_view prefix = s.path_prefix;
    if (!prefix.empty() && prefix.back() == '/' && !target.empty() && target.front() == '/')
        prefix.remove_suffix(1);
    out.append(prefix).append(target).append(" HTTP/1.1\r\n");

    const std::string* client_host = request.header("Host");
    bool client_host_used = s.keep_host || (!p.set_upstream_host && s.ip_literal);
    if (client_host == nullptr || client_host->empty()) client_host_used = false;
    out.append("Host: ").append(client_host_used ? *client_host : s.host_header).append("\r\n");

    // Names listed in Connection are hop-by-hop too.
    std::vector<std::string_view> connection_names;
    http_text::for_each_list_element(request.headers, "Connection", [&](std::string_view name) {
        connection_names.push_back(name);
    });
    const auto named_in_connection = [&](std::string_view name) {
        return std::any_of(connection_names.begin(), connection_names.end(),
                           [&](std::string_view n) { return http_text::same_text(n, name); });
    };
    std::string forwarded;  // the client's X-Forwarded-For values, joined
    bool has_forwarded = false;
    if (!client_ip.empty()) {
        for (const auto& header : request.headers)
            if (http_text::same_text(header.name, "X-Forwarded-For")) {
                const auto value = http_text::trimmed(header.value);
                if (!value.empty()) forwarded.append(forwarded.empty() ? "" : ", ").append(value);
                has_forwarded = true;
            }
        forwarded.append(forwarded.empty() ? "" : ", ").append(client_ip);
    }
    bool framed = false;
    bool forwarded_written = false;
    for (const auto& header : request.headers) {
        if (http_text::same_text(header.name, "Content-Length") ||
            http_text::same_text(header.name, "Transfer-Encoding"))
            framed = true;
        if (is_dropped(header.name) || named_in_connection(header.name)) continue;
        if (!client_ip.empty() && http_text::same_text(header.name, "X-Forwarded-For")) {
            if (!forwarded_written)
                out.append(header.name).append(": ").append(forwarded).append("\r\n");
            forwarded_written = true;
            continue;
        }
        out.append(header.name).append(": ").append(header.value).append("\r\n");
    }
    if (!client_ip.empty() && !has_forwarded)
        out.append("X-Forwarded-For: ").append(forwarded).append("\r\n");
    if (framed || !request.body.empty() || request.method == "POST" || request.method == "PUT" ||
        request.method == "PATCH")
        out.append("Content-Length: ").append(std::to_string(request.body.size())).append("\r\n");
    out.append("\r\n").append(request.body);
    return out;
}

std::chrono::milliseconds proxy_filter::timeout(std::size_t pool) const {
    return pools_.at(pool).timeout;
}

std::int64_t proxy_filter::server_max_body_size(std::size_t pool) const {
    const auto own = pools_.at(pool).server_max_body_size;
    if (own != 0) return own;
    return server_max_body_size_ != 0 ? server_max_body_size_ : -1;
}

std::string_view proxy_filter::result_for_status(std::size_t pool, int status) const {
    if (status < 0 || status >= 600) return {};
    return pools_.at(pool).failure_codes.test(static_cast<std::size_t>(status))
               ? proxy_result::failure_code
               : std::string_view{};
}

std::string_view proxy_filter::pool_name(std::size_t pool) const { return pools_.at(pool).name; }

const balance_spec& proxy_filter::balance(std::size_t pool) const {
    return pools_.at(pool).balancer->spec();
}

}  // namespace eg::server
