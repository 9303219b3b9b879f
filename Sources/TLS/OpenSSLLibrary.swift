import COpenSSL

/// OpenSSL's one-time set-up, done by the first TLS context of the process.
///
/// Without it OpenSSL sets itself up on first use and registers a clean-up
/// at exit; that clean-up runs while other threads may still hold
/// OpenSSL's per-thread state (its error queue), which it then frees from
/// under them, and the state of threads still alive is left unreachable,
/// which a leak checker reports at exit. The process's exit frees
/// everything anyway: `OPENSSL_INIT_NO_ATEXIT` leaves it to that.
enum OpenSSLLibrary {
    private static let initialized: Bool = {
        OPENSSL_init_ssl(UInt64(OPENSSL_INIT_NO_ATEXIT), nil) == 1
    }()

    /// Sets OpenSSL up once; later calls do nothing.
    static func initialize() {
        _ = initialized
    }
}
