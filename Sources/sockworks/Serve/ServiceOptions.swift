import ArgumentParser
import Glibc
import Servers
import SocketCore

/// How a server runs as a service: in the background, with a pid file,
/// logging to syslog.
struct ServiceOptions: ParsableArguments {
    @Flag(help: ArgumentHelp(
        "Run in the background as a daemon.",
        discussion: """
            After "listening on ADDRESS" the command forks, starts a new session, forks \
            again, changes to /, sets umask 022, puts standard input, output and error on \
            /dev/null and clears the signal mask; the command returns (exit 0) once the \
            daemon serves. Use --syslog to keep its log.
            """))
    var daemon = false

    @Option(help: ArgumentHelp(
        "Write the serving pid to FILE (locked while the server runs, removed when it stops); refuse to start while another live server holds it.",
        valueName: "file"))
    var pidfile: String?

    @Flag(help: "Log through syslog(3) (facility daemon) instead of standard error; lines are dropped when no syslog daemon listens on /dev/log.")
    var syslog = false

    @Option(help: ArgumentHelp("The name syslog lines carry, with the pid (default: sockworks).", valueName: "name"))
    var syslogIdent: String?

    func validate() throws {
        if let pidfile, pidfile.isEmpty { throw ValidationError("--pidfile needs a path") }
        if let syslogIdent {
            guard syslog else { throw ValidationError("--syslog-ident applies with --syslog only") }
            // RFC 3164 section 4.1.3: the TAG is up to 32 alphanumeric
            // characters; "[" and ":" end it.
            guard (1...32).contains(syslogIdent.utf8.count),
                  syslogIdent.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "[") && $0 != UInt8(ascii: ":") })
            else {
                throw ValidationError("--syslog-ident must be 1 to 32 printable ASCII characters without space, '[' or ':'")
            }
        }
    }

    /// Logging and the pid file's lock: before the socket is bound, so that
    /// a second server fails before touching the first one's address.
    func prepare() throws -> PidFile? {
        ServerLog.bootstrap(syslogIdent: syslog ? syslogIdent ?? "sockworks" : nil)
        return try pidfile.map { path throws(ServerError) in try PidFile(path: path) }
    }

    /// After binding: detach (when asked) and write the pid. Returns what
    /// tells the waiting original process that the daemon serves; that
    /// process itself never returns from here. The daemon removes the
    /// listener's socket file at exit, as the process that bound it would
    /// have. Must run before any thread is started.
    func detach(pidFile: PidFile?, listener: Socket) throws -> Daemon.Readiness? {
        var readiness: Daemon.Readiness?
        if daemon {
            switch try Daemon.detach() {
            case .original(let daemonServes):
                if !daemonServes {
                    CommandFailure.report("the daemon stopped before it served\(syslog ? " (its log says why)" : "; --syslog keeps its log")")
                }
                Processes.exitNow(daemonServes ? 0 : 1)
            case .daemon(let ready):
                // Detaching cleared the mask it inherited; block the
                // shutdown signals again before the pid file names us.
                try ShutdownSignals.block()
                listener.takeOverSocketFile()
                readiness = ready
            }
        }
        try pidFile?.writePid()
        return readiness
    }

    /// Runs the server and, with --syslog, logs why it stops when it fails:
    /// a daemon's standard error, where the failure is also reported, is
    /// /dev/null.
    func loggingFailure(_ serve: () throws -> Void) throws {
        do {
            try serve()
        } catch {
            if syslog { ServerLog.error("stopped: \(error)") }
            throw error
        }
    }
}
