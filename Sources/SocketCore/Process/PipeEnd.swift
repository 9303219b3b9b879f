import CSystemShims
import Glibc
import Synchronization

/// One end of a pipe(2) to or from a child process: its standard input
/// (write to it), output or error (read from it).
///
/// Ownership. A `PipeEnd` owns its descriptor, created close-on-exec so no
/// other program started meanwhile holds it. Call `close()` once: writing
/// end of file to a child's standard input is closing it. A second `close()`
/// or a call after it traps; an end never closed is closed by `deinit`.
///
/// Concurrency. One thread may read while another writes a different end,
/// but closing an end while another thread uses that same end is a bug: the
/// number could be reused under the call (unlike `Socket`, which counts its
/// users, a pipe has no `shutdown` to wake a blocked call with).
///
/// A write to a pipe whose reader has gone raises SIGPIPE (pipes have no
/// `MSG_NOSIGNAL`); it is `EPIPE` only in a process that ignores SIGPIPE, as
/// the servers do.
public final class PipeEnd: Sendable {
    /// The descriptor, or -1 once closed.
    private let descriptor: Atomic<Int32>

    init(adopting descriptor: Int32) {
        self.descriptor = Atomic(descriptor)
    }

    /// A pipe: the read end and the write end, both close-on-exec.
    public static func pipe() throws(SystemError) -> (read: PipeEnd, write: PipeEnd) {
        var ends: [Int32] = [-1, -1]
        _ = try syscallValue("pipe2", "O_CLOEXEC") { fromNegativeErrno(shim_pipe_cloexec(&ends)) }
        return (PipeEnd(adopting: ends[0]), PipeEnd(adopting: ends[1]))
    }

    /// Lends the descriptor to `body` (to register it with an event loop,
    /// say). `body` must not close it nor keep it after returning.
    public func withUnsafeFileDescriptor<Result, Failure: Error>(
        _ body: (Int32) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let open = descriptor.load(ordering: .acquiring)
        precondition(open >= 0, "use of a closed PipeEnd")
        return try body(open)
    }

    /// True until `close()` is called.
    public var isOpen: Bool { descriptor.load(ordering: .acquiring) >= 0 }

    /// Reads what is there, up to `buffer.count` bytes (read(2)): 0 at end
    /// of file (every writer has closed), `.wouldBlock` on an empty
    /// non-blocking pipe.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> IOResult<Int> {
        try withUnsafeFileDescriptor { open throws(SystemError) in
            try syscall("read", "pipe") { Glibc.read(open, buffer.baseAddress, buffer.count) }
        }
    }

    /// Reads until end of file (blocking mode), refusing more than `limit`
    /// bytes with `EFBIG`: a child that writes without end must not fill
    /// our memory.
    public func readToEnd(limit: Int = 16 << 20) throws(SystemError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let result = try chunk.withUnsafeMutableBytes { buffer in
                Result { () throws(SystemError) in try read(into: buffer) }
            }.get()
            guard case .processed(let count) = result else {
                throw SystemError(code: EAGAIN, call: "read", detail: "pipe (non-blocking: use read(into:))")
            }
            guard count > 0 else { return bytes }
            guard bytes.count + count <= limit else { throw SystemError(code: EFBIG, call: "read", detail: "pipe") }
            bytes += chunk[..<count]
        }
    }

    /// Writes what the pipe will take of `bytes` (write(2)); `.wouldBlock`
    /// when a non-blocking pipe is full.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError) -> IOResult<Int> {
        try withUnsafeFileDescriptor { open throws(SystemError) in
            try syscall("write", "pipe") { Glibc.write(open, bytes.baseAddress, bytes.count) }
        }
    }

    /// Writes every byte (blocking mode), calling write(2) as often as it takes.
    public func writeAll(_ bytes: [UInt8]) throws(SystemError) {
        var written = 0
        while written < bytes.count {
            let result = try bytes.withUnsafeBytes { all in
                Result { () throws(SystemError) in try write(UnsafeRawBufferPointer(rebasing: all[written...])) }
            }.get()
            guard case .processed(let count) = result else {
                throw SystemError(code: EAGAIN, call: "write", detail: "pipe (non-blocking: use write(_:))")
            }
            written += count
        }
    }

    /// Switches non-blocking mode on or off (fcntl(2) `F_SETFL`, `O_NONBLOCK`),
    /// for a pipe watched by an event loop.
    public func setNonBlocking(_ on: Bool) throws(SystemError) {
        try withUnsafeFileDescriptor { open throws(SystemError) in
            let flags = try syscallValue("fcntl", "F_GETFL") { fcntl(open, F_GETFL) }
            let wanted = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK
            guard wanted != flags else { return }
            _ = try syscallValue("fcntl", "F_SETFL") { fcntl(open, F_SETFL, wanted) }
        }
    }

    /// Puts `replacement` in place of the descriptor and closes the old one.
    func replaceDescriptor(with replacement: Int32) throws(SystemError) {
        let old = descriptor.exchange(replacement, ordering: .acquiringAndReleasing)
        precondition(old >= 0, "use of a closed PipeEnd")
        try SystemCall.close(old, "pipe")
    }

    /// Closes the end (never retried; the descriptor is released even when
    /// this throws).
    public func close() throws(SystemError) {
        let open = descriptor.exchange(-1, ordering: .acquiringAndReleasing)
        precondition(open >= 0, "PipeEnd closed twice")
        try SystemCall.close(open, "pipe")
    }

    deinit {
        let open = descriptor.load(ordering: .acquiring)
        if open >= 0 { try? SystemCall.close(open, "pipe") }
    }
}
