import Glibc

/// The file a UNIX-domain bind creates, and the rules for removing one.
///
/// bind(2) fails with `EADDRINUSE` while the file exists, even when the server
/// that made it is long dead, so servers remove a stale file on start and
/// their own file on close. Neither may ever remove the wrong file: a regular
/// file, a live server's socket, or a socket that replaced ours at that path.
struct UnixSocketFile: Sendable {
    let path: String
    /// Identity of the file bind created (st_dev, st_ino).
    let device: UInt64
    let inode: UInt64
    /// The process that bound it. A forked child that closes its copy of a
    /// listener must not take the file away from the parent still serving.
    let owner: pid_t

    /// The file bind has just created at `path`, or nil if it cannot be
    /// examined (then it is left in place on close).
    static func created(at path: String) -> UnixSocketFile? {
        guard let status = try? status(path), isSocket(status) else { return nil }
        return UnixSocketFile(
            path: path, device: UInt64(status.st_dev),
            inode: UInt64(status.st_ino), owner: getpid())
    }

    /// The same file, removed by the calling process from now on.
    var ownedByThisProcess: UnixSocketFile {
        UnixSocketFile(path: path, device: device, inode: inode, owner: getpid())
    }

    /// Removes the file if this process created it and it is still the same
    /// file. Failures are ignored: the socket is going away either way.
    func remove() {
        guard getpid() == owner, let status = try? Self.status(path), Self.isSocket(status),
            UInt64(status.st_dev) == device, UInt64(status.st_ino) == inode
        else { return }
        _ = try? syscallValue("unlink", path) { unlink(path) }
    }

    /// Removes `path` if it is a socket file that nobody answers on, and says
    /// whether bind should try again (also true if the file has gone).
    ///
    /// "Nobody answers" means a connect of a socket of `type` is refused
    /// (`ECONNREFUSED`): no socket is bound to that file any more. Anything
    /// else (connected, a full backlog, a socket of the other type, no
    /// permission) means it may be live, and it stays. The connect does not
    /// block: a live server that is slow to accept must not stall our start.
    static func removeIfStale(_ path: String, type: SocketType) throws(SocketError) -> Bool {
        let status: stat
        do throws(SocketError) {
            status = try Self.status(path)
        } catch  where error.code == ENOENT {
            return true
        }
        guard isSocket(status) else { return false }

        let probe = try Socket(family: .unix, type: type)
        defer { try? probe.close() }
        try probe.setNonBlocking(true)
        do throws(SocketError) {
            _ = try probe.connect(to: .unix(path: path))
            return false
        } catch  where error.code == ENOENT {
            return true
        } catch  where error.code == ECONNREFUSED {
            // Between this check and the unlink another server could take the
            // path; two servers starting at the same instant is not a case we
            // guard against.
            do throws(SocketError) {
                _ = try syscallValue("unlink", path) { unlink(path) }
            } catch  where error.code == ENOENT {}
            return true
        } catch {
            return false
        }
    }

    /// lstat(2): the file itself, never what a symbolic link points to.
    private static func status(_ path: String) throws(SocketError) -> stat {
        var status = stat()
        _ = try syscallValue("lstat", path) { lstat(path, &status) }
        return status
    }

    private static func isSocket(_ status: stat) -> Bool {
        status.st_mode & S_IFMT == S_IFSOCK
    }
}
