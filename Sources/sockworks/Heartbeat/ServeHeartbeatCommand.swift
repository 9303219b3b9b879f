import ArgumentParser
import Heartbeat
import Servers
import SocketCore

struct ServeHeartbeatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heartbeat",
        abstract: "The UDP heartbeat monitor: reports lost, late and stopped clients.",
        discussion: """
            Tracks every client of 'sockworks heartbeat' by its ID (events name it 'client'), \
            else by its address, and writes one line per event on standard output (one JSON \
            object with --json): heartbeat (with its delay: the arrival time minus the TIME it \
            carries, a one-way delay only on one host or with synchronised clocks, otherwise \
            it includes the clocks' offset), lost (the sequence numbers a gap skipped), \
            duplicate, reordered (a heartbeat that came after it was reported lost; the loss \
            no longer counts it), restarted (the sequence went back to 1), and stopped (nothing \
            for --dead-after seconds; by default three of that client's intervals, as BFD's \
            detect multiplier, and 3 s until its interval is known). SIGINT or SIGTERM writes \
            a summary per client and exits 0. The first line is "listening on ADDRESS". \
            Datagrams that are not heartbeats are counted, never answered.
            """
    )

    @Option(help: "Address to listen on (IPv4 or IPv6).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port: UInt16 = 0

    @Option(help: "Seconds of silence after which a client is stopped (default: 3 of its intervals).")
    var deadAfter: Double?

    @Flag(help: "One JSON object per line and per event.")
    var json = false

    @Option(help: "info, or debug to log every malformed datagram.")
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
        if let deadAfter {
            guard deadAfter.isFinite, deadAfter >= 0.01, deadAfter <= 86400 else {
                throw ValidationError("--dead-after must be in 0.01...86400 seconds")
            }
        }
    }

    func run() throws {
        ServerLog.showsDebug = logLevel == .debug
        var configuration = ServiceConfiguration(
            name: "heartbeat monitor", address: SocketAddress(IPAddress(host)!, port: port), transport: .datagram)
        configuration.reusePort = receiving.workers > 1
        configuration.counting = .init(model: receiving.description, workers: receiving.workers)
        service.apply(to: &configuration)
        try controlOptions.apply(to: &configuration)
        metrics.apply(to: &configuration)
        let monitor = HeartbeatMonitor(
            deadAfter: deadAfter.map { .microseconds(Int64(($0 * 1e6).rounded())) }, format: json ? .json : .text)
        try ServiceBootstrap(configuration).run(description: receiving.description) {
            socket, control throws(ServerError) in
            let ticker: PosixThread.Joinable
            do {
                ticker = try PosixThread.start { Self.tick(monitor, until: control) }
            } catch {
                throw ServerError("\(error)")
            }
            try DatagramService.run(
                handler: monitor, socket: socket, control: control, batched: receiving.batch,
                workers: receiving.workers)
            ticker.join()
            monitor.writeSummaries()
            ServerLog.write(
                "heartbeat: \(monitor.clientCount) clients, \(monitor.malformed) malformed datagrams, "
                    + "\(monitor.untracked) heartbeats untracked")
        }
    }

    /// Declares silent clients stopped, checking every 20 ms: a stop is
    /// reported within that of its dead-after time.
    private static func tick(_ monitor: HeartbeatMonitor, until control: ServerControl) {
        while !control.isStopping {
            monitor.expireSilentClients()
            Pause.sleep(for: .milliseconds(20))
        }
    }
}
