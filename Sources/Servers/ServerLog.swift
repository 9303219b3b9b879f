import Atomics
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
    /// The level in this process, unless a scoreboard shares one.
    private static let localLevel = Atomic(ServerLogLevel.info.rawValue)
    /// The level shared with forked workers through a scoreboard (which it
    /// keeps mapped). Set once, before the server starts any thread.
    nonisolated(unsafe) private static var shared: (scoreboard: Scoreboard, word: UnsafeAtomic<UInt64>)?

    /// Which lines are written: `info` by default (`debug` lines are not
    /// even formatted below it). Any thread may change it while the server
    /// runs; with a scoreboard, the change reaches its forked workers too.
    public static var level: ServerLogLevel {
        get {
            let raw = shared.map { $0.word.load(ordering: .relaxed) } ?? localLevel.load(ordering: .relaxed)
            return ServerLogLevel(rawValue: raw) ?? .info
        }
        set {
            shared?.word.store(newValue.rawValue, ordering: .relaxed)
            localLevel.store(newValue.rawValue, ordering: .relaxed)
        }
    }

    /// Whether `debug` lines are written (a server's `--log-level debug`).
    public static var showsDebug: Bool {
        get { level == .debug }
        set { level = newValue ? .debug : .info }
    }

    /// From now on the level lives in `scoreboard`, which the processes the
    /// server forks share. Call before any worker is forked.
    static func follow(_ scoreboard: Scoreboard) {
        let word = scoreboard.logLevelWord
        word.store(localLevel.load(ordering: .relaxed), ordering: .relaxed)
        shared = (scoreboard, word)
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
    public static func write(_ line: String) {
        guard level != .warning else { return }
        logger.info("\(line)")
    }

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

/// How much a server logs.
public enum ServerLogLevel: UInt64, Sendable, CaseIterable {
    case info = 0
    case debug = 1
    case warning = 2

    public var name: String { "\(self)" }

    public init?(name: String) {
        guard let level = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = level
    }
}
