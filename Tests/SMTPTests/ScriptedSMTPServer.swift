import Glibc
import SocketCore
import TestSupport

/// A loopback SMTP server of the tests' own, in plain Glibc, that plays a
/// script on the one connection it accepts: the refusing, broken and
/// hostile servers the client must cope with. It records every line it
/// reads; once the script is done it goes on recording until the client
/// closes, answering QUIT. Every wait is bounded.
final class ScriptedSMTPServer: Sendable {
    enum Step: Sendable {
        /// Sends these bytes as they are (CR LF included by the script).
        case send(String)
        /// Reads one line (CR LF ended) and records it.
        case read
        /// Reads the message data up to and including "CR LF . CR LF" and
        /// records it whole, as one entry.
        case readData
        /// Closes the connection, recording nothing more.
        case close
    }

    let port: UInt16
    private let listener: Int32
    private let thread: BackgroundThread<[String]>

    init(_ steps: [Step]) throws {
        let socket = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
        port = try socket.bind()
        guard listen(socket.fd, 4) == 0 else { throw TestSocketError("listen") }
        try socket.setReceiveTimeout(10)
        let fd = dup(socket.fd)
        socket.close()
        listener = fd
        thread = BackgroundThread {
            let client = accept(fd, nil, nil)
            guard client >= 0 else { throw TestFailure("accept: errno \(errno)") }
            defer { Glibc.close(client) }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let connection = Connection(fd: client)
            for step in steps {
                switch step {
                case .send(let text): connection.send(text)
                case .read: guard connection.readLine() else { return connection.received }
                case .readData: guard connection.readData() else { return connection.received }
                case .close: return connection.received
                }
            }
            while connection.readLine() {
                if connection.received.last == "QUIT" { connection.send("221 2.0.0 bye\r\n") }
            }
            return connection.received
        }
    }

    /// What the server read: each line without its CR LF, the data as one
    /// entry with its line ends; once the connection has ended.
    func received() throws -> [String] {
        defer { Glibc.close(listener) }
        return try thread.value(timeout: .seconds(30))
    }

    /// A client of the server, connected.
    func connect() throws -> Socket {
        let socket = try Socket(family: .ipv4, type: .stream)
        try socket.connect(to: .loopbackIPv4(port: port), timeout: .seconds(5))
        return socket
    }

    private final class Connection {
        let fd: Int32
        var received: [String] = []
        private var pending: [UInt8] = []

        init(fd: Int32) { self.fd = fd }

        /// Reads up to `end`; false when the connection ended first (what
        /// came is recorded too).
        private func read(through end: [UInt8], whole: Bool) -> Bool {
            while true {
                if let range = pending.firstRange(of: end) {
                    let upTo = whole ? range.upperBound : range.lowerBound
                    received.append(String(decoding: pending[..<upTo], as: UTF8.self))
                    pending.removeFirst(range.upperBound)
                    return true
                }
                var buffer = [UInt8](repeating: 0, count: 65536)
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                guard count > 0 else {
                    if !pending.isEmpty { received.append(String(decoding: pending, as: UTF8.self)) }
                    pending = []
                    return false
                }
                pending += buffer[..<count]
            }
        }

        func readLine() -> Bool { read(through: [0x0D, 0x0A], whole: false) }

        func readData() -> Bool {
            // The data may be a lone ".\r\n" right after DATA's reply.
            if pending.starts(with: [0x2E, 0x0D, 0x0A]) {
                received.append(".\r\n")
                pending.removeFirst(3)
                return true
            }
            return read(through: Array("\r\n.\r\n".utf8), whole: true)
        }

        func send(_ text: String) {
            let bytes = Array(text.utf8)
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
