import HTTP
import Servers
import SocketCore

/// The metrics endpoint's thread: one poll(2) loop over the listener and
/// at most `maxConnections` connections, so a scraper that stalls can hold
/// up neither the others nor, since it never touches them, the server's
/// own threads. Past that many the listener is left unpolled and new
/// connections wait in its backlog.
final class ScrapeLoop {
    static let maxConnections = 4

    private let listener: Socket
    private let control: ServerControl
    private let isStopping: () -> Bool
    private let instruments = ScoreboardInstruments()
    private var connections: [ScrapeConnection] = []

    init(listener: Socket, control: ServerControl, isStopping: @escaping () -> Bool) {
        self.listener = listener
        self.control = control
        self.isStopping = isStopping
    }

    /// Serves until `isStopping` says so (the endpoint's close shuts the
    /// listener down, which wakes the poll), then closes the connections.
    func run() {
        while !isStopping() {
            var poll = PollSet()
            // POLLHUP, which the shutdown raises, is reported even when the
            // listener is not polled for connections.
            let full = connections.count >= Self.maxConnections
            _ = poll.append(descriptor(of: listener), events: full ? [] : .readable)
            for connection in connections {
                _ = poll.append(descriptor(of: connection.socket), events: connection.interest)
            }
            let timeout = connections.map(\.deadline).min().map { max(.zero, $0 - MonotonicInstant.now) }
            do {
                _ = try poll.wait(timeout: timeout)
            } catch {
                ServerLog.warning("metrics endpoint: \(error)")
                break
            }
            if isStopping() { break }
            let served = connections
            for (index, connection) in served.enumerated() where !poll.ready(at: index + 1).isEmpty {
                connection.advance(answer: answer)
            }
            if !poll.ready(at: 0).isEmpty && !full { acceptConnection() }
            let now = MonotonicInstant.now
            for connection in connections { connection.expire(now: now) }
            for connection in connections where connection.phase == .done { try? connection.socket.close() }
            connections.removeAll { $0.phase == .done }
        }
        for connection in connections { try? connection.socket.close() }
        connections = []
    }

    private func acceptConnection() {
        do {
            guard case .processed(let socket) = try listener.accept(nonBlocking: true) else { return }
            let connection = ScrapeConnection(socket: socket, now: .now)
            connections.append(connection)
            // Most requests are there already.
            connection.advance(answer: answer)
        } catch {
            // Out of descriptors, say: let the backlog wait a little rather
            // than spin on a listener that stays readable.
            ServerLog.warning("metrics endpoint: \(error)")
            Pause.sleep(for: .milliseconds(50))
        }
    }

    private func answer(_ head: RequestHead) -> [UInt8] {
        ScrapeResponse.answer(head) {
            guard let scoreboard = control.scoreboard else { return nil }
            instruments.update(from: scoreboard.statistics())
            return instruments.exposition()
        }
    }

    private func descriptor(of socket: Socket) -> Int32 { socket.withUnsafeFileDescriptor { $0 } }
}
