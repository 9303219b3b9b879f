import CLoadGen
import Glibc
import SocketCore

/// The C load generator's datagram mode (`lg_udp_run`), run on the calling
/// thread: `depth` datagrams in flight on each of `sockets` UDP sockets,
/// every reply checked, losses counted.
public struct UDPLoadGenerator: Sendable {
    public var address: SocketAddress
    public var sockets: Int
    public var size: Int
    public var depth: Int
    /// A datagram unanswered this long is counted lost and sent anew.
    public var timeout: Duration
    public var warmup: Duration
    public var duration: Duration
    public var requestLimit: Int
    /// Batch as a QUIC client does: receive with UDP_GRO (replies the
    /// server sent as one segmented message arrive as one buffer and are
    /// cut into datagrams here, not by the kernel on delivery) and send the
    /// datagrams that refill the slots answered in one wake-up together, as
    /// segmented messages (UDP_SEGMENT). Each datagram is still checked and
    /// timed on its own.
    public var batched: Bool

    public init(
        address: SocketAddress, sockets: Int = 1, size: Int = 64, depth: Int, timeout: Duration = .milliseconds(200),
        warmup: Duration, duration: Duration, requestLimit: Int = 0, batched: Bool = false
    ) {
        self.address = address
        self.sockets = sockets
        self.size = size
        self.depth = depth
        self.timeout = timeout
        self.warmup = warmup
        self.duration = duration
        self.requestLimit = requestLimit
        self.batched = batched
    }

    /// Runs the load; `window(true)` as the measured window opens,
    /// `window(false)` as it closes.
    public func run(window: @escaping (Bool) -> Void = { _ in }) throws(BenchError) -> UDPLoadReport {
        let box = WindowCallback(window)
        var result = lg_udp_result()
        let code: Int32
        do {
            code = try withExtendedLifetime(box) { () throws(SocketError) -> Int32 in
                try address.withUnsafeSockAddr { pointer, length in
                    var config = lg_udp_config()
                    config.address = pointer
                    config.address_length = UInt32(length)
                    config.sockets = UInt32(sockets)
                    config.size = UInt32(size)
                    config.depth = UInt32(depth)
                    config.timeout_ns = LoadGenerator.nanoseconds(timeout)
                    config.warmup_ns = LoadGenerator.nanoseconds(warmup)
                    config.duration_ns = LoadGenerator.nanoseconds(duration)
                    config.request_limit = UInt64(requestLimit)
                    config.batched = batched ? 1 : 0
                    config.window = WindowCallback.function
                    config.window_context = box.context
                    return lg_udp_run(&config, &result)
                }
            }
        } catch {
            throw BenchError("datagram load generator: \(error)")
        }
        guard code == 0 else {
            throw BenchError("datagram load generator: \(SystemError(code: -code, call: "lg_udp_run"))")
        }
        return UDPLoadReport(result)
    }
}

/// What one datagram load measured.
public struct UDPLoadReport: Sendable, Codable, Equatable {
    /// Datagrams answered correctly within the window.
    public var answered: UInt64
    public var windowNs: UInt64
    public var p50Ns: UInt64, p90Ns: UInt64, p99Ns: UInt64, maxNs: UInt64
    /// Replies of the wrong length or content.
    public var corrupted: UInt64
    /// Datagrams unanswered within the timeout.
    public var lost: UInt64
    /// Late, duplicate or unknown replies.
    public var stray: UInt64
    /// Receive calls that returned a buffer within the window: as many as
    /// the replies, unless the client batches.
    public var receives: UInt64
    public var cpuUserNs: UInt64, cpuSystemNs: UInt64

    init(_ result: lg_udp_result) {
        answered = result.requests
        windowNs = result.window_ns
        p50Ns = result.p50_ns
        p90Ns = result.p90_ns
        p99Ns = result.p99_ns
        maxNs = result.max_ns
        corrupted = result.corrupted
        lost = result.lost
        stray = result.stray
        receives = result.receives
        cpuUserNs = result.cpu_user_ns
        cpuSystemNs = result.cpu_system_ns
    }

    public var datagramsPerSecond: Double { windowNs == 0 ? 0 : Double(answered) * 1e9 / Double(windowNs) }

    /// Replies per receive call (1 unless the client batches).
    public var datagramsPerReceive: Double {
        receives == 0 ? 0 : Double(answered + corrupted + stray) / Double(receives)
    }
}
