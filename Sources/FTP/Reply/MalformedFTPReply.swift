/// Why a server's reply, or a part of one, was refused: a phrase for an
/// error message ("a reply line without a reply code").
///
/// This file imports nothing, so the fuzzer compiles it alone.
public struct MalformedFTPReply: Error, Hashable, Sendable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
