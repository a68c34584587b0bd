#include "daemon/admin_server.hpp"

#include <eg/server_options.hpp>

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>

#include <chrono>
#include <stdexcept>

namespace eg::server {

namespace {

using credentials = std::vector<std::pair<std::string, std::string>>;

// The option that sets the largest request body, as users write it.
constexpr std::string_view max_body_option = config::opt::max_call_send_msg_size.spec.yaml_key();

// Compares without stopping at the first difference.
bool same_secret(const std::string& a, const std::string& b) {
    unsigned char difference = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

bool authorized(const Poco::Net::HTTPServerRequest& request, const credentials& users) {
    if (users.empty()) return true;
    if (!request.hasCredentials()) return false;
    try {
        const Poco::Net::HTTPBasicCredentials given(request);
        bool ok = false;
        for (const auto& [user, password] : users)
            ok |= user == given.getUsername() && same_secret(password, given.getPassword());
        return ok;
    } catch (const Poco::Exception&) {
        return false;
    }
}

class route_handler : public Poco::Net::HTTPRequestHandler {
public:
    route_handler(const admin_routes& routes, logger* access_log, const credentials& users,
                  std::size_t max_body)
        : routes_(routes), access_log_(access_log), users_(users), max_body_(max_body) {}

    // Reads the body, at most max_body_ bytes (0: no limit); true when it is larger.
    bool read_body(Poco::Net::HTTPServerRequest& request, std::string& body) const {
        if (max_body_ == 0) {
            Poco::StreamCopier::copyToString(request.stream(), body);
            return false;
        }
        if (request.hasContentLength() &&
            request.getContentLength64() > static_cast<Poco::Int64>(max_body_))
            return true;
        char buffer[8192];
        auto& in = request.stream();
        while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
            body.append(buffer, static_cast<std::size_t>(in.gcount()));
            if (body.size() > max_body_) return true;
        }
        return false;
    }

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
        const auto started = std::chrono::steady_clock::now();
        std::string body;
        const bool too_large = read_body(request, body);
        api_response answer;
        if (!authorized(request, users_)) {
            answer = error_response(401, "basic auth failed");
            response.set("WWW-Authenticate", "Basic realm=\"easegress-basic-auth\"");
        } else if (too_large) {
            answer =
                error_response(413, "the request body is larger than " + std::to_string(max_body_) +
                                        " bytes (" + std::string(max_body_option) + ")");
            response.setKeepAlive(false);
        } else {
            answer = routes_.handle(request.getMethod(), request.getURI(), body);
        }
        if (!answer.config_version.empty()) response.set("X-Config-Version", answer.config_version);
        response.setStatusAndReason(
            static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status));
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
    const credentials& users_;
    std::size_t max_body_;
};

class route_factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    route_factory(const admin_routes& routes, logger* access_log, const credentials& users,
                  std::size_t max_body)
        : routes_(routes), access_log_(access_log), users_(users), max_body_(max_body) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new route_handler(routes_, access_log_, users_, max_body_);
    }

private:
    const admin_routes& routes_;
    logger* access_log_;
    const credentials& users_;
    std::size_t max_body_;
};

// The listening socket: plain, or TLS with the certificate (and client CA) of the settings.
std::unique_ptr<Poco::Net::ServerSocket> listening_socket(const admin_server_settings& s) {
    const Poco::Net::SocketAddress address(s.address);
    if (!s.tls) {
        auto socket = std::make_unique<Poco::Net::ServerSocket>();
        socket->bind(address, true);
        socket->listen(256);
        return socket;
    }
    Poco::Net::initializeSSL();
    const bool mutual = !s.tls->client_ca_file.empty();
    Poco::Net::Context::Ptr context = new Poco::Net::Context(
        Poco::Net::Context::TLS_SERVER_USE, s.tls->key_file, s.tls->cert_file,
        s.tls->client_ca_file,
        mutual ? Poco::Net::Context::VERIFY_STRICT : Poco::Net::Context::VERIFY_NONE, 9, false,
        "ALL:!ADH:!LOW:!EXP:!MD5:@STRENGTH");
    // OpenSSL refuses to verify clients without a session id context, which this sets.
    context->enableSessionCache(true, "easegress-admin-api");
    // A client certificate is checked against the CA, not against the client's host name.
    context->enableExtendedCertificateVerification(false);
    context->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                              Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
    auto socket = std::make_unique<Poco::Net::SecureServerSocket>(context);
    socket->bind(address, true);
    socket->listen(256);
    return socket;
}

}  // namespace

admin_server::admin_server(admin_server_settings settings, const admin_routes& routes)
    : settings_(std::move(settings)), routes_(routes) {}

admin_server::~admin_server() { stop(); }

void admin_server::start() {
    std::unique_ptr<Poco::Net::ServerSocket> socket;
    try {
        socket = listening_socket(settings_);
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot listen on " + settings_.address + ": " + e.displayText());
    }
    port_ = socket->address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(settings_.max_threads);
    params->setMaxQueued(1024);
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(10, 0));
    params->setServerName("easegress");
    pool_ = std::make_unique<Poco::ThreadPool>(2, settings_.max_threads + 1, 60, 256 * 1024);
    server_ = std::make_unique<Poco::Net::HTTPServer>(
        new route_factory(routes_, settings_.access_log, settings_.basic_auth,
                          settings_.max_body_bytes),
        *pool_, *socket, params);
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
