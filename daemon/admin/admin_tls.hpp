#pragma once
// admin TLS: the admin API's TLS sessions (OpenSSL) live in a module of their own,
// eg_admin_tls.so, that the daemon loads only when `tls` is on. OpenSSL then costs the members
// that serve plain HTTP nothing (about 3 MiB of resident memory each).
//  - build tree and installation alike: the module is at <dir of easegress-server>/
//    EG_TLS_MODULE_DIR_FROM_BIN/eg_admin_tls.so (../lib/eg, or the libdir's eg/ when installed);
//  - it exports one C function that makes a TLS server context from the certificate, key and
//    client CA (client CA set: a client certificate it signed is required and verified).

#include "daemon/admin/admin_server.hpp"
#include "daemon/http/tls_session.hpp"

#include <string>

namespace eg::server {

inline constexpr const char* admin_tls_module_name = "eg_admin_tls.so";
inline constexpr const char* admin_tls_function_name = "eg_admin_tls_context";

// A TLS server context (the caller owns it), or nullptr with the reason in `error`.
using admin_tls_context_function = tls_server_context* (*)(const admin_tls& tls,
                                                           std::string& error);

// The module's function, loaded on first use; throws std::runtime_error saying what is missing.
admin_tls_context_function admin_tls_listener();

}  // namespace eg::server

extern "C" eg::server::tls_server_context* eg_admin_tls_context(const eg::server::admin_tls& tls,
                                                                std::string& error);
