import Glibc

/// The fields of /proc/PID/stat (proc(5)) the tests read.
public struct ProcessStat: Sendable {
    /// Field 3: R, S, D, Z (zombie), T...
    public let state: Character
    /// Field 4: the parent's PID.
    public let parent: pid_t
    /// Field 5: the process group.
    public let group: pid_t
    /// Field 6: the session.
    public let session: pid_t
    /// Field 7: the controlling terminal's device number, 0 for none.
    public let tty: Int32
    /// Field 22: clock ticks after boot when the process started.
    public let startTime: UInt64

    /// The process now at `pid`; nil when there is none.
    public init?(pid: pid_t) {
        guard let bytes = try? readFile("/proc/\(pid)/stat") else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        // The command name (field 2) may hold spaces and parentheses:
        // fields count from the last ')'.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 19, let state = fields[0].first, let parent = pid_t(fields[1]),
            let group = pid_t(fields[2]), let session = pid_t(fields[3]), let tty = Int32(fields[4]),
            let startTime = UInt64(fields[19])
        else { return nil }
        self.state = state
        self.parent = parent
        self.group = group
        self.session = session
        self.tty = tty
        self.startTime = startTime
    }
}
