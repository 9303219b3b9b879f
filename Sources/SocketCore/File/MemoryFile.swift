import CSystemShims
import Glibc

/// A file that lives in memory only (memfd_create(2)): written by us, then
/// handed to a child as its standard input, where it reads like any file.
///
/// A CGI request body goes through one: the server writes the body as it
/// arrives (a write to a memory file never waits on the script), and the
/// script, started once the body is complete, reads it at its own pace. A
/// pipe instead would need the server to feed it while also reading the
/// script's output, or deadlock when both pipes fill.
///
/// Ownership: the descriptor is close-on-exec and closed by `deinit`; a
/// child given it as a standard stream holds its own copy.
public final class MemoryFile: Sendable {
    /// The descriptor; owned by this object.
    public let descriptor: Int32

    /// A new empty file; `name` shows in /proc/PID/fd only.
    public init(name: String) throws(SystemError) {
        descriptor = try syscallValue("memfd_create", name) { fromNegativeErrno(shim_memfd(name)) }
    }

    /// Appends `bytes` at the file position (write(2), every byte).
    public func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError) {
        var written = 0
        while written < bytes.count {
            let rest = UnsafeRawBufferPointer(rebasing: bytes[written...])
            written += try syscallValue("write", "memory file") {
                Glibc.write(descriptor, rest.baseAddress, rest.count)
            }
        }
    }

    /// Moves the file position back to the start (lseek(2)), so that a child
    /// given the descriptor reads what was written from its beginning.
    public func rewind() throws(SystemError) {
        _ = try syscallValue("lseek", "memory file") { lseek(descriptor, 0, SEEK_SET) }
    }

    deinit { _ = Glibc.close(descriptor) }
}
