import Logging
import SocketCore

/// The servers' log: a swift-log `Logger` whose handler the command picks
/// once at start (`bootstrap`): plain lines on standard error, or syslog.
public enum ServerLog {
    static let logger = Logger(label: "sockworks.server")

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
