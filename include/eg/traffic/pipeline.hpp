#pragma once
// Pipeline: its filters (unique names, not END; Proxy and Mock checked field by field), its
// resilience policies, and its flow: every step names a filter or END, every jumpIf jumps on a
// result its filter returns, to END or to a later step.

#include <eg/traffic/checker.hpp>
#include <eg/traffic/filters.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace eg::traffic {

// The results a filter kind declares (those a jumpIf may name besides ""); nullptr for a kind
// not known here, whose results are not checked.
inline const std::vector<std::string_view>* declared_results(std::string_view kind) {
    static const std::map<std::string_view, std::vector<std::string_view>> results = {
        {"Proxy",
         {"internalError", "clientError", "serverError", "failureCode", "timeout",
          "shortCircuited"}},
        {"Mock", {"mocked"}},
        {"Validator", {"invalid"}},
        {"RateLimiter", {"rateLimited"}},
        {"RequestAdaptor", {"decompressFailed", "compressFailed"}},
        {"ResponseAdaptor", {"responseNotFound", "compressFailed", "decompressFailed"}},
        {"CORSAdaptor", {"preflighted", "rejected"}},
    };
    const auto found = results.find(kind);
    return found == results.end() ? nullptr : &found->second;
}

inline pool_policies check_resilience(checker& c, const json& pipeline) {
    pool_policies policies;
    const json* list = c.list(pipeline, "resilience", "", bounds::filters);
    if (list == nullptr) return policies;
    std::set<std::string> names;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const auto where = item_path("resilience", i);
        const auto& policy = (*list)[i];
        if (!c.expect(policy, policy.is_object(), where, "a mapping")) continue;
        const auto name = c.string(policy, "name", where).value_or("");
        if (name.empty()) c.required(policy, "name", where, "the policy's name");
        c.required(policy, "kind", where, "Retry or CircuitBreaker");
        c.one_of(policy, "kind", where, {"Retry", "CircuitBreaker"}, false);
        const auto kind = c.string(policy, "kind", where).value_or("");
        if (!name.empty() && !names.insert(name).second)
            c.report(diag::code("filter-name-duplicate"), field_path(where, "name"),
                     "the policy name '" + name + "' is given twice",
                     "give each policy its own name");
        if (kind == "Retry") {
            policies.retry.insert(name);
            c.known_fields(policy, where,
                           {"name", "kind", "maxAttempts", "waitDuration", "backOffPolicy",
                            "randomizationFactor"});
            c.integer(policy, "maxAttempts", where, 1, 1000);
            c.duration(policy, "waitDuration", where);
            c.one_of(policy, "backOffPolicy", where, {"random", "exponential"});
            if (const json* factor = checker::find(policy, "randomizationFactor"))
                if (c.expect(*factor, factor->is_number(), field_path(where, "randomizationFactor"),
                             "a number") &&
                    (factor->get<double>() < 0 || factor->get<double>() > 1))
                    c.report(diag::code("field-value"), field_path(where, "randomizationFactor"),
                             "is out of range 0 to 1", "give a fraction from 0 to 1");
        } else if (kind == "CircuitBreaker") {
            policies.circuit_breaker.insert(name);
            c.known_fields(policy, where,
                           {"name", "kind", "slidingWindowType", "failureRateThreshold",
                            "slowCallRateThreshold", "slidingWindowSize",
                            "permittedNumberOfCallsInHalfOpenState", "minimumNumberOfCalls",
                            "slowCallDurationThreshold", "maxWaitDurationInHalfOpenState",
                            "waitDurationInOpenState"});
            c.one_of(policy, "slidingWindowType", where, {"COUNT_BASED", "TIME_BASED"});
            c.integer(policy, "failureRateThreshold", where, 1, 100);
            c.integer(policy, "slowCallRateThreshold", where, 1, 100);
            c.integer(policy, "slidingWindowSize", where, 1, INT32_MAX);
            c.integer(policy, "permittedNumberOfCallsInHalfOpenState", where, 1, INT32_MAX);
            c.integer(policy, "minimumNumberOfCalls", where, 1, INT32_MAX);
            for (const char* key : {"slowCallDurationThreshold", "maxWaitDurationInHalfOpenState",
                                    "waitDurationInOpenState"})
                c.duration(policy, key, where);
        }
    }
    return policies;
}

inline void check_flow(checker& c, const json& pipeline,
                       const std::map<std::string, std::string>& filter_kinds) {
    const json* flow = c.list(pipeline, "flow", "", bounds::flow_steps);
    if (flow == nullptr) return;
    // The alias of each step (filter name when none), "" for a step that is not a mapping.
    std::vector<std::string> aliases;
    for (const auto& step : *flow) {
        std::string alias;
        if (step.is_object()) {
            const json* a = checker::find(step, "alias");
            const json* f = checker::find(step, "filter");
            if (a != nullptr && a->is_string() && !a->get<std::string>().empty())
                alias = a->get<std::string>();
            else if (f != nullptr && f->is_string())
                alias = f->get<std::string>();
        }
        aliases.push_back(alias);
    }
    for (std::size_t i = 0; i < flow->size(); ++i) {
        const auto where = item_path("flow", i);
        const auto& step = (*flow)[i];
        if (!c.expect(step, step.is_object(), where, "a mapping")) continue;
        c.known_fields(step, where, {"filter", "alias", "namespace", "jumpIf"});
        c.string(step, "alias", where);
        c.string(step, "namespace", where);
        const auto filter = c.string(step, "filter", where).value_or("");
        if (filter.empty()) {
            c.required(step, "filter", where, "the name of a filter of the Pipeline, or END");
            continue;
        }
        const auto kind = filter_kinds.find(filter);
        if (filter != "END" && kind == filter_kinds.end()) {
            c.report(diag::code("flow-unknown-filter"), field_path(where, "filter"),
                     "filter '" + filter + "' not found among the Pipeline's filters",
                     "add it to filters, or correct the name");
            continue;
        }
        const json* jumps = c.map(step, "jumpIf", where, bounds::headers);
        if (jumps == nullptr) continue;
        const auto* results = kind == filter_kinds.end() ? nullptr : declared_results(kind->second);
        for (auto it = jumps->begin(); it != jumps->end(); ++it) {
            const auto at = field_path(field_path(where, "jumpIf"), it.key());
            if (results != nullptr && !it.key().empty() &&
                std::find(results->begin(), results->end(), it.key()) == results->end()) {
                std::string known;
                for (const auto r : *results) known += (known.empty() ? "" : ", ") + std::string(r);
                c.report(
                    diag::code("flow-unknown-filter"), at,
                    "filter '" + filter + "': result '" + it.key() + "' is not in [" + known + "]",
                    "jump on a result that " + kind->second + " returns");
            }
            if (!c.expect(it.value(), it.value().is_string(), at, "a string")) continue;
            const auto target = it.value().get<std::string>();
            if (target == "END") continue;
            const auto later = std::count(aliases.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                                          aliases.end(), target);
            if (later == 0)
                c.report(diag::code("flow-unknown-filter"), at,
                         "target '" + target + "' is no later step of the flow",
                         "jump forward to a step's alias (or filter name), or to END");
            else if (later > 1)
                c.report(diag::code("filter-name-duplicate"), at,
                         "target '" + target + "' is the alias of " + std::to_string(later) +
                             " later steps",
                         "give those steps distinct aliases");
        }
    }
}

inline void check_pipeline(checker& c, const json& pipeline) {
    c.known_fields(pipeline, "",
                   {"name", "kind", "version", "labels", "createdAt", "flow", "filters",
                    "resilience", "data"});
    c.object(pipeline, "data", "");
    const auto policies = check_resilience(c, pipeline);
    std::map<std::string, std::string> kinds;  // filter name -> kind
    if (checker::find(pipeline, "filters") == nullptr)
        c.required(pipeline, "filters", "", "the Pipeline's filters (a list, may be [])");
    if (const json* filters = c.list(pipeline, "filters", "", bounds::filters)) {
        for (std::size_t i = 0; i < filters->size(); ++i) {
            const auto where = item_path("filters", i);
            const auto& filter = (*filters)[i];
            if (!c.expect(filter, filter.is_object(), where, "a mapping")) continue;
            const auto name = c.string(filter, "name", where).value_or("");
            const auto kind = c.string(filter, "kind", where).value_or("");
            if (name.empty()) c.required(filter, "name", where, "the filter's name");
            if (kind.empty()) c.required(filter, "kind", where, "the filter's kind, e.g. Proxy");
            if (name == "END")
                c.report(diag::code("filter-name-duplicate"), field_path(where, "name"),
                         "END is the built-in end of the flow, not a filter name",
                         "give the filter another name");
            else if (!name.empty() && !kinds.emplace(name, kind).second)
                c.report(diag::code("filter-name-duplicate"), field_path(where, "name"),
                         "the filter name '" + name + "' is given twice",
                         "give each filter its own name");
            if (kind == "Proxy") check_proxy(c, filter, where, policies);
            if (kind == "Mock") check_mock(c, filter, where);
        }
    }
    check_flow(c, pipeline, kinds);
}

}  // namespace eg::traffic
