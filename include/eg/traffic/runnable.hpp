#pragma once
// What the traffic plane does not run yet, refused when an object is applied (EG605,
// field-unsupported) rather than stored and silently not done: a member would otherwise listen
// in plain text for an `https` server, send a request meant for TLS upstream in the clear, or
// skip a policy the operator counts on. Each finding names the field and what to do. (A pool's
// `healthCheck` runs: its probes are plain HTTP, like the requests to its http:// servers.)
//  - HTTPServer: `https: true`, `caCertBase64`, `accessLogFormat`;
//  - Pipeline: `resilience` policies; filters of a kind other than Proxy and Mock;
//  - Proxy: `mirrorPool`, `compression`, `mtls`, `serviceName`/`serviceRegistry`, and per pool
//    `memoryCache`, `retryPolicy`, `circuitBreakerPolicy`,
//    `loadBalance.stickySession`, `https://` server URLs.
// (`http3`, `autoCert`, `tracing` and `globalFilter` are refused by check_http_server.)

#include <eg/traffic/checker.hpp>

#include <string>

namespace eg::traffic {

namespace detail {

// Whether a field is given with a value that asks for something (not null, false, "", {}, []).
inline bool asks_for(const json* value) {
    if (value == nullptr || value->is_null()) return false;
    if (value->is_boolean()) return value->get<bool>();
    if (value->is_string() || value->is_object() || value->is_array()) return !value->empty();
    return true;
}

inline void not_run(checker& c, const std::string& path, const std::string& what,
                    const std::string& fix) {
    c.report(diag::code("field-unsupported"), path, what + " is not run by this gateway yet", fix);
}

inline void check_runnable_proxy(checker& c, const json& proxy, const std::string& where) {
    for (const char* key : {"mirrorPool", "compression", "mtls", "serviceName", "serviceRegistry"})
        if (asks_for(checker::find(proxy, key)))
            not_run(c, field_path(where, key), key, "remove it");
    const json* pools = checker::find(proxy, "pools");
    if (pools == nullptr || !pools->is_array()) return;
    for (std::size_t p = 0; p < pools->size(); ++p) {
        const auto& pool = (*pools)[p];
        if (!pool.is_object()) continue;
        const auto ppath = item_path(field_path(where, "pools"), p);
        for (const char* key : {"memoryCache", "retryPolicy", "circuitBreakerPolicy", "serviceName",
                                "serviceRegistry"})
            if (asks_for(checker::find(pool, key)))
                not_run(c, field_path(ppath, key), key, "remove it");
        if (const json* balance = checker::find(pool, "loadBalance");
            balance != nullptr && balance->is_object() &&
            asks_for(checker::find(*balance, "stickySession")))
            not_run(c, field_path(field_path(ppath, "loadBalance"), "stickySession"),
                    "stickySession", "remove it, or use policy ipHash or cookieHash");
        const json* servers = checker::find(pool, "servers");
        if (servers == nullptr || !servers->is_array()) continue;
        for (std::size_t s = 0; s < servers->size(); ++s) {
            const auto& server = (*servers)[s];
            const json* url = server.is_object() ? checker::find(server, "url") : nullptr;
            if (url != nullptr && url->is_string() &&
                url->get<std::string>().rfind("https://", 0) == 0)
                not_run(c, field_path(item_path(field_path(ppath, "servers"), s), "url"),
                        "TLS to an upstream server ('" + url->get<std::string>() + "')",
                        "use an http:// URL (TLS to upstreams is planned)");
        }
    }
}

}  // namespace detail

inline void check_runnable(checker& c, const json& object) {
    if (!object.is_object()) return;
    const json* kind = checker::find(object, "kind");
    if (kind == nullptr || !kind->is_string()) return;
    if (*kind == "HTTPServer") {
        if (detail::asks_for(checker::find(object, "https")))
            detail::not_run(c, "https", "https (TLS termination)",
                            "set https: false and terminate TLS in front of the members");
        for (const char* key : {"caCertBase64", "accessLogFormat"})
            if (detail::asks_for(checker::find(object, key)))
                detail::not_run(c, key, key, "remove it");
        return;
    }
    if (*kind != "Pipeline") return;
    if (detail::asks_for(checker::find(object, "resilience")))
        detail::not_run(c, "resilience", "resilience (Retry, CircuitBreaker)", "remove it");
    const json* filters = checker::find(object, "filters");
    if (filters == nullptr || !filters->is_array()) return;
    for (std::size_t i = 0; i < filters->size(); ++i) {
        const auto& filter = (*filters)[i];
        const json* filter_kind = filter.is_object() ? checker::find(filter, "kind") : nullptr;
        if (filter_kind == nullptr || !filter_kind->is_string()) continue;
        const auto where = item_path("filters", i);
        const auto name = filter_kind->get<std::string>();
        if (name == "Proxy")
            detail::check_runnable_proxy(c, filter, where);
        else if (name != "Mock" && !name.empty())
            detail::not_run(c, field_path(where, "kind"), "the filter kind '" + name + "'",
                            "use Proxy and Mock filters (the kinds this gateway runs)");
    }
}

}  // namespace eg::traffic
