import Glibc
import SocketCore
import Streams

/// Why a request got no complete response, in words fit to print as they
/// are after `sockworks: `.
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is not an `http` URL this client takes.
    case invalidURL(String, reason: String)
    /// A scheme other than `http` (`https` until the client speaks TLS).
    case unsupportedScheme(String)
    /// The request itself cannot be sent (a bad field name or value).
    case invalidRequest(String)
    /// The host name did not resolve.
    case cannotResolve(ResolverError)
    /// No address of the host took the connection: the last one's error
    /// (`ECONNREFUSED` when nothing listens there).
    case cannotConnect(host: String, SocketError)
    /// The exchange's deadline passed; `during` says what was awaited.
    case timedOut(during: String)
    /// The server closed the connection before a byte of the response.
    case closedBeforeResponse
    /// The server closed the connection with the response unfinished.
    case closedMidResponse(String)
    /// The response breaks RFC 9112; it was refused and the connection closed.
    case malformedResponse(ResponseParseError)
    /// The chunked body breaks RFC 9112 section 7.1.
    case malformedBody(String)
    /// A system call on the connection failed (a reset, say).
    case connectionFailed(SocketError)
    /// The body is larger than the caller's limit for gathering it.
    case bodyTooLarge(limit: Int)
    /// More redirects in a row than the limit.
    case tooManyRedirects(limit: Int)
    /// Where the body was going refused it (a full disk, a closed pipe).
    case bodyOutputFailed(String)

    public var description: String {
        switch self {
        case .invalidURL(let text, let reason): "\(String(reflecting: text)) is not a URL this client takes: \(reason)"
        case .unsupportedScheme(let scheme):
            scheme == "https" ? "https is not supported yet (no TLS): use http://" : "\(scheme): is not http"
        case .invalidRequest(let why): "invalid request: \(why)"
        case .cannotResolve(let error): "cannot resolve \(error)"
        case .cannotConnect(let host, let error):
            error.code == ECONNREFUSED
                ? "connection refused by \(host): \(error)" : "cannot connect to \(host): \(error)"
        case .timedOut(let during): "timed out \(during)"
        case .closedBeforeResponse: "the server closed the connection without a response"
        case .closedMidResponse(let what): "the server closed the connection \(what)"
        case .malformedResponse(let error): "malformed response: \(error)"
        case .malformedBody(let why): "malformed chunked body: \(why)"
        case .connectionFailed(let error): "connection failed: \(error)"
        case .bodyTooLarge(let limit): "the body is larger than \(limit) bytes"
        case .tooManyRedirects(let limit): "more than \(limit) redirects"
        case .bodyOutputFailed(let why): "cannot write the body: \(why)"
        }
    }

    /// The error of a stream call, `during` saying what it was for.
    init(_ error: StreamError, during: String) {
        switch error {
        case .timedOut: self = .timedOut(during: during)
        case .system(let error): self = .connectionFailed(error)
        // The HTTP client speaks no TLS: a TLS failure cannot reach it.
        case .endOfStream, .tooLong, .tls: self = .closedMidResponse(during)
        }
    }
}
