import Foundation
import Glibc
import SocketCore
import TestSupport
import Testing

@Suite struct ControlPortRulesTests {
    /// `drain` with connections open: each still gets its echo, and the
    /// server exits 0 once they close, within the grace period. The grace is
    /// long because a loaded test run can take seconds between the drain
    /// and the next send, and a grace run out ends the connections.
    @Test func drainLetsOpenConnectionsFinish() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("control.sock")
        let (_, outcome) = try await withEchoServer(["--model", "poll", "--grace", "120", "--control", path]) {
            server in
            let open = try (0..<3).map { _ in try echoOpen(Array("first".utf8), port: server.port!) }
            let drain = try await runControl(path, ["drain"])
            #expect(drain.ok && drain.object["draining"] as? Bool == true)
            for socket in open {
                try socket.sendAll(Array("again".utf8))
                let echo = try receive(5, on: socket)
                #expect(echo == Array("again".utf8), "\(String(decoding: echo, as: UTF8.self).debugDescription)")
                try socket.close()
            }
            #expect(try await server.process.waitForExit(timeout: .seconds(60)))
        }
        #expect(outcome.exitCode == 0 && !outcome.leftRunning)
        #expect(access(path, F_OK) != 0, "the control socket's file is removed when the server exits")
    }

    /// `stop` during a drain ends it: the connection still open is ended
    /// at once, not at the end of the grace period.
    @Test func stopEndsADrain() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("control.sock")
        let (_, outcome) = try await withEchoServer(["--model", "epoll", "--grace", "60", "--control", path]) {
            server in
            let open = try echoOpen(Array("held".utf8), port: server.port!)
            defer { try? open.close() }
            #expect(try await runControl(path, ["drain"]).ok)
            #expect(server.process.isRunning, "the open connection holds the drain")
            let started = MonotonicInstant.now
            #expect(try await runControl(path, ["stop"]).ok)
            #expect(try await server.process.waitForExit(timeout: .seconds(20)))
            #expect(MonotonicInstant.now - started < .seconds(20))
            #expect(try receive(1, on: open).isEmpty, "the held connection was ended")
        }
        #expect(outcome.exitCode == 0 && !outcome.leftRunning)
    }

    /// The port's limits: a 1 MiB line gets one error and the connection
    /// goes on; a malformed line gets an error; a client that sent half a
    /// line or nothing does not hold up another; of 100 connections at once
    /// 16 are served and the rest refused, and the port works after.
    @Test func limits() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("control.sock")
        let (_, outcome) = try await withEchoServer(["--control", path]) { server in
            // A refused client is told so at once and closed; one sending to it
            // first would meet a reset, so the refusals are read before anyone sends.
            let crowd = try (0..<100).map { _ in try RawControlClient(path) }
            var refusedClients = Set<Int>()
            let deadline = MonotonicInstant.now + .seconds(5)
            while refusedClients.count < 84 && MonotonicInstant.now < deadline {
                for (index, client) in crowd.enumerated() where !refusedClients.contains(index) {
                    if try client.socket.waitUntilReadable(timeout: .zero) { refusedClients.insert(index) }
                }
            }
            // The control port's crowd holds up no one it serves beside.
            let echo = try echoOpen(Array("served beside the crowd".utf8), port: server.port!)
            try echo.close()
            var served = 0
            var refused = 0
            for (index, client) in crowd.enumerated() {
                if !refusedClients.contains(index) { try client.send(Array("help\n".utf8)) }
                let line = try client.line()
                if line?.contains("too many control connections") == true { refused += 1 }
                if line?.hasPrefix("{\"ok\":true") == true { served += 1 }
                client.close()
            }
            #expect(served == 16 && refused == 84, "\(served) served, \(refused) refused")
            let silent = try RawControlClient(path)
            let half = try RawControlClient(path)
            try half.send(Array("sta".utf8))
            let long = try RawControlClient(path)
            try long.send([UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20) + Array("\nstats\n".utf8))
            #expect(try long.line()?.contains("line longer than 4096 bytes") == true)
            #expect(try long.line()?.hasPrefix("{\"ok\":true") == true)
            try long.send([0xff, 0x00, 0x41, 0x0a])
            #expect(try long.line()?.hasPrefix("{\"ok\":false") == true)
            #expect(try await runControl(path, ["stats"]).ok)
            try half.send(Array("ts\n".utf8))
            #expect(try half.line()?.hasPrefix("{\"ok\":true") == true)
            for client in [silent, half, long] { client.close() }
            #expect(try await runControl(path, ["stats"]).ok)
            _ = try await server.process.stop()
        }
        #expect(outcome.exitCode == 0 && !outcome.leftRunning)
    }

    /// A token is required on every line; a read-only port refuses the
    /// commands that change the server; a remote address needs both the
    /// permission and a token.
    @Test func tokenAndReadOnly() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = folder.file("control.sock")
        let tokenFile = folder.file("token")
        try "s3cret\n".write(toFile: tokenFile, atomically: false, encoding: .utf8)
        chmod(tokenFile, 0o600)
        let (_, outcome) = try await withEchoServer([
            "--control", path, "--control-token-file", tokenFile, "--control-read-only",
        ]) { server in
            let missing = try await runControl(path, ["stats"])
            #expect(missing.exitCode == 1 && missing.error == "bad or missing token")
            let stats = try await runControl(path, ["stats"], options: ["--token-file", tokenFile])
            #expect(stats.ok)
            let stop = try await runControl(path, ["stop"], options: ["--token-file", tokenFile])
            #expect(stop.exitCode == 1 && stop.error?.hasPrefix("read-only") == true)
            #expect(server.process.isRunning)
            _ = try await server.process.stop()
        }
        #expect(outcome.exitCode == 0)

        let remote = try await runSockworks(["serve", "echo", "--control", "0.0.0.0:0"])
        #expect(remote.exitCode == 2 && remote.standardError.contains("not loopback"))
        let noToken = try await runSockworks(["serve", "echo", "--control", "0.0.0.0:0", "--control-allow-remote"])
        #expect(noToken.exitCode == 2 && noToken.standardError.contains("--control-token-file"))
        chmod(tokenFile, 0o644)
        let readable = try await runSockworks(["serve", "echo", "--control", path, "--control-token-file", tokenFile])
        #expect(readable.exitCode == 2 && readable.standardError.contains("readable or writable by others"))
        let bad = try await runControl(path, ["frobnicate"], options: ["--timeout", "0"])
        #expect(bad.exitCode == 2)
    }

    /// A TCP control port asked for on port 0 says which port it got, on
    /// standard output after `listening on`, and answers there.
    @Test func tcpPortZeroIsAnnounced() async throws {
        let (_, outcome) = try await withProgram(
            sockworksExecutable(), ["serve", "echo", "--port", "0", "--control", "127.0.0.1:0"]
        ) { process in
            // One write(2) of the whole line.
            try await process.waitForOutput("control on 127.0.0.1:")
            let line = process.output.text.split(separator: "\n").first { $0.hasPrefix("control on ") }
            let address = String(line?.dropFirst("control on ".count) ?? "")
            #expect(address.hasPrefix("127.0.0.1:") && !address.hasSuffix(":0"), "\(address)")
            let stats = try await runControl(address, ["stats"])
            #expect(stats.ok, "\(stats.text)")
            _ = try await process.stop()
        }
        #expect(outcome.exitCode == 0)
    }

    /// `serve http` and `serve udpping` answer `stats` on a TCP control port.
    @Test(arguments: [["http", "--root", "/tmp"], ["udpping"]])
    func otherServices(arguments: [String]) async throws {
        let ports = try unusedTCPPort()
        let address = "127.0.0.1:\(ports)"
        let (_, outcome) = try await withProgram(
            sockworksExecutable(), ["serve"] + arguments + ["--control", address]
        ) { process in
            _ = try await process.firstLine()
            let stats = try await runControl(address, ["stats"])
            #expect(stats.ok, "\(stats.text)")
            _ = try await process.stop()
        }
        #expect(outcome.exitCode == 0)
    }
}
