import SocketCore
import Synchronization

/// What a server measured with its control port and metrics endpoint on
/// is asked while it serves, so that the cost of answering is in its CPU
/// figure: `stats` on the control socket and `GET /metrics` once a second
/// each, as an operator's monitoring would.
public struct ControlEndpoints: Sendable, Equatable {
    /// The control port's UNIX socket.
    public var controlPath: String
    /// The metrics endpoint's port on 127.0.0.1.
    public var metricsPort: UInt16

    public init(controlPath: String, metricsPort: UInt16) {
        self.controlPath = controlPath
        self.metricsPort = metricsPort
    }

    /// The server options that turn both on.
    public var arguments: [String] {
        ["--control", controlPath, "--metrics", "127.0.0.1:\(metricsPort)"]
    }

    /// A port on 127.0.0.1 that nothing listens on now (bound, then closed:
    /// another program could take it meanwhile, which the server's start
    /// would then report).
    public static func freePort() throws(SocketError) -> UInt16 {
        let socket = try Socket(family: .ipv4, type: .stream)
        defer { try? socket.close() }
        try socket.bind(to: .loopbackIPv4(port: 0))
        guard case .ipv4(_, let port) = try socket.localAddress else { return 0 }
        return port
    }
}

/// Asks a server's control port and metrics endpoint once a second, on a
/// thread of its own, until stopped; counts the answers it got.
final class ControlScraper: Sendable {
    private let endpoints: ControlEndpoints
    private let state = Mutex((stopping: false, running: false, answers: 0, failures: 0))

    init(_ endpoints: ControlEndpoints) { self.endpoints = endpoints }

    func start() {
        state.withLock { $0.running = true }
        do {
            try PosixThread.startDetached { [self] in
                while !state.withLock({ $0.stopping }) {
                    let answered = ask(.unix(path: endpoints.controlPath), Array("stats\n".utf8))
                    let scraped = ask(
                        .loopbackIPv4(port: endpoints.metricsPort),
                        Array("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
                    state.withLock {
                        $0.answers += (answered ? 1 : 0) + (scraped ? 1 : 0)
                        $0.failures += (answered ? 0 : 1) + (scraped ? 0 : 1)
                    }
                    for _ in 0..<10 where !state.withLock({ $0.stopping }) { Pause.sleep(for: .milliseconds(100)) }
                }
                state.withLock { $0.running = false }
            }
        } catch {
            state.withLock { $0.running = false }
        }
    }

    /// Stops the thread and waits for it; returns the answers and failures.
    func stop() -> (answers: Int, failures: Int) {
        state.withLock { $0.stopping = true }
        while state.withLock({ $0.running }) { Pause.sleep(for: .milliseconds(10)) }
        return state.withLock { ($0.answers, $0.failures) }
    }

    /// Sends `request` and reads until the server closes or a line has come
    /// (the control port answers one line and stays open).
    private func ask(_ address: SocketAddress, _ request: [UInt8]) -> Bool {
        guard let socket = try? Socket(family: address.family, type: .stream) else { return false }
        defer { try? socket.close() }
        do throws(SocketError) {
            try socket.setOption(.receiveTimeout, to: .seconds(2))
            try socket.setOption(.sendTimeout, to: .seconds(2))
            _ = try socket.connect(to: address, timeout: .seconds(2))
            try socket.sendAll(request)
            var received = 0
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                guard let count = try socket.receive(into: &buffer).value, count > 0 else { break }
                received += count
                if address.family == .unix && buffer[..<count].contains(UInt8(ascii: "\n")) { break }
            }
            return received > 0
        } catch {
            return false
        }
    }
}
