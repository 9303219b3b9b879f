import Glibc
import SocketCore
import Streams

/// Where a body's bytes go, a piece at a time as they arrive; the bytes
/// are lent for the call only.
public typealias BodySink = (UnsafeRawBufferPointer) throws -> Void

/// One connection to an origin, over a byte stream, and the exchanges on it
/// one after another (RFC 9112 section 9: no pipelining).
final class ClientConnection {
    let origin: HTTPURL.Origin
    let address: SocketAddress
    private let stream: any ByteStream
    private let input: ResponseInput
    private let writer: BufferedWriter
    /// Exchanges completed on this connection.
    private(set) var completedExchanges = 0
    /// Whether a byte of the current exchange's response has arrived.
    private(set) var responseStarted = false
    /// Whether the connection may carry another exchange.
    private(set) var isReusable = true

    init(origin: HTTPURL.Origin, address: SocketAddress, stream: any ByteStream) {
        self.origin = origin
        self.address = address
        self.stream = stream
        input = ResponseInput(stream)
        writer = BufferedWriter(stream, capacity: 16 * 1024)
    }

    /// Connects to the first address of the origin's host that answers,
    /// before `deadline` (`Socket.connectStream`). The head goes out in one
    /// write; the body after it should not wait for the head's
    /// acknowledgement: TCP_NODELAY.
    static func open(to origin: HTTPURL.Origin, deadline: MonotonicInstant) throws(HTTPClientError) -> ClientConnection
    {
        do {
            let (socket, address) = try Socket.connectStream(toHost: origin.host, port: origin.port, deadline: deadline)
            return ClientConnection(origin: origin, address: address, stream: socket)
        } catch {
            switch error {
            case .cannotResolve(let failure): throw .cannotResolve(failure)
            case .failed(let failure): throw .cannotConnect(host: origin.description, failure)
            case .timedOut: throw .timedOut(during: "connecting to \(origin)")
            }
        }
    }

    /// Sends `request` and reads its response to the end: interim (1xx)
    /// responses are skipped, the head of the final one goes to `onHead`
    /// before its body goes to `body`. After a failure the connection is
    /// not reusable.
    func exchange(
        _ request: ClientRequest, deadline: MonotonicInstant, onEvent: (ClientEvent) -> Void,
        onHead: (ResponseHead) -> Void, body: BodySink
    ) throws(HTTPClientError) -> (head: ResponseHead, trailers: HTTPFields, bodyBytes: Int64) {
        responseStarted = false
        isReusable = false
        let head = RequestHeadWriter.bytes(of: request)
        onEvent(.requestHead(head))
        do throws(StreamError) {
            try writer.write(head, deadline: deadline)
            if let content = request.body { try writer.write(content, deadline: deadline) }
            try writer.flush(deadline: deadline)
        } catch {
            throw HTTPClientError(error, during: "sending the request")
        }
        var response = try readHead(deadline: deadline)
        while response.isInterim {
            // 101 would hand the connection to another protocol, which no
            // request of this client asks for (RFC 9110 section 15.2.2).
            guard response.status.code != 101 else {
                throw .malformedResponse(.malformedStatusLine("101 Switching Protocols, never asked for"))
            }
            onEvent(.responseHead(response))
            response = try readHead(deadline: deadline)
        }
        let framing: ResponseBodyFraming
        do throws(ResponseParseError) {
            framing = try response.bodyFraming(requestMethod: request.method)
        } catch {
            throw .malformedResponse(error)
        }
        onEvent(.responseHead(response))
        onHead(response)
        var trailers = HTTPFields()
        let length: Int64
        switch framing {
        case .none: length = 0
        case .contentLength(let count): length = try readBody(count: count, deadline: deadline, into: body)
        case .chunked: (length, trailers) = try readChunkedBody(deadline: deadline, into: body)
        case .untilClose: length = try readBodyUntilClose(deadline: deadline, into: body)
        }
        completedExchanges += 1
        isReusable = framing != .untilClose && response.keepsConnection
        return (response, trailers, length)
    }

    func close() {
        try? stream.close(deadline: nil)
    }

    /// Reads one response head (RFC 9112 sections 4 and 5).
    private func readHead(deadline: MonotonicInstant) throws(HTTPClientError) -> ResponseHead {
        var parser = ResponseHeadParser()
        while true {
            if input.count > 0 {
                responseStarted = true
                let parsed: (head: ResponseHead, consumed: Int)?
                do throws(ResponseParseError) {
                    parsed = try input.withUnread { (bytes) throws(ResponseParseError) in try parser.parse(bytes) }
                } catch {
                    throw .malformedResponse(error)
                }
                if let parsed {
                    input.consume(parsed.consumed)
                    return parsed.head
                }
            }
            let read = try fill(deadline: deadline, during: "waiting for the response head")
            if read == 0 {
                throw responseStarted ? .closedMidResponse("in the middle of the response head") : .closedBeforeResponse
            }
        }
    }

    /// A body of `count` bytes (RFC 9112 section 6.3 item 6); fewer bytes
    /// and the end of the connection is an error, never a short success.
    private func readBody(count: Int64, deadline: MonotonicInstant, into body: BodySink) throws(HTTPClientError)
        -> Int64
    {
        var remaining = count
        while remaining > 0 {
            if input.count == 0 {
                guard try fill(deadline: deadline, during: "reading the body") > 0 else {
                    throw .closedMidResponse("after \(count - remaining) of the \(count) bytes of the body")
                }
            }
            let piece = Int(min(remaining, Int64(input.count)))
            try input.withUnread { (bytes) throws(HTTPClientError) in
                try deliver(UnsafeRawBufferPointer(rebasing: bytes[..<piece]), to: body)
            }
            input.consume(piece)
            remaining -= Int64(piece)
        }
        return count
    }

    /// A body that ends where the connection does (RFC 9112 section 6.3 item 8).
    private func readBodyUntilClose(deadline: MonotonicInstant, into body: BodySink) throws(HTTPClientError)
        -> Int64
    {
        var total: Int64 = 0
        while true {
            if input.count > 0 {
                let piece = input.count
                try input.withUnread { (bytes) throws(HTTPClientError) in try deliver(bytes, to: body) }
                input.consume(piece)
                total += Int64(piece)
            }
            guard try fill(deadline: deadline, during: "reading the body") > 0 else { return total }
        }
    }

    /// One read of the connection, its failure in the client's words.
    func fill(deadline: MonotonicInstant, during: String) throws(HTTPClientError) -> Int {
        do {
            return try input.fill(deadline: deadline)
        } catch {
            throw HTTPClientError(error, during: during)
        }
    }

    var unread: ResponseInput { input }
}

/// Hands bytes to the caller's sink, its failure as `.bodyOutputFailed`.
func deliver(_ bytes: UnsafeRawBufferPointer, to body: BodySink) throws(HTTPClientError) {
    do {
        try body(bytes)
    } catch let error as HTTPClientError {
        throw error
    } catch {
        throw .bodyOutputFailed("\(error)")
    }
}
