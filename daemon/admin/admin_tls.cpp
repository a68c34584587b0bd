// The eg_admin_tls module: TLS sessions for the admin API on OpenSSL (see admin_tls.hpp and
// tls_session.hpp). Each session reads from and writes to memory buffers, so SSL_accept,
// SSL_read and SSL_write never block and the server's event loop drives them.

#include "daemon/admin/admin_tls.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <memory>

namespace {

using eg::server::tls_session;

// The reasons OpenSSL queued for the last failure, oldest first; the queue is emptied.
std::string openssl_errors() {
    std::string text;
    while (const unsigned long code = ERR_get_error()) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        if (!text.empty()) text += "; ";
        text += buffer;
    }
    return text.empty() ? "unknown TLS error" : text;
}

class openssl_session final : public tls_session {
public:
    explicit openssl_session(SSL_CTX* context) : ssl_(SSL_new(context)) {
        if (ssl_ == nullptr) return;
        incoming_ = BIO_new(BIO_s_mem());
        outgoing_ = BIO_new(BIO_s_mem());
        if (incoming_ == nullptr || outgoing_ == nullptr) {
            BIO_free(incoming_);
            BIO_free(outgoing_);
            SSL_free(ssl_);
            ssl_ = nullptr;
            return;
        }
        SSL_set_bio(ssl_, incoming_, outgoing_);  // the session owns both from now on
        SSL_set_accept_state(ssl_);
    }
    ~openssl_session() override {
        if (ssl_ != nullptr) SSL_free(ssl_);
    }
    openssl_session(const openssl_session&) = delete;
    openssl_session& operator=(const openssl_session&) = delete;

    bool usable() const { return ssl_ != nullptr; }

    void put_received(std::string_view cipher) override {
        if (!cipher.empty()) BIO_write(incoming_, cipher.data(), static_cast<int>(cipher.size()));
    }

    status read(std::string& plain) override {
        ERR_clear_error();
        if (!handshake_done_) {
            const int done = SSL_do_handshake(ssl_);
            if (done != 1) return after(done);
            handshake_done_ = true;
        }
        char buffer[16 * 1024];
        while (true) {
            const int n = SSL_read(ssl_, buffer, sizeof buffer);
            if (n <= 0) return after(n);
            plain.append(buffer, static_cast<std::size_t>(n));
        }
    }

    bool handshake_done() const override { return handshake_done_; }

    status write(std::string_view plain) override {
        ERR_clear_error();
        while (!plain.empty()) {
            // Memory buffers take everything: a write is whole or fails.
            const int n = SSL_write(ssl_, plain.data(), static_cast<int>(plain.size()));
            if (n <= 0) return after(n);
            plain.remove_prefix(static_cast<std::size_t>(n));
        }
        return status::ok;
    }

    void close() override {
        ERR_clear_error();
        if (handshake_done_) SSL_shutdown(ssl_);
        ERR_clear_error();
    }

    void take_outgoing(std::string& out) override {
        char buffer[16 * 1024];
        while (BIO_ctrl_pending(outgoing_) > 0) {
            const int n = BIO_read(outgoing_, buffer, sizeof buffer);
            if (n <= 0) break;
            out.append(buffer, static_cast<std::size_t>(n));
        }
    }

    std::string failure() const override { return failure_; }

private:
    // What an SSL_* call that returned `result` <= 0 means.
    status after(int result) {
        switch (SSL_get_error(ssl_, result)) {
            case SSL_ERROR_WANT_READ:
            case SSL_ERROR_WANT_WRITE:
                return status::ok;
            case SSL_ERROR_ZERO_RETURN:
                return status::closed;
            default:
                failure_ = openssl_errors();
                return status::failed;
        }
    }

    SSL* ssl_;
    BIO* incoming_ = nullptr;
    BIO* outgoing_ = nullptr;
    bool handshake_done_ = false;
    std::string failure_;
};

class openssl_context final : public eg::server::tls_server_context {
public:
    explicit openssl_context(SSL_CTX* context) : context_(context) {}
    ~openssl_context() override { SSL_CTX_free(context_); }
    openssl_context(const openssl_context&) = delete;
    openssl_context& operator=(const openssl_context&) = delete;

    std::unique_ptr<tls_session> new_session() override {
        auto session = std::make_unique<openssl_session>(context_);
        if (!session->usable()) return nullptr;
        return session;
    }

private:
    SSL_CTX* context_;
};

}  // namespace

extern "C" eg::server::tls_server_context* eg_admin_tls_context(const eg::server::admin_tls& tls,
                                                                std::string& error) {
    ERR_clear_error();
    SSL_CTX* context = SSL_CTX_new(TLS_server_method());
    if (context == nullptr) {
        error = "cannot make a TLS context: " + openssl_errors();
        return nullptr;
    }
    auto fail = [&](const std::string& what) -> eg::server::tls_server_context* {
        error = what + ": " + openssl_errors();
        SSL_CTX_free(context);
        return nullptr;
    };
    SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
    // No renegotiation (a client could make the server work for nothing), idle sessions keep no
    // buffers.
    SSL_CTX_set_options(context, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_mode(context, SSL_MODE_RELEASE_BUFFERS);
    if (SSL_CTX_use_certificate_chain_file(context, tls.cert_file.c_str()) != 1)
        return fail("cannot load the certificate " + tls.cert_file);
    if (SSL_CTX_use_PrivateKey_file(context, tls.key_file.c_str(), SSL_FILETYPE_PEM) != 1)
        return fail("cannot load the key " + tls.key_file);
    if (SSL_CTX_check_private_key(context) != 1)
        return fail("the key " + tls.key_file + " does not match the certificate");
    static const unsigned char session_id_context[] = "easegress-admin-api";
    SSL_CTX_set_session_id_context(context, session_id_context, sizeof session_id_context - 1);
    if (!tls.client_ca_file.empty()) {
        if (SSL_CTX_load_verify_locations(context, tls.client_ca_file.c_str(), nullptr) != 1)
            return fail("cannot load the client CA " + tls.client_ca_file);
        STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.client_ca_file.c_str());
        if (names == nullptr) return fail("cannot read the client CA " + tls.client_ca_file);
        SSL_CTX_set_client_CA_list(context, names);
        // Client certificate required, and signed by the CA.
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
        SSL_CTX_set_verify_depth(context, 9);
    }
    return new openssl_context(context);
}
