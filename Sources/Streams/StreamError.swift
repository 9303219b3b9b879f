import SocketCore

/// Why a stream call or a buffered read failed, in words a protocol can
/// report as they are.
public enum StreamError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The deadline passed before the call could complete.
    case timedOut
    /// The stream ended in the middle of what was asked for (a line without
    /// its end, fewer bytes than `read(exactly:)` wanted); `received` bytes
    /// of it had arrived.
    case endOfStream(received: Int)
    /// A line (or a record up to a delimiter) was longer than the caller's
    /// limit of `maxLength` bytes, its end not counted.
    case tooLong(maxLength: Int)
    /// The call below failed: its errno and name, e.g. `recv: ECONNRESET
    /// (Connection reset by peer)`.
    case system(SocketError)
    /// The TLS layer refused what arrived or could not send (a bad record,
    /// an alert from the peer): OpenSSL's reason, e.g. `bad record mac`.
    case tls(reason: String)

    public var description: String {
        switch self {
        case .timedOut: "timed out"
        case .endOfStream(let received): "the stream ended after \(received) bytes of an unfinished read"
        case .tooLong(let maxLength): "a line longer than \(maxLength) bytes"
        case .system(let error): error.description
        case .tls(let reason): "TLS: \(reason)"
        }
    }
}

/// Runs a SocketCore call, its error reported as `StreamError.system`.
func streamCall<Value>(_ body: () throws(SocketError) -> Value) throws(StreamError) -> Value {
    do {
        return try body()
    } catch {
        throw .system(error)
    }
}
