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
    ///
    /// Everything but the wait runs in `Processes.withoutForking`: the fork
    /// models fork while this thread works, and a child forked while it
    /// held one of the Swift runtime's locks would wait for that lock for
    /// ever (ForkGate says more).
    func run() {
        while true {
            guard var poll = Processes.withoutForking({ isStopping() ? nil : pollSet() }) else { break }
            let timeout = Processes.withoutForking { nearestDeadline().map { max(.zero, $0 - MonotonicInstant.now) } }
            do {
                _ = try poll.wait(timeout: timeout)
            } catch {
                ServerLog.warning("metrics endpoint: \(error)")
                break
            }
            let stopping = Processes.withoutForking { () -> Bool in
                if isStopping() { return true }
                serve(poll)
                return false
            }
            if stopping { break }
        }
        Processes.withoutForking {
            for connection in connections { try? connection.socket.close() }
            connections = []
        }
    }

    /// The listener first, then each connection in order.
    private func pollSet() -> PollSet {
        var poll = PollSet()
        // POLLHUP, which the shutdown raises, is reported even when the
        // listener is not polled for connections.
        _ = poll.append(descriptor(of: listener), events: isFull ? [] : .readable)
        for connection in connections {
            _ = poll.append(descriptor(of: connection.socket), events: connection.interest)
        }
        return poll
    }

    private var isFull: Bool { connections.count >= Self.maxConnections }

    private func nearestDeadline() -> MonotonicInstant? { connections.map(\.deadline).min() }

    /// Does what `poll` found ready, then closes the connections that are
    /// over or out of time.
    private func serve(_ poll: PollSet) {
        let full = isFull
        for (index, connection) in connections.enumerated() where !poll.ready(at: index + 1).isEmpty {
            connection.advance(answer: answer)
        }
        if !poll.ready(at: 0).isEmpty && !full { acceptConnection() }
        let now = MonotonicInstant.now
        for connection in connections { connection.expire(now: now) }
        for connection in connections where connection.phase == .done { try? connection.socket.close() }
        connections.removeAll { $0.phase == .done }
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

    /// For the poll set only: the loop owns its sockets and closes none of
    /// them while a poll that holds their descriptors runs.
    private func descriptor(of socket: Socket) -> Int32 { socket.withUnsafeFileDescriptor { $0 } }
}
