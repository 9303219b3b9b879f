import ArgumentParser
import Bench
import Glibc
import SocketCore

/// The load generator as a process of its own, so that the benchmark can
/// pin it to its CPU and count its CPU apart from the server's.
struct LoadgenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadgen",
        abstract: "Drive an echo or web server: N connections, closed loop, every byte checked.",
        discussion: """
            Prints "window start" and "window end" as the measured window opens and closes, \
            then one JSON line: requests, window_ns, exact latency percentiles (p50/p90/p99/max \
            in ns), corrupted echoes, failed and unserved connections, and its own CPU time \
            in the window (and body_bytes in the HTTP mode). `sockworks bench` runs it; run it \
            by hand against any echo server, or with --http-path against any web server.
            """
    )

    @Option(help: "The server's address (IPv4 or IPv6).")
    var host = "127.0.0.1"

    @Option(help: "The server's port.")
    var port: UInt16

    @Option(help: "Concurrent connections.")
    var connections = 128

    @Option(help: "Bytes per message.")
    var size = 64

    @Option(help: "Messages in flight per connection.")
    var depth = 1

    @Option(help: "Seconds of load before the measured window.")
    var warmup = 1.0

    @Option(help: "Seconds measured.")
    var duration = 5.0

    @Option(help: "End the window after this many requests (0: no limit).")
    var requests = 0

    @Option(help: "Drive a web server instead: GET this path (as /file.bin), one request in flight per connection.")
    var httpPath: String?

    @Option(help: "With --http-path: the file served there; every response's body is checked against it.")
    var httpBody: String?

    @Flag(help: "With --http-path: check bodies by length and checksum instead of byte for byte (large files).")
    var checksum = false

    @Flag(help: "With --http-path: a new connection per request (Connection: close) instead of keep-alive.")
    var connectionPerRequest = false

    func validate() throws {
        guard IPAddress(host) != nil else { throw ValidationError("--host \(host) is not an IPv4 or IPv6 address") }
        guard port != 0 else { throw ValidationError("--port must not be 0") }
        guard (1...100_000).contains(connections) else { throw ValidationError("--connections must be in 1...100000") }
        guard (1...65536).contains(size) else { throw ValidationError("--size must be in 1...65536") }
        guard (1...64).contains(depth) else { throw ValidationError("--depth must be in 1...64") }
        guard warmup >= 0, warmup <= 600 else { throw ValidationError("--warmup must be in 0...600") }
        guard duration > 0, duration <= 3600 else { throw ValidationError("--duration must be in (0, 3600]") }
        guard requests >= 0 else { throw ValidationError("--requests must not be negative") }
        if httpPath != nil || httpBody != nil {
            guard let httpPath, httpPath.hasPrefix("/"), httpBody != nil else {
                throw ValidationError("--http-path (starting with /) and --http-body go together")
            }
        } else if checksum || connectionPerRequest {
            throw ValidationError("--checksum and --connection-per-request need --http-path")
        }
    }

    func run() throws {
        raiseDescriptorLimit()
        if let httpPath, let httpBody { return try runHTTP(path: httpPath, bodyFile: httpBody) }
        let generator = LoadGenerator(
            address: SocketAddress(IPAddress(host)!, port: port), connections: connections, size: size,
            depth: depth, warmup: .milliseconds(Int64(warmup * 1000)), duration: .milliseconds(Int64(duration * 1000)),
            requestLimit: requests)
        let report = try generator.run { opened in
            writeStandardOutput(opened ? "window start\n" : "window end\n")
        }
        writeStandardOutput(report.jsonLine + "\n")
    }
}
