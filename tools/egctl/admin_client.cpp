#include "tools/egctl/admin_client.hpp"

#include "tools/egctl/server_url.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/DNS.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/HostEntry.h>
#include <Poco/Net/InvalidCertificateHandler.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/PrivateKeyPassphraseHandler.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/VerificationErrorArgs.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <istream>
#include <memory>
#include <ostream>
#include <utility>
#include <vector>

namespace eg::ctl {

namespace {

// Why the last certificate check failed, in Go's words when there are some.
std::string last_verification_error;  // NOLINT: set from OpenSSL's verify callback

std::string go_x509_reason(int error_number, const std::string& openssl_text) {
    switch (error_number) {
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            return "certificate signed by unknown authority";
        case X509_V_ERR_CERT_HAS_EXPIRED:
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return "certificate has expired or is not yet valid: " + openssl_text;
        default:
            return openssl_text;
    }
}

// Rejects an unverifiable server certificate (never prompts), remembering why.
class rejecting_handler : public Poco::Net::InvalidCertificateHandler {
public:
    rejecting_handler() : InvalidCertificateHandler(false) {}
    void onInvalidCertificate(const void*, Poco::Net::VerificationErrorArgs& args) override {
        last_verification_error = go_x509_reason(args.errorNumber(), args.errorMessage());
        args.setIgnoreError(false);
    }
};

// Encrypted private keys are not supported (nor are they upstream): no passphrase, no prompt.
class no_passphrase : public Poco::Net::PrivateKeyPassphraseHandler {
public:
    no_passphrase() : PrivateKeyPassphraseHandler(false) {}
    void onPrivateKeyRequested(const void*, std::string& passphrase) override {
        passphrase.clear();
    }
};

struct bio_deleter {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct x509_deleter {
    void operator()(X509* x) const { X509_free(x); }
};
struct pkey_deleter {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using x509_ptr = std::unique_ptr<X509, x509_deleter>;

std::vector<x509_ptr> read_certificates(const std::string& pem) {
    std::vector<x509_ptr> certificates;
    std::unique_ptr<BIO, bio_deleter> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr))
        certificates.emplace_back(c);
    ERR_clear_error();
    return certificates;
}

std::unique_ptr<EVP_PKEY, pkey_deleter> read_private_key(const std::string& pem) {
    std::unique_ptr<BIO, bio_deleter> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    char empty_passphrase[] = "";
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, empty_passphrase);
    ERR_clear_error();
    return std::unique_ptr<EVP_PKEY, pkey_deleter>(key);
}

// The CA and client certificate PEM of the current config (files win over *-data fields).
struct tls_material {
    std::optional<std::string> ca;
    std::optional<std::pair<std::string, std::string>> client;  // certificate, key
};

outcome<tls_material> load_tls_material(const current_config* rc) {
    tls_material m;
    if (rc == nullptr) return m;
    const auto& cluster = rc->cluster;
    const auto& user = rc->user;
    if (!user.client_certificate_data.empty() || !user.client_key_data.empty())
        m.client = std::make_pair(user.client_certificate_data, user.client_key_data);
    if (!user.client_certificate.empty() || !user.client_key.empty()) {
        auto certificate = read_file_text(user.client_certificate);
        if (!certificate) return outcome<tls_material>::failure(certificate.error());
        auto key = read_file_text(user.client_key);
        if (!key) return outcome<tls_material>::failure(key.error());
        m.client = std::make_pair(std::move(*certificate), std::move(*key));
    }
    if (!cluster.certificate_authority_data.empty()) m.ca = cluster.certificate_authority_data;
    if (!cluster.certificate_authority.empty()) {
        auto ca = read_file_text(cluster.certificate_authority);
        if (!ca) return outcome<tls_material>::failure(ca.error());
        m.ca = std::move(*ca);
    }
    return m;
}

outcome<Poco::Net::Context::Ptr> make_context(const tls_material& m, bool insecure) {
    using result = outcome<Poco::Net::Context::Ptr>;
    Poco::Net::Context::Params params;
    params.verificationMode =
        insecure ? Poco::Net::Context::VERIFY_NONE : Poco::Net::Context::VERIFY_RELAXED;
    params.loadDefaultCAs = !m.ca.has_value();
    Poco::Net::Context::Ptr context;
    try {
        context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    } catch (const Poco::Exception& e) {
        return result::failure("tls: " + e.displayText());
    }
    SSL_CTX* ssl = context->sslContext();
    if (m.ca) {
        const auto certificates = read_certificates(*m.ca);
        if (certificates.empty()) return result::failure("failed to append CA certificate to pool");
        X509_STORE* store = SSL_CTX_get_cert_store(ssl);
        for (const auto& c : certificates) X509_STORE_add_cert(store, c.get());
        ERR_clear_error();
    }
    if (m.client) {
        auto chain = read_certificates(m.client->first);
        if (chain.empty())
            return result::failure("tls: failed to find any PEM data in certificate input");
        auto key = read_private_key(m.client->second);
        if (!key) return result::failure("tls: failed to find any PEM data in key input");
        if (SSL_CTX_use_certificate(ssl, chain.front().get()) != 1)
            return result::failure("tls: cannot use the client certificate");
        for (std::size_t i = 1; i < chain.size(); ++i)
            if (SSL_CTX_add_extra_chain_cert(ssl, chain[i].get()) == 1) chain[i].release();
        if (SSL_CTX_use_PrivateKey(ssl, key.get()) != 1 || SSL_CTX_check_private_key(ssl) != 1) {
            ERR_clear_error();
            return result::failure("tls: private key does not match public key");
        }
    }
    return context;
}

// A session that, like Go's dialer, tries every address of the host in turn (e.g. 127.0.0.1
// after ::1 for "localhost") when connecting to one fails.
template <class Session>
class all_addresses_session : public Session {
public:
    using Session::Session;

protected:
    void connect(const Poco::Net::SocketAddress& resolved) override {
        std::vector<Poco::Net::SocketAddress> candidates{resolved};
        try {
            const Poco::Net::HostEntry entry = Poco::Net::DNS::resolve(this->getHost());
            for (const auto& ip : entry.addresses())
                if (ip != resolved.host()) candidates.emplace_back(ip, resolved.port());
        } catch (const Poco::Exception&) {
            // connect to the address already resolved only
        }
        for (std::size_t i = 0;; ++i) {
            try {
                Session::connect(candidates[i]);
                return;
            } catch (const Poco::Net::SSLException&) {
                throw;  // connected, but TLS failed: another address would not help
            } catch (const Poco::Exception&) {
                if (i + 1 == candidates.size()) throw;
                this->close();
            }
        }
    }
};

// Go's words for a failed exchange with the server.
std::string transport_reason(const std::string& host) {
    try {
        throw;
    } catch (const Poco::Net::ConnectionRefusedException&) {
        return "connection refused";
    } catch (const Poco::TimeoutException&) {
        return "i/o timeout";
    } catch (const Poco::Net::DNSException&) {
        return "dial tcp: lookup " + host + ": no such host";
    } catch (const Poco::Net::ConnectionResetException&) {
        return "connection reset by peer";
    } catch (const Poco::Net::NoMessageException&) {
        return "EOF";
    } catch (const Poco::Net::SSLException& e) {
        if (!last_verification_error.empty())
            return "tls: failed to verify certificate: x509: " + last_verification_error;
        if (dynamic_cast<const Poco::Net::CertificateValidationException*>(&e))
            return "tls: failed to verify certificate: x509: certificate is not valid for " + host;
        if (e.message().find("wrong version number") != std::string::npos)
            return "http: server gave HTTP response to HTTPS client";
        return "tls: " + e.message();
    } catch (const Poco::Exception& e) {
        return e.displayText();
    } catch (const std::exception& e) {
        return e.what();
    }
}

}  // namespace

struct admin_client::tls_state {
    Poco::Net::Context::Ptr context;
};

admin_client::admin_client(connection_settings settings, const char* home)
    : settings_(std::move(settings)), home_(home ? home : ""), home_set_(home != nullptr) {}

admin_client::~admin_client() {
    tls_.reset();
    if (ssl_initialized_) Poco::Net::uninitializeSSL();
}

outcome<http_response> admin_client::send(std::string_view method, const std::string& url,
                                          std::string_view body) {
    using result = outcome<http_response>;
    Poco::URI uri;
    try {
        uri = Poco::URI(url);
    } catch (const Poco::Exception& e) {
        return result::failure("parse \"" + url + "\": " + e.message());
    }
    const bool https = uri.getScheme() == "https";
    if (!https && uri.getScheme() != "http")
        return result::failure(transport_error(
            method, url, "unsupported protocol scheme \"" + uri.getScheme() + "\""));
    const auto& config = **config_;
    const current_config* rc = config ? &*config : nullptr;
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (https) {
        if (!tls_) {
            const auto material = load_tls_material(rc);
            if (!material) return result::failure(material.error());
            if (!ssl_initialized_) {
                Poco::Net::initializeSSL();
                ssl_initialized_ = true;
            }
            auto context = make_context(*material, settings_.insecure_skip_verify);
            if (!context) return result::failure(context.error());
            tls_ = std::make_unique<tls_state>(tls_state{*context});
            Poco::Net::SSLManager::instance().initializeClient(
                new no_passphrase, new rejecting_handler, tls_->context);
        }
        session = std::make_unique<all_addresses_session<Poco::Net::HTTPSClientSession>>(
            uri.getHost(), uri.getPort(), tls_->context);
    } else {
        session = std::make_unique<all_addresses_session<Poco::Net::HTTPClientSession>>(
            uri.getHost(), uri.getPort());
    }
    const Poco::Timespan timeout(
        std::chrono::duration_cast<std::chrono::microseconds>(settings_.timeout).count());
    session->setTimeout(timeout, timeout, timeout);
    std::string target = uri.getPathEtc();
    if (target.empty()) target = "/";
    Poco::Net::HTTPRequest request(std::string(method), target, Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("User-Agent", "egctl/" EG_VERSION);
    if (rc && !rc->user.username.empty())
        Poco::Net::HTTPBasicCredentials(rc->user.username, rc->user.password).authenticate(request);
    if (!body.empty()) {
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    http_response answer;
    last_verification_error.clear();
    try {
        std::ostream& out = session->sendRequest(request);
        out.write(body.data(), static_cast<std::streamsize>(body.size()));
        Poco::Net::HTTPResponse response;
        std::istream& in = session->receiveResponse(response);
        Poco::StreamCopier::copyToString(in, answer.body);
        answer.status = static_cast<int>(response.getStatus());
    } catch (...) {
        return result::failure(transport_error(method, url, transport_reason(uri.getHost())));
    }
    return answer;
}

outcome<std::string> admin_client::request(std::string_view method, std::string_view path,
                                           std::string_view body) {
    using result = outcome<std::string>;
    if (!config_) config_ = load_current_config(home_set_ ? home_.c_str() : nullptr);
    if (!*config_) return result::failure(config_->error());
    const auto& config = **config_;
    const std::string url =
        make_url(settings_.server, config ? &*config : nullptr, settings_.force_tls, path);
    auto response = send(method, url, body);
    if (!response) return result::failure(response.error());
    if (should_retry_over_https(url, response->status, response->body)) {
        response = send(method, as_https(url), body);
        if (!response) return result::failure(response.error());
    }
    if (!successful_status(response->status))
        return result::failure(api_error_message(response->body));
    return std::move(response->body);
}

}  // namespace eg::ctl
