import CLoadGen
import Glibc
import SocketCore

/// The C load generator (CLoadGen, on sockcore's loop), run in this
/// process: `sockworks loadgen` calls it, pinned to its own CPU.
public struct LoadGenerator: Sendable {
    public var address: SocketAddress
    public var connections: Int
    public var size: Int
    public var depth: Int
    public var warmup: Duration
    public var duration: Duration
    public var requestLimit: Int
    public var connectTimeout: Duration = .seconds(10)

    public init(
        address: SocketAddress, connections: Int, size: Int, depth: Int, warmup: Duration,
        duration: Duration, requestLimit: Int = 0
    ) {
        self.address = address
        self.connections = connections
        self.size = size
        self.depth = depth
        self.warmup = warmup
        self.duration = duration
        self.requestLimit = requestLimit
    }

    /// Runs the load; `window(true)` as the measured window opens,
    /// `window(false)` as it closes.
    public func run(window: @escaping (Bool) -> Void) throws(BenchError) -> LoadReport {
        let box = WindowCallback(window)
        var result = lg_result()
        let code: Int32
        do {
            code = try withExtendedLifetime(box) { () throws(SocketError) -> Int32 in
                try address.withUnsafeSockAddr { pointer, length in
                    var config = lg_config()
                    config.address = pointer
                    config.address_length = UInt32(length)
                    config.connections = UInt32(connections)
                    config.size = UInt32(size)
                    config.depth = UInt32(depth)
                    config.connect_timeout_ns = Self.nanoseconds(connectTimeout)
                    config.warmup_ns = Self.nanoseconds(warmup)
                    config.duration_ns = Self.nanoseconds(duration)
                    config.request_limit = UInt64(requestLimit)
                    config.window = WindowCallback.function
                    config.window_context = box.context
                    return lg_run(&config, &result)
                }
            }
        } catch {
            throw BenchError("load generator: \(error)")
        }
        guard code == 0 else { throw BenchError("load generator: \(SystemError(code: -code, call: "lg_run"))") }
        return LoadReport(
            requests: result.requests, windowNs: result.window_ns, p50Ns: result.p50_ns, p90Ns: result.p90_ns,
            p99Ns: result.p99_ns, maxNs: result.max_ns, corrupted: result.corrupted, failed: result.failed,
            unserved: result.unserved, cpuUserNs: result.cpu_user_ns, cpuSystemNs: result.cpu_system_ns)
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}

/// The window callback a C run calls as its measured window opens and
/// closes, passed as a function and a context pointer: the caller keeps the
/// object alive for the run.
final class WindowCallback {
    let call: (Bool) -> Void

    init(_ call: @escaping (Bool) -> Void) { self.call = call }

    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static let function: @convention(c) (UnsafeMutableRawPointer?, Int32) -> Void = { context, opened in
        Unmanaged<WindowCallback>.fromOpaque(context!).takeUnretainedValue().call(opened != 0)
    }
}
