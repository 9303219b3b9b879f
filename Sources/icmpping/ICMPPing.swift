import Glibc
import Ping
import SocketCore

/// `icmpping`: ping(8) with iputils' options and output.
///
/// The command line is read with a small getopt-style scanner of our own
/// rather than a reflection-based parser: it accepts what iputils accepts
/// (`-c1`, `-qn`), and a one-probe run spends its time pinging, not
/// starting up.
@main
struct ICMPPing {
    let line: PingCommandLine

    func run() throws(Failure) -> Int32 {
        StopSignals.install()
        if line.json { return try ping(with: JSONReporter(options: line.options)) }
        return try ping(with: TextReporter(options: line.options, severalHosts: line.hosts.count > 1))
    }

    private func ping<Reporter: PingReporter>(with reporter: Reporter) throws(Failure) -> Int32 {
        var reporter = reporter
        let options = line.options
        if let pattern = options.pattern { reporter.report(.pattern(pattern)) }

        var targets: [PingTarget] = []
        for host in line.hosts {
            do {
                targets.append(
                    try PingTarget.resolve(host, family: line.family, numeric: options.numeric)
                        .scoped(toDevice: options.device))
            } catch {
                throw Failure.usage(error.message)
            }
            if let source = options.source, let target = targets.last,
                ProbeFamily.of(source).version != ProbeFamily.of(target.address).version
            {
                throw Failure.usage("-I \(source) is not of the family of \(target.address)")
            }
        }

        let probes: [ProbeSocket]
        do {
            probes = try ProbeSocket.open(
                for: targets, kind: options.socketKind, hopLimit: options.hopLimit,
                device: options.device, source: options.source)
        } catch {
            throw Failure.usage(error.description)
        }
        defer { ProbeSocket.closeEach(probes) }
        let identifier = UInt16.random(in: 0...UInt16.max)
        // Opened before the headers, so that a capture that cannot be had is
        // the only line printed, and before the first probe goes out.
        let capture =
            line.capturing
            ? try startCapture(targets: targets, probes: probes, options: options, identifier: identifier) : nil
        for index in targets.indices {
            let target = targets[index]
            var source = options.source
            if options.device != nil && source == nil {
                source = try? target.sourceAddress(device: options.device)
            }
            reporter.report(.header(target, options, source: source), about: PingHost(index, target))
        }

        // Indexed rather than zipped: a one-probe run should not spend its
        // time instantiating Zip2Sequence's metadata (a run-time conformance
        // check).
        let targetsAndSockets = targets.indices.map { (targets[$0], probes[$0]) }
        if case let (capture, hosts)? = capture {
            return try runVerified(
                capture, hosts: hosts, options: options, targets: targetsAndSockets,
                reporter: reporter, identifier: identifier)
        }
        var session = PingSession(
            options: options, targets: targetsAndSockets, reporter: reporter,
            identifier: identifier)
        return try Self.runUntilDone(&session)
    }

    /// Runs `session` to its end with the signals wired in: SIGINT and
    /// SIGTERM stop it, SIGQUIT asks for the status lines. Returns its exit
    /// status; a socket failure mid-run is a usage failure (exit 2).
    static func runUntilDone<Reporter: PingReporter>(_ session: inout PingSession<Reporter>) throws(Failure) -> Int32 {
        do {
            return try session.run(
                shouldStop: { stopRequested.load(ordering: .relaxed) },
                statusRequested: { statusRequested.exchange(false, ordering: .relaxed) })
        } catch {
            throw Failure.usage(error.description)
        }
    }

    /// A failure that has its own words and exit status.
    enum Failure: Error, CustomStringConvertible {
        /// Exit 2: bad input, an unresolvable host, no socket, no capture.
        case usage(String)

        var description: String {
            switch self {
            case .usage(let text): text
            }
        }
    }

    /// Ping's exit statuses: every usage problem is one `icmpping: ...`
    /// line and status 2; the run's own status otherwise.
    static func main() {
        let line: PingCommandLine
        do {
            line = try PingCommandLine.parse(Array(CommandLine.arguments.dropFirst()))
        } catch {
            fail(error.message, status: 2)
        }
        if line.showHelp {
            TextOutput.write(Usage.text(PingCommandLine.specs), to: 1)
            Glibc.exit(0)
        }
        do {
            Glibc.exit(try ICMPPing(line: line).run())
        } catch {
            fail(error.description, status: 2)
        }
    }

    static func fail(_ message: String, status: Int32) -> Never {
        TextOutput.write("icmpping: \(message)\n", to: 2)
        Glibc.exit(status)
    }
}
