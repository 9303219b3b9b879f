import CSystemShims
import Glibc

/// An eventfd(2) that one thread signals and another waits on with poll,
/// select or epoll: how a loop blocked in its wait learns that another
/// thread has something for it. Signals coalesce until `drain`.
public final class EventNotifier: Sendable {
    /// Readable while signalled; owned by this object.
    public let descriptor: Int32

    /// A non-blocking, close-on-exec eventfd.
    public init() throws(SocketError) {
        descriptor = try syscallValue("eventfd") { fromNegativeErrno(shim_eventfd()) }
    }

    /// Makes the descriptor readable (from any thread). Cannot block: the
    /// counter would have to reach 2^64 - 1 first.
    public func signal() {
        var one: UInt64 = 1
        _ = try? syscall("write", "eventfd") { Glibc.write(descriptor, &one, 8) }
    }

    /// Clears the signal (on the waiting thread).
    public func drain() {
        var count: UInt64 = 0
        _ = try? syscall("read", "eventfd") { Glibc.read(descriptor, &count, 8) }
    }

    deinit { _ = Glibc.close(descriptor) }
}
