#ifndef COPENSSL_H
#define COPENSSL_H

// The system's OpenSSL (libssl-dev, 3.0 on Debian 12), for the TLS module.
// What Swift cannot import are the macros over SSL_ctrl, SSL_CTX_ctrl and
// BIO's flags: each has a static inline function of the same meaning here,
// named co_ and the macro's name.

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

/// SSL_set_tlsext_host_name: the name sent in the ClientHello's
/// server_name extension (RFC 6066 section 3). 1 on success.
static inline int co_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

/// SSL_CTX_set_min_proto_version. 1 on success.
static inline int co_SSL_CTX_set_min_proto_version(SSL_CTX *context, int version) {
    return (int)SSL_CTX_set_min_proto_version(context, version);
}

/// SSL_CTX_set_read_ahead.
static inline void co_SSL_CTX_set_read_ahead(SSL_CTX *context, int yes) {
    SSL_CTX_set_read_ahead(context, yes);
}

/// BIO_set_retry_read: the BIO's read should be tried again later.
static inline void co_BIO_set_retry_read(BIO *bio) {
    BIO_set_retry_read(bio);
}

/// BIO_clear_retry_flags.
static inline void co_BIO_clear_retry_flags(BIO *bio) {
    BIO_clear_retry_flags(bio);
}

#endif
