import Logging
import SocketCore

/// The servers' default handler: the plain lines the servers have always
/// written on standard error (no timestamp, no level: a terminal or a
/// service manager adds what it wants), each with one write(2) so that
/// lines of several threads or processes never interleave.
public struct StandardErrorLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    public init() {}

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        TextOutput.write(LogLine.render(event.message, LogLine.merged(metadata, event.metadata)) + "\n", to: 2)
    }
}
