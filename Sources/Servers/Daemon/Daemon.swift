import CSystemShims
import Glibc
import SocketCore

/// Turning the server into a daemon, the classic way (Stevens, APUE 13.3):
/// fork and let the parent return to the shell; setsid for a session of
/// its own without a controlling terminal; fork again so that the daemon is
/// not a session leader and can never acquire a terminal; chdir to / (so it
/// holds no directory busy); umask 022; standard input, output and error on
/// /dev/null; the signal mask cleared and every disposition back to default
/// (what the parent inherited from its own parent is not ours).
public enum Daemon {
    /// Where `detach` returns.
    public enum Side: Sendable {
        /// In the original process, once the daemon serves (it called
        /// `ready()`) or has died first. The pid file, the listener and its
        /// socket file are the daemon's now: leave with `Processes.exitNow`,
        /// which runs no cleanup.
        case original(daemonServes: Bool)
        /// In the daemon, which tells the original process with `ready()`.
        case daemon(Readiness)
    }

    /// Detaches. The original process waits until the daemon calls
    /// `ready()` (or dies), so that a script running the command finds the
    /// pid file written and the server serving when the command returns.
    ///
    /// Must run before the process starts a thread: fork copies only the
    /// calling thread, so a daemon forked from a threaded process would lack
    /// them (and could inherit a lock one of them held). Checked from
    /// /proc/self/task.
    public static func detach() throws(ServerError) -> Side {
        let threads = ProcFS.entries("/proc/self/task").count
        guard threads <= 1 else {
            throw ServerError("cannot become a daemon with \(threads) threads running")
        }
        do {
            return try detachSingleThreaded()
        } catch {
            throw ServerError("daemon: \(error)")
        }
    }

    private static func detachSingleThreaded() throws(SystemError) -> Side {
        // Close-on-exec: a program the daemon starts must not hold the
        // readiness pipe open.
        var pipeEnds: [Int32] = [-1, -1]
        _ = try SystemCall.returningNegativeErrno("pipe2", "O_CLOEXEC") { shim_pipe_cloexec(&pipeEnds) }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        switch try Processes.fork() {
        case .parent(let middle):
            try? SystemCall.close(writeEnd)
            var byte: UInt8 = 0
            let count = (try? SystemCall.value("read", "readiness pipe") { read(readEnd, &byte, 1) }) ?? 0
            try? SystemCall.close(readEnd)
            // The middle process exits as soon as it has forked the daemon,
            // but not necessarily before the daemon is ready: reaped, it is
            // gone, and the daemon is already the child of init (or of a
            // subreaper) when the command returns.
            _ = try? Processes.wait(for: middle)
            // A byte: the daemon is serving. End of file: it died first.
            return .original(daemonServes: count == 1)
        case .child:
            try? SystemCall.close(readEnd)
        }
        _ = try SystemCall.value("setsid") { setsid() }
        if case .parent = try Processes.fork() { Processes.exitNow(0) }
        _ = try SystemCall.value("chdir", "/") { chdir("/") }
        umask(0o022)
        // Until this is done the daemon holds the caller's standard output,
        // and a script reading it to the end would wait for the daemon.
        let null = try SystemCall.value("open", "/dev/null") { open("/dev/null", O_RDWR) }
        for standard: Int32 in 0...2 where null != standard {
            _ = try SystemCall.value("dup2", "/dev/null, \(standard)") { dup2(null, standard) }
        }
        if null > 2 { try SystemCall.close(null) }
        var none = sigset_t()
        sigemptyset(&none)
        _ = try SystemCall.value("sigprocmask", "SIG_SETMASK") { sigprocmask(SIG_SETMASK, &none, nil) }
        // Linux numbers signals 1...64; glibc refuses the two it keeps for
        // itself (32, 33), which is as well.
        for signal: Int32 in 1...64 where signal != SIGKILL && signal != SIGSTOP {
            Glibc.signal(signal, SIG_DFL)
        }
        return .daemon(Readiness(descriptor: writeEnd))
    }

    /// Tells the waiting original process that the daemon is up.
    public struct Readiness: Sendable {
        let descriptor: Int32

        /// Sends the byte and closes the pipe. Nothing to report if the
        /// write fails: the original process then reads end of file and says
        /// the daemon did not start.
        public func ready() {
            var byte: UInt8 = 1
            _ = try? SystemCall.value("write", "readiness pipe") { write(descriptor, &byte, 1) }
            try? SystemCall.close(descriptor)
        }
    }
}
