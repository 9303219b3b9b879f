import Glibc

/// The syscall choke point for code outside SocketCore: the daemon, the pid
/// file, signal masks, the benchmark's files. Each call is handled as
/// SocketCore handles its own: `EINTR` retried, an errno only a bug can cause
/// (`EBADF`, `EFAULT`, `ENOTSOCK`) traps, and any other failure is thrown as
/// a `SystemError` that prints `call(detail): ENAME (text)`.
///
///     let descriptor = try SystemCall.value("open", path) { open(path, O_RDONLY | O_CLOEXEC) }
///
/// `detail` is evaluated only when the call fails. `body` may run more than
/// once (after `EINTR`), so it must make exactly one call and recompute what
/// it passes.
public enum SystemCall {
    /// A call of the C library convention: -1 with `errno` set on failure
    /// (open, pipe, read, write, setsid, ...).
    public static func value<Result: FixedWidthInteger>(
        _ call: String, _ detail: @autoclosure () -> String? = nil, _ body: () -> Result
    ) throws(SystemError) -> Result {
        try syscallValue(call, detail(), body)
    }

    /// `value` for a call on a non-blocking descriptor: `EAGAIN` comes back
    /// as `.wouldBlock` instead of being thrown.
    public static func result<Result: FixedWidthInteger>(
        _ call: String, _ detail: @autoclosure () -> String? = nil, _ body: () -> Result
    ) throws(SystemError) -> IOResult<Result> {
        try syscall(call, detail(), body)
    }

    /// A call that returns the errno itself, 0 on success, and leaves
    /// `errno` alone (pthread_sigmask, posix_spawn and the other pthread and
    /// spawn functions).
    public static func returningErrno(
        _ call: String, _ detail: @autoclosure () -> String? = nil, _ body: () -> Int32
    ) throws(SystemError) {
        _ = try syscallValue(call, detail()) { () -> Int32 in
            let code = body()
            guard code != 0 else { return 0 }
            errno = code
            return -1
        }
    }

    /// A call that returns a negative errno on failure, as the C core and
    /// CSystemShims do; returns its non-negative result.
    public static func returningNegativeErrno(
        _ call: String, _ detail: @autoclosure () -> String? = nil, _ body: () -> Int32
    ) throws(SystemError) -> Int32 {
        try syscallValue(call, detail()) { fromNegativeErrno(body()) }
    }

    /// close(2), never retried: Linux releases the descriptor before close
    /// can be interrupted, so a retry could close a descriptor another
    /// thread has just been given (https://lwn.net/Articles/576478/). The
    /// descriptor is closed even when this throws (EIO from a file system).
    public static func close(_ descriptor: Int32, _ detail: @autoclosure () -> String? = nil) throws(SystemError) {
        _ = try syscall("close", detail(), interrupt: .done, wouldBlock: []) { Glibc.close(descriptor) }
    }
}
