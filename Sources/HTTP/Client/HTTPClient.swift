import Glibc
import SocketCore

/// An HTTP/1.1 client: sends requests and reads their responses, keeping
/// one connection per origin open for the next request to it (RFC 9112
/// section 9.3).
///
/// Every exchange has one deadline, `timeout` after it starts, that bounds
/// all of it: resolving, connecting, sending, and each read of the
/// response, its body included, and every redirect followed. A kept
/// connection that the server closed while it was idle (its keep-alive
/// timeout) is found out when the request gets no byte of answer; the
/// client then connects again and sends the request once more, if it is
/// idempotent (RFC 9110 section 9.2.2).
///
/// A client is used by one thread at a time.
public final class HTTPClient {
    /// How long one exchange may take, from the start of `send` to the end
    /// of the body.
    public var timeout: Duration
    /// How many redirects `send(_:followRedirects:body:)` follows in a row.
    public var maximumRedirects = 10
    /// Called with each step of an exchange (`sockworks get -v`).
    public var onEvent: ((ClientEvent) -> Void)?
    private var connections: [HTTPURL.Origin: ClientConnection] = [:]

    public init(timeout: Duration = .seconds(30)) {
        self.timeout = timeout
    }

    deinit { close() }

    /// Closes every kept connection.
    public func close() {
        for connection in connections.values { connection.close() }
        connections.removeAll()
    }

    /// Sends `request` and streams the final response's body to `body`,
    /// following redirects when asked (their own bodies are read and
    /// dropped). `onHead` sees the final response's head before its body.
    @discardableResult
    public func send(
        _ request: ClientRequest, followRedirects: Bool = false, onHead: (ResponseHead) -> Void = { _ in },
        body: BodySink
    ) throws(HTTPClientError) -> ClientResponse {
        let deadline = MonotonicInstant.now.advanced(by: timeout)
        var current = request
        var redirects = 0
        while true {
            try current.validate()
            var next: ClientRequest?
            let (head, trailers, length) = try exchange(current, deadline: deadline) { head throws(HTTPClientError) in
                if followRedirects { next = try RedirectRule.request(after: head, of: current) }
                if next == nil { onHead(head) }
            } body: { bytes in
                if next == nil { try body(bytes) }
            }
            guard let following = next else {
                return ClientResponse(
                    head: head, trailers: trailers, bodyBytes: length, url: current.url, redirects: redirects)
            }
            guard redirects < maximumRedirects else { throw .tooManyRedirects(limit: maximumRedirects) }
            redirects += 1
            current = following
        }
    }

    /// Sends `request` and gathers the final response's body, refusing one
    /// larger than `maximumBodyBytes`.
    public func fetch(_ request: ClientRequest, followRedirects: Bool = false, maximumBodyBytes: Int = 64 << 20)
        throws(HTTPClientError) -> (response: ClientResponse, body: [UInt8])
    {
        var gathered: [UInt8] = []
        let response = try send(request, followRedirects: followRedirects) { bytes in
            guard gathered.count + bytes.count <= maximumBodyBytes else {
                throw HTTPClientError.bodyTooLarge(limit: maximumBodyBytes)
            }
            gathered.append(contentsOf: bytes)
        }
        return (response, gathered)
    }

    /// One request and its response on the origin's connection, sent again
    /// on a new connection when a kept one turns out to be closed.
    private func exchange(
        _ request: ClientRequest, deadline: MonotonicInstant,
        onHead: (ResponseHead) throws(HTTPClientError) -> Void, body: BodySink
    ) throws(HTTPClientError) -> (ResponseHead, HTTPFields, Int64) {
        let origin = request.url.origin
        var retried = false
        while true {
            let connection = try connection(to: origin, deadline: deadline)
            let reused = connection.completedExchanges > 0
            var headError: HTTPClientError?
            do throws(HTTPClientError) {
                let result = try connection.exchange(
                    request, deadline: deadline, onEvent: { onEvent?($0) },
                    onHead: { head in
                        do throws(HTTPClientError) { try onHead(head) } catch { headError = error }
                    },
                    body: { bytes in
                        if let headError { throw headError }
                        try body(bytes)
                    })
                if let headError { throw headError }
                if !connection.isReusable { drop(origin) }
                return result
            } catch {
                drop(origin)
                let idleClose = reused && !connection.responseStarted && !retried && request.isIdempotent
                guard idleClose, error.isClosedConnection else { throw error }
                retried = true
                onEvent?(.reconnecting(origin))
            }
        }
    }

    private func connection(to origin: HTTPURL.Origin, deadline: MonotonicInstant) throws(HTTPClientError)
        -> ClientConnection
    {
        if let kept = connections[origin] {
            onEvent?(.reusing(kept.address))
            return kept
        }
        let connection = try ClientConnection.open(to: origin, deadline: deadline)
        onEvent?(.connected(connection.address))
        connections[origin] = connection
        return connection
    }

    private func drop(_ origin: HTTPURL.Origin) {
        connections.removeValue(forKey: origin)?.close()
    }
}

extension HTTPClientError {
    /// The ways a connection the server has closed shows itself to a
    /// request: no answer at all, a reset, a broken pipe on writing.
    var isClosedConnection: Bool {
        switch self {
        case .closedBeforeResponse: true
        case .connectionFailed(let error): error.code == ECONNRESET || error.code == EPIPE
        default: false
        }
    }
}
