import SocketCore
import Synchronization

/// Wakes one session from any thread: the model calls the session's
/// `woken` on the session's own thread soon after. Wake-ups coalesce; a
/// wake-up for a connection that has ended is dropped.
public struct SessionWaker: Sendable {
    let inbox: WakeInbox
    let token: UInt64

    public func wake() { inbox.post(token) }
}

/// The wake-ups posted to one loop (or one blocking connection), and the
/// eventfd that makes its wait return. The eventfd is made on the first
/// `makeWaker`, so connections that never hand out a waker cost no
/// descriptor.
final class WakeInbox: Sendable {
    private struct State {
        var notifier: EventNotifier?
        var tokens: [UInt64] = []
    }
    private let state = Mutex(State())

    init() {}

    /// An inbox with its eventfd made now (an event loop's, watched from the start).
    init(notifying: Bool) throws(SocketError) {
        if notifying {
            let notifier = try EventNotifier()
            state.withLock { $0.notifier = notifier }
        }
    }

    /// Makes the eventfd if there is none. A failure (out of descriptors)
    /// leaves wake-ups to be noticed at the next wait's end.
    func enable() {
        state.withLock { state in
            if state.notifier == nil { state.notifier = try? EventNotifier() }
        }
    }

    /// The eventfd to wait on, once enabled.
    var descriptor: Int32? { state.withLock { $0.notifier?.descriptor } }

    func post(_ token: UInt64) {
        let notifier = state.withLock { state -> EventNotifier? in
            if !state.tokens.contains(token) { state.tokens.append(token) }
            return state.notifier
        }
        notifier?.signal()
    }

    /// Wakes the waiting thread with no token (a stop).
    func nudge() { state.withLock { $0.notifier }?.signal() }

    /// The tokens posted since the last call; clears the eventfd.
    func take() -> [UInt64] {
        state.withLock { state in
            state.notifier?.drain()
            defer { state.tokens.removeAll() }
            return state.tokens
        }
    }
}
