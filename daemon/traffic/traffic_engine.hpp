#pragma once
// traffic engine: the data plane. A fixed number of worker threads, each with its own epoll
// loop (level-triggered, non-blocking sockets), its own listening socket per served port
// (SO_REUSEPORT: the kernel spreads connections over the workers, and over the members of a
// cluster that share a host) and its own pool of keep-alive upstream connections. A connection
// lives on one worker from accept to close; nothing on the request path takes a lock.
//
// Per request: the request is read whole (daemon/http's parser, with the server's body limit),
// routed (route_table), then the Pipeline's flow runs: a Mock answers at once (or after its
// delay), a Proxy chooses a pool and a server and relays the upstream's answer as it arrives
// (daemon/traffic's response parser, client_response's relay). The flow follows the filter
// results (jumpIf), so a Proxy failure may fall back to a Mock.
//
// Deadlines (checked every 100 ms): an idle keep-alive connection closes after the server's
// keepAliveTimeout; a request head must be complete 60 s after its first byte and its body
// 60 s after the head (408); an upstream must answer within the pool's timeout (504, result
// timeout; 300 s when the pool sets none); a client that takes nothing for 60 s is closed.
//
// Listeners change without a window: listen() binds the new sockets before the old ones close,
// and a request in flight finishes with the snapshot it started with.

#include "daemon/process/logger.hpp"
#include "daemon/traffic/traffic_snapshot.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace eg::server {

class traffic_worker;

class traffic_engine {
public:
    explicit traffic_engine(std::size_t workers, logger& log);
    ~traffic_engine();
    traffic_engine(const traffic_engine&) = delete;
    traffic_engine& operator=(const traffic_engine&) = delete;

    void start();
    // Closes the listeners, lets the exchanges in flight finish for at most `drain`, then stops.
    void stop(std::chrono::milliseconds drain = std::chrono::seconds(5));

    // Makes `snapshot` the one new requests use (the workers take it at once).
    void publish(std::shared_ptr<const traffic_snapshot> snapshot);

    // Serves HTTPServer `server` on address:port (address "" is every address). When it is
    // already served there, nothing changes; otherwise new listeners are bound first, then the
    // old ones closed. Returns why it cannot listen (the port is another program's, another
    // HTTPServer's of this member, ...), the old listeners then kept.
    std::optional<std::string> listen(const std::string& server, const std::string& address,
                                      int port);
    // Stops listening for `server`; its connections end after their exchange in flight.
    void close(const std::string& server);

    // Where `server` listens ("" when it does not).
    std::string listening_on(const std::string& server) const;
    std::size_t worker_count() const { return workers_.size(); }

private:
    struct listening {
        std::string address;
        int port = 0;
        std::vector<int> sockets;  // one per worker
    };

    logger& log_;
    std::vector<std::unique_ptr<traffic_worker>> workers_;
    std::vector<std::thread> threads_;
    mutable std::mutex mutex_;
    std::map<std::string, listening> listening_;
    bool started_ = false;
};

}  // namespace eg::server
