import Glibc

/// A regular file opened for reading, to be sent with `Socket.sendFile`:
/// the descriptor stays open as long as the object lives (every queued
/// range of the file holds it), so a file renamed or removed while being
/// sent is still sent whole, as it was when opened.
public final class OpenFile: Sendable {
    /// The descriptor; owned by this object, closed by its `deinit`.
    public let descriptor: Int32
    /// The size when the file was opened (fstat(2)).
    public let size: Int64
    /// The last modification time when the file was opened, in whole seconds
    /// since the epoch and the nanoseconds past them.
    public let modified: (seconds: Int64, nanoseconds: Int64)
    /// The path it was opened by, for error messages.
    public let path: String
    /// Everything fstat(2) said when the file was opened.
    public let status: FileStatus

    /// Opens `path` read-only (O_CLOEXEC, and O_NOFOLLOW when
    /// `followSymbolicLinks` is false). Anything but a regular file is
    /// refused with `EISDIR` (a directory) or `EINVAL`: a FIFO or a device
    /// would block a sendfile or never end.
    public convenience init(path: String, followSymbolicLinks: Bool = true) throws(SocketError) {
        let flags = O_RDONLY | O_CLOEXEC | (followSymbolicLinks ? 0 : O_NOFOLLOW)
        let descriptor = try syscallValue("open", path) { Glibc.open(path, flags) }
        try self.init(adopting: descriptor, path: path)
    }

    /// Takes over `descriptor`, a file opened for reading (by `openat2`, say):
    /// it is closed when this object goes, or here if it is not a regular
    /// file (`EISDIR` for a directory, `EINVAL` for anything else).
    public convenience init(adopting descriptor: Int32, path: String) throws(SocketError) {
        let status: FileStatus
        do {
            status = try FileStatus(descriptor: descriptor, detail: path)
        } catch {
            Glibc.close(descriptor)
            throw error
        }
        try self.init(adopting: descriptor, status: status, path: path)
    }

    /// Takes over `descriptor`, whose fstat(2) said `status`.
    public init(adopting descriptor: Int32, status: FileStatus, path: String) throws(SocketError) {
        guard status.kind == .regular else {
            Glibc.close(descriptor)
            throw SocketError(code: status.kind == .directory ? EISDIR : EINVAL, call: "open", detail: path)
        }
        self.descriptor = descriptor
        self.size = status.size
        self.modified = (status.modifiedSeconds, status.modifiedNanoseconds)
        self.path = path
        self.status = status
    }

    deinit { _ = Glibc.close(descriptor) }
}
