import ArgumentParser
import Glibc
import Heartbeat
import Servers
import SocketCore

struct HeartbeatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heartbeat",
        abstract: "The UDP heartbeat client: 'Heartbeat SEQ TIME ID' every interval.",
        discussion: """
            Sends one datagram every -i seconds to HOST PORT (a 'sockworks serve heartbeat' \
            monitor): "Heartbeat SEQ TIME ID", SEQ counting from 1, TIME the send time on this \
            host's wall clock (seconds, six decimals), ID the --id (none without it; the \
            monitor then names the client by its address). Heartbeat k leaves k-1 intervals \
            after the start, so the schedule does not drift. An ICMP port unreachable (nothing \
            listens there yet) is reported once and the heartbeats go on. -c stops after N; \
            SIGINT or SIGTERM stops at once; both exit 0.
            """
    )

    @Argument(help: "The monitor's IPv4 or IPv6 address.")
    var host: String

    @Argument(help: "The monitor's port.")
    var port: UInt16

    @Option(name: .short, help: "Seconds between heartbeats (0.001 to 3600).")
    var interval: Double = 1

    @Option(name: .short, help: "Stop after this many heartbeats (default: until stopped).")
    var count: UInt64?

    @Option(help: "The name the monitor knows this client by: 1 to 64 printable ASCII characters, no space.")
    var id: String?

    func validate() throws {
        guard IPAddress(host) != nil else { throw ValidationError("\(host) is not an IPv4 or IPv6 address") }
        guard port != 0 else { throw ValidationError("PORT must be in 1...65535") }
        guard interval.isFinite, interval >= 0.001, interval <= 3600 else {
            throw ValidationError("-i must be in 0.001...3600 seconds")
        }
        if let count, count == 0 { throw ValidationError("-c must be at least 1") }
        if let id, !HeartbeatMessage.isValidID(id) {
            throw ValidationError("--id must be 1 to 64 printable ASCII characters without space")
        }
    }

    func run() throws {
        let monitor = SocketAddress(IPAddress(host)!, port: port)
        let socket = try Socket(family: monitor.family, type: .datagram)
        defer { try? socket.close() }
        try socket.connect(to: monitor)
        let schedule = HeartbeatSchedule(start: .now, interval: .microseconds(Int64((interval * 1e6).rounded())))
        let sender = HeartbeatSender(socket: socket, schedule: schedule, count: count, id: id)
        try ShutdownSignals.install { _ in sender.stop() }
        try sender.run { error in
            CommandFailure.report("\(monitor): port unreachable (\(error.name)); still sending")
        }
    }
}
