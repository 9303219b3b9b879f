import Foundation
import Glibc
import TestSupport

/// A test's own connection to a control port, in plain Glibc (as
/// `TestSocket` is), so that a bug in the server's socket code cannot hide
/// itself by being on both sides of the test.
final class ControlTestSocket {
    private(set) var fd: Int32
    private var buffered: [UInt8] = []

    /// Connects to the UNIX socket at `path`.
    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestSocketError("socket") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            for (index, byte) in path.utf8.enumerated() where index < bytes.count - 1 { bytes[index] = byte }
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0 else {
            let error = TestSocketError("connect \(path)")
            Glibc.close(fd)
            fd = -1
            throw error
        }
    }

    /// Connects to 127.0.0.1:PORT.
    init(port: UInt16) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestSocketError("socket") }
        var address = loopbackAddress(port: port)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            let error = TestSocketError("connect 127.0.0.1:\(port)")
            Glibc.close(fd)
            fd = -1
            throw error
        }
    }

    deinit { close() }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    /// Sends every byte (MSG_NOSIGNAL: a closed peer is an error, not a signal).
    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw TestSocketError("send") }
            sent += count
        }
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// The next line without its LF; nil at end of stream. Throws when none
    /// comes within `seconds`.
    func readLine(seconds: Int = 5) throws -> String? {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line
            }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw TestSocketError("no line within \(seconds) s") }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(
                left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
            let ready = poll(&entry, 1, max(1, milliseconds))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && errno == ECONNRESET { return nil }
            guard count >= 0 else { throw TestSocketError("recv") }
            if count == 0 { return nil }
            buffered += chunk[..<count]
        }
    }

    /// Sends `line` with its LF and returns the reply, parsed.
    func ask(_ line: String, seconds: Int = 5) throws -> ControlReply {
        try send(line + "\n")
        guard let reply = try readLine(seconds: seconds) else {
            throw TestSocketError("closed before a reply to \(line)")
        }
        return try ControlReply(reply)
    }
}

/// One reply line of the control port, parsed by Foundation's JSON reader
/// (not the server's writer, which it checks).
struct ControlReply: CustomStringConvertible {
    let text: String
    let object: [String: Any]

    init(_ text: String) throws {
        self.text = text
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw TestSocketError("not a JSON object: \(text)")
        }
        self.object = object
    }

    var ok: Bool { object["ok"] as? Bool == true }
    var error: String? { object["error"] as? String }
    var description: String { text }

    func number(_ key: String) -> Double? { (object[key] as? NSNumber)?.doubleValue }
    func count(_ key: String) -> Int? { (object[key] as? NSNumber)?.intValue }
    func string(_ key: String) -> String? { object[key] as? String }
    func list(_ key: String) -> [[String: Any]] { object[key] as? [[String: Any]] ?? [] }
}
