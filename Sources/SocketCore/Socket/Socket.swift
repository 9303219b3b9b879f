import Glibc
import Synchronization

/// A socket: stream or datagram, IPv4, IPv6 or UNIX domain, created with
/// `SOCK_CLOEXEC` so that programs we start never inherit it.
///
/// Ownership. A `Socket` owns its descriptor. Call `close()` exactly once;
/// a second `close()`, or any other call after `close()`, is a programmer
/// error and traps (like `EBADF` would, had the number been reused). A socket
/// that is never closed is closed by `deinit`, so an early `throw` cannot leak
/// a descriptor; servers should still close explicitly to see close errors.
///
/// Concurrency. `Socket` is a final class whose only mutable state (the
/// descriptor's life) sits behind a `Mutex`, so it is `Sendable` and may be
/// shared between threads: one thread may receive while another sends, as the
/// kernel allows. Every call holds a use count on the descriptor for its
/// duration, and the descriptor is released only when the count drops to
/// zero, so a `close()` from one thread while another is blocked in `accept`
/// or `receive` never lets the number be reused under that call: the close
/// completes when the blocked call returns. To make it return, call
/// `shutdown(.read)` (or `.both`) first; on Linux that wakes `accept` too.
public final class Socket: Sendable {
    public let family: SocketFamily
    public let type: SocketType
    private let state: Mutex<State>

    private struct State: Sendable {
        var descriptor: Int32
        /// Calls in progress that use `descriptor`.
        var users = 0
        var closeRequested = false
        /// The UNIX socket file this socket created with bind, removed on close.
        var file: UnixSocketFile?
    }

    /// Creates a socket (socket(2) with `SOCK_CLOEXEC`). Blocking mode.
    public convenience init(
        family: SocketFamily, type: SocketType, protocol proto: SocketProtocol = .default
    ) throws(SocketError) {
        let descriptor = try syscallValue("socket", "\(family), \(type)") {
            Glibc.socket(family.rawValue, type.rawValue | Int32(SOCK_CLOEXEC.rawValue), proto.rawValue)
        }
        self.init(adopting: descriptor, family: family, type: type)
    }

    /// Takes ownership of a descriptor SocketCore has just made.
    init(adopting descriptor: Int32, family: SocketFamily, type: SocketType) {
        self.family = family
        self.type = type
        state = Mutex(State(descriptor: descriptor))
    }

    /// A pair of connected UNIX sockets (socketpair(2) with `SOCK_CLOEXEC`),
    /// e.g. to talk to a child process or a thread.
    public static func pair(type: SocketType = .stream) throws(SocketError) -> (Socket, Socket) {
        var descriptors: [Int32] = [-1, -1]
        _ = try syscallValue("socketpair", "\(SocketFamily.unix), \(type)") {
            Glibc.socketpair(AF_UNIX, type.rawValue | Int32(SOCK_CLOEXEC.rawValue), 0, &descriptors)
        }
        return (
            Socket(adopting: descriptors[0], family: .unix, type: type),
            Socket(adopting: descriptors[1], family: .unix, type: type)
        )
    }

    /// Lends the descriptor to `body`, for calls SocketCore does not wrap
    /// (an event loop registering it with epoll, say). `body` must not close
    /// it nor keep it after returning: the socket still owns it.
    public func withUnsafeFileDescriptor<Result, Failure: Error>(
        _ body: (Int32) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let descriptor = state.withLock { state in
            precondition(!state.closeRequested, "use of a closed Socket")
            state.users += 1
            return state.descriptor
        }
        defer { release() }
        return try body(descriptor)
    }

    /// Ends a use; runs a close that was asked for while it was in progress.
    private func release() {
        let closing = state.withLock { state -> Closing? in
            state.users -= 1
            return state.closeRequested && state.users == 0 ? Closing(state) : nil
        }
        // Nobody is left to see an error of a deferred close.
        try? closing?.run()
    }

    /// True until `close()` is called.
    public var isOpen: Bool { state.withLock { !$0.closeRequested } }

    /// Closes the socket, and removes the UNIX socket file it bound (see
    /// `bind(to:)`). Call it once. If another thread is inside a call on this
    /// socket, the descriptor is closed when that call returns, and errors of
    /// that deferred close are dropped.
    ///
    /// Even when this throws, the descriptor is closed: close(2) is never
    /// retried (Linux releases the descriptor first; https://lwn.net/Articles/576478/).
    public func close() throws(SocketError) {
        let closing = state.withLock { state -> Closing? in
            precondition(!state.closeRequested, "Socket closed twice")
            state.closeRequested = true
            return state.users == 0 ? Closing(state) : nil
        }
        try closing?.run()
    }

    deinit {
        // No call can be in progress: each holds a reference to the socket.
        let closing = state.withLock { $0.closeRequested ? nil : Closing($0) }
        try? closing?.run()
    }

    /// Records the file bind created, to remove it on close.
    func adopt(_ file: UnixSocketFile?) {
        state.withLock { $0.file = file }
    }

    /// Makes the calling process the one that removes the UNIX socket file
    /// bind created when the socket closes (only the binding process does,
    /// so that a forked child never takes the file from its parent): for a
    /// daemon, which binds and then forks away from the process that did.
    public func takeOverSocketFile() {
        state.withLock { state in state.file = state.file?.ownedByThisProcess }
    }

    /// What closing needs, taken out of the lock so the syscall runs outside it.
    private struct Closing {
        let descriptor: Int32
        let file: UnixSocketFile?

        init(_ state: State) {
            descriptor = state.descriptor
            file = state.file
        }

        func run() throws(SocketError) {
            // Remove the file first: from then on clients find no file rather
            // than one that refuses them.
            file?.remove()
            _ = try syscall("close", interrupt: .done, wouldBlock: []) { Glibc.close(descriptor) }
        }
    }
}
