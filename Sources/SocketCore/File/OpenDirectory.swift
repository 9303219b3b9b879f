import Glibc

/// A directory opened for reading its entries (a web server's listing).
public final class OpenDirectory: Sendable {
    /// One name in a directory.
    public struct Entry: Sendable, Hashable {
        /// The name's bytes, as the file system keeps them (not always UTF-8).
        public let name: [UInt8]
        /// Whether it is a directory. A symbolic link counts as a file: what
        /// it points to is not looked at.
        public let isDirectory: Bool
    }

    /// The descriptor; owned by this object, closed by its `deinit`.
    public let descriptor: Int32
    public let status: FileStatus
    /// The path it was opened by, for error messages.
    public let path: String

    /// Takes over `descriptor`, an open directory whose fstat(2) said `status`.
    public init(adopting descriptor: Int32, status: FileStatus, path: String) {
        self.descriptor = descriptor
        self.status = status
        self.path = path
    }

    deinit { _ = Glibc.close(descriptor) }

    /// The directory's entries but `.` and `..`, in the order readdir gives them.
    public func entries() throws(SystemError) -> [Entry] {
        // fdopendir takes the descriptor it is given, so it gets a new one
        // (with its own read position) and this object keeps its own.
        let own = try syscallValue("openat", path) { openat(descriptor, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard let stream = fdopendir(own) else {
            let code = errno
            Glibc.close(own)
            throw SystemError(code: code, call: "fdopendir", detail: path)
        }
        defer { closedir(stream) }
        var entries: [Entry] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                guard errno == 0 else { throw SystemError(code: errno, call: "readdir", detail: path) }
                return entries
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            var isDirectory = entry.pointee.d_type == UInt8(DT_DIR)
            if entry.pointee.d_type == UInt8(DT_UNKNOWN) {
                // Some file systems do not fill in d_type.
                var status = stat()
                let terminated = name.map { CChar(bitPattern: $0) } + [0]
                let found = try? syscallValue("fstatat", path) {
                    fstatat(descriptor, terminated, &status, AT_SYMLINK_NOFOLLOW)
                }
                isDirectory = found != nil && status.st_mode & S_IFMT == S_IFDIR
            }
            entries.append(Entry(name: name, isDirectory: isDirectory))
        }
    }
}
