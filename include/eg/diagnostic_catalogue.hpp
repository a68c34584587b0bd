#pragma once
// The catalogue of diagnostic codes: the only list of them. Codes are stable and never reused;
// a retired code stays here, marked retired. docs/reference/diagnostics.md is generated from it.
//
// Ranges: EG1xx reading sources (file, environment, flags), EG2xx one member's configuration,
// EG3xx several members seen together, EG4xx host checks, EG5xx runtime, EG6xx traffic objects
// (HTTPServer, Pipeline and their filters), EG7xx a running cluster against its description
// (`eg-config check --live`).

#include <eg/diagnostic.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace eg::diag {

struct code_info {
    std::string_view code;     // "EG102"
    std::string_view slug;     // "unknown-key": names the invalid sample directory too
    severity level;            // the severity findings of this code carry
    std::string_view summary;  // one line for the reference
};

inline constexpr code_info catalogue[] = {
    // EG1xx: reading sources
    {"EG100", "file-unreadable", severity::error,
     "A configuration file or cluster description cannot be read: missing, not readable, not a "
     "regular file (a directory, FIFO or device) or larger than 4 MiB (4,194,304 bytes)."},
    {"EG101", "yaml-syntax", severity::error,
     "A configuration file or an object text is not valid YAML, or not UTF-8."},
    {"EG102", "unknown-key", severity::error, "A key that no option declares."},
    {"EG103", "wrong-level", severity::error,
     "A known key at the wrong level, e.g. `listen-peer-urls` outside `cluster:`."},
    {"EG104", "duplicate-key", severity::error,
     "A key or map entry given twice; YAML readers silently keep one of them."},
    {"EG105", "wrong-type", severity::error,
     "A value of the wrong YAML type, e.g. a list where a string is expected."},
    {"EG106", "yaml11-trap", severity::warning,
     "An unquoted `yes`, `no`, `on`, `off`, `y` or `n` where a string is expected: YAML 1.1 tools "
     "read it as a boolean."},
    {"EG107", "invalid-value", severity::error,
     "A value that does not parse as the option's type (bool, int, size, list, map)."},
    {"EG108", "duration-without-unit", severity::error,
     "A duration without a unit, e.g. `10` instead of `10s`."},
    {"EG109", "removed-option", severity::warning,
     "An option that was removed upstream and has no effect (`member-dir`)."},
    {"EG110", "legacy-key", severity::error,
     "A pre-v2 key (`cluster-join-urls`, `cluster-listen-*`, ...) that upstream silently ignores; "
     "its replacement is named."},
    {"EG111", "deprecated-role", severity::warning,
     "The deprecated role names `writer` and `reader`."},
    {"EG112", "unknown-flag", severity::error, "A command-line flag that no option declares."},
    {"EG113", "flag-needs-value", severity::error, "A flag given without its value."},
    {"EG114", "unknown-env", severity::warning,
     "An `EASEGRESS_*` environment variable that no option declares."},
    {"EG115", "eg-env-ignored", severity::warning,
     "An `EG_*` environment variable: those are not read; the `EASEGRESS_*` one is named."},
    {"EG116", "overrides-file", severity::note,
     "A value from the environment or a flag overrides the value in the configuration file."},
    {"EG117", "command-line-only", severity::warning,
     "A command-line-only option written in a configuration file, where it is ignored."},
    {"EG118", "unexpected-argument", severity::error,
     "A positional argument; the server takes flags only."},
    {"EG119", "file-only-option", severity::error,
     "A file-only option (`client-ca-file`, `basic-auth`) given as a flag."},
    {"EG120", "not-a-mapping", severity::error,
     "A configuration file whose top level is not a mapping of keys."},

    {"EG121", "missing-field", severity::error,
     "A cluster description lacks a required field (`cluster-name`, `members`, or a member's "
     "`name`, `role` or `host`)."},
    {"EG122", "beyond-limits", severity::error,
     "A configuration file, cluster description or object nested deeper than 64 levels of "
     "mappings and lists, or with more than 1,000,000 nodes (200,000 for an object) once its "
     "aliases are expanded."},
    {"EG123", "shell-variable", severity::warning,
     "A value from a file holding a shell variable (`$HOST1`, `${CLUSTER}`) copied from a "
     "command: YAML does not expand it."},

    // EG2xx: one member's configuration
    {"EG200", "invalid-name", severity::error,
     "`name` or `cluster-name` is empty or has characters outside `A-Za-z0-9-_.~`."},
    {"EG201", "not-allowed-value", severity::error,
     "A value outside the option's allowed set, e.g. `cluster-role` or `state-flag`."},
    {"EG202", "secondary-without-primaries", severity::error,
     "A secondary with empty `primary-listen-peer-urls`."},
    {"EG203", "force-new-cluster-on-secondary", severity::error,
     "`--force-new-cluster` on a secondary, which runs no etcd."},
    {"EG204", "malformed-url", severity::error,
     "A URL without an `http`/`https` scheme, a host or a port, or with a path."},
    {"EG205", "listen-host-not-ip", severity::error,
     "A listen URL whose host is a name other than `localhost`; etcd can only bind IP "
     "addresses."},
    {"EG206", "advertised-unspecified", severity::error,
     "An advertised URL with host `0.0.0.0` or `[::]`, which no other member can reach."},
    {"EG207", "name-not-in-initial-cluster", severity::error,
     "A primary whose own name is missing from `initial-cluster`."},
    {"EG208", "initial-cluster-url-mismatch", severity::error,
     "A primary whose `initial-cluster` entry differs from the peer URLs it advertises."},
    {"EG209", "client-peer-port-clash", severity::error,
     "The same port for client and peer URLs on one host."},
    {"EG210", "option-not-for-role", severity::warning,
     "An option set that has no effect for the member's role."},
    {"EG211", "standalone-etcd-primary", severity::error,
     "`use-standalone-etcd` together with `cluster-role: primary`."},
    {"EG212", "tls-without-cert", severity::error,
     "`tls` without both `cert-file` and `key-file`."},
    {"EG213", "invalid-api-addr", severity::error, "`api-addr` is not `host:port`."},
    {"EG214", "empty-required", severity::error,
     "A required value is empty: `home-dir`, `data-dir`, or a primary's URL lists."},
    {"EG215", "out-of-range", severity::error,
     "A number or duration outside its allowed range, e.g. a zero timeout."},
    {"EG216", "advertised-port-not-listened", severity::warning,
     "An advertised URL whose port no listen URL of the same kind uses."},
    {"EG217", "advertised-not-listened", severity::error,
     "A primary advertising a loopback URL (the default `localhost` included) while it listens "
     "only on other addresses: nothing can reach it there."},
    {"EG218", "advertised-host-differs", severity::warning,
     "A primary advertising a host it does not listen on: only NAT, a port mapping or a DNS name "
     "can lead there."},
    {"EG219", "client-ca-without-tls", severity::warning,
     "`client-ca-file` without `tls`: client certificates cannot be checked over plain HTTP."},
    {"EG220", "basic-auth-without-tls", severity::warning,
     "`basic-auth` without `tls`: passwords cross the network in clear."},

    // EG3xx: several members seen together
    {"EG300", "no-primaries", severity::error, "The cluster has no primary member."},
    {"EG301", "even-primaries", severity::error,
     "An even number of primaries: it tolerates no more failures than one primary fewer, and a "
     "network split can leave no majority."},
    {"EG302", "single-primary", severity::warning, "One primary: the cluster stops when it stops."},
    {"EG303", "many-primaries", severity::warning,
     "More than 7 primaries: every write waits for a majority of them."},
    {"EG304", "duplicate-member-name", severity::error, "Two members with one name."},
    {"EG305", "duplicate-peer-url", severity::error,
     "Two primaries advertising the same peer URL."},
    {"EG306", "duplicate-client-url", severity::error,
     "Two primaries advertising the same client URL."},
    {"EG307", "port-collision", severity::error,
     "Two members on one host using the same port (admin API, etcd peer or client)."},
    {"EG308", "initial-cluster-differs", severity::error,
     "A primary's `initial-cluster` gives a member another URL than the one it advertises."},
    {"EG309", "initial-cluster-not-primaries", severity::error,
     "A primary's `initial-cluster` lacks a primary, or names a member that is not a primary."},
    {"EG310", "cluster-name-differs", severity::error,
     "Members with different `cluster-name`s cannot join each other."},
    {"EG311", "secondary-unknown-peer", severity::error,
     "A secondary's `primary-listen-peer-urls` names a URL no primary advertises."},
    {"EG312", "secondary-default-peers", severity::error,
     "A secondary left at the default `primary-listen-peer-urls` in a cluster over several hosts."},
    {"EG313", "primary-not-new", severity::warning,
     "A primary with `state-flag: existing` among the primaries that bootstrap a cluster."},
    {"EG314", "localhost-advertised", severity::error,
     "A primary advertising a loopback URL in a cluster over several hosts."},
    {"EG315", "data-dir-collision", severity::error,
     "Two members on one host resolving to the same data directory."},
    {"EG316", "api-addr-loopback", severity::warning,
     "A member's `api-addr` on a loopback address in a cluster over several hosts: egctl and the "
     "other members cannot reach it from another host."},
    {"EG317", "join-needs-existing", severity::error,
     "A primary joining a running cluster (its `initial-cluster` is the others' plus itself) "
     "without `state-flag: existing`."},

    // EG4xx: host checks (eg-config lint --host-checks)
    {"EG400", "port-in-use", severity::error,
     "A port the member would listen on is already taken on this machine."},
    {"EG401", "file-not-readable", severity::error,
     "A file the member needs (certificate, key, CA, initial objects) cannot be read."},
    {"EG402", "address-not-local", severity::error,
     "A listen address that no network interface of this machine has."},
    {"EG403", "data-dir-other-cluster", severity::error,
     "The data directory already belongs to another cluster."},

    // EG5xx: runtime
    {"EG500", "etcd-not-found", severity::error,
     "A primary's etcd executable cannot be found or run."},
    {"EG501", "etcd-failed", severity::error, "etcd keeps exiting while the member starts."},
    {"EG502", "cluster-name-mismatch", severity::error,
     "The etcd cluster this member reaches belongs to another cluster name."},
    {"EG503", "cannot-write", severity::error,
     "A directory or file the member needs (home, data, log, pid file) cannot be written."},
    {"EG504", "join-failed", severity::error,
     "A primary cannot be added to the running cluster it should join."},
    {"EG505", "upgrade-signal-failed", severity::error,
     "--signal-upgrade finds no running server to signal in the home dir's pid file."},
    {"EG506", "tls-support-missing", severity::error,
     "The admin API's TLS module (eg_admin_tls.so, installed with easegress-server) cannot be "
     "loaded."},

    // EG6xx: traffic objects (HTTPServer, Pipeline and their filters)
    {"EG600", "field-type", severity::error,
     "A field of a traffic object of the wrong type, e.g. a string where a list is expected."},
    {"EG601", "field-required", severity::error,
     "A traffic object lacks a field it needs, e.g. an HTTPServer's `port` or a Mock rule's "
     "`code`."},
    {"EG602", "field-value", severity::error,
     "A traffic object's field holds a value outside what it allows: a port, status code, method, "
     "duration, URL, IP or CIDR, base64 text, policy or mode name."},
    {"EG603", "regexp-invalid", severity::error,
     "A regular expression of a traffic object that does not compile (RE2 syntax, as Go's "
     "regexp)."},
    {"EG604", "route-pattern-invalid", severity::error,
     "A RadixTree route pattern or its `rewriteTarget` that the router cannot use: unbalanced "
     "braces, a parameter named twice, `*` not at the end, an unknown `{name}`."},
    {"EG605", "field-unsupported", severity::error,
     "A field or filter kind this gateway does not run yet: `http3`, `autoCert`, `tracing`, "
     "`globalFilter`, `https`, filter kinds other than Proxy and Mock, a Proxy's compression, "
     "mirror pool, mTLS, memory cache, retry and circuit-breaker policies, https:// servers "
     "(docs/traffic.md lists them)."},
    {"EG606", "too-many-entries", severity::error,
     "A list of a traffic object beyond its bound (rules, paths, filters, flow steps, servers, "
     "headers); docs/limits.md lists the bounds."},
    {"EG607", "filter-name-duplicate", severity::error,
     "Two filters (or flow aliases) of one Pipeline with one name, or a filter named `END`."},
    {"EG608", "flow-unknown-filter", severity::error,
     "A Pipeline flow step or `jumpIf` that names no filter of the Pipeline (or no later step), "
     "a `jumpIf` result the filter never returns, or a pool naming no resilience policy."},
    {"EG609", "weights-partial", severity::error,
     "Some servers of a Proxy pool have a `weight` and others not: weights are all or none."},
    {"EG610", "backend-unknown", severity::warning,
     "An HTTPServer route whose `backend` names no Pipeline among the objects known: requests "
     "to it are answered 503 until that Pipeline exists."},
    {"EG611", "fields-conflict", severity::error,
     "Fields of a traffic object that do not go together, or one that needs another: `https` "
     "without certificates, `rewriteTarget` without a path, a pool without servers, several "
     "main pools."},
    {"EG612", "field-unknown", severity::warning,
     "A field that the object's kind does not declare; it is stored but has no effect."},

    // EG7xx: a running cluster against its description (eg-config check --live)
    {"EG700", "live-unreadable", severity::error,
     "The running cluster cannot be read through the admin API named by `--server` "
     "(unreachable, refused, TLS or authentication failure, or an error answer)."},
    {"EG701", "member-missing", severity::error,
     "A described member has never joined the running cluster: no member publishes its name."},
    {"EG702", "member-not-described", severity::warning,
     "A member of the running cluster that the description does not name."},
    {"EG703", "member-offline", severity::error,
     "A described member that is Offline: silent for 3 heartbeat intervals, or a primary whose "
     "etcd does not answer."},
    {"EG704", "option-differs", severity::error,
     "A running member's option differs from its description; both values are named (secrets "
     "only as redacted or empty)."},
    {"EG705", "etcd-member-unknown", severity::error,
     "An etcd member that no member of the running cluster publishes: added but never started, "
     "or left behind by a primary that was not purged."},
    {"EG706", "etcd-peer-urls-differ", severity::error,
     "An etcd member whose peer URLs differ from its primary's described "
     "`initial-advertise-peer-urls`."},
    {"EG707", "etcd-learner", severity::warning,
     "An etcd member that is still a learner: it does not vote and does not count for quorum."},
    {"EG708", "quorum-margin", severity::note,
     "The cluster's quorum as it runs: voting members, the leader, and how many may fail."},
    {"EG709", "quorum-at-risk", severity::warning,
     "The cluster keeps its quorum, but the next primary to fail would lose it."},
    {"EG710", "quorum-lost", severity::error,
     "The cluster has no etcd leader, or fewer running voting members than its quorum: writes "
     "fail."},
    {"EG711", "stale-view", severity::warning,
     "A member reports an older revision of an object than the others, over two status rounds: "
     "its view of the objects is stale."},
    {"EG712", "primary-not-in-etcd", severity::error,
     "A described primary that is not a member of etcd's cluster."},
};

// Looks a code up by its slug at compile time; an unknown slug does not compile.
consteval const code_info& code(std::string_view slug) {
    for (const auto& c : catalogue)
        if (c.slug == slug) return c;
    throw "unknown diagnostic slug";  // NOLINT: consteval failure is a compile error
}

inline diagnostic make(const code_info& c, std::string path, location where, std::string message,
                       std::string hint = {}) {
    return diagnostic{
        c.code, c.level, std::move(path), std::move(where), std::move(message), std::move(hint)};
}

}  // namespace eg::diag
