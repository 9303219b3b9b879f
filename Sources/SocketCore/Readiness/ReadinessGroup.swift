import CSystemShims
import Glibc

/// Several descriptors seen as one: an epoll set (epoll(7)), which is
/// itself readable while any descriptor added to it is readable.
///
/// A server model waits on one extra descriptor per session
/// (`SessionIO.waitsOn`); a CGI script has three to watch (its output, its
/// error output, and its end). The group's descriptor stands for all of
/// them, and poll, select and epoll all take it. Interest is readable-only
/// and level-triggered: after a wake-up the owner reads each member until
/// it would block, and anything still unread keeps the group readable.
///
/// Ownership: the group owns its epoll descriptor (close-on-exec, closed by
/// `deinit`), not the members; a member must be removed (or closed, which
/// removes it) before its number can be reused.
public final class ReadinessGroup {
    /// The descriptor to wait on.
    public let descriptor: Int32

    public init() throws(SystemError) {
        descriptor = try syscallValue("epoll_create1", "EPOLL_CLOEXEC") { fromNegativeErrno(shim_epoll_create()) }
    }

    /// Adds `member` for readability (its end of file or hang-up counts).
    public func add(_ member: Int32) throws(SystemError) {
        _ = try syscallValue("epoll_ctl", "EPOLL_CTL_ADD \(member)") {
            fromNegativeErrno(shim_epoll_add_readable(descriptor, member))
        }
    }

    /// Removes `member`, which stays open.
    public func remove(_ member: Int32) {
        _ = try? syscallValue("epoll_ctl", "EPOLL_CTL_DEL \(member)") {
            fromNegativeErrno(shim_epoll_remove(descriptor, member))
        }
    }

    deinit { _ = Glibc.close(descriptor) }
}
