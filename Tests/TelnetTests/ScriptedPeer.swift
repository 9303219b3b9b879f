import Glibc
import TestSupport

/// A Telnet server of the test's own on 127.0.0.1, in plain Glibc (so a
/// bug in SocketCore cannot hide on both sides): it accepts one connection
/// and then `play` sends and receives exactly what the test says.
final class ScriptedPeer: @unchecked Sendable {
    let port: UInt16
    private let listener: TestSocket
    private var connection: Int32 = -1

    init() throws {
        listener = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
        port = try listener.bind()
        guard listen(listener.fd, 1) == 0 else { throw TestSocketError("listen") }
    }

    deinit {
        if connection >= 0 { close(connection) }
    }

    func accept(seconds: Int32 = 5) throws {
        var entry = pollfd(fd: listener.fd, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, seconds * 1000) == 1 else { throw TestFailure("no connection came") }
        connection = Glibc.accept(listener.fd, nil, nil)
        guard connection >= 0 else { throw TestSocketError("accept") }
        listener.close()
    }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes {
                Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard count > 0 else { throw TestSocketError("send") }
            sent += count
        }
    }

    /// Exactly `count` bytes, or what came within `seconds` (fewer).
    func receive(_ count: Int, seconds: Int32 = 5) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: max(count, 1))
        while bytes.count < count {
            var entry = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, seconds * 1000) == 1 else { break }
            let wanted = count - bytes.count
            let received = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, wanted, 0) }
            guard received > 0 else { break }
            bytes += buffer[..<received]
        }
        return bytes
    }

    /// Whatever arrives within `milliseconds`.
    func receiveAnything(milliseconds: Int32 = 200) -> [UInt8] {
        var entry = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, milliseconds) == 1 else { return [] }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let received = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        return received > 0 ? Array(buffer[..<received]) : []
    }

    func closeConnection() {
        if connection >= 0 { close(connection) }
        connection = -1
    }
}
