import COpenSSL

/// A TLS session a later connection to the same server may resume: an FTP
/// data connection resumes its control connection's (RFC 4217 section
/// 10.2 lets a server require it), and resumption skips the certificate
/// exchange.
///
/// It holds one reference to OpenSSL's `SSL_SESSION`, which OpenSSL shares
/// between connections and threads under its own lock; the session is not
/// changed once it is handed out here.
public final class TLSSession: @unchecked Sendable {
    let pointer: OpaquePointer

    /// Takes over a reference the caller holds (from `SSL_get1_session`).
    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        SSL_SESSION_free(pointer)
    }
}
