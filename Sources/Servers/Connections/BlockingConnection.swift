import SocketCore

/// Serves one connection in the calling thread or process, until either
/// side is done: the body of the iterative, thread and fork models.
///
/// While the session asks for nothing but reading and writing (echo), the
/// socket stays blocking and the connection costs one receive and one send
/// per exchange. Once it asks for more (a deadline, reading paused, a drain
/// call, another descriptor, a waker), the socket turns non-blocking and the
/// connection waits with poll(2) on the socket, the session's descriptor
/// and its wake-up eventfd, until the session's deadline: the same
/// `StreamConnection` as the event models, driven from one thread.
enum BlockingConnection {
    /// Errors end this connection only: a peer that resets mid-echo costs
    /// nothing else.
    static func serve<Handler: StreamHandler>(
        _ socket: Socket, peer: SocketAddress, handler: Handler, buffer: UnsafeMutableRawBufferPointer,
        record: ConnectionRecord? = nil
    ) {
        let inbox = WakeInbox()
        var io = SessionIO(wakeInbox: inbox)
        let descriptor = socket.withUnsafeFileDescriptor { $0 }
        let connection = StreamConnection(
            socket: socket, descriptor: descriptor, peer: peer, generation: 0, session: handler.open(peer: peer),
            record: record)
        defer { connection.end() }
        var polling = false
        var interest = connection.opened(io: &io)
        while interest != .close {
            if !polling && interest == .read && connection.wants.asksOnlyToRead && inbox.descriptor == nil {
                interest = connection.readable(buffer: buffer, io: &io)
                continue
            }
            if !polling {
                do {
                    try socket.setNonBlocking(true)
                } catch {
                    ServerLog.warning("connection from \(peer) ended: \(error)")
                    return
                }
                polling = true
            }
            connection.interest = interest
            interest = waitAndDispatch(connection, inbox: inbox, buffer: buffer, io: &io)
        }
    }

    /// One poll(2) over what the connection waits for, and the callback it calls for.
    private static func waitAndDispatch<Session: StreamSession>(
        _ connection: StreamConnection<Session>, inbox: WakeInbox, buffer: UnsafeMutableRawBufferPointer,
        io: inout SessionIO
    ) -> Interest {
        let wants = connection.wants
        var set = PollSet()
        let socketEvents: PollEvents =
            switch connection.interest {
            case .read: .readable
            case .write: .writable
            case .idle, .close: []
            }
        _ = set.append(connection.descriptor, events: socketEvents)
        let waited = wants.waitsOn.map {
            set.append($0.descriptor, events: $0.readiness == .readable ? .readable : .writable)
        }
        let wake = inbox.descriptor.map { set.append($0, events: .readable) }
        let outcome: WaitOutcome
        do {
            outcome = try set.wait(until: wants.deadline)
        } catch {
            ServerLog.warning("connection from \(connection.peer) ended: \(error)")
            return .close
        }
        switch outcome {
        case .interrupted:
            return connection.interest
        case .timedOut:
            return wants.deadline == nil ? connection.interest : connection.deadlinePassed(io: &io)
        case .ready:
            break
        }
        if !set.ready(at: 0).isEmpty {
            switch connection.interest {
            case .read: return connection.readable(buffer: buffer, io: &io)
            case .write: return connection.writable(io: &io)
            // Watched for nothing: an error or a hang-up (a reset peer, or the
            // grace period's shutdown).
            case .idle, .close: return .close
            }
        }
        if let waited, !set.ready(at: waited).isEmpty { return connection.woken(io: &io) }
        if let wake, !set.ready(at: wake).isEmpty, !inbox.take().isEmpty { return connection.woken(io: &io) }
        return connection.interest
    }

    /// The read buffer of one blocking connection: 16 KiB, a few socket
    /// buffer segments' worth, so a thread per connection stays cheap.
    static let bufferSize = 16 * 1024
}
