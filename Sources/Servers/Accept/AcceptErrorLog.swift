import SocketCore
import Synchronization

/// Accept failures come in storms (every connection attempt while out of
/// descriptors fails the same way): the first is logged at once, the rest
/// are counted and summed up at most once a second.
final class AcceptErrorLog: Sendable {
    static let shared = AcceptErrorLog()

    private struct State {
        var lastLine = MonotonicInstant.now - .seconds(10)
        var quiet = 0
        var quietShed = 0
    }
    private let state = Mutex(State())

    func note(_ error: SocketError, shed: Int) {
        let line: String? = state.withLock { state in
            state.quiet += 1
            state.quietShed += shed
            guard MonotonicInstant.now - state.lastLine >= .seconds(1) else { return nil }
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
