import Glibc
import SocketCore
import Synchronization

/// The client's loop: heartbeat k leaves at its deadline on the schedule,
/// over a connected UDP socket, until `count` have gone or `stop()` is
/// called (from a signal's thread).
///
/// A connected UDP socket hears the ICMP port unreachable that a host sends
/// back while nothing listens on the port (RFC 1122 section 4.1.3.3: UDP
/// passes ICMP errors up; Linux reports them on a connected socket as
/// `ECONNREFUSED`, on the next call). That is reported once per run, through
/// `unreachable`, and the heartbeats go on: a monitor may come up later.
public final class HeartbeatSender: Sendable {
    public let socket: Socket
    public let schedule: HeartbeatSchedule
    public let count: UInt64?
    public let id: String?
    private let state = Mutex(State())

    private struct State {
        var stopping = false
        var unreachableReported = false
        var sent: UInt64 = 0
    }

    /// `socket` must be a UDP socket connected to the monitor.
    public init(socket: Socket, schedule: HeartbeatSchedule, count: UInt64? = nil, id: String? = nil) {
        self.socket = socket
        self.schedule = schedule
        self.count = count
        self.id = id
    }

    /// Heartbeats sent so far.
    public var sent: UInt64 { state.withLock { $0.sent } }

    /// Ends `run` at once (it wakes from its wait for the next deadline).
    public func stop() {
        state.withLock { $0.stopping = true }
        // A shut read side makes the socket readable: the wait returns.
        try? socket.shutdown(.read)
    }

    private var isStopping: Bool { state.withLock { $0.stopping } }

    /// Sends until done or stopped; `unreachable` gets the first ICMP port
    /// unreachable of the run. Throws any other send failure.
    public func run(unreachable: (SocketError) -> Void) throws(SocketError) {
        var sequence: UInt64 = 1
        while count.map({ sequence <= $0 }) ?? true {
            guard try waitFor(schedule.deadline(of: sequence), unreachable: unreachable) else { return }
            let message = HeartbeatMessage(sequence: sequence, sentAt: .now, id: id)
            try send(message.encoded, unreachable: unreachable)
            state.withLock { $0.sent = sequence }
            sequence += 1
        }
    }

    /// Waits until `deadline`; false when stopped first. ICMP errors that
    /// arrive meanwhile are taken off the socket (they make it readable).
    private func waitFor(_ deadline: MonotonicInstant, unreachable: (SocketError) -> Void) throws(SocketError)
        -> Bool
    {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 512, alignment: 1)
        defer { buffer.deallocate() }
        while !isStopping {
            guard MonotonicInstant.now < deadline else { return true }
            guard case .ready = try socket.waitUntilReadable(until: deadline) else { continue }
            do throws(SocketError) {
                // A reply from the monitor (none is expected) is dropped.
                _ = try socket.receive(into: buffer, waiting: false)
            } catch  where error.code == ECONNREFUSED {
                report(error, unreachable)
            }
        }
        return false
    }

    /// One send; a pending ICMP error fails the send without sending, so
    /// after reporting it the heartbeat is sent again, once.
    private func send(_ bytes: [UInt8], unreachable: (SocketError) -> Void) throws(SocketError) {
        do {
            _ = try socket.send(bytes)
        } catch  where error.code == ECONNREFUSED {
            report(error, unreachable)
            do {
                _ = try socket.send(bytes)
            } catch  where error.code == ECONNREFUSED {
                // Refused again at once: this heartbeat is lost, as on a network.
            }
        }
    }

    private func report(_ error: SocketError, _ unreachable: (SocketError) -> Void) {
        let first = state.withLock { state in
            defer { state.unreachableReported = true }
            return !state.unreachableReported
        }
        if first { unreachable(error) }
    }
}
