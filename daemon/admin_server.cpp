#include "daemon/admin_server.hpp"

#include "daemon/admin_tls.hpp"
#include "daemon/graceful_upgrade.hpp"

#include <eg/server_options.hpp>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPBasicCredentials.h>
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

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <thread>

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

// What every request handler works with; it outlives the HTTP server.
struct request_context {
    const admin_routes& routes;
    const admin_server_settings& settings;
    admin_traffic& traffic;
};

class route_handler : public Poco::Net::HTTPRequestHandler {
public:
    explicit route_handler(const request_context& context)
        : routes_(context.routes),
          access_log_(context.settings.access_log),
          users_(context.settings.basic_auth),
          max_body_(context.settings.max_body_bytes),
          traffic_(context.traffic) {
        ++traffic_.in_flight;
    }
    ~route_handler() override {
        traffic_.last_request_end = std::chrono::steady_clock::now().time_since_epoch().count();
        --traffic_.in_flight;
    }

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
        // Stopping: the client is to send its next request on a new connection.
        if (traffic_.closing) response.setKeepAlive(false);
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
    admin_traffic& traffic_;
};

class route_factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit route_factory(const request_context& context) : context_(context) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new route_handler(context_);
    }

private:
    request_context context_;
};

}  // namespace

admin_tls_listener_function admin_tls_listener() {
    static std::mutex loading;
    static admin_tls_listener_function loaded = nullptr;
    std::lock_guard lock(loading);
    if (loaded != nullptr) return loaded;
    const std::filesystem::path path = std::filesystem::path(own_executable()).parent_path() /
                                       EG_TLS_MODULE_DIR_FROM_BIN / admin_tls_module_name;
    // Kept loaded for the life of the process.
    void* module = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (module == nullptr)
        throw std::runtime_error(std::string("cannot load the admin API's TLS support: ") +
                                 ::dlerror());
    loaded =
        reinterpret_cast<admin_tls_listener_function>(::dlsym(module, admin_tls_function_name));
    if (loaded == nullptr)
        throw std::runtime_error(path.string() + " has no " + admin_tls_function_name);
    return loaded;
}

namespace {

// A listening socket on an ephemeral loopback port nobody is told of, in the family of
// `like`, non-blocking: put under a server in place of its real listener, it makes the server
// accept nothing more.
int quiet_listener(int like) {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    if (::getsockname(like, reinterpret_cast<sockaddr*>(&address), &length) != 0) return -1;
    const int fd = ::socket(address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (address.ss_family == AF_INET6) {
        auto& v6 = reinterpret_cast<sockaddr_in6&>(address);
        v6.sin6_addr = in6addr_loopback;
        v6.sin6_port = 0;
    } else {
        auto& v4 = reinterpret_cast<sockaddr_in&>(address);
        v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        v4.sin_port = 0;
    }
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(fd, 1) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Makes `socket` (bound and listening) be the inherited listener: the descriptor number Poco
// knows now refers to the inherited socket.
void adopt_listener(Poco::Net::ServerSocket& socket, int inherited) {
    if (::dup2(inherited, socket.impl()->sockfd()) < 0)
        throw std::runtime_error(std::string("cannot take over the inherited listener: ") +
                                 std::strerror(errno));
    ::close(inherited);
}

// The listening socket: plain, or TLS with the certificate (and client CA) of the settings.
std::unique_ptr<Poco::Net::ServerSocket> listening_socket(const admin_server_settings& s) {
    Poco::Net::SocketAddress address(s.address);
    if (s.inherited_listener >= 0) {
        // Bound for a moment to a port of its own, then replaced by the inherited listener.
        sockaddr_storage inherited{};
        socklen_t length = sizeof(inherited);
        if (::getsockname(s.inherited_listener, reinterpret_cast<sockaddr*>(&inherited), &length) !=
            0)
            throw std::runtime_error(std::string("the inherited listener is not a socket: ") +
                                     std::strerror(errno));
        address =
            Poco::Net::SocketAddress(inherited.ss_family == AF_INET6 ? "[::1]:0" : "127.0.0.1:0");
    }
    if (!s.tls) {
        auto socket = std::make_unique<Poco::Net::ServerSocket>();
        socket->bind(address, true);
        socket->listen(256);
        if (s.inherited_listener >= 0) adopt_listener(*socket, s.inherited_listener);
        return socket;
    }
    std::unique_ptr<Poco::Net::ServerSocket> socket(admin_tls_listener()(*s.tls, address));
    if (s.inherited_listener >= 0) adopt_listener(*socket, s.inherited_listener);
    return socket;
}

}  // namespace

admin_server::admin_server(admin_server_settings settings, const admin_routes& routes)
    : settings_(std::move(settings)), routes_(routes) {}

admin_server::~admin_server() { stop(); }

void admin_server::start() {
    try {
        socket_ = listening_socket(settings_);
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot listen on " + settings_.address + ": " + e.displayText());
    }
    port_ = socket_->address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(settings_.max_threads);
    params->setMaxQueued(1024);
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(10, 0));
    params->setServerName("easegress");
    pool_ = std::make_unique<Poco::ThreadPool>(2, settings_.max_threads + 1, 60, 256 * 1024);
    server_ = std::make_unique<Poco::Net::HTTPServer>(
        new route_factory(request_context{routes_, settings_, *traffic_}), *pool_, *socket_,
        params);
    server_->start();
}

int admin_server::listener_fd() const { return socket_ ? socket_->impl()->sockfd() : -1; }

void admin_server::stop_accepting() {
    if (!socket_ || traffic_->closing) return;
    traffic_->closing = true;
    const int fd = socket_->impl()->sockfd();
    const int quiet = quiet_listener(fd);
    if (quiet >= 0) {
        ::dup2(quiet, fd);  // the real listener lives on only where it was handed over
        ::close(quiet);
    }
}

void admin_server::drain(std::chrono::milliseconds timeout) {
    if (!server_) return;
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + timeout;
    // Quiet: no request being served or queued for a while, so a client that has just
    // connected has had time to send its request.
    constexpr auto quiet_for = std::chrono::milliseconds(200);
    while (clock::now() < deadline) {
        const auto last = clock::time_point(clock::duration(traffic_->last_request_end.load()));
        if (traffic_->in_flight == 0 && server_->queuedConnections() == 0 &&
            clock::now() - last >= quiet_for)
            return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

void admin_server::stop() {
    if (server_) {
        stop_accepting();
        drain(std::chrono::seconds(5));
        server_->stopAll(false);
        server_.reset();
    }
    if (pool_) {
        pool_->joinAll();
        pool_.reset();
    }
    socket_.reset();
}

int admin_server::port() const { return port_; }

}  // namespace eg::server
