import Glibc
import TestSupport

/// A loopback server of the tests' own, in plain Glibc, that answers each
/// connection it accepts with a script: the hostile and broken servers the
/// client must cope with. It serves `connections` connections one after
/// another on a thread of its own, then stops; every wait is bounded.
final class ScriptedServer: Sendable {
    /// One accepted connection, as a script sees it.
    final class Connection {
        let fd: Int32
        private var pending: [UInt8] = []
        init(fd: Int32) { self.fd = fd }

        /// Reads one request head (and a body of its Content-Length); nil
        /// when the client closed first.
        func readRequest() -> String? {
            while true {
                if let end = pending.firstRange(of: Array("\r\n\r\n".utf8)) {
                    let head = String(decoding: pending[..<end.upperBound], as: UTF8.self)
                    var used = end.upperBound
                    if let line = head.split(separator: "\r\n").first(where: {
                        $0.lowercased().hasPrefix("content-length:")
                    }),
                        let length = Int(line.split(separator: ":")[1].trimmingPrefix(" "))
                    {
                        while pending.count < used + length { guard receive() else { return nil } }
                        used += length
                    }
                    pending.removeFirst(used)
                    return head
                }
                guard receive() else { return nil }
            }
        }

        private func receive() -> Bool {
            var buffer = [UInt8](repeating: 0, count: 65536)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return false }
            pending += buffer[..<count]
            return true
        }

        /// Sends `text`; false once the client has gone.
        @discardableResult
        func send(_ text: String) -> Bool { send(Array(text.utf8)) }

        @discardableResult
        func send(_ bytes: [UInt8]) -> Bool {
            var offset = 0
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes {
                    Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                guard sent > 0 else { return false }
                offset += sent
            }
            return true
        }

        /// Sends `text` a byte at a time, a millisecond apart: every split.
        func trickle(_ text: String) {
            for byte in text.utf8 {
                guard send([byte]) else { return }
                usleep(1000)
            }
        }
    }

    let port: UInt16
    private let listener: Int32
    private let thread: BackgroundThread<[String]>

    /// Starts serving; `script` runs once per connection and returns the
    /// request heads it read.
    init(connections: Int = 1, _ script: @escaping @Sendable (Connection) -> [String]) throws {
        let socket = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
        port = try socket.bind()
        guard listen(socket.fd, 16) == 0 else { throw TestSocketError("listen") }
        try socket.setReceiveTimeout(10)
        let fd = dup(socket.fd)
        socket.close()
        listener = fd
        thread = BackgroundThread {
            var requests: [String] = []
            for _ in 0..<connections {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { break }
                var timeout = timeval(tv_sec: 10, tv_usec: 0)
                setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                var on: Int32 = 1
                setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
                requests += script(Connection(fd: client))
                close(client)
            }
            return requests
        }
    }

    /// The request heads the scripts read, once every connection is done.
    func requests() throws -> [String] {
        defer { close(listener) }
        return try thread.value(timeout: .seconds(30))
    }

    /// `http://127.0.0.1:PORT/path`.
    func url(_ path: String = "/") -> String { "http://127.0.0.1:\(port)\(path)" }
}
