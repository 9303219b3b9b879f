import CSystemShims
import SocketCore
import Glibc
import Logging

/// A swift-log handler that writes through syslog(3): one call per
/// message, with the process id (LOG_PID), the given ident and facility,
/// swift-log's levels mapped to syslog priorities, metadata as `key=value`.
public struct SyslogLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    /// Opens the log once per process (openlog keeps the ident pointer, so
    /// it is copied and never freed).
    public static func open(ident: String, facility: Int32 = LOG_DAEMON) {
        shim_openlog(strdup(ident), facility)
    }

    public init() {}

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var text = event.message.description
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        if !all.isEmpty {
            text += " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        shim_syslog(Self.priority(event.level), text)
    }

    /// RFC 5424's severities for swift-log's levels.
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

/// The servers' default handler: one plain line per message on standard
/// error, with one write(2) so that lines of several threads or processes
/// never interleave.
public struct StandardErrorLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    public init() {}

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var text = event.message.description
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        if !all.isEmpty {
            text += " " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        TextOutput.write(text + "\n", to: 2)
    }
}
