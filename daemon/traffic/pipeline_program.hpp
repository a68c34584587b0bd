#pragma once
// pipeline program: a Pipeline compiled once per object version: its Mock and Proxy filters
// built, its flow resolved to positions. The engine walks it: start() gives the first step,
// and after the step's filter ran, next(step, result) the following one:
//  - a jumpIf entry for the result: its target step (a later step's alias), or the end (END);
//  - else a non-empty result: the end (upstream's implicit END);
//  - else the next step of the flow; a step `filter: END` and the flow's end are the end.
// The flow defaults to every filter once, in the order of `filters`. Filters that the flow does
// not name are built and never run. A filter may appear at several steps (one instance).
// A filter of another kind than Mock or Proxy, or anything the build cannot read (the object
// is checked when applied, so this takes a spec that skipped the checks), is said by error();
// a program with an error has no steps (start() is nullopt, the pipeline answers 503).
// The step's `namespace` is kept but not acted on: every filter sees the request and writes
// the response of the one exchange. `resilience` and `data` are not used.

#include "daemon/traffic/mock_filter.hpp"
#include "daemon/traffic/proxy_filter.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eg::server {

class pipeline_program {
public:
    static std::shared_ptr<const pipeline_program> build(const nlohmann::json& pipeline_spec);

    // Why the program cannot run (lines joined by "; "), empty when it can.
    const std::string& error() const { return error_; }

    enum class kind { mock, proxy };
    struct step {
        kind k;
        std::size_t filter;  // index into the mocks or the proxies
        std::size_t node;    // position in the flow
    };

    std::optional<step> start() const;
    std::optional<step> next(const step& current, std::string_view result) const;

    const mock_filter& mock(std::size_t index) const { return *mocks_.at(index); }
    const proxy_filter& proxy(std::size_t index) const { return *proxies_.at(index); }
    std::size_t mock_count() const { return mocks_.size(); }
    std::size_t proxy_count() const { return proxies_.size(); }

    // The step's filter name and alias (for logs and the access log's tags).
    const std::string& filter_name(const step& s) const { return nodes_.at(s.node).filter_name; }
    const std::string& alias(const step& s) const { return nodes_.at(s.node).alias; }
    std::size_t flow_size() const { return nodes_.size(); }

private:
    static constexpr std::size_t end = static_cast<std::size_t>(-1);
    struct node {
        std::string filter_name;
        std::string alias;
        std::string name_space;
        bool is_end = false;  // `filter: END`
        kind k = kind::mock;
        std::size_t filter = 0;
        std::map<std::string, std::size_t, std::less<>> jumps;  // result -> node, or end
    };
    std::optional<step> at(std::size_t position) const;

    std::vector<std::unique_ptr<mock_filter>> mocks_;
    std::vector<std::unique_ptr<proxy_filter>> proxies_;
    std::vector<node> nodes_;
    std::string error_;
};

}  // namespace eg::server
