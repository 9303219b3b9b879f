import ArgumentParser
import Servers
import SocketCore

struct ServeEchoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "echo",
        abstract: "The echo server (RFC 862): TCP, UDP or UNIX-domain.",
        discussion: """
            Over a stream (TCP, or UNIX with --unix) every byte goes back until the client \
            closes; with --udp every datagram goes back to its sender. The first line on \
            standard output is "listening on ADDRESS" (port 0 picks a free port and shows it). \
            SIGINT or SIGTERM closes the listener, lets the connections being served finish \
            (for up to --grace seconds, then ends them) and exits 0. --model picks how \
            connections are served (see --help for the list); every model runs the same \
            echo handler.
            """
    )

    @Option(help: "Address to listen on (IPv4 or IPv6).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port: UInt16 = 0

    @Option(help: "Listen on this UNIX-domain socket path instead of an IP address.")
    var unix: String?

    @Flag(help: "Serve datagrams (UDP, or a UNIX datagram socket with --unix).")
    var udp = false

    @Flag(help: "With --udp: take up to 64 datagrams a call (recvmmsg/sendmmsg) on an event loop.")
    var batch = false

    @Option(
        help: ArgumentHelp(
            "Server model for stream connections (default: iterative).",
            discussion: ServerModel.allCases.map { "\($0.rawValue): \($0.summary)" }.joined(separator: "; ")))
    var model: ServerModel?

    @Option(
        help:
            "Workers: processes of the prefork model (default: one per online CPU), loops of the epoll models, UDP sockets with --udp (default: 1)."
    )
    var workers: Int?

    @Option(help: "Seconds that open connections get to finish after SIGINT or SIGTERM.")
    var grace: Double = 5

    @OptionGroup(title: "Running as a service")
    var service: ServiceOptions

    @OptionGroup(title: "Control port")
    var controlOptions: ControlOptions

    @OptionGroup(title: "Metrics")
    var metrics: MetricsOptions

    func validate() throws {
        if unix != nil && (port != 0 || host != "127.0.0.1") {
            throw ValidationError("--unix replaces --host and --port; give one or the other")
        }
        if let unix, unix.isEmpty { throw ValidationError("--unix needs a path") }
        guard IPAddress(host) != nil else {
            throw ValidationError("--host \(host) is not an IPv4 or IPv6 address")
        }
        guard grace >= 0, grace <= 3600 else { throw ValidationError("--grace must be in 0...3600") }
        if udp, let model {
            throw ValidationError(
                "--model \(model.rawValue) is for stream servers; --udp serves datagrams in one thread")
        }
        if batch && !udp { throw ValidationError("--batch applies to --udp only") }
        if let workers {
            guard udp || (model ?? .iterative).hasWorkers else {
                throw ValidationError("--workers applies to --udp and the prefork, epoll and epoll-c models only")
            }
            if udp && unix != nil && workers > 1 {
                throw ValidationError("--workers above 1 needs UDP (SO_REUSEPORT), not a UNIX socket")
            }
            guard (1...256).contains(workers) else { throw ValidationError("--workers must be in 1...256") }
        }
    }

    var address: SocketAddress {
        // A daemon changes to /: a relative socket path must be made
        // absolute first, or the file could not be removed at exit.
        if let unix { return .unix(path: service.daemon ? PidFile.absolute(unix) : unix) }
        return SocketAddress(IPAddress(host)!, port: port)
    }

    func run() throws {
        var configuration = ServiceConfiguration(
            name: "echo server", address: address, transport: udp ? .datagram : .stream)
        configuration.grace = .milliseconds(Int64(grace * 1000))
        // The epoll models' further workers bind their own listeners to this
        // port, which SO_REUSEPORT on every one of them allows.
        configuration.reusePort = (udp || (model?.needsReusePort ?? false)) && (workers ?? 1) > 1
        service.apply(to: &configuration)
        try controlOptions.apply(to: &configuration)
        metrics.apply(to: &configuration)
        let model = model ?? .iterative
        let workers = workers ?? (udp ? 1 : model.defaultWorkers)
        let description = udp ? (batch ? "batched datagram" : "datagram") : "\(model.rawValue) model"
        configuration.counting = .init(
            model: udp ? (batch ? "batched datagram" : "datagram") : model.rawValue, workers: workers)
        try ServiceBootstrap(configuration).run(description: description) {
            socket, control throws(ServerError) in
            if udp {
                try DatagramService.run(
                    handler: EchoHandler(), socket: socket, control: control, batched: batch, workers: workers)
            } else {
                try model.serveEcho(listener: socket, control: control, workers: workers)
            }
        }
    }
}
