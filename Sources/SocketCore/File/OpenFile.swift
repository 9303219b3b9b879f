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

    /// Opens `path` read-only (O_CLOEXEC, and O_NOFOLLOW when
    /// `followSymbolicLinks` is false). Anything but a regular file is
    /// refused with `EISDIR` (a directory) or `EINVAL`: a FIFO or a device
    /// would block a sendfile or never end.
    public init(path: String, followSymbolicLinks: Bool = true) throws(SocketError) {
        let flags = O_RDONLY | O_CLOEXEC | (followSymbolicLinks ? 0 : O_NOFOLLOW)
        let descriptor = try syscallValue("open", path) { Glibc.open(path, flags) }
        var status = stat()
        do {
            _ = try syscallValue("fstat", path) { fstat(descriptor, &status) }
        } catch {
            Glibc.close(descriptor)
            throw error
        }
        let kind = status.st_mode & S_IFMT
        guard kind == S_IFREG else {
            Glibc.close(descriptor)
            throw SocketError(code: kind == S_IFDIR ? EISDIR : EINVAL, call: "open", detail: path)
        }
        self.descriptor = descriptor
        self.size = Int64(status.st_size)
        self.modified = (Int64(status.st_mtim.tv_sec), Int64(status.st_mtim.tv_nsec))
        self.path = path
    }

    deinit { _ = Glibc.close(descriptor) }
}
