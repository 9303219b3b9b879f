import CSystemShims
import Glibc
import Logging
import Synchronization

/// A swift-log handler that writes through syslog(3): one call per
/// message, with the process id (LOG_PID), the ident and facility given to
/// `open`, swift-log's levels mapped to syslog priorities, metadata as
/// `key=value`.
///
/// glibc's syslog(3) sends each message as one datagram to /dev/log in the
/// RFC 3164 format, `<PRI>Mmm dd hh:mm:ss IDENT[PID]: MESSAGE`, and drops it
/// when nothing listens there (no syslog daemon): logging never blocks or
/// fails the server.
public struct SyslogLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    private static let opened = Mutex(false)

    /// Opens the log, once per process; later calls change nothing. openlog
    /// keeps the ident pointer, so the copy is never freed.
    /// `facility` is a LOG_ facility such as LOG_DAEMON.
    public static func open(ident: String, facility: Int32 = LOG_DAEMON) {
        opened.withLock { opened in
            guard !opened else { return }
            opened = true
            shim_openlog(strdup(ident), facility)
        }
    }

    public init() {}

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        shim_syslog(Self.priority(event.level), LogLine.render(event.message, LogLine.merged(metadata, event.metadata)))
    }

    /// The syslog severity (RFC 5424 section 6.2.1) of a swift-log level;
    /// swift-log has no alert or emergency, syslog no trace.
    static func priority(_ level: Logger.Level) -> Int32 {
        switch level {
        case .trace, .debug: LOG_DEBUG
        case .info: LOG_INFO
        case .notice: LOG_NOTICE
        case .warning: LOG_WARNING
        case .error: LOG_ERR
        case .critical: LOG_CRIT
        }
    }
}
