// Fuzz target: the traffic plane's builds of stored objects and what they do with requests, as a
// member runs them: an HTTPServer compiled into its route table (route_table::build) and a
// Pipeline into its program (pipeline_program::build, with its Mock and Proxy filters), then
// client requests routed, mocked and balanced. The builds take any JSON (a stored object may
// come from another version), so the spec is not validated first.
//
// Input: the first byte chooses the object (bit 0: HTTPServer or Pipeline) and the client's
// address (bits 1-2); the rest is the object's JSON, then "\n%%\n", then raw HTTP requests, each
// ended by "\n%%\n" too. Findings: a crash, a sanitizer report, or a broken property:
//  - a build never throws, and a route or a step it returns is one the object has;
//  - the walk through a flow only moves forward and ends;
//  - a chosen pool and server exist, among the healthy servers given.

#include "daemon/http/http_request_parser.hpp"
#include "daemon/traffic/load_balancer.hpp"
#include "daemon/traffic/pipeline_program.hpp"
#include "daemon/traffic/route_table.hpp"
#include "daemon/traffic/traffic_request.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using eg::server::http_request;
using eg::server::http_request_parser;
using eg::server::pipeline_program;
using eg::server::request_view;
using eg::server::route_table;

constexpr std::string_view separator = "\n%%\n";
constexpr std::size_t max_requests = 8;

void require(bool property) {
    if (!property) std::abort();
}

// Draws from the input's own bytes, so that a finding replays exactly.
class input_random final : public eg::server::random_source {
public:
    explicit input_random(std::string_view bytes) : bytes_(bytes) {}
    std::uint64_t below(std::uint64_t bound) override {
        require(bound > 0);
        std::uint64_t value = 0;
        for (int i = 0; i < 8; ++i) {
            value = (value << 8) | (bytes_.empty() ? 0u : static_cast<unsigned char>(bytes_[at_]));
            if (!bytes_.empty()) at_ = (at_ + 1) % bytes_.size();
        }
        return value % bound;
    }

private:
    std::string_view bytes_;
    std::size_t at_ = 0;
};

std::vector<http_request> requests_of(std::string_view rest) {
    std::vector<http_request> requests;
    while (!rest.empty() && requests.size() < max_requests) {
        const auto end = rest.find(separator);
        const auto text = rest.substr(0, end);
        eg::server::http_limits limits;
        limits.max_head_bytes = 2048;
        limits.max_target_bytes = 512;
        limits.max_header_count = 20;
        limits.max_body_bytes = 256;
        http_request_parser parser(limits);
        parser.feed(text);
        if (parser.state() == http_request_parser::progress::complete ||
            parser.state() == http_request_parser::progress::body)
            requests.push_back(parser.request());
        if (end == std::string_view::npos) break;
        rest.remove_prefix(end + separator.size());
    }
    return requests;
}

void route(const nlohmann::json& spec, const std::vector<http_request>& requests,
           std::string_view client_ip) {
    const auto table = route_table::build(spec);
    require(table != nullptr);
    for (const auto& request : requests) {
        const auto view = eg::server::view_of(request, client_ip);
        const auto match = table->match(view);
        (void)match;
    }
}

void run_flow(const pipeline_program& program, const request_view& view,
              eg::server::random_source& random) {
    auto step = program.start();
    std::size_t last = 0;
    bool first = true;
    std::size_t steps = 0;
    while (step) {
        require(step->node < program.flow_size());
        require(first || step->node > last);
        first = false;
        last = step->node;
        require(++steps <= program.flow_size());
        std::string result;
        if (step->k == pipeline_program::kind::mock) {
            require(step->filter < program.mock_count());
            if (program.mock(step->filter).match(view) != nullptr)
                result = std::string(eg::server::mock_filter::mocked);
        } else {
            require(step->filter < program.proxy_count());
            const auto& proxy = program.proxy(step->filter);
            const auto choice = proxy.choose(view, random);
            require(choice.pool < proxy.pool_count());
            if (choice.server) {
                require(*choice.server < proxy.server_count(choice.pool));
                const auto& target = proxy.server(choice.pool, *choice.server);
                (void)target;
                result = std::string(proxy.result_for_status(choice.pool, 500));
            } else {
                result = "serverError";
            }
            // Every second server healthy: the choice stays among them.
            std::vector<std::uint32_t> healthy;
            for (std::uint32_t i = 0; i < proxy.server_count(choice.pool); i += 2)
                healthy.push_back(i);
            if (const auto server = proxy.choose_server(choice.pool, view, random, healthy))
                require(std::find(healthy.begin(), healthy.end(), *server) != healthy.end());
        }
        step = program.next(*step, result);
    }
}

void pipe(const nlohmann::json& spec, const std::vector<http_request>& requests,
          std::string_view client_ip, std::string_view entropy) {
    const auto program = pipeline_program::build(spec);
    require(program != nullptr);
    input_random random(entropy);
    for (const auto& request : requests)
        run_flow(*program, eg::server::view_of(request, client_ip), random);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0 || size > 16 * 1024) return 0;
    static constexpr std::string_view clients[] = {"127.0.0.1", "10.1.2.3", "::1", "2001:db8::7"};
    const bool http_server = (data[0] & 1) != 0;
    const auto client_ip = clients[(data[0] >> 1) & 3];
    const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    const auto end = input.find(separator);
    const auto spec_text = input.substr(0, end);
    const auto rest =
        end == std::string_view::npos ? std::string_view{} : input.substr(end + separator.size());
    const auto spec = nlohmann::json::parse(spec_text, nullptr, false);
    if (spec.is_discarded()) return 0;
    const auto requests = requests_of(rest);
    if (http_server)
        route(spec, requests, client_ip);
    else
        pipe(spec, requests, client_ip, input);
    return 0;
}
