import CSystemShims
import Glibc

/// A pipe that carries a stream socket's bytes into a file inside the
/// kernel: splice(2) from the socket into the pipe, then from the pipe into
/// the file. The data never comes up to the process, so of the two copies
/// that read(2) and write(2) make of every byte, one is left (the pipe's
/// pages into the file's), and a megabyte takes two calls, not sixteen.
///
/// For a plain stream received into a regular file (an FTP download); a
/// stream that must be decoded (TLS, line ends) has to be read instead.
/// One user at a time: each `fill` is followed by a `drain` of its count.
public final class SplicePipe {
    private let output: PipeEnd
    private let input: PipeEnd
    /// The most one `fill` moves: the pipe's size.
    public let capacity: Int

    /// A pipe of `capacity` bytes when the kernel grants it, else of the
    /// size it has (64 KiB by default; a user may not go past
    /// /proc/sys/fs/pipe-max-size).
    public init(capacity: Int = 1 << 20) throws(SystemError) {
        (output, input) = try PipeEnd.pipe()
        let given = input.withUnsafeFileDescriptor { shim_set_pipe_size($0, Int32(clamping: capacity)) }
        self.capacity = given > 0 ? Int(given) : 64 * 1024
    }

    /// Moves what `socket` (non-blocking) has received, up to `capacity`
    /// bytes, into the empty pipe: the count, 0 at the end of the stream,
    /// `.wouldBlock` when nothing has come yet.
    public func fill(from socket: Socket) throws(SocketError) -> IOResult<Int> {
        try socket.withUnsafeFileDescriptor { source throws(SocketError) in
            try input.withUnsafeFileDescriptor { pipe throws(SocketError) in
                try syscall("splice", "socket to pipe") {
                    fromNegativeErrno(shim_splice(source, pipe, UInt(capacity), 1))
                }
            }
        }
    }

    /// Writes the `count` bytes the last `fill` moved into the file
    /// `descriptor`, at its position (which moves past them).
    public func drain(_ count: Int, into descriptor: Int32, detail: @autoclosure () -> String) throws(SystemError) {
        var left = count
        try output.withUnsafeFileDescriptor { pipe throws(SystemError) in
            while left > 0 {
                let moved = try syscallValue("splice", detail()) {
                    fromNegativeErrno(shim_splice(pipe, descriptor, UInt(left), 0))
                }
                // The pipe holds `left` bytes, so a regular file that takes
                // none has no room (a full disk says ENOSPC first).
                guard moved > 0 else { throw SystemError(code: EIO, call: "splice", detail: detail()) }
                left -= moved
            }
        }
    }
}
