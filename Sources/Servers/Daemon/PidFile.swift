import Glibc
import SocketCore

/// A pid file that says which process serves, and keeps a second server
/// from starting: the file stays locked (flock(2)) for as long as the
/// process lives, so a live holder is told from a stale file left by a
/// process that died (its lock went with it) without trusting the pid in
/// it, which may belong to someone else by now.
public final class PidFile: Sendable {
    public let path: String
    private let descriptor: Int32

    /// Opens and locks `path` (made absolute, since a daemon changes to /),
    /// and empties it: what a dead holder wrote is not our pid. Throws
    /// "pidfile F is held by pid N" when a live process holds it.
    public init(path: String) throws(ServerError) {
        let absolute = Self.absolute(path)
        self.path = absolute
        self.descriptor = try Self.openLocked(absolute)
    }

    /// Writes this process's pid (after a daemon has detached: the pid is
    /// the daemon's). The lock is shared by forked copies of the descriptor,
    /// so it passes to the daemon along with it.
    public func writePid() throws(ServerError) {
        let text = "\(getpid())\n"
        let written = text.withCString { bytes in
            ftruncate(descriptor, 0) == 0 && pwrite(descriptor, bytes, strlen(bytes), 0) == strlen(bytes)
        }
        guard written else { throw ServerError("cannot write pidfile \(path): \(Self.reason(errno))") }
    }

    /// Removes the file (the server is stopping) and releases the lock. A
    /// file that someone replaced meanwhile is not ours to remove.
    public func remove() {
        if Self.isSameFile(descriptor, path) { unlink(path) }
        close(descriptor)
    }

    /// open + flock, as FreeBSD's flopen(3) does it: the file may have been
    /// unlinked (by its holder stopping) between our open and our lock, and
    /// a lock on an unlinked file keeps no one out, so the lock only counts
    /// if the path still names the file locked; otherwise try again.
    private static func openLocked(_ path: String) throws(ServerError) -> Int32 {
        for _ in 0..<10 {
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw ServerError("cannot open pidfile \(path): \(reason(errno))") }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                let lockError = errno
                let holder = readPid(descriptor)
                close(descriptor)
                guard lockError == EWOULDBLOCK else {
                    throw ServerError("cannot lock pidfile \(path): \(reason(lockError))")
                }
                // The holder empties the file when it takes the lock and
                // writes its pid once it serves (after detaching).
                throw ServerError("pidfile \(path) is held by "
                    + (holder.map { "pid \($0)" } ?? "a process that has not written its pid yet"))
            }
            guard isSameFile(descriptor, path) else {
                close(descriptor)
                continue
            }
            // Emptied now and unlinked at exit: never a device such as
            // /dev/null, a fifo or anything but a file of our own making.
            var status = stat()
            guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
                close(descriptor)
                throw ServerError("pidfile \(path) is not a regular file")
            }
            guard ftruncate(descriptor, 0) == 0 else {
                let error = errno
                close(descriptor)
                throw ServerError("cannot write pidfile \(path): \(reason(error))")
            }
            return descriptor
        }
        throw ServerError("pidfile \(path) keeps being removed while it is locked")
    }

    /// Whether `path` still names the file open on `descriptor`.
    static func isSameFile(_ descriptor: Int32, _ path: String) -> Bool {
        var open = stat()
        var named = stat()
        guard fstat(descriptor, &open) == 0, stat(path, &named) == 0 else { return false }
        return open.st_dev == named.st_dev && open.st_ino == named.st_ino
    }

    static func readPid(_ descriptor: Int32) -> pid_t? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return pid_t(String(decoding: buffer[..<count], as: UTF8.self).filter(\.isNumber))
    }

    private static func reason(_ code: Int32) -> String {
        "\(errnoName(code)) (\(String(cString: strerror(code))))"
    }

    public static func absolute(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        return String(nulTerminated: buffer) + "/" + path
    }
}
