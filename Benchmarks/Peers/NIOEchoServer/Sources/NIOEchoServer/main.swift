import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Writes back whatever arrives, and flushes once per read burst (as
/// NIOEchoServer does: channelReadComplete, not every read).
final class EchoHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}

/// Usage: NIOEchoServer [--host H] [--port P] [--threads N]
/// Prints "listening on HOST:PORT" once bound (port 0 picks a free one).
/// --threads defaults to the CPUs this process may run on (its affinity
/// mask): NIO's own default counts the cgroup's cores, and two event loops
/// pinned to one core then time-slice it.
var arguments = CommandLine.arguments.dropFirst()
var host = "127.0.0.1"
var port = 0
var threads = affinityCPUCount()
while let flag = arguments.popFirst() {
    guard let value = arguments.popFirst() else { fail("\(flag) needs a value") }
    switch flag {
    case "--host": host = value
    case "--port": port = Int(value) ?? -1
    case "--threads": threads = Int(value) ?? 0
    default: fail("unknown option \(flag)")
    }
}
guard (0...65535).contains(port), threads > 0 else { fail("bad --port or --threads") }

let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
let bootstrap = ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 4096)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(EchoHandler()) }
    }
let channel = try bootstrap.bind(host: host, port: port).wait()
let bound = channel.localAddress!
let line = "listening on \(bound.ipAddress!):\(bound.port!)\n"
_ = line.withCString { write(1, $0, strlen($0)) }
try channel.closeFuture.wait()

/// The CPUs in this process's affinity mask: the `Cpus_allowed` hex mask
/// of /proc/self/status (sched_getaffinity is a GNU extension Swift does
/// not import).
func affinityCPUCount() -> Int {
    guard let file = fopen("/proc/self/status", "r") else { return 1 }
    defer { fclose(file) }
    var buffer = [CChar](repeating: 0, count: 1024)
    while fgets(&buffer, Int32(buffer.count), file) != nil {
        let line = String(cString: buffer)
        guard line.hasPrefix("Cpus_allowed:") else { continue }
        let mask = line.dropFirst("Cpus_allowed:".count).filter(\.isHexDigit)
        let count = mask.reduce(0) { $0 + (Int(String($1), radix: 16) ?? 0).nonzeroBitCount }
        return max(1, count)
    }
    return 1
}

func fail(_ message: String) -> Never {
    let line = "NIOEchoServer: \(message)\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
    exit(2)
}
