#pragma once
// Test support: a real HTTP/1.1 backend on 127.0.0.1 (Poco's HTTP server in the test process)
// that tells what it received. Each answer is 200, text/plain, with the body
//   "<name> <METHOD> <target> host=<Host> xff=<X-Forwarded-For> body=<request body>"
// and the header X-Backend: <name>. It counts the requests it answered and keeps the last one's
// head; set_status() changes the status it answers; stop() closes its socket, so that the
// proxies in front of it see a refused connection, and start() listens again on the same port.
// What the handlers write lives in a shared state that each handler holds, since Poco's server
// does not wait for a running handler when it stops: the backend may go before its last answer.

#include "support/free_port.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

namespace eg::test {

class http_backend {
public:
    explicit http_backend(std::string name)
        : state_(std::make_shared<state>(std::move(name))), port_(free_port()) {
        start();
    }
    ~http_backend() { stop(); }
    http_backend(const http_backend&) = delete;
    http_backend& operator=(const http_backend&) = delete;

    void stop() {
        if (server_) server_->stopAll(true);
        server_.reset();
    }
    // Listens (again) on its port.
    void start() {
        if (server_) return;
        auto params = Poco::AutoPtr<Poco::Net::HTTPServerParams>(new Poco::Net::HTTPServerParams);
        params->setMaxThreads(16);
        params->setKeepAlive(true);
        Poco::Net::ServerSocket socket(
            Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port_)), 64);
        server_ = std::make_unique<Poco::Net::HTTPServer>(new factory(state_), socket, params);
        server_->start();
    }
    // The status of the next answers (200 at first).
    void set_status(int status) { state_->status = status; }
    // The last request's method, target and headers, one "name: value" a line after the first.
    std::string last_request() const {
        std::lock_guard lock(state_->mutex);
        return state_->last_request;
    }

    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    const std::string& name() const { return state_->name; }
    int answered() const { return state_->answered.load(); }

private:
    struct state {
        explicit state(std::string backend_name) : name(std::move(backend_name)) {}
        const std::string name;
        std::atomic<int> answered{0};
        std::atomic<int> status{200};
        std::mutex mutex;
        std::string last_request;
    };
    class handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit handler(std::shared_ptr<state> backend) : backend_(std::move(backend)) {}
        void handleRequest(Poco::Net::HTTPServerRequest& request,
                           Poco::Net::HTTPServerResponse& response) override {
            std::string body;
            Poco::StreamCopier::copyToString(request.stream(), body);
            std::ostringstream text;
            text << backend_->name << ' ' << request.getMethod() << ' ' << request.getURI()
                 << " host=" << request.get("Host", "")
                 << " xff=" << request.get("X-Forwarded-For", "") << " body=" << body;
            const auto answer = text.str();
            std::string head = request.getMethod() + ' ' + request.getURI() + '\n';
            for (const auto& [name, value] : request) head += name + ": " + value + '\n';
            {
                std::lock_guard lock(backend_->mutex);
                backend_->last_request = std::move(head);
            }
            response.setStatus(
                static_cast<Poco::Net::HTTPResponse::HTTPStatus>(backend_->status.load()));
            response.setContentType("text/plain");
            response.set("X-Backend", backend_->name);
            response.setContentLength(static_cast<std::streamsize>(answer.size()));
            ++backend_->answered;
            response.send() << answer;
        }

    private:
        std::shared_ptr<state> backend_;
    };
    class factory : public Poco::Net::HTTPRequestHandlerFactory {
    public:
        explicit factory(std::shared_ptr<state> backend) : backend_(std::move(backend)) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(
            const Poco::Net::HTTPServerRequest&) override {
            return new handler(backend_);
        }

    private:
        std::shared_ptr<state> backend_;
    };

    std::shared_ptr<state> state_;
    int port_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace eg::test
