import ArgumentParser
import Glibc
import Servers

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
        "Write the server's pid to FILE, and refuse to start while another live server holds it.",
        valueName: "file"))
    var pidfile: String?

    @Flag(help: "Log through syslog(3) (facility daemon) instead of standard error.")
    var syslog = false

    @Option(help: "The syslog ident.")
    var syslogIdent = "sockworks"

    func validate() throws {
        if let pidfile, pidfile.isEmpty { throw ValidationError("--pidfile needs a path") }
        if syslogIdent.isEmpty || syslogIdent.contains(" ") {
            throw ValidationError("--syslog-ident must be one non-empty word")
        }
    }

    /// Logging and the pid file's lock: before the socket is bound, so that
    /// a second server fails before touching the first one's address.
    func prepare() throws -> PidFile? {
        ServerLog.bootstrap(syslogIdent: syslog ? syslogIdent : nil)
        return try pidfile.map { path throws(ServerError) in try PidFile(path: path) }
    }

    /// After binding: detach (when asked) and write the pid. Returns what
    /// tells the waiting parent that the daemon serves. Must run before any
    /// thread is started.
    func detach(pidFile: PidFile?) throws -> Daemon.Readiness? {
        let readiness = daemon ? try Daemon.detach() : nil
        try pidFile?.writePid()
        return readiness
    }
}
