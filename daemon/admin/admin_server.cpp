#include "daemon/admin/admin_server.hpp"

#include "daemon/admin/admin_tls.hpp"
#include "daemon/etcd/etcd_client.hpp"
#include "daemon/process/graceful_upgrade.hpp"

#include <eg/server_options.hpp>

#include <dlfcn.h>

#include <filesystem>
#include <mutex>
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

bool authorized(const http_request& request, const credentials& users) {
    if (users.empty()) return true;
    const std::string* header = request.header("Authorization");
    constexpr std::string_view scheme = "Basic ";
    if (header == nullptr || header->size() <= scheme.size()) return false;
    for (std::size_t i = 0; i < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>((*header)[i])) !=
            std::tolower(static_cast<unsigned char>(scheme[i])))
            return false;
    std::string given;
    try {
        given = etcd::unbase64(std::string_view(*header).substr(scheme.size()));
    } catch (const std::exception&) {
        return false;
    }
    const auto colon = given.find(':');
    if (colon == std::string::npos) return false;
    const std::string user = given.substr(0, colon);
    const std::string password = given.substr(colon + 1);
    bool ok = false;
    for (const auto& [name, secret] : users) ok |= name == user && same_secret(secret, password);
    return ok;
}

http_response to_http(const api_response& answer) {
    http_response response;
    response.status = answer.status;
    if (!answer.config_version.empty())
        response.headers.push_back({"X-Config-Version", answer.config_version});
    if (!answer.content_type.empty())
        response.headers.push_back({"Content-Type", answer.content_type});
    response.body = answer.body;
    return response;
}

}  // namespace

admin_tls_context_function admin_tls_listener() {
    static std::mutex loading;
    static admin_tls_context_function loaded = nullptr;
    std::lock_guard lock(loading);
    if (loaded != nullptr) return loaded;
    const std::filesystem::path path = std::filesystem::path(own_executable()).parent_path() /
                                       EG_TLS_MODULE_DIR_FROM_BIN / admin_tls_module_name;
    // Kept loaded for the life of the process.
    void* module = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (module == nullptr)
        throw std::runtime_error(std::string("cannot load the admin API's TLS support: ") +
                                 ::dlerror());
    loaded = reinterpret_cast<admin_tls_context_function>(::dlsym(module, admin_tls_function_name));
    if (loaded == nullptr)
        throw std::runtime_error(path.string() + " has no " + admin_tls_function_name);
    return loaded;
}

admin_server::admin_server(admin_server_settings settings, const admin_routes& routes)
    : settings_(std::move(settings)), routes_(routes) {}

admin_server::~admin_server() { stop(); }

http_response admin_server::answer(const http_request& request) const {
    if (!authorized(request, settings_.basic_auth)) {
        http_response refused = to_http(error_response(401, "basic auth failed"));
        refused.headers.push_back({"WWW-Authenticate", "Basic realm=\"easegress-basic-auth\""});
        return refused;
    }
    return to_http(routes_.handle(request.method, request.target, request.body));
}

void admin_server::start() {
    http_server_settings s;
    s.address = settings_.address;
    s.inherited_listener = settings_.inherited_listener;
    s.limits.max_head_bytes = settings_.max_head_bytes;
    s.limits.max_target_bytes = settings_.max_target_bytes;
    s.limits.max_header_count = settings_.max_header_count;
    s.limits.max_body_bytes = settings_.max_body_bytes;
    s.limits.body_limit_name = std::string(max_body_option);
    s.header_timeout = settings_.header_timeout;
    s.body_timeout = settings_.body_timeout;
    s.idle_timeout = settings_.idle_timeout;
    s.send_timeout = settings_.send_timeout;
    s.max_connections = settings_.max_connections;
    s.workers = static_cast<std::size_t>(std::max(settings_.max_threads, 1));
    s.max_queued = settings_.max_queued;
    if (settings_.tls) {
        std::string error;
        tls_server_context* context = admin_tls_listener()(*settings_.tls, error);
        if (context == nullptr)
            throw std::runtime_error("cannot serve HTTPS on " + settings_.address + ": " + error);
        s.tls.reset(context);
    }
    s.error_answer = [](int status, const std::string& message) {
        return to_http(error_response(status, message));
    };
    if (logger* log = settings_.access_log) {
        s.on_answer = [log](const http_exchange& e) {
            log->info("admin-api",
                      e.method + " " + e.peer + " " + e.target + " " + std::to_string(e.status) +
                          " rx:" + std::to_string(e.received) + "B tx:" + std::to_string(e.sent) +
                          "B process:" + std::to_string(e.took.count()) + "us");
        };
    }
    server_ = std::make_unique<http_server>(
        std::move(s),
        [this](const http_request& request, const std::string&) { return answer(request); });
    server_->start();
}

int admin_server::listener_fd() const { return server_ ? server_->listener_fd() : -1; }

void admin_server::stop_accepting() {
    if (server_) server_->stop_accepting();
}

void admin_server::drain(std::chrono::milliseconds timeout) {
    if (server_) server_->drain(timeout);
}

void admin_server::stop() {
    if (server_) {
        server_->stop(std::chrono::seconds(5));
        server_.reset();
    }
}

int admin_server::port() const { return server_ ? server_->port() : 0; }

std::size_t admin_server::connections() const { return server_ ? server_->connections() : 0; }

std::size_t admin_server::connection_limit() const {
    return server_ ? server_->connection_limit() : 0;
}

}  // namespace eg::server
