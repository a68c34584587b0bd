#pragma once
// tls session: the server side of one TLS connection, without a socket. The event loop moves
// bytes between the socket and the session: what it receives goes in with put_received, what
// the session has to send comes out of take_outgoing; plaintext comes out of read and goes in
// with write. Nothing here blocks, so one thread can serve many TLS connections. The
// implementation (OpenSSL) lives in the eg_admin_tls module (see admin_tls.hpp).

#include <memory>
#include <string>
#include <string_view>

namespace eg::server {

class tls_session {
public:
    enum class status { ok, closed, failed };

    virtual ~tls_session() = default;

    // Ciphertext received from the peer.
    virtual void put_received(std::string_view cipher) = 0;
    // Goes on with the handshake, then appends the plaintext it can decrypt to `plain`: ok
    // (maybe nothing yet), closed (the peer ended the session) or failed (see failure()).
    virtual status read(std::string& plain) = 0;
    virtual bool handshake_done() const = 0;
    // Encrypts `plain` (handshake done); the ciphertext waits in take_outgoing.
    virtual status write(std::string_view plain) = 0;
    // Ends the session (close_notify), to be sent like any ciphertext.
    virtual void close() = 0;
    // Appends the ciphertext to be sent to the peer to `out`.
    virtual void take_outgoing(std::string& out) = 0;
    // Why the session failed.
    virtual std::string failure() const = 0;
};

// Sessions with one certificate, key and (optionally) client CA.
class tls_server_context {
public:
    virtual ~tls_server_context() = default;
    virtual std::unique_ptr<tls_session> new_session() = 0;
};

}  // namespace eg::server
