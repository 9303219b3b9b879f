import Servers

/// Writes a response's status line and header fields into a session's
/// output, in the order nginx and lighttpd send them. The per-response
/// parts are copied from prepared bytes: the status line of the common
/// codes, the `Date` line of the current second, the entity's fields that
/// the file cache made once.
enum ResponseHeadWriter {
    /// How the connection goes on after this response.
    enum Persistence {
        /// Kept open, as the request's version does by default (no field).
        case implied
        /// Kept open for an HTTP/1.0 client that asked (`Connection: keep-alive`).
        case keepAlive
        /// Closed after this response (`Connection: close`).
        case close
    }

    static func write(
        status: HTTPStatus, contentLength: Int64?, fieldLines: [UInt8], persistence: Persistence,
        date: [UInt8], server: [UInt8], to output: inout OutputQueue
    ) {
        output.append(contentsOf: statusLine(status))
        output.append(contentsOf: server)
        output.append(contentsOf: date)
        if let contentLength { appendContentLength(contentLength, to: &output) }
        output.append(contentsOf: fieldLines)
        switch persistence {
        case .implied: break
        case .keepAlive: output.append(contentsOf: keepAliveLine)
        case .close: output.append(contentsOf: closeLine)
        }
        output.append(contentsOf: endOfHead)
    }

    /// `Server: NAME\r\n`.
    static func serverLine(_ name: String) -> [UInt8] { Array("Server: \(name)\r\n".utf8) }

    static func statusLine(_ status: HTTPStatus) -> [UInt8] {
        switch status.code {
        case 200: ok
        case 304: notModified
        case 206: partialContent
        case 404: notFound
        default: Array("HTTP/1.1 \(status.code) \(status.reason)\r\n".utf8)
        }
    }

    /// Appends `Content-Length: N\r\n`, its digits written without a String.
    static func appendContentLength(_ length: Int64, to output: inout OutputQueue) {
        output.append(contentsOf: contentLengthPrefix)
        // Twenty digits hold any UInt64, and two more the line's end.
        var text: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &text) { buffer in
            buffer[21] = 0x0A
            buffer[20] = 0x0D
            var end = 20
            var value = UInt64(max(0, length))
            repeat {
                end -= 1
                buffer[end] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            } while value > 0
            output.append(UnsafeRawBufferPointer(rebasing: buffer[end..<22]))
        }
    }

    private static let ok = Array("HTTP/1.1 200 OK\r\n".utf8)
    private static let partialContent = Array("HTTP/1.1 206 Partial Content\r\n".utf8)
    private static let notModified = Array("HTTP/1.1 304 Not Modified\r\n".utf8)
    private static let notFound = Array("HTTP/1.1 404 Not Found\r\n".utf8)
    private static let contentLengthPrefix = Array("Content-Length: ".utf8)
    private static let keepAliveLine = Array("Connection: keep-alive\r\n".utf8)
    private static let closeLine = Array("Connection: close\r\n".utf8)
    private static let endOfHead = Array("\r\n".utf8)
}
