import CSystemShims
import Glibc
import Synchronization

/// A child process started with posix_spawn(3), and the parent's ends of
/// its pipes.
///
/// Why posix_spawn and not fork + exec: fork copies only the calling thread
/// of a threaded Swift process, and a lock another thread held at that
/// moment (a runtime lock, malloc's) stays locked in the child for ever
/// (see `ForkGate`). glibc's posix_spawn starts the child with
/// `CLONE_VM | CLONE_VFORK` and runs no Swift code in it.
///
/// The child starts clean, whatever the parent's state:
/// - in a process group of its own (`POSIX_SPAWN_SETPGROUP`), so that
///   `signalGroup` reaches what it starts in turn (a shell's commands);
/// - with no signal blocked (`POSIX_SPAWN_SETSIGMASK`): servers block
///   SIGINT and SIGTERM for their signal-watcher thread;
/// - with every signal's disposition back to default
///   (`POSIX_SPAWN_SETSIGDEF`): servers ignore SIGPIPE, which exec would
///   otherwise pass on;
/// - holding no descriptor but 0, 1 and 2. SocketCore creates its
///   descriptors close-on-exec, but other code (or a library) may not, and
///   glibc has no `POSIX_SPAWN_CLOEXEC_DEFAULT`: the last file action closes
///   every descriptor from 3 up in the child
///   (posix_spawn_file_actions_addclosefrom_np, glibc 2.34, close_range(2)).
///
/// Reap it with `wait()` (or `tryWait()` until it says it ended): until then
/// an ended child stays a zombie. `Processes.reapEnded`, which servers run
/// on SIGCHLD, reaps only children of the caller's own process group, so
/// it never takes this child's status.
public final class SpawnedProcess: Sendable {
    /// The child's process id; it is also the id of its process group.
    public let pid: pid_t
    /// The write end of the child's standard input, when it was `.pipe`.
    public let standardInput: PipeEnd?
    /// The read end of the child's standard output, when it was `.pipe`.
    public let standardOutput: PipeEnd?
    /// The read end of the child's standard error, when it was `.pipe`.
    public let standardError: PipeEnd?
    /// How the child ended, once reaped.
    private let reaped: Mutex<ChildExit?>

    private init(pid: pid_t, standardInput: PipeEnd?, standardOutput: PipeEnd?, standardError: PipeEnd?) {
        self.pid = pid
        self.standardInput = standardInput
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.reaped = Mutex(nil)
    }

    /// Starts `request`'s program. Fails with the errno posix_spawn returns:
    /// `ENOENT` for a missing program (or working directory), `EACCES` for
    /// one that is not executable, `ENOEXEC` for one the kernel cannot run;
    /// `EINVAL` for a request no C string can carry (a NUL byte, an
    /// environment name with `=`).
    public static func spawn(_ request: SpawnRequest) throws(SystemError) -> SpawnedProcess {
        try request.validate()
        // Each stream's pipe: the child's end and ours.
        let input = try request.standardInput == .pipe ? ChildPipe(childReads: true) : nil
        let output = try request.standardOutput == .pipe ? ChildPipe(childReads: false) : nil
        let errors = try request.standardError == .pipe ? ChildPipe(childReads: false) : nil
        let plan = try SpawnPlan(request, childEnds: [input?.childEnd, output?.childEnd, errors?.childEnd])
        let pid = try plan.run(request)
        // Ours are the other ends: the child holds its own copies now, and
        // a copy left open here would keep its input from ever ending.
        for pipe in [input, output, errors] { try? pipe?.childEnd.close() }
        return SpawnedProcess(
            pid: pid, standardInput: input?.parentEnd, standardOutput: output?.parentEnd,
            standardError: errors?.parentEnd)
    }

    /// Waits for the child to end and reaps it (waitpid(2)). Once reaped,
    /// returns the same status again.
    @discardableResult
    public func wait() throws(SystemError) -> ChildExit {
        if let known = reaped.withLock({ $0 }) { return known }
        var status: Int32 = 0
        do {
            _ = try syscallValue("waitpid", "\(pid)") { waitpid(pid, &status, 0) }
        } catch  where error.code == ECHILD {
            // Another thread's wait() may have reaped it just now.
            if let known = reaped.withLock({ $0 }) { return known }
            throw error
        }
        return record(ChildExit(status: status))
    }

    /// How the child ended, reaping it, or nil while it runs (waitpid(2)
    /// with `WNOHANG`).
    public func tryWait() throws(SystemError) -> ChildExit? {
        if let known = reaped.withLock({ $0 }) { return known }
        var status: Int32 = 0
        let ended = try syscallValue("waitpid", "\(pid), WNOHANG") { waitpid(pid, &status, WNOHANG) }
        return ended == pid ? record(ChildExit(status: status)) : nil
    }

    /// Sends `signal` to the child alone (kill(2)); false once it has been
    /// reaped (its pid may be someone else's by then) or when it is gone.
    @discardableResult
    public func signal(_ signal: Int32) -> Bool {
        guard reaped.withLock({ $0 }) == nil else { return false }
        return Glibc.kill(pid, signal) == 0
    }

    /// Sends `signal` to the child's whole process group (kill(2) of
    /// `-pid`): the child and whatever it started that stayed in the group,
    /// even after the child itself has been reaped (Linux gives no process
    /// a number that is still some group's id). False when no member is left.
    @discardableResult
    public func signalGroup(_ signal: Int32) -> Bool {
        Glibc.kill(-pid, signal) == 0
    }

    private func record(_ exit: ChildExit) -> ChildExit {
        reaped.withLock { $0 = exit }
        return exit
    }
}

/// One pipe between parent and child: `childEnd` becomes the child's
/// standard stream, `parentEnd` is handed to the caller.
private struct ChildPipe {
    let childEnd: PipeEnd
    let parentEnd: PipeEnd

    init(childReads: Bool) throws(SystemError) {
        let (readEnd, writeEnd) = try PipeEnd.pipe()
        (childEnd, parentEnd) = childReads ? (readEnd, writeEnd) : (writeEnd, readEnd)
        try childEnd.moveAboveStandardStreams()
    }
}

extension PipeEnd {
    /// Moves the descriptor to 3 or above (fcntl `F_DUPFD_CLOEXEC`) when it
    /// is 0, 1 or 2, which a parent with a standard stream closed gets from
    /// pipe(2): the child's dup2 onto that number, or its /dev/null, would
    /// replace the pipe before the child gets it.
    fileprivate func moveAboveStandardStreams() throws(SystemError) {
        let current = withUnsafeFileDescriptor { $0 }
        guard current <= 2 else { return }
        let moved = try syscallValue("fcntl", "F_DUPFD_CLOEXEC") { fcntl(current, F_DUPFD_CLOEXEC, 3) }
        try replaceDescriptor(with: moved)
    }
}
