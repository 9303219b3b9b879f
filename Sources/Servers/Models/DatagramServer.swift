import SocketCore

/// Serves datagrams one at a time: each one is handed to the handler and
/// the reply goes back to its sender.
public struct DatagramServer<Handler: DatagramHandler>: Sendable {
    public let handler: Handler
    public let control: ServerControl
    /// This socket's worker's counters, when the server counts.
    let counters: WorkerCounters?

    public init(handler: Handler, control: ServerControl, worker: Int = 0) {
        self.handler = handler
        self.control = control
        self.counters = control.counters(ofWorker: worker)
    }

    /// Receives and replies until `control.stop()`. Delayed replies are
    /// sent when due, between receives: the wait for the next datagram
    /// ends at the earliest one's time.
    public func run(socket: Socket) {
        control.serve(listener: socket)
        // 64 KiB holds the largest UDP datagram; a UNIX datagram larger than
        // that is cut (its sender should not expect an echo service to keep it).
        var buffer = [UInt8](repeating: 0, count: 65536)
        var output: [UInt8] = []
        var delayed = DelayedReplies()
        while !control.isStopping {
            do throws(SocketError) {
                if let due = delayed.earliest {
                    sendDue(&delayed, on: socket)
                    if case .timedOut = try socket.waitUntilReadable(until: delayed.earliest ?? due) { continue }
                }
                let received = try socket.receiveFrom(into: &buffer)
                guard case .processed(let (count, sender)) = received else { continue }
                // A shut-down socket reads as an empty datagram with no sender.
                guard let sender, !control.isStopping else { continue }
                counters?.datagramReceived(count)
                let reply = buffer.withUnsafeBytes {
                    handler.received(UnsafeRawBufferPointer(rebasing: $0[..<count]), from: sender, output: &output)
                }
                switch reply {
                case .none: break
                case .now:
                    _ = try socket.send(output, to: sender)
                    counters?.datagramSent(output.count)
                case .after(let delay):
                    if !delayed.hold(output, for: sender, until: .now + delay) {
                        ServerLog.debug("datagram: \(DelayedReplies.capacity) replies held already; dropped one")
                    }
                }
                output.removeAll(keepingCapacity: true)
            } catch {
                if control.isStopping { break }
                // One unreachable sender (a refused reply) must not stop the service.
                ServerLog.warning("datagram: \(error)")
            }
        }
    }

    /// Sends the held replies whose time has come.
    private func sendDue(_ delayed: inout DelayedReplies, on socket: Socket) {
        let now = MonotonicInstant.now
        while let reply = delayed.popDue(now: now) {
            do throws(SocketError) {
                _ = try socket.send(reply.bytes, to: reply.recipient)
                counters?.datagramSent(reply.bytes.count)
            } catch {
                ServerLog.warning("datagram: \(error)")
            }
        }
    }
}
