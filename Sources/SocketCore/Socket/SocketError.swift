import Glibc

/// A failed socket call. The same type as every other failed system call
/// (`SystemError`): a socket's errors print, compare and are caught like the
/// rest, and code about sockets says what it is about.
public typealias SocketError = SystemError

extension SocketError {
    /// True when a timeout expired: a connect timeout (`ETIMEDOUT`), or a
    /// send or receive timeout (`SO_SNDTIMEO`/`SO_RCVTIMEO`), which the kernel
    /// reports as `EAGAIN`.
    public var isTimeout: Bool { code == ETIMEDOUT || code == EAGAIN }
}
