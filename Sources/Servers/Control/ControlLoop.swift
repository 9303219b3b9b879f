import Glibc
import SocketCore
import Synchronization

/// The control port's thread: one poll(2) loop over the listener, the
/// clients and a wake-up eventfd, with every socket non-blocking. A client
/// can cost the server only this thread's time: a slow reader, a silent
/// peer or a flood of lines is closed or refused, never waited for.
final class ControlLoop: Sendable {
    struct Limits: Sendable {
        /// Clients served at once; one more gets a refusal and is closed.
        var clients = 16
        /// The longest line, without its LF.
        var lineBytes = 4096
        /// Replies a client may leave unread before it is closed.
        var outputBytes = 4 << 20
        /// A client that sends and reads nothing for this long is closed.
        var idle: Duration = .seconds(60)
    }

    private let listener: Socket
    private let runner: ControlCommandRunner
    private let limits: Limits
    private let wake: EventNotifier
    private let stopping = Atomic(false)

    init(listener: Socket, runner: ControlCommandRunner, limits: Limits) throws(SocketError) {
        self.listener = listener
        self.runner = runner
        self.limits = limits
        self.wake = try EventNotifier()
        try listener.setNonBlocking(true)
    }

    /// Ends `run` (from any thread).
    func stop() {
        stopping.store(true, ordering: .releasing)
        wake.signal()
    }

    /// Serves until `stop`; closes every client before returning (the
    /// listener is its owner's to close).
    func run() {
        var clients: [ControlClient] = []
        defer { for client in clients { try? client.socket.close() } }
        let listenerDescriptor = listener.withUnsafeFileDescriptor { $0 }
        while !stopping.load(ordering: .acquiring) {
            var poll = PollSet()
            _ = poll.append(wake.descriptor, events: .readable)
            _ = poll.append(listenerDescriptor, events: .readable)
            for client in clients {
                let events: PollEvents = client.pendingOutput > 0 ? [.readable, .writable] : .readable
                _ = poll.append(client.descriptor, events: client.inputEnded ? .writable : events)
            }
            let ready: Int
            do {
                ready = try poll.wait(timeout: timeout(clients))
            } catch {
                // poll fails only for want of memory: wait a little and retry.
                ServerLog.warning("control: \(error)")
                Pause.sleep(for: .milliseconds(100))
                continue
            }
            if ready > 0 && !poll.ready(at: 0).isEmpty { wake.drain() }
            var kept: [ControlClient] = []
            for (index, client) in clients.enumerated() {
                if serve(client, events: poll.ready(at: index + 2)) {
                    kept.append(client)
                } else {
                    try? client.socket.close()
                }
            }
            clients = kept
            if ready > 0 && !poll.ready(at: 1).isEmpty { acceptClients(into: &clients) }
        }
    }

    /// Until the first idle client's deadline.
    private func timeout(_ clients: [ControlClient]) -> Duration? {
        guard let oldest = clients.map(\.lastActivity).min() else { return nil }
        return max(.zero, oldest + limits.idle - .now) + .milliseconds(1)
    }

    /// Serves one client's readiness; false when it is to be closed.
    private func serve(_ client: ControlClient, events: PollEvents) -> Bool {
        if events.contains(.readable) || events.contains(.hangUp) || events.contains(.error) {
            if !client.inputEnded && !receive(client) { return false }
        }
        guard client.flush() else { return false }
        if client.pendingOutput > limits.outputBytes { return false }
        if client.inputEnded && client.pendingOutput == 0 { return false }
        return MonotonicInstant.now - client.lastActivity < limits.idle
    }

    /// Reads what the client sent and answers each line it ends. False when
    /// the connection failed.
    private func receive(_ client: ControlClient) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4096)
        // A bounded number of reads per wake-up: one busy client must not
        // keep the loop from the others.
        for _ in 0..<16 {
            let result: IOResult<Int>
            do {
                result = try buffer.withUnsafeMutableBytes { bytes throws(SocketError) in
                    try client.socket.receive(into: bytes, waiting: false)
                }
            } catch {
                return false
            }
            guard case .processed(let count) = result else { return true }
            guard count > 0 else {
                client.inputEnded = true
                return true
            }
            client.touch()
            let events = buffer.withUnsafeBytes { client.reader.take(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            for event in events {
                switch event {
                case .tooLong:
                    client.queue(ControlReplies.refusal("line longer than \(limits.lineBytes) bytes"))
                case .line(let line):
                    let answer = runner.answer(line[...])
                    client.queue(answer.reply)
                    if let afterReply = answer.afterReply {
                        // The reply first: the shutdown may end the process soon.
                        _ = client.flush()
                        afterReply()
                    }
                }
            }
            if client.pendingOutput > limits.outputBytes { return true }
        }
        return true
    }

    /// Takes the connections waiting; beyond the limit, each gets one
    /// refusal line and is closed.
    private func acceptClients(into clients: inout [ControlClient]) {
        // As many as the limit allows and a few more, per wake-up.
        for _ in 0..<(limits.clients + 16) {
            let accepted: Socket
            do {
                guard case .processed(let socket) = try listener.accept(nonBlocking: true) else { return }
                accepted = socket
            } catch {
                // EMFILE and the like: the connection stays queued and the
                // listener readable; a pause keeps the loop from spinning.
                ServerLog.warning("control: \(error)")
                Pause.sleep(for: .milliseconds(50))
                return
            }
            guard clients.count < limits.clients else {
                let refusal = ControlReplies.refusal("too many control connections (at most \(limits.clients))") + "\n"
                _ = try? Array(refusal.utf8).withUnsafeBytes { bytes throws(SocketError) in
                    try accepted.send(bytes, waiting: false)
                }
                try? accepted.close()
                continue
            }
            clients.append(ControlClient(socket: accepted, lineLimit: limits.lineBytes))
        }
    }
}
