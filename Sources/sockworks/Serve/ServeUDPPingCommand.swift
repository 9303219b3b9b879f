import ArgumentParser
import Servers
import SocketCore

struct ServeUDPPingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "udpping",
        abstract: "The UDP lab's ping server: drops some datagrams, sends the rest back upper-cased.",
        discussion: """
            Each datagram is dropped with probability --loss (the lab's 30 % by default), else sent \
            back to its sender upper-cased, with as many bytes as it had, at once or after a delay \
            drawn from --delay. --seed makes the drops and delays repeat from run to run. A datagram \
            from the server's own address and port is never answered. Drops are logged with \
            --log-level debug. The first line on standard output is "listening on ADDRESS"; \
            SIGINT or SIGTERM stops the server, which then writes "udpping: received N, dropped D, \
            answered A" on standard error and exits 0.
            """
    )

    @Option(help: "Address to listen on (IPv4 or IPv6).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port: UInt16 = 0

    @Option(help: "Probability, in 0...1, that a datagram is dropped.")
    var loss = 0.3

    @Option(help: "Seed of the drops and delays, so that a run repeats (default: a random one).")
    var seed: UInt64?

    @Option(
        help: ArgumentHelp(
            "Delay before each reply, in milliseconds: MS, or MS-MS for one drawn at random in that range.",
            valueName: "ms[-ms]"))
    var delay: MillisecondRange?

    @Option(help: "info, or debug to log every dropped datagram.")
    var logLevel: LogLevel = .info

    @OptionGroup(title: "Receiving")
    var receiving: DatagramOptions

    @OptionGroup(title: "Running as a service")
    var service: ServiceOptions

    @OptionGroup(title: "Control port")
    var controlOptions: ControlOptions

    @OptionGroup(title: "Metrics")
    var metrics: MetricsOptions

    func validate() throws {
        guard IPAddress(host) != nil else {
            throw ValidationError("--host \(host) is not an IPv4 or IPv6 address")
        }
        guard (0...1).contains(loss) else { throw ValidationError("--loss must be in 0...1") }
    }

    func run() throws {
        var options = UDPPingHandler.Options()
        options.loss = loss
        options.seed = seed
        options.delay = delay?.range
        ServerLog.showsDebug = logLevel == .debug
        var configuration = ServiceConfiguration(
            name: "udpping server", address: SocketAddress(IPAddress(host)!, port: port), transport: .datagram)
        configuration.reusePort = receiving.workers > 1
        configuration.counting = .init(model: receiving.description, workers: receiving.workers)
        service.apply(to: &configuration)
        try controlOptions.apply(to: &configuration)
        metrics.apply(to: &configuration)
        try ServiceBootstrap(configuration).run(description: receiving.description) {
            socket, control throws(ServerError) in
            let handler = UDPPingHandler(options: options, local: try? socket.localAddress)
            try DatagramService.run(
                handler: handler, socket: socket, control: control, batched: receiving.batch,
                workers: receiving.workers)
            let counts = handler.counts
            ServerLog.write(
                "udpping: received \(counts.received), dropped \(counts.dropped), answered \(counts.answered)")
        }
    }
}

/// `--log-level` of the lab servers.
enum LogLevel: String, ExpressibleByArgument, CaseIterable {
    case info, debug
}

/// `--delay MS` or `--delay MS-MS`.
struct MillisecondRange: ExpressibleByArgument {
    let range: ClosedRange<Duration>

    init?(argument: String) {
        let parts = argument.split(separator: "-", omittingEmptySubsequences: false)
        let values = parts.compactMap { Double($0) }
        guard (1...2).contains(parts.count), values.count == parts.count,
            values.allSatisfy({ $0 >= 0 && $0 <= 60_000 }),
            values.first! <= values.last!
        else { return nil }
        range = .milliseconds(values.first!)...(.milliseconds(values.last!))
    }
}
