import Logging
import SocketCore
import Synchronization

/// The servers' log: a swift-log `Logger` whose handler the command picks
/// once at start (`bootstrap`): plain lines on standard error, or syslog.
/// Debug lines are written only when asked for (`showsDebug`).
public enum ServerLog {
    static let logger: Logger = {
        var logger = Logger(label: "sockworks.server")
        logger.logLevel = .debug
        return logger
    }()
    private static let debugShown = Atomic(false)

    /// Whether `debug` lines are written (a server's `--log-level debug`);
    /// off by default. Any thread may change it while the server runs.
    public static var showsDebug: Bool {
        get { debugShown.load(ordering: .relaxed) }
        set { debugShown.store(newValue, ordering: .relaxed) }
    }

    /// A detail for someone watching closely (what a lab server dropped);
    /// the line is not even formatted unless debug lines are shown.
    public static func debug(_ line: @autoclosure () -> String) {
        guard showsDebug else { return }
        logger.debug("\(line())")
    }

    /// Chooses where server logs go. Call once, before any logging.
    public static func bootstrap(syslogIdent: String?) {
        if let syslogIdent {
            SyslogLogHandler.open(ident: syslogIdent)
            LoggingSystem.bootstrap { _ in SyslogLogHandler() }
        } else {
            LoggingSystem.bootstrap { _ in StandardErrorLogHandler() }
        }
    }

    /// An event of normal operation: listening, a signal, stopped.
    public static func write(_ line: String) { logger.info("\(line)") }

    /// Something that went wrong but leaves the server running.
    public static func warning(_ line: String) { logger.warning("\(line)") }

    /// Why the server stops on a failure: a daemon's standard error is
    /// /dev/null, so its log is the only place that can say.
    public static func error(_ line: String) { logger.error("\(line)") }
}

/// A server failure worth one line.
public struct ServerError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
