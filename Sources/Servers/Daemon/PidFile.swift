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

    /// Opens and locks `path` (made absolute, since a daemon changes to /).
    /// Throws "pidfile F is held by pid N" when a live process holds it.
    public init(path: String) throws(ServerError) {
        let absolute = Self.absolute(path)
        let descriptor = open(absolute, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ServerError("cannot open pidfile \(absolute): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.readPid(descriptor)
            close(descriptor)
            throw ServerError("pidfile \(absolute) is held by pid \(holder.map(String.init) ?? "unknown")")
        }
        self.path = absolute
        self.descriptor = descriptor
    }

    /// Writes this process's pid (after a daemon has detached: the pid is
    /// the daemon's). The lock is shared by forked copies of the descriptor,
    /// so it passes to the daemon along with it.
    public func writePid() throws(ServerError) {
        let text = "\(getpid())\n"
        let written = text.withCString { bytes in
            ftruncate(descriptor, 0) == 0 && pwrite(descriptor, bytes, strlen(bytes), 0) == strlen(bytes)
        }
        guard written else { throw ServerError("cannot write pidfile \(path): \(String(cString: strerror(errno)))") }
    }

    /// Removes the file (the server is stopping) and releases the lock.
    public func remove() {
        unlink(path)
        close(descriptor)
    }

    static func readPid(_ descriptor: Int32) -> pid_t? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return pid_t(String(decoding: buffer[..<count], as: UTF8.self).filter(\.isNumber))
    }

    public static func absolute(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX))
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        return String(cString: buffer) + "/" + path
    }
}
