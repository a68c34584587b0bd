#pragma once
// Test support: a real HTTP/1.1 backend on 127.0.0.1 (Poco's HTTP server in the test process)
// that tells what it received. Each answer is 200, text/plain, with the body
//   "<name> <METHOD> <target> host=<Host> xff=<X-Forwarded-For> body=<request body>"
// and the header X-Backend: <name>. It counts the requests it answered and keeps the last one's
// head; set_status() changes the status it answers; stop() closes its socket, so that the
// proxies in front of it see a refused connection, and start() listens again on the same port.

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
    explicit http_backend(std::string name) : name_(std::move(name)), port_(free_port()) {
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
        server_ = std::make_unique<Poco::Net::HTTPServer>(new factory(*this), socket, params);
        server_->start();
    }
    // The status of the next answers (200 at first).
    void set_status(int status) { status_ = status; }
    // The last request's method, target and headers, one "name: value" a line after the first.
    std::string last_request() const {
        std::lock_guard lock(mutex_);
        return last_request_;
    }

    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    const std::string& name() const { return name_; }
    int answered() const { return answered_.load(); }

private:
    class handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit handler(http_backend& backend) : backend_(backend) {}
        void handleRequest(Poco::Net::HTTPServerRequest& request,
                           Poco::Net::HTTPServerResponse& response) override {
            std::string body;
            Poco::StreamCopier::copyToString(request.stream(), body);
            std::ostringstream text;
            text << backend_.name_ << ' ' << request.getMethod() << ' ' << request.getURI()
                 << " host=" << request.get("Host", "")
                 << " xff=" << request.get("X-Forwarded-For", "") << " body=" << body;
            const auto answer = text.str();
            std::string head = request.getMethod() + ' ' + request.getURI() + '\n';
            for (const auto& [name, value] : request) head += name + ": " + value + '\n';
            {
                std::lock_guard lock(backend_.mutex_);
                backend_.last_request_ = std::move(head);
            }
            response.setStatus(
                static_cast<Poco::Net::HTTPResponse::HTTPStatus>(backend_.status_.load()));
            response.setContentType("text/plain");
            response.set("X-Backend", backend_.name_);
            response.setContentLength(static_cast<std::streamsize>(answer.size()));
            ++backend_.answered_;
            response.send() << answer;
        }

    private:
        http_backend& backend_;
    };
    class factory : public Poco::Net::HTTPRequestHandlerFactory {
    public:
        explicit factory(http_backend& backend) : backend_(backend) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(
            const Poco::Net::HTTPServerRequest&) override {
            return new handler(backend_);
        }

    private:
        http_backend& backend_;
    };

    std::string name_;
    int port_;
    std::atomic<int> answered_{0};
    std::atomic<int> status_{200};
    mutable std::mutex mutex_;
    std::string last_request_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace eg::test
