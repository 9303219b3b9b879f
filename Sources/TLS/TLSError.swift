import Streams

/// Why a TLS handshake, or the making of its context, failed.
///
/// After the handshake, reads and writes fail with `StreamError`s as every
/// stream's do (a TLS failure among them is `StreamError.tls(reason:)`).
public enum TLSError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The server's certificate was refused: OpenSSL's verification reason,
    /// e.g. `hostname mismatch`, `self-signed certificate`.
    case certificateRefused(reason: String)
    /// The handshake failed for another reason: an alert from the server or
    /// a protocol error, e.g. `unsupported protocol`.
    case handshakeFailed(reason: String)
    /// The stream below failed during the handshake (timed out, ended,
    /// reset).
    case stream(StreamError)
    /// The configuration cannot be used: an unreadable CA file, a server
    /// name OpenSSL refuses.
    case badConfiguration(reason: String)

    public var description: String {
        switch self {
        case .certificateRefused(let reason): "the server's certificate was refused: \(reason)"
        case .handshakeFailed(let reason): "the TLS handshake failed: \(reason)"
        case .stream(let error): "the connection failed during the TLS handshake: \(error)"
        case .badConfiguration(let reason): "bad TLS configuration: \(reason)"
        }
    }
}
