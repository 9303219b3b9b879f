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
        let bytes = Array("\(getpid())\n".utf8)
        do throws(SystemError) {
            _ = try SystemCall.value("ftruncate", path) { ftruncate(descriptor, 0) }
            // A few bytes at offset 0 of a regular file: written whole or not at all.
            let written = try SystemCall.value("pwrite", path) { pwrite(descriptor, bytes, bytes.count, 0) }
            guard written == bytes.count else { throw SystemError(code: EIO, call: "pwrite", detail: path) }
        } catch {
            throw Self.failure(error)
        }
    }

    /// Removes the file (the server is stopping) and releases the lock. A
    /// file that someone replaced meanwhile is not ours to remove.
    public func remove() {
        if Self.isSameFile(descriptor, path) { _ = try? SystemCall.value("unlink", path) { unlink(path) } }
        try? SystemCall.close(descriptor)
    }

    /// open + flock, as FreeBSD's flopen(3) does it: the file may have been
    /// unlinked (by its holder stopping) between our open and our lock, and
    /// a lock on an unlinked file keeps no one out, so the lock only counts
    /// if the path still names the file locked; otherwise try again.
    private static func openLocked(_ path: String) throws(ServerError) -> Int32 {
        for _ in 0..<10 {
            let descriptor: Int32
            let locked: IOResult<Int32>
            do throws(SystemError) {
                descriptor = try SystemCall.value("open", path) { open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644) }
                do throws(SystemError) {
                    locked = try SystemCall.result("flock", path) { flock(descriptor, LOCK_EX | LOCK_NB) }
                } catch {
                    try? SystemCall.close(descriptor)
                    throw error
                }
            } catch {
                throw failure(error)
            }
            guard case .processed = locked else {
                let holder = readPid(descriptor)
                try? SystemCall.close(descriptor)
                // The holder empties the file when it takes the lock and
                // writes its pid once it serves (after detaching).
                throw ServerError(
                    "pidfile \(path) is held by "
                        + (holder.map { "pid \($0)" } ?? "a process that has not written its pid yet"))
            }
            guard isSameFile(descriptor, path) else {
                try? SystemCall.close(descriptor)
                continue
            }
            // Emptied now and unlinked at exit: never a device such as
            // /dev/null, a fifo or anything but a file of our own making.
            var status = stat()
            guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
                try? SystemCall.close(descriptor)
                throw ServerError("pidfile \(path) is not a regular file")
            }
            do {
                _ = try SystemCall.value("ftruncate", path) { ftruncate(descriptor, 0) }
            } catch {
                try? SystemCall.close(descriptor)
                throw failure(error)
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

    /// A failed call on the pid file, e.g.
    /// `pidfile: open(/run/x/echo.pid): ENOENT (No such file or directory)`.
    private static func failure(_ error: SystemError) -> ServerError { ServerError("pidfile: \(error)") }

    public static func absolute(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        return String(nulTerminated: buffer) + "/" + path
    }
}
