#include "daemon/traffic/health_check_spec.hpp"

#include "daemon/etcd/kv_store.hpp"
#include "daemon/http/http_text.hpp"
#include "daemon/traffic/proxy_filter.hpp"
#include "daemon/traffic/spec_fields.hpp"

namespace eg::server {

namespace {

std::optional<text_match_type> match_type(const std::string& name) {
    if (name == "exact") return text_match_type::exact;
    if (name == "contains") return text_match_type::contains;
    if (name == "regexp") return text_match_type::regexp;
    return std::nullopt;
}

// The type of a header or body rule (`fallback` when absent).
text_match_type rule_type(const nlohmann::json& rule, const std::string& where,
                          text_match_type fallback, spec_fields& fields) {
    const auto name = fields.string(rule, "type", where).value_or("");
    if (name.empty()) return fallback;
    if (const auto type = match_type(name)) return *type;
    fields.problem(spec_fields::field(where, "type"), "'" + name + "' is not a match type");
    return fallback;
}

health_match_spec read_match(const nlohmann::json& match, const std::string& path,
                             spec_fields& fields) {
    health_match_spec spec;
    if (const auto* ranges = fields.list(match, "statusCodes", path); ranges && !ranges->empty()) {
        spec.status_codes.clear();
        for (std::size_t i = 0; i < ranges->size(); ++i) {
            const auto& range = (*ranges)[i];
            const auto status_like = [](const nlohmann::json& value) {
                return value.is_number_integer() && value.get<std::int64_t>() >= 0 &&
                       value.get<std::int64_t>() <= 999;
            };
            if (range.is_array() && range.size() == 2 && status_like(range[0]) &&
                status_like(range[1]))
                spec.status_codes.emplace_back(range[0].get<int>(), range[1].get<int>());
            else
                fields.problem(spec_fields::item(spec_fields::field(path, "statusCodes"), i),
                               "is not a pair [lowest, highest] of statuses");
        }
    }
    if (const auto* headers = fields.list(match, "headers", path))
        for (std::size_t i = 0; i < headers->size(); ++i) {
            const auto where = spec_fields::item(spec_fields::field(path, "headers"), i);
            const auto& header = (*headers)[i];
            if (!header.is_object()) {
                fields.problem(where, "is not a mapping");
                continue;
            }
            spec.headers.push_back({fields.string(header, "name", where).value_or(""),
                                    fields.string(header, "value", where).value_or(""),
                                    rule_type(header, where, text_match_type::exact, fields)});
        }
    if (const auto* body = fields.mapping(match, "body", path)) {
        const auto where = spec_fields::field(path, "body");
        spec.body.push_back({fields.string(*body, "value", where).value_or(""),
                             rule_type(*body, where, text_match_type::contains, fields)});
    }
    return spec;
}

}  // namespace

std::optional<health_check_spec> read_health_check(const nlohmann::json& pool,
                                                   const std::string& path, spec_fields& fields) {
    auto where = spec_fields::field(path, "healthCheck");
    const auto* check = fields.mapping(pool, "healthCheck", path);
    if (check == nullptr)
        if (const auto* lb = fields.mapping(pool, "loadBalance", path)) {
            where = spec_fields::field(spec_fields::field(path, "loadBalance"), "healthCheck");
            check = fields.mapping(*lb, "healthCheck", spec_fields::field(path, "loadBalance"));
        }
    if (check == nullptr) return std::nullopt;

    health_check_spec spec;
    if (const auto ms = fields.duration_ms(*check, "interval", where); ms && *ms > 0)
        spec.interval = std::chrono::milliseconds(*ms);
    if (const auto ms = fields.duration_ms(*check, "timeout", where); ms && *ms > 0)
        spec.timeout = std::chrono::milliseconds(*ms);
    spec.thresholds.fails = static_cast<std::uint32_t>(
        fields.integer(*check, "fails", where, 0, 1'000'000).value_or(1));
    spec.thresholds.passes = static_cast<std::uint32_t>(
        fields.integer(*check, "passes", where, 0, 1'000'000).value_or(1));
    spec.port =
        static_cast<std::uint16_t>(fields.integer(*check, "port", where, 0, 65535).value_or(0));
    spec.uri = fields.string(*check, "uri", where).value_or("");
    if (spec.uri.empty()) spec.uri = fields.string(*check, "path", where).value_or("");
    if (!spec.uri.empty() && (!http_text::is_field_value(spec.uri) ||
                              spec.uri.find_first_of(" \t") != std::string::npos)) {
        fields.problem(where, "'" + http_text::printable(spec.uri) + "' is not a request target");
        spec.uri.clear();
    }
    const auto method = fields.string(*check, "method", where).value_or("");
    if (!method.empty()) {
        if (http_text::is_token(method))
            spec.method = method;
        else
            fields.problem(spec_fields::field(where, "method"), "is not a method");
    }
    if (const auto* headers = fields.mapping(*check, "headers", where))
        for (auto it = headers->begin(); it != headers->end(); ++it) {
            const auto field = spec_fields::field(spec_fields::field(where, "headers"), it.key());
            if (!it.value().is_string() || !http_text::is_token(it.key()) ||
                !http_text::is_field_value(it.value().get<std::string>())) {
                fields.problem(field, "is not a header with a string value");
                continue;
            }
            if (http_text::same_text(it.key(), "Host"))
                spec.host = it.value().get<std::string>();
            else
                spec.headers.emplace_back(it.key(), it.value().get<std::string>());
        }
    spec.body = fields.string(*check, "body", where).value_or("");
    spec.username = fields.string(*check, "username", where).value_or("");
    spec.password = fields.string(*check, "password", where).value_or("");

    health_match_spec match;
    if (const auto* m = fields.mapping(*check, "match", where))
        match = read_match(*m, spec_fields::field(where, "match"), fields);
    auto [matcher, errors] = check_matcher::compile(match);
    for (const auto& error : errors) fields.problem(spec_fields::field(where, "match"), error);
    if (!matcher) std::tie(matcher, errors) = check_matcher::compile(health_match_spec{});
    spec.matcher = std::move(matcher);
    return spec;
}

std::uint16_t probe_port(const health_check_spec& spec, const upstream_target& server) {
    return spec.port != 0 ? spec.port : server.port;
}

std::string probe_request(const health_check_spec& spec, const upstream_target& server) {
    std::string target = !spec.uri.empty() ? spec.uri : server.path_prefix;
    if (target.empty() || target.front() != '/') target.insert(0, "/");
    std::string out;
    out.append(spec.method).append(" ").append(target).append(" HTTP/1.1\r\n");
    out.append("Host: ").append(spec.host.empty() ? server.host_header : spec.host).append("\r\n");
    for (const auto& [name, value] : spec.headers) {
        if (http_text::same_text(name, "Connection") ||
            http_text::same_text(name, "Content-Length") ||
            http_text::same_text(name, "Transfer-Encoding"))
            continue;  // the probe frames its own request
        out.append(name).append(": ").append(value).append("\r\n");
    }
    if (!spec.username.empty() || !spec.password.empty())
        out.append("Authorization: Basic ")
            .append(etcd::base64(spec.username + ":" + spec.password))
            .append("\r\n");
    if (!spec.body.empty() || spec.method == "POST" || spec.method == "PUT" ||
        spec.method == "PATCH")
        out.append("Content-Length: ").append(std::to_string(spec.body.size())).append("\r\n");
    out.append("Connection: close\r\n\r\n").append(spec.body);
    return out;
}

}  // namespace eg::server
