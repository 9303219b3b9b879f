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

    /// `operation: ENAME (text)`, as every failed call prints.
    public var description: String { SystemError(code: code, call: operation).description }
}

/// Turns a C core return value into a byte count, or throws the errno it carries.
@inline(__always)
func checkCore(_ result: Int32, _ operation: String) throws(PacketError) -> Int {
    if result < 0 { throw PacketError(code: -result, operation: operation) }
    return Int(result)
}
