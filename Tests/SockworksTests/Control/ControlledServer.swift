import Glibc
import TestSupport

/// Every model of `serve echo`, as `--model` names them.
let echoModels = ["iterative", "thread", "select", "poll", "fork", "fork2", "prefork", "epoll", "epoll-c"]

/// Starts `sockworks serve echo ARGUMENTS --control PATH` (PATH a fresh
/// socket in a temporary folder), runs `body` with the server and the path,
/// and returns how the server ended; the folder is removed after.
func withControlledEcho<Result: Sendable>(
    _ arguments: [String], controlArguments: [String] = [],
    _ body: (EchoServer, String) async throws -> Result
) async throws -> (value: Result, outcome: LiveOutcome, controlPath: String) {
    let folder = try TemporaryFolder(prefix: "sockworks-control")
    defer { folder.remove() }
    let path = folder.file("control.sock")
    let (value, outcome) = try await withEchoServer(arguments + ["--control", path] + controlArguments) { server in
        try await body(server, path)
    }
    return (value, outcome, path)
}

/// Asks `stats` on a connection of its own.
func stats(_ path: String) throws -> ControlReply {
    let client = try ControlTestSocket(path: path)
    defer { client.close() }
    return try client.ask("stats")
}

/// Waits until `stats` satisfies `condition`; returns the last reply.
func waitForStats(
    _ path: String, timeout: Duration = .seconds(10), _ condition: (ControlReply) -> Bool
) async throws -> ControlReply {
    var last = try stats(path)
    _ = try await waitUntil(timeout: timeout, pollingEvery: .milliseconds(20)) {
        last = try stats(path)
        return condition(last)
    }
    return last
}

/// A TCP client of the echo server at PORT: sends `bytes` and reads the
/// echo back. Returns the socket, still open.
func echoed(_ bytes: [UInt8], port: UInt16) throws -> TestSocket {
    let socket = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
    guard socket.connect(port: port) == 0 else { throw TestSocketError("connect") }
    try socket.sendAll(bytes)
    let back = try socket.receive(exactly: bytes.count)
    guard back == bytes else { throw TestSocketError("the echo differs") }
    return socket
}

/// The local address of a test socket as the server's `peer` shows it.
func peerText(_ socket: TestSocket) throws -> String { "127.0.0.1:\(try socket.localPort())" }

/// Whether `path` still exists (as anything).
func pathExists(_ path: String) -> Bool {
    var status = stat()
    return lstat(path, &status) == 0
}
