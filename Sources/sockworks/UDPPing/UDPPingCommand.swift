import ArgumentParser
import Glibc
import Ping
import SocketCore

/// `sockworks udpping`: the client of the textbook's UDP ping lab, on the
/// engine in Ping's `UDP` folder.
struct UDPPingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "udpping",
        abstract: "Ping a UDP echo server: the lab's `Ping SEQ TIME` probes, with ping's statistics.",
        discussion: """
            Each probe is one datagram of ASCII, `Ping SEQ TIME` (SEQ from 1, TIME the send time in \
            seconds with microseconds), so an upper-casing server (`sockworks serve udpping`) or a \
            plain echo server can answer it. A reply that comes after -W is reported as late and \
            never counted; duplicates and replies to unknown probes are reported, not counted. \
            Exits 0 if any reply came in time, 1 if none, 2 on bad arguments.
            """
    )

    @Option(name: .customShort("c"), help: "Probes to send.")
    var count = 10

    @Option(
        name: .customShort("i"), parsing: .unconditional,
        help: "Seconds between probes; 0 sends each as soon as the previous is answered or timed out.")
    var interval = 1.0

    @Option(name: .customShort("W"), parsing: .unconditional, help: "Seconds to wait for each reply.")
    var timeout = 1.0

    @Option(name: .customShort("s"), help: "Pad each probe to this many bytes (ASCII after the text).")
    var size = 0

    @Flag(name: .customShort("q"), help: "Print the summary only.")
    var quiet = false

    @Flag(help: "One JSON object per line and per event.")
    var json = false

    @Argument(help: "The server's name or address.")
    var host: String

    @Argument(help: "The server's UDP port.")
    var port: String

    /// The largest UDP payload over IPv4 (65535 - 20 - 8).
    static let largestSize = 65_507

    func validate() throws {
        guard count >= 1 else { throw ValidationError("-c must be at least 1, not \(count)") }
        guard interval.isFinite, interval >= 0, interval <= 3600 else {
            throw ValidationError("-i must be from 0 to 3600 seconds, not \(formatSeconds(interval))")
        }
        guard timeout.isFinite, timeout > 0, timeout <= 3600 else {
            throw ValidationError("-W must be more than 0 and at most 3600 seconds, not \(formatSeconds(timeout))")
        }
        guard (0...Self.largestSize).contains(size) else {
            throw ValidationError("-s must be from 0 to \(Self.largestSize) bytes, not \(size)")
        }
        guard portNumber != nil else { throw ValidationError("the port must be from 1 to 65535, not \(port)") }
    }

    var portNumber: UInt16? {
        guard let number = Int(port), (1...65535).contains(number) else { return nil }
        return UInt16(number)
    }

    var options: UDPPingOptions {
        var options = UDPPingOptions()
        options.count = count
        options.intervalNanoseconds = Int64((interval * 1_000_000_000).rounded())
        options.timeoutNanoseconds = Int64((timeout * 1_000_000_000).rounded())
        options.size = size
        options.quiet = quiet
        return options
    }

    func run() throws {
        let server = try resolve()
        UDPPingStopSignals.install()
        let socket = try Socket(family: server.family, type: .datagram)
        defer { try? socket.close() }
        // Connected: only the server's datagrams arrive, and its ICMP port
        // unreachable comes back as ECONNREFUSED.
        _ = try socket.connect(to: server)
        let stop = { udppingStopRequested.load(ordering: .relaxed) }
        let status: Int32
        if json {
            status = try run(socket, server, reporter: UDPJSONReporter(quiet: quiet), shouldStop: stop)
        } else {
            status = try run(socket, server, reporter: UDPTextReporter(quiet: quiet), shouldStop: stop)
        }
        if status != 0 { throw ExitCode(status) }
    }

    private func run<Reporter: UDPPingReporter>(
        _ socket: Socket, _ server: SocketAddress, reporter: Reporter, shouldStop: () -> Bool
    ) throws(SocketError) -> Int32 {
        var session = UDPPingSession(options: options, socket: socket, host: host, reporter: reporter)
        session.reporter.report(.start(host: host, address: server))
        return try session.run(shouldStop: shouldStop)
    }

    /// The first address the resolver gives for the host; a name that does
    /// not resolve is a bad argument (exit 2), said in one line.
    private func resolve() throws -> SocketAddress {
        do {
            let found = try Resolver.hostAddresses(host)
            guard let address = found.addresses.first else {
                CommandFailure.report("\(host): no address")
                throw CommandFailure.usageStatus
            }
            return SocketAddress(address, port: portNumber!)
        } catch let error as ResolverError {
            CommandFailure.report("\(host): \(error.message)")
            throw CommandFailure.usageStatus
        }
    }
}
