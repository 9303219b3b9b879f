import SocketCore

/// A readiness mechanism (select, poll) as the event-driven models use it:
/// level-triggered, one interest per descriptor.
protocol ReadinessBackend {
    /// For log lines: "select", "poll".
    static var name: String { get }
    /// Starts watching `descriptor`; false when this mechanism cannot hold it
    /// (select: a descriptor not below FD_SETSIZE).
    mutating func watch(_ descriptor: Int32, for interest: Interest) -> Bool
    mutating func change(_ descriptor: Int32, to interest: Interest)
    mutating func unwatch(_ descriptor: Int32)
    /// Waits until something is ready, or `timeout` passes (nil: no limit),
    /// and appends the ready descriptors to `ready`. An error or hang-up
    /// counts as readable: the next receive reports it.
    mutating func wait(into ready: inout [ReadyDescriptor], timeout: Duration?) throws(SocketError)
}

struct ReadyDescriptor {
    var descriptor: Int32
    var readable: Bool
    var writable: Bool
}

/// The single-threaded event loop of the select and poll models (and of
/// each prefork worker): accepts, and drives every connection's
/// `StreamConnection` from readiness reports.
struct ReadinessLoop<Handler: StreamHandler, Backend: ReadinessBackend> {
    let handler: Handler
    let control: ServerControl
    var backend: Backend

    private var connections: [StreamConnection<Handler.Session>?] = []
    private var openCount = 0

    init(handler: Handler, control: ServerControl, backend: Backend) {
        self.handler = handler
        self.control = control
        self.backend = backend
    }

    /// Serves until stopped, then until the last connection is gone. The
    /// loop stops when `control` is stopped (which shuts the listener down,
    /// waking the wait) or, in a worker process, when `lifeline` becomes
    /// readable: the parent closed its end, or died.
    mutating func run(listener: Socket, lifeline: Socket? = nil) throws(ServerError) {
        AcceptReserve.shared.prepare()
        let listening: Int32
        let lifelineDescriptor: Int32?
        do {
            try listener.setNonBlocking(true)
            listening = listener.withUnsafeFileDescriptor { $0 }
            lifelineDescriptor = lifeline?.withUnsafeFileDescriptor { $0 }
        } catch {
            throw ServerError("\(Backend.name): \(error)")
        }
        guard backend.watch(listening, for: .read) else {
            throw ServerError("\(Backend.name): the listener's descriptor \(listening) is out of range")
        }
        if let lifelineDescriptor, !backend.watch(lifelineDescriptor, for: .read) {
            throw ServerError("\(Backend.name): the lifeline's descriptor \(lifelineDescriptor) is out of range")
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 64)
        defer { buffer.deallocate() }
        var scratch: [UInt8] = []
        var ready: [ReadyDescriptor] = []
        var accepting = true
        var listenerWatched = true
        /// Accepts paused (out of descriptors with nothing to shed) until then.
        var resumeAccepting: ContinuousClock.Instant?

        while accepting || openCount > 0 {
            ready.removeAll(keepingCapacity: true)
            do {
                try backend.wait(into: &ready, timeout: resumeAccepting.map { max(.zero, $0 - .now) })
            } catch {
                throw ServerError("\(Backend.name): \(error)")
            }
            // A descriptor closed earlier in this round and reused by an accept
            // in it may be reported for its old owner: harmless, since a
            // non-blocking receive or send on the new one just would-block.
            for event in ready {
                let descriptor = event.descriptor
                if descriptor == listening {
                    if accepting, listenerWatched, !acceptPending(on: listener) {
                        backend.unwatch(listening)
                        listenerWatched = false
                        resumeAccepting = .now + AcceptErrors.pause
                    }
                } else if descriptor == lifelineDescriptor {
                    backend.unwatch(descriptor)
                    accepting = false
                } else if let connection = connection(at: descriptor) {
                    // With output queued, an error or hang-up is the send's to report.
                    let next = connection.interest == .write
                        ? connection.writable()
                        : connection.readable(buffer: buffer, scratch: &scratch)
                    update(connection, to: next)
                }
            }
            if accepting && control.isStopping { accepting = false }
            if !accepting && listenerWatched {
                backend.unwatch(listening)
                listenerWatched = false
            }
            if let resume = resumeAccepting, ContinuousClock.now >= resume {
                resumeAccepting = nil
                if accepting { listenerWatched = backend.watch(listening, for: .read) }
            }
        }
    }

    private func connection(at descriptor: Int32) -> StreamConnection<Handler.Session>? {
        Int(descriptor) < connections.count ? connections[Int(descriptor)] : nil
    }

    /// Accepts what is waiting, a bounded number per round so that busy
    /// connections are not starved by a flood of new ones. False when
    /// accepts should pause (see `AcceptErrors.Next`).
    private mutating func acceptPending(on listener: Socket) -> Bool {
        for _ in 0..<64 {
            let accepted: (socket: Socket, peer: SocketAddress)
            do {
                guard let connection = try listener.acceptWithPeer(nonBlocking: true).value else { return true }
                accepted = connection
            } catch {
                // After a stop the listener is shut down and accept fails:
                // not worth a log line.
                if control.isStopping { return true }
                if case .pause = AcceptErrors.handle(error, listener: listener) { return false }
                return true
            }
            let descriptor = accepted.socket.withUnsafeFileDescriptor { $0 }
            guard backend.watch(descriptor, for: .read) else {
                ServerLog.warning("""
                    \(Backend.name): descriptor \(descriptor) of the connection from \(accepted.peer) \
                    is not below FD_SETSIZE (\(DescriptorSet.capacity)); closed it
                    """)
                try? accepted.socket.close()
                continue
            }
            let connection = StreamConnection(
                socket: accepted.socket, descriptor: descriptor, peer: accepted.peer,
                session: handler.open(peer: accepted.peer))
            if Int(descriptor) >= connections.count {
                connections.append(contentsOf: repeatElement(nil, count: Int(descriptor) + 1 - connections.count))
            }
            connections[Int(descriptor)] = connection
            openCount += 1
            control.track(accepted.socket)
        }
        return true
    }

    private mutating func update(_ connection: StreamConnection<Handler.Session>, to interest: Interest) {
        switch interest {
        case .read, .write:
            guard interest != connection.interest else { return }
            connection.interest = interest
            backend.change(connection.descriptor, to: interest)
        case .close:
            backend.unwatch(connection.descriptor)
            connections[Int(connection.descriptor)] = nil
            openCount -= 1
            control.untrack(connection.socket)
            try? connection.socket.close()
        }
    }
}
