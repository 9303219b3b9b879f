import CSystemShims
import Glibc

/// A descriptor that becomes readable when a child process ends
/// (pidfd_open(2)): an event loop learns of a child's end the way it learns
/// of data, with no SIGCHLD handler and no polling of waitpid.
///
/// It refers to the process itself, not to its number, so it can never
/// report a later process that got the same pid. Reading it is not needed;
/// reap the child with `SpawnedProcess.tryWait` once it is readable.
/// Close-on-exec, owned by this object, closed by `deinit`.
public final class ProcessEndNotice: Sendable {
    public let descriptor: Int32

    /// A notice for `child`, which must be a child of this process that has
    /// not been reaped.
    public init(child: pid_t) throws(SystemError) {
        descriptor = try syscallValue("pidfd_open", "\(child)") { fromNegativeErrno(shim_pidfd_open(child)) }
    }

    deinit { _ = Glibc.close(descriptor) }
}
