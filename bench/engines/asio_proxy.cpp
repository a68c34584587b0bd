// Prototype B of the traffic engine: the same HTTP/1.1 reverse proxy as epoll_proxy, on
// Boost.Asio with C++20 coroutines. Each worker thread runs its own io_context (one thread, no
// locking) with its own SO_REUSEPORT acceptor and its own pool of keep-alive upstream
// connections; an upstream connection stays with its client connection while both keep alive
// and goes back to the pool when the client leaves. Writing each piece of the response before
// reading the next one is the back-pressure. Framing: bench/engines/proxy_exchange.
#include "bench/engines/proxy_exchange.hpp"
#include "bench/engines/proxy_options.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <csignal>
#include <cstdio>
#include <optional>
#include <thread>
#include <vector>

namespace eg::bench {

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t read_chunk = 64 * 1024;
constexpr std::size_t max_idle_upstreams = 512;

struct worker_state {
    tcp::endpoint upstream;
    std::vector<tcp::socket> idle;  // keep-alive upstream connections no client holds
};

// What one exchange ended with, for the client connection.
enum class exchange_end { keep_alive, close };

// Sends the request upstream and streams the response to the client. A reused upstream
// connection that fails before answering is retried once on a new one.
asio::awaitable<exchange_end> exchange(tcp::socket& client, std::optional<tcp::socket>& upstream,
                                       worker_state& worker, const server::http_request& request) {
    const std::string request_bytes = upstream_request(request);
    std::array<char, read_chunk> buffer;
    std::string out;
    for (int attempt = 0; attempt < 2; ++attempt) {
        bool reused = true;
        if (!upstream && !worker.idle.empty()) {
            upstream.emplace(std::move(worker.idle.back()));
            worker.idle.pop_back();
        } else if (!upstream) {
            reused = false;
            upstream.emplace(client.get_executor());
            auto [error] = co_await upstream->async_connect(worker.upstream, use_tuple);
            if (error) break;
            upstream->set_option(tcp::no_delay(true));
        }
        auto [write_error, written] =
            co_await asio::async_write(*upstream, asio::buffer(request_bytes), use_tuple);
        response_relay relay(request.method == "HEAD", request.keep_alive);
        bool answered = false;
        while (!write_error) {
            auto [read_error, n] =
                co_await upstream->async_read_some(asio::buffer(buffer), use_tuple);
            if (read_error) {
                if (reused && !answered) break;  // a pooled connection the upstream closed
                relay.upstream_closed();
            } else {
                answered = true;
                out.clear();
                relay.feed(std::string_view(buffer.data(), n), out);
                auto [client_error, sent] =
                    co_await asio::async_write(client, asio::buffer(out), use_tuple);
                if (client_error) {
                    upstream.reset();
                    co_return exchange_end::close;
                }
            }
            if (relay.complete()) {
                if (read_error || !relay.upstream_reusable()) upstream.reset();
                co_return relay.client_keep_alive() ? exchange_end::keep_alive
                                                    : exchange_end::close;
            }
            if (relay.failed() || read_error) {
                upstream.reset();
                if (relay.started()) co_return exchange_end::close;
                break;
            }
        }
        upstream.reset();
        if (!reused || answered) break;
    }
    const auto answer = proxy_error_response(502, "the upstream failed", false);
    co_await asio::async_write(client, asio::buffer(answer), use_tuple);
    co_return exchange_end::close;
}

asio::awaitable<void> session(tcp::socket client, worker_state& worker) {
    client.set_option(tcp::no_delay(true));
    server::http_request_parser parser(proxy_request_limits());
    std::optional<tcp::socket> upstream;
    std::array<char, read_chunk> buffer;
    std::string in;
    bool open = true;
    while (open) {
        bool continue_sent = false;
        while (parser.state() == server::http_request_parser::progress::head ||
               parser.state() == server::http_request_parser::progress::body) {
            if (in.empty()) {
                if (parser.state() == server::http_request_parser::progress::body &&
                    parser.request().expects_continue && !continue_sent) {
                    co_await asio::async_write(client, asio::buffer(continue_response()),
                                               use_tuple);
                    continue_sent = true;
                }
                auto [error, n] = co_await client.async_read_some(asio::buffer(buffer), use_tuple);
                if (error) {
                    open = false;
                    break;
                }
                in.assign(buffer.data(), n);
            }
            in.erase(0, parser.feed(in));
        }
        if (!open) break;
        if (parser.state() == server::http_request_parser::progress::failed) {
            const auto& error = parser.error();
            const auto answer = proxy_error_response(error.status, error.message, false);
            co_await asio::async_write(client, asio::buffer(answer), use_tuple);
            break;
        }
        const auto request = parser.take_request();
        parser.reset();
        open = co_await exchange(client, upstream, worker, request) == exchange_end::keep_alive;
    }
    if (upstream && worker.idle.size() < max_idle_upstreams)
        worker.idle.push_back(std::move(*upstream));
}

asio::awaitable<void> accept_clients(tcp::acceptor& acceptor, worker_state& worker) {
    while (true) {
        auto [error, client] = co_await acceptor.async_accept(use_tuple);
        if (error) continue;
        asio::co_spawn(acceptor.get_executor(), session(std::move(client), worker), asio::detached);
    }
}

}  // namespace

}  // namespace eg::bench

int main(int argc, char** argv) {
    namespace asio = boost::asio;
    const auto options = eg::bench::parse_proxy_options(argc, argv);
    if (!options) return 2;
    std::signal(SIGPIPE, SIG_IGN);
    std::vector<std::thread> threads;
    for (int i = 0; i < options->threads; ++i) {
        const int listener = eg::bench::reuse_port_listener(options->listen_port);
        if (listener < 0) {
            std::perror("listen");
            return 1;
        }
        threads.emplace_back([&options, listener] {
            asio::io_context context(1);
            asio::ip::tcp::acceptor acceptor(context, asio::ip::tcp::v4(), listener);
            eg::bench::worker_state worker{
                asio::ip::tcp::endpoint(
                    asio::ip::address_v4(ntohl(options->upstream.sin_addr.s_addr)),
                    ntohs(options->upstream.sin_port)),
                {}};
            asio::co_spawn(context, eg::bench::accept_clients(acceptor, worker), asio::detached);
            context.run();
        });
    }
    for (auto& thread : threads) thread.join();
    return 0;
}
