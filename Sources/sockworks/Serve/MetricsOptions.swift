import ArgumentParser
import ServerMetrics
import Servers
import SocketCore

/// `--metrics`: where the server's Prometheus endpoint listens, if it has
/// one (docs/metrics.md).
struct MetricsOptions: ParsableArguments {
    @Option(
        name: .customLong("metrics"),
        help: ArgumentHelp(
            "Serve GET /metrics (Prometheus text format) on HOST:PORT; a bare PORT means 127.0.0.1:PORT.",
            discussion: """
                The endpoint has no authentication: keep it on loopback unless whoever can reach \
                the address may read the counters. Port 0 picks a free port; the line after \
                "listening on" is then "metrics on ADDRESS".
                """,
            valueName: "host:port"))
    var metrics: String?

    func validate() throws {
        if let metrics, Self.address(metrics) == nil {
            throw ValidationError(
                "--metrics \(metrics) is not HOST:PORT (an IPv4 address, or an IPv6 one in brackets) or a port")
        }
    }

    /// `127.0.0.1:9100`, `[::1]:9100`, or `9100` for loopback.
    static func address(_ text: String) -> SocketAddress? {
        if let port = UInt16(text) { return .ipv4(IPv4Address(127, 0, 0, 1), port: port) }
        guard let address = SocketAddress(text), address.family != .unix else { return nil }
        return address
    }

    /// Adds the endpoint to the service, when asked for.
    func apply(to configuration: inout ServiceConfiguration) {
        guard let metrics, let address = Self.address(metrics) else { return }
        configuration.endpoints.append(MetricsEndpoint(address: address))
    }
}
