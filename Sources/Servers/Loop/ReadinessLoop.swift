import SocketCore

/// The single-threaded event loop of the select, poll and epoll models (and
/// of each prefork worker): accepts, and drives every connection's
/// `StreamConnection` from the backend's readiness reports, the sessions'
/// deadlines and wake-ups. The backend is the only part that differs.
struct ReadinessLoop<Handler: StreamHandler, Backend: ReadinessBackend> {
    let handler: Handler
    let control: ServerControl
    var backend: Backend
    /// This loop's worker's counters, when the server counts.
    let counters: WorkerCounters?

    private typealias Connection = StreamConnection<Handler.Session>

    /// The connection of each socket descriptor, by number.
    private var connections: [Connection?] = []
    /// The connection waiting on each descriptor a session asked for
    /// (`SessionIO.waitsOn`), by number.
    private var waiting: [Connection?] = []
    private var openCount = 0
    private var nextGeneration: UInt32 = 0
    private var deadlines = DeadlineHeap()
    private let wakeInbox: WakeInbox
    /// The shared output buffer and request carrier of every callback.
    private var io: SessionIO

    init(handler: Handler, control: ServerControl, backend: Backend, counters: WorkerCounters? = nil)
        throws(ServerError)
    {
        self.handler = handler
        self.control = control
        self.backend = backend
        self.counters = counters
        do {
            wakeInbox = try WakeInbox(notifying: true)
        } catch {
            throw ServerError("\(Backend.name): \(error)")
        }
        io = SessionIO(wakeInbox: wakeInbox)
    }

    /// Serves until stopped, then until the last connection is gone. The
    /// loop stops when `control` is stopped (its stop action wakes the wait)
    /// or, in a worker process, when `lifeline` becomes readable: the parent
    /// closed its end, or died.
    mutating func run(listener: Socket, lifeline: Socket? = nil) throws(ServerError) {
        AcceptReserve.shared.prepare()
        let listening: Int32
        let lifelineDescriptor: Int32?
        let wakeDescriptor = wakeInbox.descriptor ?? -1
        do {
            try listener.setNonBlocking(true)
            listening = listener.withUnsafeFileDescriptor { $0 }
            lifelineDescriptor = lifeline?.withUnsafeFileDescriptor { $0 }
        } catch {
            throw ServerError("\(Backend.name): \(error)")
        }
        for (descriptor, what) in [
            (listening, "listener"), (wakeDescriptor, "wake-up eventfd"),
            (lifelineDescriptor ?? -1, "lifeline"),
        ] where descriptor >= 0 {
            guard backend.watch(descriptor, for: .read) else {
                throw ServerError("\(Backend.name): cannot watch the \(what) (descriptor \(descriptor))")
            }
        }
        let inbox = wakeInbox
        control.whenStopping { inbox.nudge() }
        // The loop ends its own connections when the grace period runs out,
        // rather than handing each to `control.track`: that is a lock and a
        // dictionary entry made and removed for every connection.
        control.whenAborting { inbox.nudge() }
        var aborted = false
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 64)
        defer { buffer.deallocate() }
        var accepting = true
        var listenerWatched = true
        /// Accepts paused (out of descriptors with nothing to shed) until then.
        var resumeAccepting: MonotonicInstant?

        while accepting || openCount > 0 {
            let ready: UnsafeBufferPointer<ReadyDescriptor>
            do {
                ready = try backend.wait(until: waitLimit(resumeAccepting))
            } catch {
                throw ServerError("\(Backend.name): \(error)")
            }
            // A descriptor closed earlier in this round and reused by an accept
            // in it may be reported for its old owner: harmless, since a
            // non-blocking receive or send on the new one just would-block.
            for event in ready {
                let descriptor = event.descriptor
                let index = Int(descriptor)
                if index < connections.count, let connection = connections[index] {
                    socketReady(connection, event, buffer: buffer)
                } else if descriptor == listening {
                    if accepting, listenerWatched, !acceptPending(on: listener) {
                        backend.unwatch(listening)
                        listenerWatched = false
                        resumeAccepting = .now + AcceptErrors.pause
                    }
                } else if descriptor == wakeDescriptor {
                    // A stop nudges this descriptor after marking the control.
                    if accepting && control.isStopping { accepting = false }
                    if !aborted && control.isAborting {
                        aborted = true
                        shutDownOpenConnections()
                    }
                    for token in wakeInbox.take() { deliverWake(token) }
                } else if descriptor == lifelineDescriptor {
                    backend.unwatch(descriptor)
                    accepting = false
                } else if index < waiting.count, let connection = waiting[index] {
                    update(connection, to: connection.woken(io: &io))
                }
            }
            expireDeadlines()
            if !accepting && listenerWatched {
                backend.unwatch(listening)
                listenerWatched = false
            }
            if let resume = resumeAccepting, MonotonicInstant.now >= resume {
                resumeAccepting = nil
                if accepting { listenerWatched = backend.watch(listening, for: .read) }
            }
        }
    }

    private mutating func socketReady(
        _ connection: Connection, _ event: ReadyDescriptor,
        buffer: UnsafeMutableRawBufferPointer
    ) {
        let next: Interest
        switch connection.interest {
        // With output queued, an error or hang-up is the send's to report.
        case .write: next = connection.writable(io: &io)
        case .read: next = connection.readable(buffer: buffer, io: &io)
        // Watched for nothing, so this is an error or a hang-up (a reset
        // peer): nobody is left to answer.
        case .idle, .close: next = .close
        }
        update(connection, to: next)
    }

    /// When the wait must end: at the earliest deadline or the end of an
    /// accept pause.
    @inline(__always)
    private func waitLimit(_ resumeAccepting: MonotonicInstant?) -> MonotonicInstant? {
        guard let resume = resumeAccepting else { return deadlines.earliest }
        return deadlines.earliest.map { min($0, resume) } ?? resume
    }

    @inline(__always)
    private mutating func expireDeadlines() {
        guard deadlines.earliest != nil else { return }
        let now = MonotonicInstant.now
        while let due = deadlines.popDue(now: now) {
            guard let connection = connection(at: due.descriptor), connection.generation == due.generation,
                connection.armedDeadline == due.instant
            else { continue }  // superseded by an earlier entry, or the connection is gone
            guard let deadline = connection.wants.deadline else {
                connection.armedDeadline = nil  // cleared since it was armed
                continue
            }
            if deadline > now {
                // Moved later since it was armed: the one entry goes back in.
                connection.armedDeadline = deadline
                deadlines.push(deadline, descriptor: connection.descriptor, generation: connection.generation)
                continue
            }
            update(connection, to: connection.deadlinePassed(io: &io))
        }
    }

    private mutating func deliverWake(_ token: UInt64) {
        let descriptor = Int32(bitPattern: UInt32(token >> 32))
        guard let connection = connection(at: descriptor), connection.generation == UInt32(truncatingIfNeeded: token)
        else { return }
        update(connection, to: connection.woken(io: &io))
    }

    private func connection(at descriptor: Int32) -> Connection? {
        descriptor >= 0 && Int(descriptor) < connections.count ? connections[Int(descriptor)] : nil
    }

    /// Accepts one waiting connection; readiness is level-triggered, so a
    /// connection still queued brings the loop back, after the connections
    /// ready with it have had their turn. False when accepts should pause
    /// (see `AcceptErrors.Next`).
    ///
    /// Never more than one: an accept that finds the queue empty costs the
    /// kernel a socket and a file made and thrown away (3.5 µs here), and
    /// accepting until one did came to 0.76 such accepts a connection with
    /// a connection per request, where the extra wake-up of one per round
    /// is a tenth of that.
    private mutating func acceptPending(on listener: Socket) -> Bool {
        let accepted: (socket: Socket, peer: SocketAddress)
        switch Acceptor.accept(on: listener, control: control, counters: counters) {
        case .accepted(let socket, let peer): accepted = (socket, peer)
        case .none: return true
        case .pause: return false
        }
        let descriptor = accepted.socket.withUnsafeFileDescriptor { $0 }
        guard backend.watch(descriptor, for: .read) else {
            let why =
                Backend.name == "select"
                ? "is not below FD_SETSIZE (\(DescriptorSet.capacity))" : "cannot be watched"
            ServerLog.warning(
                """
                \(Backend.name): descriptor \(descriptor) of the connection from \(accepted.peer) \(why); \
                closed it
                """)
            try? accepted.socket.close()
            return true
        }
        nextGeneration &+= 1
        let connection = Connection(
            socket: accepted.socket, descriptor: descriptor, peer: accepted.peer, generation: nextGeneration,
            session: handler.open(peer: accepted.peer), record: counters?.open(peer: accepted.peer))
        Self.place(connection, at: descriptor, in: &connections)
        openCount += 1
        update(connection, to: connection.opened(io: &io))
        return true
    }

    /// After the grace period: each open connection shut down both ways, as
    /// `ServerControl.abortConnections` does for the models it tracks; the
    /// sessions then see the end and close.
    private func shutDownOpenConnections() {
        for case let connection? in connections { try? connection.socket.shutdown(.both) }
    }

    private static func place(_ connection: Connection?, at descriptor: Int32, in table: inout [Connection?]) {
        if Int(descriptor) >= table.count {
            table.append(contentsOf: repeatElement(nil, count: Int(descriptor) + 1 - table.count))
        }
        table[Int(descriptor)] = connection
    }

    /// After a callback: the socket's interest, the session's deadline and
    /// waited descriptor brought in line with what it asked for.
    private mutating func update(_ connection: Connection, to interest: Interest) {
        if interest == .close {
            close(connection)
            return
        }
        if interest != connection.interest {
            connection.interest = interest
            backend.change(connection.descriptor, to: interest)
        }
        guard connection.wantsChanged else { return }
        connection.wantsChanged = false
        let wants = connection.wants
        // One heap entry per connection, at its earliest armed deadline: a
        // deadline moved later (a keep-alive timeout reset by each request)
        // waits for that entry to come up and is armed again then; one moved
        // earlier moves the entry. The entry goes when the connection closes.
        if let deadline = wants.deadline, connection.armedDeadline.map({ deadline < $0 }) ?? true {
            connection.armedDeadline = deadline
            deadlines.push(deadline, descriptor: connection.descriptor, generation: connection.generation)
        }
        if wants.waitsOn != connection.watchedDescriptor {
            unwatchWaited(connection)
            if let waited = wants.waitsOn {
                if backend.watch(waited.descriptor, for: waited.readiness == .readable ? .read : .write) {
                    Self.place(connection, at: waited.descriptor, in: &waiting)
                    connection.watchedDescriptor = waited
                } else {
                    ServerLog.warning(
                        "connection from \(connection.peer): cannot wait on descriptor \(waited.descriptor)")
                    close(connection)
                }
            }
        }
    }

    private mutating func unwatchWaited(_ connection: Connection) {
        guard let watched = connection.watchedDescriptor else { return }
        backend.unwatch(watched.descriptor)
        waiting[Int(watched.descriptor)] = nil
        connection.watchedDescriptor = nil
    }

    private mutating func close(_ connection: Connection) {
        unwatchWaited(connection)
        connection.end()
        backend.forget(connection.descriptor)
        deadlines.remove(descriptor: connection.descriptor)
        connections[Int(connection.descriptor)] = nil
        openCount -= 1
        try? connection.socket.close()
    }
}
