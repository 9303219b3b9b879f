import Glibc
import TestSupport

/// A response as the test read it off the wire, independently of the
/// HTTP module's parsers.
struct WireResponse: Sendable {
    let status: Int
    let statusLine: String
    let fields: [(name: String, value: String)]
    let body: [UInt8]

    /// The first value of `name`, compared case-insensitively.
    func field(_ name: String) -> String? {
        fields.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var text: String { String(decoding: body, as: UTF8.self) }
}

struct WireError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A raw HTTP/1.1 connection to the server under test: requests go out as
/// the test wrote them, byte for byte, and responses are read by their
/// Content-Length, their chunks (a CGI script's body without a length), or
/// to the close (one for an HTTP/1.0 client).
final class WireClient {
    let socket: TestSocket
    private var buffer: [UInt8] = []
    /// The server closed the connection.
    private(set) var sawEndOfStream = false

    init(port: UInt16) throws {
        socket = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
        let failure = socket.connect(port: port)
        guard failure == 0 else { throw WireError("connect: \(String(cString: strerror(failure)))") }
    }

    deinit { socket.close() }

    func send(_ text: String) throws { try socket.sendAll(Array(text.utf8)) }
    func send(_ bytes: [UInt8]) throws { try socket.sendAll(bytes) }

    /// Reads one response; `head` says it answers a HEAD request (no body),
    /// `untilClose` that a body without a length ends with the connection.
    func response(head: Bool = false, untilClose: Bool = false, seconds: Int = 5) throws -> WireResponse {
        let end = try fill(until: { buffer in Self.find([13, 10, 13, 10], in: buffer) }, seconds: seconds)
        let headBytes = Array(buffer[..<end])
        buffer.removeFirst(end + 4)
        let lines = String(decoding: headBytes, as: UTF8.self).components(separatedBy: "\r\n")
        let statusLine = lines[0]
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw WireError("not a status line: \(statusLine.debugDescription)")
        }
        var fields: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw WireError("not a field: \(line.debugDescription)") }
            fields.append(
                (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: [" ", "\t"])))
        }
        let length = fields.first { $0.name.lowercased() == "content-length" }.flatMap { Int($0.value) }
        let chunked = fields.contains { $0.name.lowercased() == "transfer-encoding" && $0.value == "chunked" }
        var body: [UInt8] = []
        if !head && status != 304 && status != 204 && status >= 200 {
            if chunked {
                body = try chunks(seconds: seconds)
            } else if let length {
                _ = try fill(until: { $0.count >= length ? length : nil }, seconds: seconds)
                body = Array(buffer[..<length])
                buffer.removeFirst(length)
            } else if untilClose {
                do {
                    _ = try fill(until: { _ in nil }, seconds: seconds)
                } catch  where sawEndOfStream {}
                body = buffer
                buffer = []
            } else {
                throw WireError("a response without Content-Length: \(statusLine)")
            }
        }
        return WireResponse(status: status, statusLine: statusLine, fields: fields, body: body)
    }

    /// A chunked body (RFC 9112 section 7.1), its chunks joined.
    private func chunks(seconds: Int) throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let lineEnd = try fill(until: { Self.find([13, 10], in: $0) }, seconds: seconds)
            let sizeText = String(decoding: buffer[..<lineEnd], as: UTF8.self)
            guard let size = Int(sizeText.prefix { $0 != ";" }, radix: 16) else {
                throw WireError("not a chunk size: \(sizeText.debugDescription)")
            }
            buffer.removeFirst(lineEnd + 2)
            if size == 0 {
                let end = try fill(until: { Self.find([13, 10], in: $0) }, seconds: seconds)
                guard end == 0 else { throw WireError("trailer fields after the last chunk") }
                buffer.removeFirst(2)
                return body
            }
            _ = try fill(until: { $0.count >= size + 2 ? size : nil }, seconds: seconds)
            guard buffer[size] == 13, buffer[size + 1] == 10 else { throw WireError("a chunk without its CRLF") }
            body += buffer[..<size]
            buffer.removeFirst(size + 2)
        }
    }

    /// Reads a chunked body after `response(head: true)` without keeping
    /// it: returns its length, calling `progress` about every MiB.
    func streamedBody(seconds: Int = 10, progress: () -> Void) throws -> Int {
        var total = 0
        var sinceProgress = 0
        while true {
            let lineEnd = try fill(until: { Self.find([13, 10], in: $0) }, seconds: seconds)
            guard let size = Int(String(decoding: buffer[..<lineEnd], as: UTF8.self), radix: 16) else {
                throw WireError("not a chunk size")
            }
            buffer.removeFirst(lineEnd + 2)
            if size == 0 {
                _ = try fill(until: { $0.count >= 2 ? 2 : nil }, seconds: seconds)
                buffer.removeFirst(2)
                return total
            }
            var left = size + 2
            while left > 0 {
                if buffer.isEmpty { _ = try fill(until: { $0.isEmpty ? nil : 0 }, seconds: seconds) }
                let taken = min(left, buffer.count)
                buffer.removeFirst(taken)
                left -= taken
            }
            total += size
            sinceProgress += size
            if sinceProgress >= 1 << 20 {
                sinceProgress = 0
                progress()
            }
        }
    }

    /// Whether the server closes the connection (end of stream) within
    /// `seconds`, with nothing more sent.
    func closesConnection(seconds: Int = 5) -> Bool {
        guard buffer.isEmpty else { return false }
        return (try? socket.receiveEndOfStream(seconds: seconds)) != nil
    }

    /// Reads until `found` gives an index; throws at end of stream or after `seconds`.
    private func fill(until found: ([UInt8]) -> Int?, seconds: Int) throws -> Int {
        try socket.setReceiveTimeout(seconds)
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let index = found(buffer) { return index }
            let count = chunk.withUnsafeMutableBytes { recv(socket.fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            if count == 0 { sawEndOfStream = true }
            guard count > 0 else {
                throw WireError(count == 0 ? "end of stream after \(buffer.count) bytes" : "recv: timed out or failed")
            }
            buffer += chunk[..<count]
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<start + needle.count]) == needle { return start }
        }
        return nil
    }
}

/// `GET PATH HTTP/1.1` with a Host field and `extra` lines, ready to send.
func getRequest(_ path: String, method: String = "GET", _ extra: [String] = []) -> String {
    (["\(method) \(path) HTTP/1.1", "Host: localhost"] + extra).joined(separator: "\r\n") + "\r\n\r\n"
}
