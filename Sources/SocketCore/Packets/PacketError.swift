import Glibc

/// A failure reported by the C core's packet codec: the negative errno it
/// returned, and which operation returned it.
///
/// The codec's conventions (see `sockcore.h`): `EBADMSG` for malformed input,
/// `ENOSPC` for an output buffer too small, `EINVAL` for an impossible field.
public struct PacketError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The errno value (positive), as `errno.h` defines it.
    public let code: Int32
    /// The C function that failed, e.g. `sc_ipv4_parse`.
    public let operation: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// The input was malformed: truncated, a length that lies, a short quote.
    /// The corresponding C constant is `EBADMSG`.
    public var isMalformed: Bool { code == EBADMSG }
    /// The output buffer was too small. The corresponding C constant is `ENOSPC`.
    public var isBufferTooSmall: Bool { code == ENOSPC }
    /// An argument was out of range. The corresponding C constant is `EINVAL`.
    public var isInvalidArgument: Bool { code == EINVAL }

    public var description: String {
        "\(operation): \(errnoName(code)) (\(String(cString: strerror(code))))"
    }
}

/// Turns a C core return value into a byte count, or throws the errno it carries.
@inline(__always)
func checkCore(_ result: Int32, _ operation: String) throws(PacketError) -> Int {
    if result < 0 { throw PacketError(code: -result, operation: operation) }
    return Int(result)
}

/// The symbolic name of an errno value, e.g. `EBADMSG`; the number when unknown.
public func errnoName(_ code: Int32) -> String {
    switch code {
    case EPERM: "EPERM"
    case ENOENT: "ENOENT"
    case EINTR: "EINTR"
    case EIO: "EIO"
    case EBADF: "EBADF"
    case EAGAIN: "EAGAIN"
    case ENOMEM: "ENOMEM"
    case EACCES: "EACCES"
    case EFAULT: "EFAULT"
    case EBUSY: "EBUSY"
    case EEXIST: "EEXIST"
    case EINVAL: "EINVAL"
    case EMFILE: "EMFILE"
    case ENFILE: "ENFILE"
    case ENOSPC: "ENOSPC"
    case EPIPE: "EPIPE"
    case ERANGE: "ERANGE"
    case ENOSYS: "ENOSYS"
    case EBADMSG: "EBADMSG"
    case EPROTO: "EPROTO"
    case EMSGSIZE: "EMSGSIZE"
    case ENOTSUP: "ENOTSUP"
    case EADDRINUSE: "EADDRINUSE"
    case EADDRNOTAVAIL: "EADDRNOTAVAIL"
    case ENETUNREACH: "ENETUNREACH"
    case ECONNABORTED: "ECONNABORTED"
    case ECONNRESET: "ECONNRESET"
    case ENOBUFS: "ENOBUFS"
    case ENOTCONN: "ENOTCONN"
    case ETIMEDOUT: "ETIMEDOUT"
    case ECONNREFUSED: "ECONNREFUSED"
    case EHOSTUNREACH: "EHOSTUNREACH"
    case EINPROGRESS: "EINPROGRESS"
    case EALREADY: "EALREADY"
    default: "errno \(code)"
    }
}
