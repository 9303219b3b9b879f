import Glibc

/// What fstat(2) says about an open file that a server needs to decide how
/// to serve it and whether a copy it holds is still the file on disk.
public struct FileStatus: Sendable, Hashable {
    /// The kinds of file a server tells apart: it serves regular files and
    /// directories, and refuses the rest (FIFOs, sockets, devices).
    public enum Kind: Sendable, Hashable {
        case regular, directory, other
    }

    public let kind: Kind
    /// The device and inode: together they name the file, whatever path led to it.
    public let device: UInt64
    public let inode: UInt64
    public let size: Int64
    /// The last modification time, in whole seconds since the epoch and the
    /// nanoseconds past them.
    public let modifiedSeconds: Int64
    public let modifiedNanoseconds: Int64

    /// The status of the open `descriptor`; `detail` names it in an error.
    public init(descriptor: Int32, detail: @autoclosure () -> String?) throws(SystemError) {
        var status = stat()
        _ = try syscallValue("fstat", detail()) { fstat(descriptor, &status) }
        self.init(status)
    }

    init(_ status: stat) {
        switch status.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        default: kind = .other
        }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
        size = Int64(status.st_size)
        modifiedSeconds = Int64(status.st_mtim.tv_sec)
        modifiedNanoseconds = Int64(status.st_mtim.tv_nsec)
    }
}
