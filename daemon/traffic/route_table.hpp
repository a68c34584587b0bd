#pragma once
// route table: an HTTPServer's routing, compiled once per object version (regexps included) and
// read by every worker without a lock. match() finds the route of one request_view.
//
// Ordered router (routerKind absent, "" or "Ordered"): the server's ipFilter first (403), then the
// rules in order, first match wins. A rule is skipped unless its hosts match: `host` (exact, or
// one wildcard: `*.example.com` matches any host ending in `.example.com`, `www.example.*` any
// host starting with `www.example.`), `hostRegexp` and `hosts[]` `{value, isRegexp}`; a rule
// without any host matches every host. Host comparisons ignore case, regexps included, and a
// host regexp must match the whole host (RE2 full match). A rule whose ipFilter refuses the
// client is skipped. Its paths are then tried in order: `path` (equal), `pathPrefix`,
// `pathRegexp` (RE2 partial match, as Go's MatchString); an entry with none of them matches
// every path, else any one of them that matches will do. A candidate is then checked for its
// `methods` (empty: any method), `headers`, `queries` (the first value of the key, "" when
// absent, queries percent-decoded; `matchAll...` false: some matcher has the value among its
// `values` or matches its `regexp` (partial); true: every matcher satisfies each condition it
// gives) and its ipFilter. A failed check is remembered and the search goes on; when nothing
// matches the status is 403 if some ipFilter refused the client, else 400 if some headers or
// queries failed, else 405 if some method failed, else 404.
//
// rewriteTarget: after an equal `path`, the path becomes rewriteTarget; after a `pathPrefix`,
// rewriteTarget replaces the prefix; after a `pathRegexp`, every match of the regexp in the path
// is replaced by rewriteTarget (RE2::GlobalReplace). rewriteTarget uses Go's template syntax:
// `$1`/`${1}` a numbered group, `${name}` (or `$name`) a named group, `$$` a `$`; a name is
// the longest run of letters, digits and `_` (so `$1x` is the group named "1x"), and an unknown
// group or one past \9 (RE2's limit) is replaced by nothing. The query is kept.
//
// RadixTree router (routerKind "RadixTree"): rules, hosts and ipFilters as above; within a rule
// only `path` is used, as a pattern (an entry without one never matches): `{name}` (a non-empty
// part of one segment, up to the next `/` or the literal character that follows it in the
// pattern), `{name:regexp}` (that part, matched whole by RE2, may be empty), a trailing `*` (the
// rest of the path, may be empty). The most specific route is tried first, character by
// character: literal text, then regexp parameters, then parameters, then `*`; routes with the
// same pattern are tried in order, and a candidate failing its checks (methods, headers,
// queries, ipFilter) lets the search go on with the next one, the status after a failed search
// being as above. rewriteTarget replaces `{name}` by the parameter's value and `{EG_WILDCARD}`
// by what `*` matched; the query is kept. match() returns the parameters in `params`.
//
// Unexpected shapes (the spec passed eg::traffic::check_http_server, but build() takes any JSON):
// a rule, path, host or matcher that is not an object, or a field of the wrong type, never
// matches; an ipFilter that is not an object refuses everyone; an unparsable allowIPs/blockIPs
// entry is skipped; a regexp that does not compile never matches.

#include "daemon/traffic/traffic_request.hpp"

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace eg::server {

// An IPv4 or IPv6 address; an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is its IPv4 address.
struct ip_address {
    std::array<std::uint8_t, 16> bytes{};
    bool v6 = false;

    // "10.1.2.3", "2001:db8::1", also "[::1]" and "fe80::1%eth0"; nullopt when not an IP.
    static std::optional<ip_address> parse(std::string_view text);
};

// An IP or a CIDR of allowIPs/blockIPs: `10.0.0.0/8`, `2001:db8::/32`, `192.168.1.7`.
struct ip_range {
    ip_address base;
    int bits = 0;

    static std::optional<ip_range> parse(std::string_view text);
    bool contains(const ip_address& ip) const;
};

// An ipFilter: `blockByDefault`, `allowIPs`, `blockIPs`. A client in blockIPs is refused (the
// block list wins over the allow list); with allowIPs given, a client not in it is refused; a
// client in allowIPs passes; any other one passes unless blockByDefault. A client address that
// does not parse passes unless blockByDefault.
class ip_filter {
public:
    // The filter of an ipFilter object; one that is not an object refuses everyone.
    static ip_filter from_spec(const nlohmann::json& spec);
    bool allows(const std::optional<ip_address>& client) const;
    bool allows(std::string_view client_ip) const { return allows(ip_address::parse(client_ip)); }

private:
    bool block_by_default_ = false;
    bool refuse_all_ = false;
    bool allow_list_given_ = false;
    std::vector<ip_range> allow_;
    std::vector<ip_range> block_;
};

struct route_match {
    int status = 0;       // 0: matched; otherwise 403 (ipFilter), 400 (headers/queries), 405, 404
    std::string backend;  // the Pipeline name (matched; empty with only backendPool)
    std::string rewritten_target;  // non-empty when rewriteTarget applies: new path ["?" query]
    // The path's setHeaders, in the spec's order of keys (valid as long as the table).
    const std::vector<std::pair<std::string, std::string>>* set_headers = nullptr;
    std::int64_t client_max_body_size = 0;  // the path's, else the server's (0: unset, -1: none)
    std::size_t rule_index = 0;             // the matched rule's index in `rules`
    std::size_t path_index = 0;             // the matched path's index in that rule's `paths`
    // RadixTree: the pattern's parameters and their values (EG_WILDCARD: what * matched); the
    // names live as long as the table, the values as long as the request.
    std::vector<std::pair<std::string_view, std::string_view>> params;
};

class route_table {
public:
    // Compiles the HTTPServer spec once (regexps compiled once). Never throws on shape problems.
    static std::shared_ptr<const route_table> build(const nlohmann::json& http_server_spec);
    // Thread-safe; allocates only the result's strings (and a percent-decoded query value).
    route_match match(const request_view& request) const;
    std::size_t path_count() const { return path_count_; }
    bool radix_tree() const { return radix_; }

    route_table();
    ~route_table();
    route_table(const route_table&) = delete;
    route_table& operator=(const route_table&) = delete;

    struct rule;

private:
    std::optional<ip_filter> server_filter_;
    std::int64_t server_body_size_ = 0;
    bool radix_ = false;
    std::size_t path_count_ = 0;
    std::vector<rule> rules_;
};

}  // namespace eg::server
