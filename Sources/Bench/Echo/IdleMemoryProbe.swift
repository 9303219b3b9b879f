import Glibc
import SocketCore

/// What idle open connections cost a server: a fresh server process (so
/// no memory freed by earlier runs is reused), its PSS after one echo,
/// then again with `connections` connections open that have each echoed
/// one byte and then stay idle.
struct IdleMemoryProbe {
    var connections: Int
    var cpu: Int?

    func measure(_ target: EchoTarget) async throws -> IdleMemory {
        let count = connections
        return try await withServer(target, cpu: cpu) { server in
            func echoOnce(_ socket: Socket) throws {
                try socket.setOption(.receiveTimeout, to: .seconds(10))
                try socket.sendAll([0x2a])
                guard try socket.receive(maxCount: 1).value == [0x2a] else {
                    throw BenchError("idle-memory probe: no echo from \(target.name)")
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
