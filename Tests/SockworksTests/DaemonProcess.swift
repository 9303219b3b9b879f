import Glibc
import TestSupport

/// A daemon a test started, known by its pid and its start time (field 22
/// of /proc/PID/stat), so that a signal goes to it only while the pid is
/// still it and not a process that reused the number.
struct DaemonProcess {
    let identity: ProcessIdentity
    var pid: pid_t { identity.pid }

    init?(pidFile: String) {
        guard let pid = readPid(pidFile), pid > 1, let identity = ProcessIdentity(pid: pid) else { return nil }
        self.identity = identity
    }

    /// Running, and not a zombie waiting to be reaped.
    var isRunning: Bool {
        guard let state = identity.state else { return false }
        return state != "Z" && state != "X"
    }

    /// SIGTERM, then waits up to `timeout`; SIGKILL if it is still running.
    /// True when SIGTERM stopped it.
    func stop(timeout: Duration = .seconds(10)) async throws -> Bool {
        if isRunning { Glibc.kill(pid, SIGTERM) }
        if try await waitUntil(timeout: timeout, { !isRunning }) { return true }
        kill()
        return false
    }

    func kill() {
        if isRunning { Glibc.kill(pid, SIGKILL) }
    }
}
