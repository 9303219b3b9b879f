import ArgumentParser
import Servers
import SocketCore

/// How a server runs as a service: in the background, with a pid file,
/// logging to syslog.
struct ServiceOptions: ParsableArguments {
    @Flag(
        help: ArgumentHelp(
            "Run in the background as a daemon.",
            discussion: """
                After "listening on ADDRESS" the command forks, starts a new session, forks \
                again, changes to /, sets umask 022, puts standard input, output and error on \
                /dev/null and clears the signal mask; the command returns (exit 0) once the \
                daemon serves. Use --syslog to keep its log.
                """))
    var daemon = false

    @Option(
        help: ArgumentHelp(
            "Write the serving pid to FILE (locked while the server runs, removed when it stops); refuse to start while another live server holds it.",
            valueName: "file"))
    var pidfile: String?

    @Flag(
        help:
            "Log through syslog(3) (facility daemon) instead of standard error; lines are dropped when no syslog daemon listens on /dev/log."
    )
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
                syslogIdent.utf8.allSatisfy({
                    $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "[") && $0 != UInt8(ascii: ":")
                })
            else {
                throw ValidationError(
                    "--syslog-ident must be 1 to 32 printable ASCII characters without space, '[' or ':'")
            }
        }
    }

    /// Puts these options into a service's configuration.
    func apply(to configuration: inout ServiceConfiguration) {
        configuration.daemon = daemon
        configuration.pidFile = pidfile
        configuration.syslogIdent = syslog ? syslogIdent ?? "sockworks" : nil
    }
}
