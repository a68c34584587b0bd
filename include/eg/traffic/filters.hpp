#pragma once
// The filters whose fields are checked: Proxy (pools, servers, load balancing, health checks,
// timeouts, failure codes, compression, mTLS) and Mock. Each takes the filter's mapping, its
// path (`filters[1]`) and the names of the Pipeline's resilience policies.

#include <eg/traffic/checker.hpp>

#include <set>
#include <string>

namespace eg::traffic {

// StringMatcher {exact, prefix, regex, empty}: at least one; `empty` excludes the others.
inline void check_string_matcher(checker& c, const json& matcher, const std::string& path) {
    if (!c.expect(matcher, matcher.is_object(), path, "a mapping")) return;
    c.known_fields(matcher, path, {"exact", "prefix", "regex", "empty"});
    const auto exact = c.string(matcher, "exact", path);
    const auto prefix = c.string(matcher, "prefix", path);
    const auto regex = c.string(matcher, "regex", path);
    const auto empty = c.boolean(matcher, "empty", path);
    if (regex) c.regexp_value(*regex, field_path(path, "regex"));
    const bool patterns =
        (exact && !exact->empty()) || (prefix && !prefix->empty()) || (regex && !regex->empty());
    if (empty.value_or(false) && patterns)
        c.report(diag::code("fields-conflict"), path, "empty is given with other patterns",
                 "use either empty: true or exact/prefix/regex");
    else if (!empty.value_or(false) && !patterns)
        c.report(diag::code("field-required"), path, "all patterns are empty",
                 "give exact, prefix, regex or empty: true");
}

// A map header name -> StringMatcher.
inline void check_header_matchers(checker& c, const json& parent, const std::string& path) {
    const json* headers = c.map(parent, "headers", path, bounds::headers);
    if (headers == nullptr) return;
    for (auto it = headers->begin(); it != headers->end(); ++it)
        check_string_matcher(c, it.value(), field_path(field_path(path, "headers"), it.key()));
}

// RequestMatcher (a pool's `filter`).
inline void check_request_matcher(checker& c, const json& matcher, const std::string& path) {
    c.known_fields(matcher, path,
                   {"policy", "headers", "matchAllHeaders", "urls", "permil", "headerHashKey"});
    c.one_of(matcher, "policy", path, {"general", "ipHash", "headerHash", "random"});
    const auto policy = c.string(matcher, "policy", path).value_or("");
    c.boolean(matcher, "matchAllHeaders", path);
    check_header_matchers(c, matcher, path);
    if (const json* urls = c.list(matcher, "urls", path, bounds::list_entries))
        for (std::size_t i = 0; i < urls->size(); ++i) {
            const auto where = item_path(field_path(path, "urls"), i);
            const auto& url = (*urls)[i];
            if (!c.expect(url, url.is_object(), where, "a mapping")) continue;
            c.known_fields(url, where, {"methods", "url"});
            c.methods(url, "methods", where);
            if (const json* m = checker::find(url, "url"))
                check_string_matcher(c, *m, field_path(where, "url"));
            else
                c.required(url, "url", where, "a StringMatcher {exact, prefix, regex}");
        }
    if (policy.empty() || policy == "general") {
        c.required(matcher, "headers", path, "the header rules of the general policy");
        return;
    }
    if (checker::find(matcher, "permil") == nullptr)
        c.required(matcher, "permil", path, "permil, 1 to 1000");
    else
        c.integer(matcher, "permil", path, 1, 1000);
    if (policy == "headerHash") c.required(matcher, "headerHashKey", path, "the header to hash");
}

inline void check_health_check(checker& c, const json& check, const std::string& path) {
    c.known_fields(check, path,
                   {"interval", "timeout", "fails", "passes", "port", "uri", "path", "method",
                    "headers", "body", "username", "password", "match"});
    c.duration(check, "interval", path);
    c.duration(check, "timeout", path);
    c.integer(check, "fails", path, 1, 1000000);
    c.integer(check, "passes", path, 1, 1000000);
    c.integer(check, "port", path, 0, 65535);
    c.string(check, "uri", path);
    c.string(check, "path", path);
    c.string(check, "body", path);
    c.one_of(check, "method", path,
             {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE"});
    if (const json* headers = c.map(check, "headers", path, bounds::headers))
        for (auto it = headers->begin(); it != headers->end(); ++it)
            c.expect(it.value(), it.value().is_string(),
                     field_path(field_path(path, "headers"), it.key()), "a string");
    const auto user = c.string(check, "username", path).value_or("");
    const auto password = c.string(check, "password", path).value_or("");
    if (user.empty() != password.empty())
        c.report(diag::code("fields-conflict"), path, "username and password go together",
                 "give both of them, or neither");
    const json* match = c.object(check, "match", path);
    if (match == nullptr) return;
    const auto mpath = field_path(path, "match");
    c.known_fields(*match, mpath, {"statusCodes", "headers", "body"});
    if (const json* ranges = c.list(*match, "statusCodes", mpath, bounds::list_entries))
        for (std::size_t i = 0; i < ranges->size(); ++i) {
            const auto where = item_path(field_path(mpath, "statusCodes"), i);
            const auto& range = (*ranges)[i];
            if (!c.expect(range, range.is_array() && range.size() == 2, where,
                          "a pair [lowest, highest]"))
                continue;
            c.status_code(range[0], item_path(where, 0));
            c.status_code(range[1], item_path(where, 1));
        }
    if (const json* headers = c.list(*match, "headers", mpath, bounds::headers))
        for (std::size_t i = 0; i < headers->size(); ++i) {
            const auto where = item_path(field_path(mpath, "headers"), i);
            const auto& header = (*headers)[i];
            if (!c.expect(header, header.is_object(), where, "a mapping")) continue;
            c.known_fields(header, where, {"name", "value", "type"});
            c.required(header, "name", where, "the header's name");
            c.string(header, "name", where);
            c.one_of(header, "type", where, {"exact", "regexp"});
            if (c.string(header, "type", where).value_or("") == "regexp")
                c.regexp(header, "value", where);
            else
                c.string(header, "value", where);
        }
    if (const json* body = c.object(*match, "body", mpath)) {
        const auto where = field_path(mpath, "body");
        c.known_fields(*body, where, {"value", "type"});
        c.one_of(*body, "type", where, {"contains", "regexp"});
        if (c.string(*body, "type", where).value_or("") == "regexp")
            c.regexp(*body, "value", where);
        else
            c.string(*body, "value", where);
    }
}

// A policy name of the pool (retryPolicy, circuitBreakerPolicy) must be among the Pipeline's
// resilience policies of that kind.
inline void check_policy_name(checker& c, const json& pool, std::string_view key,
                              const std::string& path, const std::set<std::string>& policies) {
    const auto name = c.string(pool, key, path);
    if (!name || name->empty() || policies.count(*name) > 0) return;
    c.report(diag::code("flow-unknown-filter"), field_path(path, key),
             "names the policy '" + *name + "', which the Pipeline's resilience does not hold",
             "add it to resilience, or correct the name");
}

struct pool_policies {
    std::set<std::string> retry;
    std::set<std::string> circuit_breaker;
};

// ServerPoolSpec. `mirror`: the mirror pool (filter required, memoryCache refused).
inline void check_pool(checker& c, const json& pool, const std::string& path,
                       const pool_policies& policies, bool mirror) {
    if (!c.expect(pool, pool.is_object(), path, "a mapping")) return;
    c.known_fields(
        pool, path,
        {"servers", "serverTags", "serviceRegistry", "serviceName", "setUpstreamHost",
         "loadBalance", "filter", "spanName", "serverMaxBodySize", "timeout", "retryPolicy",
         "circuitBreakerPolicy", "memoryCache", "healthCheck", "failureCodes"});
    std::size_t servers = 0;
    std::size_t weighted = 0;
    if (const json* list = c.list(pool, "servers", path, bounds::servers)) {
        servers = list->size();
        for (std::size_t i = 0; i < list->size(); ++i) {
            const auto where = item_path(field_path(path, "servers"), i);
            const auto& server = (*list)[i];
            if (!c.expect(server, server.is_object(), where, "a mapping")) continue;
            c.known_fields(server, where, {"url", "tags", "weight", "keepHost"});
            if (checker::find(server, "url") == nullptr)
                c.required(server, "url", where, "the server's URL, e.g. http://127.0.0.1:9095");
            else if (const auto url = c.string(server, "url", where); url && !is_http_url(*url))
                c.report(diag::code("field-value"), field_path(where, "url"),
                         "'" + *url + "' is not an http:// or https:// URL with a host",
                         "write e.g. http://127.0.0.1:9095");
            c.strings(server, "tags", where, bounds::list_entries,
                      [](const std::string&, const std::string&) {});
            if (checker::find(server, "weight") != nullptr) {
                c.integer(server, "weight", where, 0, 100);
                const json& weight = server["weight"];
                if (!weight.is_number_integer() || weight.get<std::int64_t>() != 0) ++weighted;
            }
            c.boolean(server, "keepHost", where);
        }
    }
    if (weighted > 0 && weighted < servers)
        c.report(
            diag::code("weights-partial"), field_path(path, "servers"),
            std::to_string(weighted) + " of " + std::to_string(servers) + " servers have a weight",
            "give every server a weight, or none");
    c.strings(pool, "serverTags", path, bounds::list_entries,
              [](const std::string&, const std::string&) {});
    c.string(pool, "serviceRegistry", path);
    const auto service = c.string(pool, "serviceName", path).value_or("");
    if (servers == 0 && service.empty())
        c.report(diag::code("fields-conflict"), path, "both serviceName and servers are empty",
                 "list the servers, or name a service of a registry");
    c.boolean(pool, "setUpstreamHost", path);
    c.string(pool, "spanName", path);
    c.integer(pool, "serverMaxBodySize", path, -1, INT64_MAX);
    c.duration(pool, "timeout", path);
    check_policy_name(c, pool, "retryPolicy", path, policies.retry);
    check_policy_name(c, pool, "circuitBreakerPolicy", path, policies.circuit_breaker);
    c.status_codes(pool, "failureCodes", path);
    if (const json* lb = c.object(pool, "loadBalance", path)) {
        const auto where = field_path(path, "loadBalance");
        c.known_fields(*lb, where, {"policy", "headerHashKey", "stickySession", "healthCheck"});
        c.one_of(*lb, "policy", where,
                 {"roundRobin", "random", "weightedRandom", "ipHash", "headerHash", "cookieHash"});
        const auto policy = c.string(*lb, "policy", where).value_or("");
        if (policy == "headerHash") c.required(*lb, "headerHashKey", where, "the header to hash");
        c.string(*lb, "headerHashKey", where);
        if (policy == "weightedRandom" && weighted == 0 && servers > 0)
            c.report(diag::code("fields-conflict"), where,
                     "weightedRandom needs servers with a weight",
                     "give every server a weight above 0");
        if (const json* sticky = c.object(*lb, "stickySession", where)) {
            const auto spath = field_path(where, "stickySession");
            c.known_fields(*sticky, spath,
                           {"mode", "appCookieName", "lbCookieName", "lbCookieExpire"});
            c.required(*sticky, "mode", spath,
                       "CookieConsistentHash, DurationBased or ApplicationBased");
            c.one_of(*sticky, "mode", spath,
                     {"CookieConsistentHash", "DurationBased", "ApplicationBased"}, false);
            c.string(*sticky, "appCookieName", spath);
            c.string(*sticky, "lbCookieName", spath);
            c.duration(*sticky, "lbCookieExpire", spath);
        }
        if (const json* hc = c.object(*lb, "healthCheck", where))
            check_health_check(c, *hc, field_path(where, "healthCheck"));
    }
    if (const json* hc = c.object(pool, "healthCheck", path)) {
        check_health_check(c, *hc, field_path(path, "healthCheck"));
        if (!service.empty())
            c.report(diag::code("fields-conflict"), field_path(path, "healthCheck"),
                     "serviceName and healthCheck cannot be set together",
                     "the registry reports the health of its instances");
    }
    if (const json* filter = c.object(pool, "filter", path))
        check_request_matcher(c, *filter, field_path(path, "filter"));
    else if (mirror)
        c.required(pool, "filter", path, "the requests to mirror (a RequestMatcher)");
    if (const json* cache = c.object(pool, "memoryCache", path)) {
        const auto where = field_path(path, "memoryCache");
        if (mirror) {
            c.report(diag::code("fields-conflict"), where,
                     "a mirror pool cannot have a memory cache",
                     "remove memoryCache from mirrorPool");
            return;
        }
        c.known_fields(*cache, where, {"expiration", "maxEntryBytes", "codes", "methods"});
        c.required(*cache, "expiration", where, "how long entries live, e.g. 10s");
        c.duration(*cache, "expiration", where);
        c.required(*cache, "maxEntryBytes", where, "the largest body cached, at least 1");
        c.integer(*cache, "maxEntryBytes", where, 1, INT64_MAX);
        c.required(*cache, "codes", where, "the statuses cached");
        c.status_codes(*cache, "codes", where);
        c.required(*cache, "methods", where, "the methods cached");
        c.methods(*cache, "methods", where);
    }
}

inline void check_proxy(checker& c, const json& filter, const std::string& path,
                        const pool_policies& policies) {
    c.known_fields(filter, path,
                   {"name", "kind", "pools", "mirrorPool", "compression", "mtls", "maxIdleConns",
                    "maxIdleConnsPerHost", "maxRedirection", "serverMaxBodySize"});
    if (checker::find(filter, "pools") == nullptr)
        c.required(filter, "pools", path, "the pools, one of them without a filter (main pool)");
    if (const json* pools = c.list(filter, "pools", path, bounds::pools)) {
        std::size_t main = 0;
        for (std::size_t i = 0; i < pools->size(); ++i) {
            const auto& pool = (*pools)[i];
            check_pool(c, pool, item_path(field_path(path, "pools"), i), policies, false);
            if (pool.is_object() && checker::find(pool, "filter") == nullptr) ++main;
        }
        if (main != 1)
            c.report(diag::code("fields-conflict"), field_path(path, "pools"),
                     "has " + std::to_string(main) +
                         " pools without a filter; one and only one main pool is required",
                     "leave out `filter` in exactly one pool");
    }
    if (const json* mirror = checker::find(filter, "mirrorPool"))
        check_pool(c, *mirror, field_path(path, "mirrorPool"), policies, true);
    if (const json* compression = c.object(filter, "compression", path)) {
        const auto where = field_path(path, "compression");
        c.known_fields(*compression, where, {"minLength"});
        c.integer(*compression, "minLength", where, 0, UINT32_MAX);
    }
    if (const json* mtls = c.object(filter, "mtls", path)) {
        const auto where = field_path(path, "mtls");
        c.known_fields(*mtls, where,
                       {"certBase64", "keyBase64", "rootCertBase64", "insecureSkipVerify"});
        for (const char* key : {"certBase64", "keyBase64", "rootCertBase64"}) {
            c.required(*mtls, key, where, "a base64-encoded PEM");
            c.base64(*mtls, key, where);
        }
        c.boolean(*mtls, "insecureSkipVerify", where);
    }
    c.integer(filter, "maxIdleConns", path, 0, INT32_MAX);
    c.integer(filter, "maxIdleConnsPerHost", path, 0, INT32_MAX);
    c.integer(filter, "maxRedirection", path, INT32_MIN, INT32_MAX);
    c.integer(filter, "serverMaxBodySize", path, -1, INT64_MAX);
}

inline void check_mock(checker& c, const json& filter, const std::string& path) {
    c.known_fields(filter, path, {"name", "kind", "rules"});
    const json* rules = c.list(filter, "rules", path, bounds::rules);
    if (rules == nullptr) return;
    for (std::size_t i = 0; i < rules->size(); ++i) {
        const auto where = item_path(field_path(path, "rules"), i);
        const auto& rule = (*rules)[i];
        if (!c.expect(rule, rule.is_object(), where, "a mapping")) continue;
        c.known_fields(rule, where, {"match", "code", "headers", "body", "delay"});
        if (checker::find(rule, "code") == nullptr)
            c.required(rule, "code", where, "the status to answer, 100 to 599");
        else
            c.integer(rule, "code", where, 100, 599);
        if (const json* headers = c.map(rule, "headers", where, bounds::headers))
            for (auto it = headers->begin(); it != headers->end(); ++it)
                c.expect(it.value(), it.value().is_string(),
                         field_path(field_path(where, "headers"), it.key()), "a string");
        c.string(rule, "body", where);
        c.duration(rule, "delay", where);
        if (const json* match = c.object(rule, "match", where)) {
            const auto mpath = field_path(where, "match");
            c.known_fields(*match, mpath, {"path", "pathPrefix", "headers", "matchAllHeaders"});
            c.string(*match, "path", mpath);
            c.string(*match, "pathPrefix", mpath);
            c.boolean(*match, "matchAllHeaders", mpath);
            check_header_matchers(c, *match, mpath);
        }
    }
}

}  // namespace eg::traffic
