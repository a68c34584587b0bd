// The eg_admin_tls module: an HTTPS listener for the admin API (see admin_tls.hpp).

#include "daemon/admin_tls.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <memory>

extern "C" Poco::Net::ServerSocket* eg_admin_tls_listener(const eg::server::admin_tls& tls,
                                                          const Poco::Net::SocketAddress& address) {
    Poco::Net::initializeSSL();
    const bool mutual = !tls.client_ca_file.empty();
    Poco::Net::Context::Ptr context = new Poco::Net::Context(
        Poco::Net::Context::TLS_SERVER_USE, tls.key_file, tls.cert_file, tls.client_ca_file,
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
    return socket.release();
}
