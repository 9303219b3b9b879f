import Servers
import SocketCore
import Synchronization

/// The monitor of `sockworks serve heartbeat`, as a datagram handler: any
/// datagram server model runs it, from as many threads as it has sockets.
/// It never replies (a heartbeat is one-way, as the lab's is).
///
/// The client table sits behind one mutex, and each event is written while
/// it is held, in one write(2) (`TextOutput`): a client's events come out
/// in the order they happened, and lines of different threads never
/// interleave. A ticker (`expireSilentClients`, called by the command's
/// thread) declares the silent clients stopped.
public final class HeartbeatMonitor: DatagramHandler, Sendable {
    private let state: Mutex<State>
    private let format: EventFormat
    private let write: @Sendable (String) -> Void

    private struct State {
        var table: ClientTable
        var malformed: UInt64 = 0
    }

    /// `deadAfter` nil: three of each client's intervals (3 s until one is
    /// known). `write` gets each rendered event (standard output by default).
    public init(
        deadAfter: Duration? = nil, format: EventFormat = .text, capacity: Int = 10_000,
        write: @escaping @Sendable (String) -> Void = { TextOutput.write($0, to: 1) }
    ) {
        state = Mutex(State(table: ClientTable(capacity: capacity, deadAfter: deadAfter)))
        self.format = format
        self.write = write
    }

    public func received(_ datagram: UnsafeRawBufferPointer, from sender: SocketAddress, output: inout [UInt8])
        -> DatagramReply
    {
        received(datagram, from: sender, arrival: .now, wallTime: .now)
        return .none
    }

    /// A datagram that arrived at `arrival` (monotonic) and `wallTime`.
    public func received(
        _ datagram: UnsafeRawBufferPointer, from sender: SocketAddress, arrival: MonotonicInstant,
        wallTime: UnixTime
    ) {
        guard let message = HeartbeatMessage.parse(datagram) else {
            state.withLock { $0.malformed += 1 }
            ServerLog.debug("heartbeat: malformed datagram of \(datagram.count) bytes from \(sender)")
            return
        }
        state.withLock { state in
            let untrackedBefore = state.table.untracked
            for event in state.table.receive(message, from: sender, arrival: arrival, wallTime: wallTime) {
                write(format.render(event))
            }
            if state.table.untracked != untrackedBefore {
                ServerLog.debug("heartbeat: \(state.table.capacity) clients tracked, none stopped: \(sender) ignored")
            }
        }
    }

    /// Reports the clients silent for their dead-after time; call it often
    /// (every few tens of milliseconds) while the monitor runs.
    public func expireSilentClients(now: MonotonicInstant = .now, wallTime: UnixTime = .now) {
        state.withLock { state in
            for event in state.table.expire(now: now, wallTime: wallTime) { write(format.render(event)) }
        }
    }

    /// Writes every client's summary, by name.
    public func writeSummaries(wallTime: UnixTime = .now) {
        state.withLock { state in
            for event in state.table.summaries(wallTime: wallTime) { write(format.render(event)) }
        }
    }

    /// Datagrams that were not heartbeats.
    public var malformed: UInt64 { state.withLock { $0.malformed } }

    /// Heartbeats from clients a full table could not take.
    public var untracked: UInt64 { state.withLock { $0.table.untracked } }

    /// Clients tracked now.
    public var clientCount: Int { state.withLock { $0.table.clients.count } }
}
