#pragma once
// HTTPServer: the server's fields, its rules, their hosts and paths, header and query matchers,
// ipFilters, HTTPS certificates, and the route patterns of the RadixTree router. A path's
// inline `backendPool` is checked as a Proxy pool.

#include <eg/traffic/checker.hpp>
#include <eg/traffic/filters.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace eg::traffic {

inline void check_ip_filter(checker& c, const json& parent, const std::string& path) {
    const json* filter = c.object(parent, "ipFilter", path);
    if (filter == nullptr) return;
    const auto where = field_path(path, "ipFilter");
    c.known_fields(*filter, where, {"blockByDefault", "allowIPs", "blockIPs"});
    c.boolean(*filter, "blockByDefault", where);
    for (const char* key : {"allowIPs", "blockIPs"})
        c.strings(*filter, key, where, bounds::ip_entries,
                  [&](const std::string& ip, const std::string& at) {
                      if (!is_ip_or_cidr(ip))
                          c.report(diag::code("field-value"), at,
                                   "'" + ip + "' is not an IP or a CIDR",
                                   "write e.g. 192.168.1.10 or 10.0.0.0/8");
                  });
}

// Header or query matchers: `{key, values[], regexp}`, values or regexp required.
inline void check_key_matchers(checker& c, const json& parent, std::string_view key,
                               const std::string& path) {
    const json* items = c.list(parent, key, path, bounds::headers);
    if (items == nullptr) return;
    for (std::size_t i = 0; i < items->size(); ++i) {
        const auto where = item_path(field_path(path, key), i);
        const auto& item = (*items)[i];
        if (!c.expect(item, item.is_object(), where, "a mapping")) continue;
        c.known_fields(item, where, {"key", "values", "regexp"});
        const auto name = c.string(item, "key", where).value_or("");
        if (name.empty()) c.required(item, "key", where, "the header or query name");
        bool any = false;
        c.strings(item, "values", where, bounds::list_entries,
                  [&](const std::string&, const std::string&) { any = true; });
        if (const auto re = c.string(item, "regexp", where); re && !re->empty()) {
            any = true;
            c.regexp_value(*re, field_path(where, "regexp"));
        }
        if (!any)
            c.report(diag::code("field-required"), where,
                     "both of values and regexp are empty for key '" + name + "'",
                     "give the values to match, or a regexp");
    }
}

// A RadixTree pattern: `/users/{id}`, `/files/{name:[a-z]+}.txt`, `/static/*`. Returns the
// parameter names, or nullopt after reporting why the router cannot use it.
inline std::optional<std::set<std::string>> radix_params(checker& c, const std::string& pattern,
                                                         const std::string& path) {
    const auto bad = [&](const std::string& why) {
        c.report(diag::code("route-pattern-invalid"), path, "pattern '" + pattern + "' " + why,
                 "write segments like /users/{id}, /files/{name:[a-z]+} and a trailing *");
        return std::nullopt;
    };
    if (pattern.empty() || pattern.front() != '/') return bad("does not start with /");
    std::set<std::string> names;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char ch = pattern[i];
        if (ch == '*') {
            if (i + 1 != pattern.size()) return bad("has a * that is not at its end");
            continue;
        }
        if (ch == '}') return bad("has a } without its {");
        if (ch != '{') continue;
        int depth = 1;
        std::size_t end = i + 1;
        for (; end < pattern.size() && depth > 0; ++end) {
            if (pattern[end] == '{') ++depth;
            if (pattern[end] == '}') --depth;
        }
        if (depth != 0) return bad("has a { without its }");
        const std::string inside = pattern.substr(i + 1, end - i - 2);
        const auto colon = inside.find(':');
        const std::string name = inside.substr(0, colon);
        if (name.empty() ||
            name.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") !=
                std::string::npos)
            return bad("has a parameter without a name of letters, digits and _");
        if (!names.insert(name).second) return bad("names the parameter {" + name + "} twice");
        if (colon != std::string::npos) {
            const auto re = inside.substr(colon + 1);
            if (const auto problem = regexp_problem(re))
                return bad("has the regexp '" + re + "' that does not compile: " + *problem);
        }
        i = end - 1;
    }
    return names;
}

inline void check_radix_rewrite(checker& c, const std::string& target,
                                const std::set<std::string>& params, bool wildcard,
                                const std::string& path) {
    const auto bad = [&](const std::string& why) {
        c.report(diag::code("route-pattern-invalid"), path, "rewriteTarget '" + target + "' " + why,
                 "use the pattern's {name}s and {EG_WILDCARD} for the part matched by *");
    };
    if (target.find('*') != std::string::npos) return bad("has a *");
    for (std::size_t i = 0; i < target.size(); ++i) {
        if (target[i] == '}') return bad("has a } without its {");
        if (target[i] != '{') continue;
        const auto end = target.find('}', i);
        if (end == std::string::npos) return bad("has a { without its }");
        const auto name = target.substr(i + 1, end - i - 1);
        if (!(params.count(name) > 0 || (wildcard && name == "EG_WILDCARD")))
            return bad("uses {" + name + "}, which the pattern does not capture");
        i = end;
    }
}

inline void check_route_path(checker& c, const json& entry, const std::string& where, bool radix,
                             const pool_policies& no_policies) {
    c.known_fields(entry, where,
                   {"path", "pathPrefix", "pathRegexp", "rewriteTarget", "methods", "headers",
                    "queries", "matchAllHeader", "matchAllQuery", "ipFilter", "backend",
                    "backendPool", "clientMaxBodySize", "setHeaders"});
    const auto exact = c.string(entry, "path", where).value_or("");
    const auto prefix = c.string(entry, "pathPrefix", where).value_or("");
    const auto regexp = c.string(entry, "pathRegexp", where).value_or("");
    const auto rewrite = c.string(entry, "rewriteTarget", where).value_or("");
    if (!regexp.empty()) c.regexp_value(regexp, field_path(where, "pathRegexp"));
    if (!prefix.empty() && prefix.front() != '/')
        c.report(diag::code("field-value"), field_path(where, "pathPrefix"),
                 "'" + prefix + "' does not start with /", "write it as /" + prefix);
    if (radix) {
        if (exact.empty()) {
            c.report(diag::code("field-required"), field_path(where, "path"),
                     "is required by the RadixTree router, which uses only path",
                     "write the route as a path pattern, e.g. /users/{id}");
        } else if (const auto params = radix_params(c, exact, field_path(where, "path"))) {
            if (!rewrite.empty())
                check_radix_rewrite(c, rewrite, *params, exact.back() == '*',
                                    field_path(where, "rewriteTarget"));
        }
        for (const char* ignored : {"pathPrefix", "pathRegexp"})
            if (!exact.empty() && checker::find(entry, ignored) != nullptr)
                c.report(diag::code("fields-conflict"), field_path(where, ignored),
                         "is not used by the RadixTree router",
                         "use a path pattern, or routerKind Ordered");
    } else {
        if (!exact.empty() && exact.front() != '/')
            c.report(diag::code("field-value"), field_path(where, "path"),
                     "'" + exact + "' does not start with /", "write it as /" + exact);
        if (!rewrite.empty() && exact.empty() && prefix.empty() && regexp.empty())
            c.report(diag::code("fields-conflict"), field_path(where, "rewriteTarget"),
                     "rewriteTarget is specified but path is empty",
                     "give path, pathPrefix or pathRegexp to rewrite");
    }
    c.methods(entry, "methods", where);
    check_key_matchers(c, entry, "headers", where);
    check_key_matchers(c, entry, "queries", where);
    c.boolean(entry, "matchAllHeader", where);
    c.boolean(entry, "matchAllQuery", where);
    check_ip_filter(c, entry, where);
    c.integer(entry, "clientMaxBodySize", where, -1, INT64_MAX);
    if (const json* set = c.map(entry, "setHeaders", where, bounds::headers))
        for (auto it = set->begin(); it != set->end(); ++it) {
            const auto at = field_path(field_path(where, "setHeaders"), it.key());
            c.expect(it.value(), it.value().is_string(), at, "a string");
            if (!is_header_name(it.key()))
                c.report(diag::code("field-value"), at, "'" + it.key() + "' is not a header name",
                         "use letters, digits and -");
        }
    const auto backend = c.string(entry, "backend", where).value_or("");
    const json* pool = checker::find(entry, "backendPool");
    if (pool != nullptr) check_pool(c, *pool, field_path(where, "backendPool"), no_policies, false);
    if (backend.empty() && pool == nullptr)
        c.report(diag::code("field-required"), field_path(where, "backend"),
                 "either backend or backendPool must be specified",
                 "name the Pipeline that handles this route");
}

inline void check_certificates(checker& c, const json& server) {
    for (const char* key : {"certBase64", "keyBase64", "caCertBase64"}) c.base64(server, key, "");
    const auto cert = c.string(server, "certBase64", "").value_or("");
    const auto key = c.string(server, "keyBase64", "").value_or("");
    if (cert.empty() != key.empty())
        c.report(diag::code("fields-conflict"), cert.empty() ? "certBase64" : "keyBase64",
                 "certBase64 and keyBase64 go together", "give both of them, or neither");
    const json* certs = c.map(server, "certs", "", bounds::list_entries);
    const json* keys = c.map(server, "keys", "", bounds::list_entries);
    const auto paired = [&](const json* pairs, const json* other, const std::string& name,
                            const std::string& other_name) {
        if (pairs == nullptr) return;
        for (auto it = pairs->begin(); it != pairs->end(); ++it) {
            const auto at = field_path(name, it.key());
            if (!c.expect(it.value(), it.value().is_string(), at, "a string")) continue;
            if (other == nullptr || !other->contains(it.key()))
                c.report(diag::code("fields-conflict"), at,
                         name + " '" + it.key() + "' has no entry in " + other_name,
                         "give each certificate and its key under the same name");
        }
    };
    paired(certs, keys, "certs", "keys");
    paired(keys, certs, "keys", "certs");
    const bool https = c.boolean(server, "https", "").value_or(false);
    const bool any = (!cert.empty() && !key.empty()) || (certs != nullptr && !certs->empty());
    if (https && !any)
        c.report(diag::code("fields-conflict"), "https",
                 "certBase64/keyBase64 and certs/keys are both empty when https is enabled",
                 "give a certificate and its key (base64 of PEM)");
}

inline void check_http_server(checker& c, const json& server,
                              const std::optional<std::set<std::string>>& pipelines) {
    c.known_fields(
        server, "",
        {"name",         "kind",           "version",      "labels",           "createdAt",
         "port",         "address",        "keepAlive",    "keepAliveTimeout", "maxConnections",
         "https",        "http3",          "autoCert",     "certBase64",       "keyBase64",
         "certs",        "keys",           "caCertBase64", "xForwardedFor",    "clientMaxBodySize",
         "cacheSize",    "tracing",        "ipFilter",     "routerKind",       "rules",
         "globalFilter", "accessLogFormat"});
    for (const char* key : {"http3", "autoCert", "tracing", "globalFilter"}) {
        const json* value = checker::find(server, key);
        if (value == nullptr || *value == false || *value == "" || *value == json::object())
            continue;
        c.report(diag::code("field-unsupported"), key, "is not supported yet",
                 "remove it; the server would not do what it asks");
    }
    if (checker::find(server, "port") == nullptr)
        c.required(server, "port", "", "the port to listen on, 1 to 65535");
    else
        c.integer(server, "port", "", 1, 65535);
    c.string(server, "address", "");
    for (const char* key : {"keepAlive", "https", "xForwardedFor"}) c.boolean(server, key, "");
    c.duration(server, "keepAliveTimeout", "");
    c.integer(server, "maxConnections", "", 1, bounds::max_connections);
    c.integer(server, "clientMaxBodySize", "", -1, INT64_MAX);
    c.integer(server, "cacheSize", "", 0, UINT32_MAX);
    c.string(server, "accessLogFormat", "");
    c.one_of(server, "routerKind", "", {"Ordered", "RadixTree"});
    const bool radix = c.string(server, "routerKind", "").value_or("") == "RadixTree";
    check_certificates(c, server);
    check_ip_filter(c, server, "");
    const json* rules = c.list(server, "rules", "", bounds::rules);
    if (rules == nullptr) return;
    const pool_policies no_policies;
    for (std::size_t r = 0; r < rules->size(); ++r) {
        const auto rpath = item_path("rules", r);
        const auto& rule = (*rules)[r];
        if (!c.expect(rule, rule.is_object(), rpath, "a mapping")) continue;
        c.known_fields(rule, rpath, {"host", "hostRegexp", "hosts", "ipFilter", "paths"});
        c.string(rule, "host", rpath);
        c.regexp(rule, "hostRegexp", rpath);
        if (const json* hosts = c.list(rule, "hosts", rpath, bounds::hosts))
            for (std::size_t h = 0; h < hosts->size(); ++h) {
                const auto hpath = item_path(field_path(rpath, "hosts"), h);
                const auto& host = (*hosts)[h];
                if (!c.expect(host, host.is_object(), hpath, "a mapping")) continue;
                c.known_fields(host, hpath, {"value", "isRegexp"});
                const auto value = c.string(host, "value", hpath).value_or("");
                if (value.empty()) c.required(host, "value", hpath, "the host or its regexp");
                if (c.boolean(host, "isRegexp", hpath).value_or(false))
                    c.regexp_value(value, field_path(hpath, "value"));
            }
        check_ip_filter(c, rule, rpath);
        const json* paths = c.list(rule, "paths", rpath, bounds::paths);
        if (paths == nullptr) continue;
        for (std::size_t p = 0; p < paths->size(); ++p) {
            const auto ppath = item_path(field_path(rpath, "paths"), p);
            const auto& entry = (*paths)[p];
            if (!c.expect(entry, entry.is_object(), ppath, "a mapping")) continue;
            check_route_path(c, entry, ppath, radix, no_policies);
            const auto backend = checker::find(entry, "backend");
            if (pipelines && backend != nullptr && backend->is_string() &&
                !backend->get<std::string>().empty() &&
                pipelines->count(backend->get<std::string>()) == 0)
                c.report(diag::code("backend-unknown"), field_path(ppath, "backend"),
                         "names the Pipeline '" + backend->get<std::string>() +
                             "', which does not exist",
                         "create that Pipeline; until then this route answers 503");
        }
    }
}

}  // namespace eg::traffic
