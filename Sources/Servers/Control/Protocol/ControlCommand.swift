/// A command of the control port's line protocol (see docs/control.md).
public enum ControlCommand: Equatable, Sendable {
    case stats
    case connections
    case logLevel(String)
    case drain
    case stop
    case help

    /// Every command as `help` lists it: its form and what it does.
    public static let summaries: [(form: String, summary: String)] = [
        ("stats", "counts of the whole server and of each worker"),
        ("connections", "the open connections: worker, peer, age, bytes, requests, state"),
        ("log-level debug|info|warning", "sets how much the server logs"),
        ("drain", "stops accepting, lets the open connections finish within the grace period, then exits 0"),
        ("stop", "ends the open connections now and exits 0"),
        ("help", "this list"),
    ]

    /// The levels `log-level` takes.
    public static let logLevels = ["debug", "info", "warning"]

    /// Whether the command changes the server: refused on a read-only port.
    public var isMutating: Bool {
        switch self {
        case .logLevel, .drain, .stop: true
        case .stats, .connections, .help: false
        }
    }
}
