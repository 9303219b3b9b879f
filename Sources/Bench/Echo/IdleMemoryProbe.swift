import Glibc
import SocketCore

/// What idle open connections cost a server: a fresh server process (so
/// no memory freed by earlier runs is reused), its PSS after one echo,
/// then again with `connections` connections open that have each echoed
/// one byte and then stay idle.
struct IdleMemoryProbe {
    var connections: Int
    var cpu: Int?
    /// What each connection does once before it idles: echo one byte, or
    /// GET a file and read the whole response.
    var exchange: Exchange = .echo

    enum Exchange {
        case echo
        case get(HTTPFile)
    }

    func measure(_ target: EchoTarget) async throws -> IdleMemory {
        let count = connections
        let exchange = exchange
        return try await withServer(target, cpu: cpu) { server in
            func echoOnce(_ socket: Socket) throws {
                try socket.setOption(.receiveTimeout, to: .seconds(10))
                switch exchange {
                case .echo:
                    try socket.sendAll([0x2a])
                    guard try socket.receive(maxCount: 1).value == [0x2a] else {
                        throw BenchError("idle-memory probe: no echo from \(target.name)")
                    }
                case .get(let file):
                    try getOnce(file, over: socket, port: server.port, from: target.name)
                }
            }
            func connect() throws -> Socket {
                let socket = try Socket(family: .ipv4, type: .stream)
                try socket.connect(to: .loopbackIPv4(port: server.port), timeout: .seconds(10))
                return socket
            }
            let first = try connect()
            try echoOnce(first)
            try first.close()
            try await Task.sleep(for: .milliseconds(200))
            let baseline = server.tree.memory()
            var open: [Socket] = []
            defer { for socket in open { try? socket.close() } }
            for _ in 0..<count {
                let socket = try connect()
                open.append(socket)
                try echoOnce(socket)
            }
            try await Task.sleep(for: .milliseconds(200))
            let loaded = server.tree.memory()
            return IdleMemory(
                server: target.name, connections: count,
                baselineRSSKiB: baseline.residentKiB, loadedRSSKiB: loaded.residentKiB,
                baselinePSSKiB: baseline.proportionalKiB, loadedPSSKiB: loaded.proportionalKiB)
        }
    }
}

/// One keep-alive GET of `file`, read to the end of its body (the length
/// is known: the benchmark wrote the file).
private func getOnce(_ file: HTTPFile, over socket: Socket, port: UInt16, from name: String) throws {
    try socket.sendAll(Array("GET \(file.path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n\r\n".utf8))
    var received: [UInt8] = []
    let end = Array("\r\n\r\n".utf8)
    while true {
        let bytes = try socket.receive(maxCount: 65536).value
        guard let bytes, !bytes.isEmpty else { throw BenchError("idle-memory probe: \(name) closed the connection") }
        received += bytes
        if let head = received.firstRange(of: end), received.count - head.upperBound >= file.size { return }
    }
}
