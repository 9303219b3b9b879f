import Glibc

/// A failed socket call: the errno the kernel returned, the call, and what it
/// was called on.
///
/// Its description is one line, e.g.
/// `connect(127.0.0.1:9): ECONNREFUSED (Connection refused)`.
public struct SocketError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The errno value (positive), as `errno.h` defines it.
    public let code: Int32
    /// The system call that failed, e.g. `connect`.
    public let call: String
    /// What the call was made on, e.g. `127.0.0.1:9` or `SO_REUSEADDR`; nil when
    /// nothing useful can be said.
    public let detail: String?

    public init(code: Int32, call: String, detail: String? = nil) {
        self.code = code
        self.call = call
        self.detail = detail
    }

    /// The symbolic name of `code`, e.g. `ECONNREFUSED`.
    public var name: String { socketErrnoName(code) }

    /// The C library's message for `code`, e.g. `Connection refused`.
    // glibc's strerror is thread-safe since 2.32 (a per-thread buffer for
    // unknown codes).
    public var message: String { String(cString: strerror(code)) }

    /// True when a timeout expired: a connect timeout (`ETIMEDOUT`), or a
    /// send or receive timeout (`SO_SNDTIMEO`/`SO_RCVTIMEO`), which the kernel
    /// reports as `EAGAIN`.
    public var isTimeout: Bool { code == ETIMEDOUT || code == EAGAIN }

    public var description: String {
        let subject = detail.map { "\(call)(\($0))" } ?? call
        return "\(subject): \(name) (\(message))"
    }
}

/// `errnoName` with the socket errnos it does not know yet.
func socketErrnoName(_ code: Int32) -> String {
    switch code {
    case ENOTSOCK: "ENOTSOCK"
    case EISCONN: "EISCONN"
    case EAFNOSUPPORT: "EAFNOSUPPORT"
    case EPROTONOSUPPORT: "EPROTONOSUPPORT"
    case EPROTOTYPE: "EPROTOTYPE"
    case ENOPROTOOPT: "ENOPROTOOPT"
    case ESHUTDOWN: "ESHUTDOWN"
    case EDESTADDRREQ: "EDESTADDRREQ"
    case ENOTDIR: "ENOTDIR"
    case ENAMETOOLONG: "ENAMETOOLONG"
    case EHOSTDOWN: "EHOSTDOWN"
    case ENETDOWN: "ENETDOWN"
    case ENETRESET: "ENETRESET"
    case ELOOP: "ELOOP"
    case EROFS: "EROFS"
    // The same number as ENOTSUP on Linux; sockets say it this way.
    case EOPNOTSUPP: "EOPNOTSUPP"
    default: errnoName(code)
    }
}
