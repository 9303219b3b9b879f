import Glibc
import TestSupport

/// A loopback FTP server of the tests' own, in plain Glibc, that plays a
/// script on the one control connection it accepts: the broken and hostile
/// servers the client must cope with, and a view of the bytes on a data
/// connection. It records every line it reads and every data connection's
/// bytes; once the script is done it goes on recording until the client
/// closes, answering QUIT. Every wait is bounded.
final class ScriptedFTPServer: Sendable {
    enum Step: Sendable {
        /// Sends these bytes as they are (CR LF included by the script);
        /// "{port}" becomes the data listener's port, "{p1},{p2}" its two
        /// bytes as PASV names them.
        case send(String)
        /// Reads one line (CR LF ended) and records it.
        case read
        /// Accepts a data connection, sends `bytes` on it and closes it.
        case sendData([UInt8])
        /// Accepts a data connection and records what it reads to its end.
        case readData
        /// Closes the control connection, recording nothing more.
        case close
    }

    let port: UInt16
    let dataPort: UInt16
    private let listeners: [Int32]
    private let thread: BackgroundThread<[String]>

    init(_ steps: [Step]) throws {
        let (control, port) = try Self.listener()
        let (data, dataPort) = try Self.listener()
        self.port = port
        self.dataPort = dataPort
        listeners = [control, data]
        thread = BackgroundThread {
            let client = accept(control, nil, nil)
            guard client >= 0 else { throw TestFailure("accept: errno \(errno)") }
            defer { Glibc.close(client) }
            Self.setTimeout(client)
            let connection = Connection(fd: client)
            for step in steps {
                switch step {
                case .send(let text):
                    connection.send(
                        text.replacing("{port}", with: String(dataPort)).replacing("{p1}", with: String(dataPort >> 8))
                            .replacing("{p2}", with: String(dataPort & 0xFF)))
                case .read:
                    guard connection.readLine() else { return connection.received }
                case .sendData(let bytes):
                    let socket = accept(data, nil, nil)
                    guard socket >= 0 else { throw TestFailure("data accept: errno \(errno)") }
                    Connection(fd: socket).send(bytes)
                    Glibc.close(socket)
                case .readData:
                    let socket = accept(data, nil, nil)
                    guard socket >= 0 else { throw TestFailure("data accept: errno \(errno)") }
                    Self.setTimeout(socket)
                    let dataConnection = Connection(fd: socket)
                    connection.received.append(String(decoding: dataConnection.readToEnd(), as: UTF8.self))
                    Glibc.close(socket)
                case .close:
                    return connection.received
                }
            }
            while connection.readLine() {
                if connection.received.last == "QUIT" { connection.send("221 bye\r\n") }
            }
            return connection.received
        }
    }

    /// What the server read: each line without its CR LF, each data
    /// connection's bytes as one entry; once the connection has ended.
    func received() throws -> [String] {
        defer { listeners.forEach { _ = Glibc.close($0) } }
        return try thread.value(timeout: .seconds(30))
    }

    private static func listener() throws -> (Int32, UInt16) {
        let socket = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
        let port = try socket.bind()
        guard listen(socket.fd, 4) == 0 else { throw TestSocketError("listen") }
        try socket.setReceiveTimeout(10)
        let fd = dup(socket.fd)
        socket.close()
        return (fd, port)
    }

    private static func setTimeout(_ fd: Int32) {
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    private final class Connection {
        let fd: Int32
        var received: [String] = []
        private var pending: [UInt8] = []

        init(fd: Int32) { self.fd = fd }

        /// Reads one CR LF ended line; false when the connection ended first
        /// (what came is recorded too).
        func readLine() -> Bool {
            while true {
                if let range = pending.firstRange(of: [0x0D, 0x0A]) {
                    received.append(String(decoding: pending[..<range.lowerBound], as: UTF8.self))
                    pending.removeFirst(range.upperBound)
                    return true
                }
                guard let bytes = receive() else {
                    if !pending.isEmpty { received.append(String(decoding: pending, as: UTF8.self)) }
                    pending = []
                    return false
                }
                pending += bytes
            }
        }

        func readToEnd() -> [UInt8] {
            var all: [UInt8] = []
            while let bytes = receive() { all += bytes }
            return all
        }

        private func receive() -> [UInt8]? {
            var buffer = [UInt8](repeating: 0, count: 65536)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            return count > 0 ? Array(buffer[..<count]) : nil
        }

        func send(_ text: String) { send(Array(text.utf8)) }

        func send(_ bytes: [UInt8]) {
            var offset = 0
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes {
                    Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                guard sent > 0 else { return }
                offset += sent
            }
        }
    }
}
