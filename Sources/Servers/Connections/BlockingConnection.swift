import Glibc
import SocketCore
import Synchronization

/// Serves one connection with blocking calls, in the calling thread or
/// process, until either side is done: the body of the iterative, thread
/// and fork models.
enum BlockingConnection {
    /// Reads, hands the bytes to the session, sends its output, until end
    /// of file or the session closes. Errors end this connection only: a
    /// peer that resets mid-echo costs nothing else.
    static func serve<Handler: StreamHandler>(
        _ connection: Socket, peer: SocketAddress, handler: Handler, buffer: UnsafeMutableRawBufferPointer
    ) {
        var session = handler.open(peer: peer)
        var output: [UInt8] = []
        do throws(SocketError) {
            while true {
                let count = try connection.receive(into: buffer).value ?? 0
                let action = count == 0
                    ? session.peerFinished(output: &output)
                    : session.received(UnsafeRawBufferPointer(rebasing: buffer[..<count]), output: &output)
                if !output.isEmpty {
                    try connection.sendAll(output)
                    output.removeAll(keepingCapacity: true)
                }
                if count == 0 || action == .close { return }
            }
        } catch {
            ServerLog.warning("connection from \(peer) ended: \(error)")
        }
    }

    /// The read buffer of one blocking connection: 16 KiB, a few socket
    /// buffer segments' worth, so a thread per connection stays cheap.
    static let bufferSize = 16 * 1024
}

/// The accept loop of the blocking models (iterative, thread, fork): takes
/// connections from `listener` until `control` is stopped (a stop shuts the
/// listener down, which wakes the blocked accept) and hands each to `body`.
/// Registers the listener with `control` and readies the spare descriptor.
func acceptUntilStopped(
    _ listener: Socket, control: ServerControl, _ body: (Socket, SocketAddress) -> Void
) {
    control.serve(listener: listener)
    AcceptReserve.shared.prepare()
    while !control.isStopping {
        do {
            guard let accepted = try listener.acceptWithPeer().value else { continue }
            body(accepted.socket, accepted.peer)
        } catch {
            if control.isStopping { break }
            AcceptErrors.handleBlocking(error, listener: listener)
        }
    }
}

/// What a failed accept means for an accept loop.
enum AcceptErrors {
    /// What the loop should do next.
    enum Next {
        /// Call accept again.
        case retry
        /// Stop accepting for `AcceptErrors.pause`: out of descriptors with
        /// nothing to shed, or out of memory, accept would fail again at
        /// once, and a listener that stays readable would make a loop spin.
        case pause
    }

    static let pause: Duration = .milliseconds(100)

    /// Logs the failure (at most one line a second; see `AcceptErrorLog`);
    /// when the process is out of descriptors, takes the waiting
    /// connections off the backlog with the spare descriptor and closes them
    /// (the clients see a closed connection instead of waiting forever).
    static func handle(_ error: SocketError, listener: Socket) -> Next {
        if AcceptReserve.isOutOfDescriptors(error) {
            return shed(AcceptReserve.shared.shed(from: listener), after: error)
        }
        AcceptErrorLog.shared.note(error, shed: 0)
        return [ENOBUFS, ENOMEM].contains(error.code) ? .pause : .retry
    }

    /// What to do after `shed` connections were closed for `error`.
    static func shed(_ shed: Int, after error: SocketError) -> Next {
        AcceptErrorLog.shared.note(error, shed: shed)
        return shed > 0 ? .retry : .pause
    }

    /// `handle` for a blocking accept loop, which pauses by sleeping.
    static func handleBlocking(_ error: SocketError, listener: Socket) {
        if case .pause = handle(error, listener: listener) { Thread.sleep(for: pause) }
    }
}

/// Accept failures come in storms (every connection attempt while out of
/// descriptors fails the same way): the first is logged at once, the rest
/// are counted and summed up at most once a second.
final class AcceptErrorLog: Sendable {
    static let shared = AcceptErrorLog()

    private struct State {
        var lastLine = ContinuousClock.now - .seconds(10)
        var quiet = 0
        var quietShed = 0
    }
    private let state = Mutex(State())

    func note(_ error: SocketError, shed: Int) {
        let line: String? = state.withLock { state in
            state.quiet += 1
            state.quietShed += shed
            guard ContinuousClock.now - state.lastLine >= .seconds(1) else { return nil }
            let count = state.quiet
            let closed = state.quietShed
            state = State(lastLine: .now, quiet: 0, quietShed: 0)
            var text = "accept failed: \(error)"
            if count > 1 { text += " (\(count) times since the last report)" }
            if closed > 0 { text += "; closed \(closed) waiting connection(s) with the spare descriptor" }
            return text
        }
        if let line { ServerLog.warning(line) }
    }
}

public enum Thread {
    /// Sleeps the calling thread (nanosleep(2), resumed after signals).
    public static func sleep(for duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
