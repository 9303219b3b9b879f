import ArgumentParser
import Glibc
import Ping
import SocketCore

/// `icmpping`: ping(8) with iputils' options and output.
@main
struct ICMPPing: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "icmpping",
        abstract: "Send ICMP echo requests and report the replies, as iputils ping does.",
        discussion: """
            Output follows iputils ping 20221126 line for line, with one more summary line: the \
            50th, 90th and 99th percentile round trips and the jitter (mean difference between \
            consecutive round trips). Exit status: 0 when a reply arrived (with -w and -c, all \
            of them), 1 when none did, 2 for a bad option, a host that does not resolve or a \
            socket that cannot be opened.
            """
    )

    @Option(name: .customShort("c"), help: "Stop after COUNT replies.")
    var count: Int?

    @Option(name: .customShort("i"), help: "Seconds between probes (decimals allowed; below 0.002 needs root).")
    var interval: Double?

    @Option(name: .customShort("W"), help: "Seconds to wait for a reply after the last probe when none came.")
    var timeout: Double?

    @Option(name: .customShort("w"), help: "Stop after DEADLINE seconds, whatever is in flight.")
    var deadline: Int?

    @Option(name: .customShort("s"), help: "Payload bytes per probe.")
    var size = 56

    @Option(name: .customShort("t"), help: "IP time to live / IPv6 hop limit.")
    var ttl: Int?

    @Flag(name: .customShort("q"), help: "Print only the header and the summary.")
    var quiet = false

    @Flag(name: .customShort("D"), help: "Prefix lines with the wall-clock time.")
    var timestamps = false

    @Flag(name: .customShort("n"), help: "Show addresses without looking their names up.")
    var numeric = false

    @Option(name: .customShort("I"), help: "Send through this interface, or from this source address.")
    var interface: String?

    @Option(name: .customShort("p"), help: "Fill the payload with this pattern (up to 16 hex bytes).")
    var pattern: String?

    @Flag(name: .customShort("f"), help: "Flood: send as fast as replies come back (root).")
    var flood = false

    @Flag(name: .customShort("O"), help: "Report a probe still unanswered when the next goes out.")
    var outstanding = false

    @Flag(name: .customShort("4"), help: "Use IPv4.")
    var ipv4 = false

    @Flag(name: .customShort("6"), help: "Use IPv6.")
    var ipv6 = false

    @Flag(name: .customLong("raw"), help: "Use a raw ICMP socket only.")
    var forceRaw = false

    @Flag(name: .customLong("dgram"), help: "Use an ICMP datagram (ping) socket only.")
    var forceDatagram = false

    @Argument(help: "The host to ping: a name or an IPv4 or IPv6 address.")
    var host: String

    func validate() throws {
        if let count, count < 1 { throw ValidationError("-c must be at least 1: \(count)") }
        if let interval {
            guard interval.isFinite, interval >= 0, interval <= Double(Int32.max) / 1000 else {
                throw ValidationError("bad timing interval: \(interval)")
            }
            if Int(interval * 1000) < 2 && geteuid() != 0 {
                throw ValidationError("cannot flood; minimal interval allowed for user is 2ms")
            }
        }
        if flood && geteuid() != 0 && interval == nil {
            throw ValidationError("cannot flood; minimal interval allowed for user is 2ms")
        }
        if let timeout, !(timeout.isFinite && timeout >= 0 && timeout <= Double(Int32.max) / 1000) {
            throw ValidationError("bad linger time: \(timeout)")
        }
        if let deadline, deadline < 0 { throw ValidationError("-w must not be negative: \(deadline)") }
        guard (0...65507).contains(size) else { throw ValidationError("-s must be in 0...65507: \(size)") }
        if let ttl, !(1...255).contains(ttl) { throw ValidationError("-t must be in 1...255: \(ttl)") }
        if ipv4 && ipv6 { throw ValidationError("only one -4 or -6 option may be specified") }
        if forceRaw && forceDatagram { throw ValidationError("give --raw or --dgram, not both") }
        if let pattern { _ = try Self.patternBytes(pattern) }
    }

    /// `-p`: hex digits, two per byte, at most 16 bytes (iputils `fill`).
    static func patternBytes(_ text: String) throws -> [UInt8] {
        guard !text.isEmpty, text.allSatisfy(\.isHexDigit) else {
            throw ValidationError("patterns must be specified as hex digits: \(text)")
        }
        let digits = Array(text.prefix(32))
        return stride(from: 0, to: digits.count, by: 2).map { start in
            UInt8(String(digits[start..<min(start + 2, digits.count)]), radix: 16)!
        }
    }

    var options: PingOptions {
        var options = PingOptions()
        options.count = count
        if let interval {
            options.intervalMilliseconds = Int(interval * 1000)
            options.intervalIsExplicit = true
        }
        if let timeout { options.lingerMilliseconds = Int(timeout * 1000) }
        options.deadlineSeconds = deadline
        options.payloadSize = size
        options.hopLimit = ttl
        options.pattern = pattern.flatMap { try? Self.patternBytes($0) }
        options.quiet = quiet
        options.printTimestamps = timestamps
        options.numeric = numeric || flood
        options.flood = flood
        options.reportOutstanding = outstanding
        options.socketKind = forceRaw ? .raw : forceDatagram ? .datagram : .automatic
        if let interface {
            if let address = IPAddress(interface) { options.source = address } else { options.device = interface }
        }
        return options
    }

    func run() throws {
        StopSignals.install()
        let options = options
        var reporter = TextReporter(options: options)
        if let pattern = options.pattern { reporter.report(.pattern(pattern)) }

        let family: SocketFamily? = ipv4 ? .ipv4 : ipv6 ? .ipv6 : nil
        let target: PingTarget
        do {
            target = try PingTarget.resolve(host, family: family, numeric: options.numeric)
        } catch {
            throw Failure.usage(error.message)
        }
        if let source = options.source, ProbeFamily.of(source).version != ProbeFamily.of(target.address).version {
            throw Failure.usage("-I \(source) is not of the family of \(target.address)")
        }

        let probe: ProbeSocket
        do {
            probe = try ProbeSocket.open(.of(target.address), kind: options.socketKind)
        } catch {
            throw Failure.usage(error.description)
        }
        defer { try? probe.socket.close() }
        do {
            try probe.configure(hopLimit: options.hopLimit, device: options.device, source: options.source)
        } catch {
            throw Failure.usage(error.description)
        }
        var source = options.source
        if options.device != nil && source == nil {
            source = try? target.sourceAddress(device: options.device)
        }
        reporter.report(.header(target, options, source: source))

        var session = PingSession(options: options, target: target, probe: probe, reporter: reporter)
        let status = try session.run { stopRequested.load(ordering: .relaxed) }
        throw ExitCode(status)
    }

    /// A failure that has its own words and exit status.
    enum Failure: Error, CustomStringConvertible {
        /// Exit 2: bad input, an unresolvable host, no socket.
        case usage(String)

        var description: String {
            switch self {
            case .usage(let text): text
            }
        }
    }

    /// ParsableCommand's `main` with ping's exit statuses: every usage
    /// problem is one `icmpping: ...` line and status 2; the run's own
    /// status otherwise.
    static func main() {
        do {
            var command = try parseAsRoot(Array(CommandLine.arguments.dropFirst()))
            try command.run()
        } catch let code as ExitCode {
            Glibc.exit(code.rawValue)
        } catch let failure as Failure {
            fail(failure.description, status: 2)
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }
            let oneLine = message(for: error).split(whereSeparator: \.isNewline).joined(separator: " ")
            fail(oneLine, status: 2)
        }
    }

    static func fail(_ message: String, status: Int32) -> Never {
        TextOutput.write("icmpping: \(message)\n", to: 2)
        Glibc.exit(status)
    }
}
