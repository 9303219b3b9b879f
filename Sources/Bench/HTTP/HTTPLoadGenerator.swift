import CLoadGen
import Glibc
import SocketCore

/// The C load generator's HTTP mode (CLoadGen), run in this process:
/// `sockworks loadgen --http-path` calls it, pinned to its own CPU. Every
/// response is checked against `body`, the served file's content.
public struct HTTPLoadGenerator: Sendable {
    public var address: SocketAddress
    /// The request target, in origin form (`/file-1k.bin`).
    public var path: String
    public var body: [UInt8]
    public var connections: Int
    /// A new connection per request instead of keep-alive.
    public var connectionPerRequest = false
    /// Check bodies by length and checksum instead of byte for byte.
    public var checksumOnly = false
    public var warmup: Duration
    public var duration: Duration
    public var requestLimit = 0
    public var connectTimeout: Duration = .seconds(10)

    public init(
        address: SocketAddress, path: String, body: [UInt8], connections: Int, warmup: Duration,
        duration: Duration
    ) {
        self.address = address
        self.path = path
        self.body = body
        self.connections = connections
        self.warmup = warmup
        self.duration = duration
    }

    /// The Host field: the address and port, IPv6 in brackets (RFC 9110
    /// section 7.2, RFC 3986 section 3.2.2).
    var host: String {
        switch address {
        case .ipv4(let ip, let port): "\(ip):\(port)"
        case .ipv6(let ip, let port, _): "[\(ip)]:\(port)"
        default: "localhost"
        }
    }

    /// Runs the load; `window(true)` as the measured window opens,
    /// `window(false)` as it closes.
    public func run(window: @escaping (Bool) -> Void) throws(BenchError) -> LoadReport {
        let box = WindowCallback(window)
        var result = lg_http_result()
        let code: Int32
        do {
            code = try withExtendedLifetime(box) { () throws(SocketError) -> Int32 in
                try address.withUnsafeSockAddr { pointer, length in
                    host.withCString { host in
                        path.withCString { path in
                            body.withUnsafeBufferPointer { body in
                                var config = lg_http_config()
                                config.address = pointer
                                config.address_length = UInt32(length)
                                config.connections = UInt32(connections)
                                config.host = host
                                config.path = path
                                config.body = body.baseAddress
                                config.body_length = body.count
                                config.checksum_only = checksumOnly ? 1 : 0
                                config.connection_per_request = connectionPerRequest ? 1 : 0
                                config.connect_timeout_ns = LoadGenerator.nanoseconds(connectTimeout)
                                config.warmup_ns = LoadGenerator.nanoseconds(warmup)
                                config.duration_ns = LoadGenerator.nanoseconds(duration)
                                config.request_limit = UInt64(requestLimit)
                                config.window = WindowCallback.function
                                config.window_context = box.context
                                return lg_http_run(&config, &result)
                            }
                        }
                    }
                }
            }
        } catch {
            throw BenchError("load generator: \(error)")
        }
        guard code == 0 else {
            throw BenchError("load generator: \(SystemError(code: -code, call: "lg_http_run"))")
        }
        return LoadReport(
            requests: result.requests, windowNs: result.window_ns, p50Ns: result.p50_ns, p90Ns: result.p90_ns,
            p99Ns: result.p99_ns, maxNs: result.max_ns, corrupted: result.corrupted, failed: result.failed,
            unserved: result.unserved, cpuUserNs: result.cpu_user_ns, cpuSystemNs: result.cpu_system_ns,
            bodyBytes: result.body_bytes)
    }
}
