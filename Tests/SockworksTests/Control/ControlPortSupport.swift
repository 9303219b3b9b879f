import Foundation
import Glibc
import SocketCore
import TestSupport

/// What `sockworks control` printed, read as JSON, and its exit status.
struct ControlCommandRun {
    let exitCode: Int32?
    let text: String
    let object: [String: Any]

    var ok: Bool { object["ok"] as? Bool == true }
    var error: String? { object["error"] as? String }
    func number(_ key: String) -> Int? { (object[key] as? NSNumber)?.intValue }
}

/// Runs `sockworks control ADDRESS COMMAND...`.
func runControl(_ address: String, _ command: [String], options: [String] = []) async throws -> ControlCommandRun {
    let run = try await runSockworks(["control"] + options + [address] + command)
    let text = run.standardOutput.trimmingCharacters(in: .newlines)
    let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    return ControlCommandRun(exitCode: run.exitCode, text: text, object: object)
}

/// A raw control connection, for what the client command never sends.
final class RawControlClient {
    let socket: Socket

    init(_ path: String) throws {
        socket = try Socket(family: .unix, type: .stream)
        _ = try socket.connect(to: .unix(path: path), timeout: .seconds(5))
    }

    func send(_ bytes: [UInt8]) throws { try socket.sendAll(bytes) }

    /// The next reply line, or nil when the server closed the connection.
    func line(timeout: Duration = .seconds(15)) throws -> String? {
        var bytes: [UInt8] = []
        let deadline = MonotonicInstant.now + timeout
        while true {
            let left = deadline - .now
            guard left > .zero, try socket.waitUntilReadable(timeout: left) else { throw TimedOut() }
            var byte: [UInt8] = [0]
            let count = try byte.withUnsafeMutableBytes { try socket.receive(into: $0, waiting: false) }
            guard case .processed(let received) = count else { continue }
            if received == 0 { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if byte[0] == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte[0])
        }
    }

    func close() { try? socket.close() }

    struct TimedOut: Error {}
}

/// Opens a TCP connection to an echo server, sends `bytes` and reads the echo.
func echoOpen(_ bytes: [UInt8], port: UInt16) throws -> Socket {
    let socket = try Socket(family: .ipv4, type: .stream)
    _ = try socket.connect(to: .ipv4(IPv4Address(127, 0, 0, 1), port: port), timeout: .seconds(5))
    try socket.sendAll(bytes)
    let echo = try receive(bytes.count, on: socket)
    guard echo == bytes else { throw TestFailure("echo \(echo) of \(bytes)") }
    return socket
}

/// Reads until `count` bytes came, the peer closed or `timeout` passed
/// (generous: a loaded machine runs the whole suite at once).
func receive(_ count: Int, on socket: Socket, timeout: Duration = .seconds(20)) throws -> [UInt8] {
    var received: [UInt8] = []
    let deadline = MonotonicInstant.now + timeout
    while received.count < count {
        let left = deadline - .now
        guard left > .zero, try socket.waitUntilReadable(timeout: left) else { break }
        guard case .processed(let chunk) = try socket.receive(maxCount: 65536) else { continue }
        if chunk.isEmpty { break }
        received += chunk
    }
    return received
}
