#include "daemon/admin_server.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>

#include <chrono>
#include <stdexcept>

namespace eg::server {

namespace {

class route_handler : public Poco::Net::HTTPRequestHandler {
public:
    route_handler(const admin_routes& routes, logger* access_log)
        : routes_(routes), access_log_(access_log) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
        const auto started = std::chrono::steady_clock::now();
        std::string body;
        Poco::StreamCopier::copyToString(request.stream(), body);
        const api_response answer = routes_.handle(request.getMethod(), request.getURI());
        response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
        if (!answer.content_type.empty()) response.setContentType(answer.content_type);
        response.setContentLength(static_cast<std::streamsize>(answer.body.size()));
        response.send() << answer.body;
        if (access_log_ != nullptr) {
            const auto took = std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::steady_clock::now() - started);
            access_log_->info("admin-api",
                              request.getMethod() + " " + request.clientAddress().toString() + " " +
                                  request.getURI() + " " + std::to_string(answer.status) +
                                  " rx:" + std::to_string(body.size()) +
                                  "B tx:" + std::to_string(answer.body.size()) +
                                  "B process:" + std::to_string(took.count()) + "us");
        }
    }

private:
    const admin_routes& routes_;
    logger* access_log_;
};

class route_factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    route_factory(const admin_routes& routes, logger* access_log)
        : routes_(routes), access_log_(access_log) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new route_handler(routes_, access_log_);
    }

private:
    const admin_routes& routes_;
    logger* access_log_;
};

}  // namespace

admin_server::admin_server(admin_server_settings settings, const admin_routes& routes)
    : settings_(std::move(settings)), routes_(routes) {}

admin_server::~admin_server() { stop(); }

void admin_server::start() {
    Poco::Net::ServerSocket socket;
    try {
        socket.bind(Poco::Net::SocketAddress(settings_.address), true);
        socket.listen(256);
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot listen on " + settings_.address + ": " + e.displayText());
    }
    port_ = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(settings_.max_threads);
    params->setMaxQueued(1024);
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(10, 0));
    params->setServerName("easegress");
    pool_ = std::make_unique<Poco::ThreadPool>(2, settings_.max_threads + 1, 60, 256 * 1024);
    server_ = std::make_unique<Poco::Net::HTTPServer>(
        new route_factory(routes_, settings_.access_log), *pool_, socket, params);
    server_->start();
}

void admin_server::stop() {
    if (server_) {
        server_->stopAll(true);
        server_.reset();
    }
    if (pool_) {
        pool_->joinAll();
        pool_.reset();
    }
}

int admin_server::port() const { return port_; }

}  // namespace eg::server
