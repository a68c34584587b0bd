#pragma once
// admin TLS: the admin API's HTTPS listener lives in a module of its own, eg_admin_tls.so, that
// the daemon loads only when `tls` is on. OpenSSL and Poco's NetSSL then cost the members that
// serve plain HTTP nothing (about 3 MiB of resident memory each).
//  - build tree and installation alike: the module is at <dir of easegress-server>/
//    EG_TLS_MODULE_DIR_FROM_BIN/eg_admin_tls.so (../lib/eg, or the libdir's eg/ when installed);
//  - it exports one C function that binds and listens with the certificate, key and client CA.

#include "daemon/admin_server.hpp"

namespace Poco::Net {
class ServerSocket;
class SocketAddress;
}  // namespace Poco::Net

namespace eg::server {

inline constexpr const char* admin_tls_module_name = "eg_admin_tls.so";
inline constexpr const char* admin_tls_function_name = "eg_admin_tls_listener";

// A TLS listening socket bound to address (the caller owns it); throws Poco::Exception.
using admin_tls_listener_function = Poco::Net::ServerSocket* (*)(const admin_tls& tls,
                                                                 const Poco::Net::SocketAddress&);

// The module's function, loaded on first use; throws std::runtime_error saying what is missing.
admin_tls_listener_function admin_tls_listener();

}  // namespace eg::server

extern "C" Poco::Net::ServerSocket* eg_admin_tls_listener(const eg::server::admin_tls& tls,
                                                          const Poco::Net::SocketAddress& address);
