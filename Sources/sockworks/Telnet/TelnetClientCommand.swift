import ArgumentParser
import Glibc

/// `sockworks telnet`: a Telnet client (RFC 854) that is interactive on a
/// terminal, copies standard input to the peer on pipes, or plays a script
/// of expectations and sends (telnetlib's and expect's job).
struct TelnetClientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telnet",
        abstract: "Talk to a Telnet server: interactively, through pipes, or by a script of expect and send.",
        discussion: """
            On a terminal, keys go to the server in raw mode; ^] gives a telnet> prompt (close, status, \
            quit, send ayt|brk|ip). On pipes, standard input goes to the server. With --expect and \
            --send (pairs, in order; \\r, \\n, \\t and \\\\ are escapes) or --script FILE (lines \
            'expect TEXT' and 'send TEXT'), each expectation waits at most --timeout seconds. \
            Everything received goes to standard output as it arrives, the protocol taken out. Exits \
            0 when the script completed (or the server closed), 1 when an expectation timed out or \
            the connection failed, 2 for bad arguments.
            """
    )

    @Argument(help: "The server's name or address.")
    var host: String

    @Argument(help: "The server's port.")
    var port: UInt16 = 23

    @Option(parsing: .unconditionalSingleValue, help: "Text to wait for (repeat; pairs with --send in order).")
    var expect: [String] = []

    @Option(parsing: .unconditionalSingleValue, help: "Text to send once the matching --expect has arrived (repeat).")
    var send: [String] = []

    @Option(help: "A file of 'expect TEXT' and 'send TEXT' lines, played in order.")
    var script: String?

    @Option(parsing: .unconditional, help: "Seconds to connect, and to wait for each expectation.")
    var timeout = 10.0

    func run() throws {
        let plan: TelnetPlan
        do throws(TelnetArgumentError) {
            plan = try self.plan()
        } catch {
            CommandFailure.report(error.description)
            throw CommandFailure.usageStatus
        }
        let status = TelnetRun(plan: plan).run()
        if status != 0 { throw ExitCode(status) }
    }

    func plan() throws(TelnetArgumentError) -> TelnetPlan {
        guard timeout > 0, timeout.isFinite, timeout < 1e9 else {
            throw .invalid("--timeout must be a positive number of seconds")
        }
        var steps: [TelnetStep]
        if let script {
            guard expect.isEmpty, send.isEmpty else {
                throw .invalid("--script cannot be used with --expect or --send")
            }
            steps = try TelnetScript.steps(fromFile: script)
        } else {
            steps = try TelnetScript.steps(expects: expect, sends: send)
        }
        let mode: TelnetPlan.Mode
        if !steps.isEmpty {
            mode = .script(steps)
        } else if isatty(0) == 1 && isatty(1) == 1 {
            mode = .interactive
        } else {
            mode = .pipes
        }
        return TelnetPlan(
            host: host, port: port, timeout: .milliseconds(Int64(timeout * 1000)), mode: mode,
            terminalType: getenv("TERM").map { String(cString: $0) })
    }
}

/// What a run of `sockworks telnet` does, its arguments checked.
struct TelnetPlan {
    enum Mode: Equatable {
        case script([TelnetStep])
        case interactive
        case pipes
    }

    let host: String
    let port: UInt16
    let timeout: Duration
    let mode: Mode
    /// `TERM`, sent for TERMINAL-TYPE (RFC 1091).
    let terminalType: String?
}
