import Glibc
import SocketCore
import Subprocess
import Synchronization
import SystemPackage

/// A server the benchmark measures: how to start it, and whether it can be.
public struct EchoTarget: Sendable, Equatable {
    public var name: String
    public var isPeer: Bool
    /// The program and its arguments; the program prints `listening on
    /// HOST:PORT` as its first line and stops on SIGTERM.
    public var command: [String]
    /// The port of a program that prints no address (nginx, lighttpd): the
    /// benchmark waits until it accepts a connection there instead.
    public var port: UInt16?
    /// The control port and metrics endpoint the command turns on, asked
    /// once a second while the server is measured.
    public var endpoints: ControlEndpoints?

    public init(
        name: String, isPeer: Bool, command: [String], port: UInt16? = nil, endpoints: ControlEndpoints? = nil
    ) {
        self.name = name
        self.isPeer = isPeer
        self.command = command
        self.port = port
        self.endpoints = endpoints
    }
}

/// A server process while the benchmark runs against it.
public struct RunningServer: Sendable {
    public let pid: pid_t
    public let port: UInt16
    public var tree: ProcessTree { ProcessTree(root: pid) }
}

public enum ServerProcessError: Error, CustomStringConvertible {
    case noAddress(String, stderr: String)

    public var description: String {
        switch self {
        case .noAddress(let line, let stderr):
            let why = stderr.split(separator: "\n").last.map { ": \($0)" } ?? ""
            return "the server printed no 'listening on HOST:PORT' (got \(line.debugDescription))\(why)"
        }
    }
}

/// Starts `target` (pinned to `cpu` with taskset(1) when given), waits for
/// its address, runs `body`, then stops it with SIGTERM (SIGKILL after 10 s)
/// and returns what `body` returned.
public func withServer<Result: Sendable>(
    _ target: EchoTarget, cpu: Int?, _ body: @Sendable (RunningServer) async throws -> Result
) async throws -> Result {
    var command = target.command
    if let cpu { command = ["taskset", "-c", "\(cpu)"] + command }
    var options = PlatformOptions()
    // SIGTERM, then SIGKILL if the server is still there 10 s later.
    options.teardownSequence = [.send(signal: .terminate, allowedDurationToNextStep: .seconds(10))]
    let outcome = try await Subprocess.run(
        .name(command[0]), arguments: Arguments(Array(command.dropFirst())), platformOptions: options,
        input: .none, output: .sequence, error: .string(limit: 1 << 16)
    ) { execution in
        var chunks = execution.standardOutput.makeAsyncIterator()
        if let port = target.port {
            let pid = execution.processIdentifier.value
            guard await acceptsConnections(port: port, pid: pid) else {
                try? execution.send(signal: .kill)
                throw ServerProcessError.noAddress("", stderr: "nothing accepted connections on port \(port)")
            }
            let value: Result
            do {
                value = try await body(RunningServer(pid: pid, port: port))
            } catch {
                try? execution.send(signal: .kill)
                throw error
            }
            await execution.teardown(using: [.send(signal: .terminate, allowedDurationToNextStep: .seconds(10))])
            while try await chunks.next() != nil {}
            return value
        }
        var received: [UInt8] = []
        while !received.contains(UInt8(ascii: "\n")), let chunk = try await chunks.next() {
            chunk.withUnsafeBytes { received.append(contentsOf: $0) }
        }
        let first = String(decoding: received.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        let prefix = "listening on "
        guard first.hasPrefix(prefix), let colon = first.lastIndex(of: ":"),
            let port = UInt16(first[first.index(after: colon)...].filter { !$0.isWhitespace })
        else {
            try? execution.send(signal: .kill)
            throw ServerProcessError.noAddress(first, stderr: "")
        }
        let server = RunningServer(pid: execution.processIdentifier.value, port: port)
        let value: Result
        do {
            value = try await body(server)
        } catch {
            try? execution.send(signal: .kill)
            throw error
        }
        await execution.teardown(using: [.send(signal: .terminate, allowedDurationToNextStep: .seconds(10))])
        // Drain what is left so the process is not blocked writing.
        while try await chunks.next() != nil {}
        return value
    }
    return outcome.closureResult
}

/// Waits up to 10 s until a connection to `port` on 127.0.0.1 is accepted;
/// false at once if process `pid` has exited (a bad configuration).
private func acceptsConnections(port: UInt16, pid: pid_t) async -> Bool {
    for _ in 0..<500 {
        if let stat = ProcFiles.read("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")"),
            stat[close...].hasPrefix(") Z")
        {
            return false
        }
        if let socket = try? Socket(family: .ipv4, type: .stream) {
            let connected = (try? socket.connect(to: .loopbackIPv4(port: port), timeout: .seconds(1))) != nil
            try? socket.close()
            if connected { return true }
        }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return false
}

/// A server started for a series of runs and stopped when they are done:
/// `withServer` with the body waiting for `stop()`.
final class ServerSession: Sendable {
    let running: RunningServer
    private let stopRequest: AsyncStream<Void>.Continuation
    private let task: Task<Void, Never>

    private init(running: RunningServer, stopRequest: AsyncStream<Void>.Continuation, task: Task<Void, Never>) {
        self.running = running
        self.stopRequest = stopRequest
        self.task = task
    }

    static func start(_ target: EchoTarget, cpu: Int?) async throws -> ServerSession {
        let (stopped, stopRequest) = AsyncStream<Void>.makeStream()
        let (ready, announce) = AsyncStream<Result<RunningServer, any Error>>.makeStream()
        let task = Task {
            do {
                try await withServer(target, cpu: cpu) { server in
                    announce.yield(.success(server))
                    for await _ in stopped { break }
                }
            } catch {
                announce.yield(.failure(error))
            }
            announce.finish()
        }
        for await outcome in ready {
            return ServerSession(running: try outcome.get(), stopRequest: stopRequest, task: task)
        }
        throw ServerProcessError.noAddress("", stderr: "")
    }

    /// Stops the server (SIGTERM, SIGKILL after 10 s) and waits until it is gone.
    func stop() async {
        stopRequest.yield()
        stopRequest.finish()
        await task.value
    }
}
