import SocketCore

/// One connection and its session, as every model drives it: the event
/// models (select, poll, epoll, prefork's workers) from readiness reports on
/// a non-blocking socket, the blocking models (iterative, thread, fork) from
/// blocking calls or, once the session asks for more than reading and
/// writing, from poll(2) on a non-blocking socket (`BlockingConnection`).
///
/// An idle connection holds no buffer: reads go into a buffer the driver
/// shares, replies are built in the driver's `SessionIO` and sent from there,
/// and only what the kernel did not take moves into `pending`, released
/// again once sent.
final class StreamConnection<Session: StreamSession> {
    let socket: Socket
    let descriptor: Int32
    /// The socket's descriptor for the hot receive and send: only the driver
    /// closes the socket, after the connection's last use of it.
    private let unlocked: UnsafeSocketDescriptor
    let peer: SocketAddress
    /// Tells wake-ups and deadlines of this connection from those of an
    /// earlier one with the same descriptor.
    let generation: UInt32
    /// What the driver waits for on the socket now.
    var interest = Interest.read
    /// The session's standing requests, as of its last callback.
    private(set) var wants = SessionWants()
    /// A callback changed `wants`: the driver has timers or watches to update.
    var wantsChanged = false
    /// `wants` asks for more than reading and writing.
    private var hasWants = false
    /// What the driver has acted on, to tell what a callback changed: the
    /// earliest deadline it has a timer entry for, and the extra descriptor
    /// it watches.
    var armedDeadline: MonotonicInstant?
    var watchedDescriptor: WaitedDescriptor?
    private var session: Session
    private var pending: PendingOutput?
    private var closeWhenSent = false
    /// The peer has sent end of file: never read again.
    private var peerDone = false
    /// Everything queued has gone since `drained` was last called.
    private var drainDue = true
    private var ended = false
    /// Where this connection's counts go, when the server counts.
    private let record: ConnectionRecord?
    /// What `record` last said the connection was doing.
    private var reportedActivity = SlotActivity.reading
    /// An error, not either side's close, ended the connection.
    private var failed = false

    init(
        socket: Socket, descriptor: Int32, peer: SocketAddress, generation: UInt32, session: Session,
        record: ConnectionRecord? = nil
    ) {
        self.socket = socket
        self.descriptor = descriptor
        self.unlocked = UnsafeSocketDescriptor(borrowing: socket)
        self.peer = peer
        self.generation = generation
        self.session = session
        self.record = record
    }

    /// This connection's wake-up token: descriptor and generation.
    var token: UInt64 { UInt64(UInt32(bitPattern: descriptor)) << 32 | UInt64(generation) }

    /// The socket is readable: one receive (a level-triggered wait reports
    /// the rest), the session's output sent or queued.
    func readable(buffer: UnsafeMutableRawBufferPointer, io: inout SessionIO) -> Interest {
        do throws(SocketError) {
            guard let count = try unlocked.receive(into: buffer).value else { return interest }
            record?.received(count)
            lend(&io)
            let action: SessionAction
            if count == 0 {
                peerDone = true
                action = session.peerFinished(&io)
            } else {
                action = session.received(UnsafeRawBufferPointer(rebasing: buffer[..<count]), &io)
            }
            return try finish(action, &io)
        } catch {
            io.output.removeAll()
            return endedBy(error)
        }
    }

    /// The socket is writable: send what is queued, then ask a producer
    /// for more.
    func writable(io: inout SessionIO) -> Interest {
        do throws(SocketError) {
            if pending != nil {
                var sent = 0
                defer { record?.sent(sent) }
                guard try pending!.send(on: socket, sent: &sent) else { return .write }
                pending = nil
                drainDue = true
            }
            if !closeWhenSent && drainDue && wants.wantsDrained {
                drainDue = false
                return callback(&io) { $0.drained(&$1) }
            }
            return next()
        } catch {
            return endedBy(error)
        }
    }

    /// The connection has just been accepted.
    func opened(io: inout SessionIO) -> Interest {
        callback(&io) { $0.opened(&$1) }
    }

    /// The session's deadline has passed.
    func deadlinePassed(io: inout SessionIO) -> Interest {
        wants.deadline = nil
        armedDeadline = nil
        hasWants = !wants.asksOnlyToRead
        wantsChanged = true
        return callback(&io) { $0.deadlinePassed(&$1) }
    }

    /// The waited descriptor is ready, or a waker was woken.
    func woken(io: inout SessionIO) -> Interest {
        callback(&io) { $0.woken(&$1) }
    }

    /// Tells the session the connection is over (once). The driver then
    /// stops watching and closes the socket.
    func end() {
        guard !ended else { return }
        ended = true
        session.closed()
        record?.end(byError: failed)
    }

    private func callback(_ io: inout SessionIO, _ body: (inout Session, inout SessionIO) -> SessionAction)
        -> Interest
    {
        lend(&io)
        let action = body(&session, &io)
        do throws(SocketError) {
            return try finish(action, &io)
        } catch {
            io.output.removeAll()
            return endedBy(error)
        }
    }

    /// Before a callback: the driver's `io` carries this connection's
    /// requests (it holds the defaults between callbacks) and wake-up token.
    @inline(__always)
    private func lend(_ io: inout SessionIO) {
        if hasWants { io.wants = wants }
        io.wakeToken = token
    }

    /// After a callback: keeps its requests, sends its output (straight from
    /// the shared buffer when nothing is queued before it) and says what to
    /// wait for next.
    @inline(__always)
    private func finish(_ action: SessionAction, _ io: inout SessionIO) throws(SocketError) -> Interest {
        // Most sessions never ask for anything (echo): two cheap tests then.
        // The driver's `io.wants` is left at its default between callbacks.
        if hasWants || !io.wants.asksOnlyToRead {
            wants = io.wants
            hasWants = !wants.asksOnlyToRead
            wantsChanged = true
            io.wants = SessionWants()
        }
        if action == .close { closeWhenSent = true }
        if let record {
            try sendCounted(&io, record)
            return next()
        }
        try send(&io)
        return next()
    }

    /// `send` with the bytes and the requests of the callback counted.
    private func sendCounted(_ io: inout SessionIO, _ record: ConnectionRecord) throws(SocketError) {
        let finished = io.finishedRequests
        let sent = try send(&io)
        record.sent(sent)
        if finished > 0 { record.finished(finished) }
    }

    /// Sends the callback's output (straight from the shared buffer when
    /// nothing is queued before it), keeping what the kernel did not take;
    /// returns the bytes it took. The callback's request count is spent.
    @inline(__always)
    @discardableResult
    private func send(_ io: inout SessionIO) throws(SocketError) -> Int {
        io.finishedRequests = 0
        var sent = 0
        if !io.output.isEmpty {
            defer { io.output.removeAll() }
            if pending == nil && io.output.head.isEmpty {
                let taken =
                    try io.output.tail.withUnsafeBytes { bytes in
                        Result { () throws(SocketError) in try unlocked.send(bytes) }
                    }.get().value ?? 0
                sent = taken
                if taken < io.output.tail.count {
                    pending = PendingOutput([.bytes(Array(io.output.tail[taken...]))])
                }
            } else {
                if pending == nil {
                    pending = PendingOutput(io.output.takeChunks())
                } else {
                    pending!.append(io.output.takeChunks())
                }
                if try pending!.send(on: socket, sent: &sent) { pending = nil }
            }
            if pending == nil { drainDue = true }
        }
        return sent
    }

    /// What to wait for, from the connection's state.
    @inline(__always)
    private func next() -> Interest {
        let interest = nextInterest()
        if let record { report(interest, to: record) }
        return interest
    }

    private func report(_ interest: Interest, to record: ConnectionRecord) {
        let activity: SlotActivity =
            switch interest {
            case .read: .reading
            case .write: .writing
            case .idle: .waiting
            case .close: .closing
            }
        guard activity != reportedActivity else { return }
        reportedActivity = activity
        record.activity(activity)
    }

    @inline(__always)
    private func nextInterest() -> Interest {
        if pending != nil { return .write }
        if closeWhenSent { return .close }
        if drainDue && wants.wantsDrained { return .write }
        if peerDone || wants.pausesReading { return .idle }
        return .read
    }

    private func endedBy(_ error: SocketError) -> Interest {
        failed = true
        ServerLog.warning("connection from \(peer) ended: \(error)")
        return .close
    }
}
