import Glibc
import TestSupport
import Testing

/// Every command of the control port on every model of `serve echo`, with
/// counts that match what the test sent.
@Suite struct ControlModelTests {
    @Test(arguments: echoModels)
    func everyCommandOnEveryModel(model: String) async throws {
        let (_, outcome, path) = try await withControlledEcho(["--model", model]) { server, path in
            let port = try #require(server.port)
            let control = try ControlTestSocket(path: path)
            defer { control.close() }

            let help = try control.ask("help")
            #expect(help.ok, "\(help)")
            let forms = help.list("commands").compactMap { $0["command"] as? String }
            for name in ["stats", "connections", "log-level", "drain", "stop", "help"] {
                #expect(forms.contains { $0.hasPrefix(name) }, "help lacks \(name): \(help)")
            }

            // Three connections, 1000 bytes echoed on each, then closed.
            let chunk = [UInt8](repeating: 0x61, count: 1000)
            for _ in 0..<3 { try echoed(chunk, port: port).close() }
            let counted = try await waitForStats(path) { reply in
                reply.count("connections_accepted") == 3 && reply.count("bytes_out") == 3000
                    && reply.count("connections_open") == 0
            }
            #expect(counted.ok)
            #expect(counted.string("service") == "echo server")
            #expect(counted.string("model") == model)
            #expect(counted.count("connections_accepted") == 3, "\(counted)")
            #expect(counted.count("bytes_in") == 3000, "\(counted)")
            #expect(counted.count("bytes_out") == 3000, "\(counted)")
            #expect(counted.count("connections_open") == 0, "\(counted)")
            #expect((counted.count("requests") ?? 0) >= 3, "\(counted)")
            #expect(counted.count("errors") == 0, "\(counted)")
            #expect(counted.count("shed") == 0, "\(counted)")
            #expect((counted.number("uptime_seconds") ?? -1) >= 0, "\(counted)")
            let workers = counted.list("per_worker")
            #expect(workers.count == counted.count("workers"), "\(counted)")
            let perWorkerBytes = workers.compactMap { ($0["bytes_in"] as? Int) }.reduce(0, +)
            #expect(perWorkerBytes == 3000, "\(counted)")

            // One connection held open: `connections` lists it (epoll-c's
            // connections have no slots, so it lists none).
            let open = try echoed([UInt8](repeating: 0x62, count: 100), port: port)
            defer { open.close() }
            let peer = try peerText(open)
            var listed = try control.ask("connections")
            if model != "epoll-c" {
                _ = try await waitUntil {
                    listed = try control.ask("connections")
                    return listed.list("connections").contains { ($0["bytes_out"] as? Int) == 100 }
                }
                let entry = listed.list("connections").first { ($0["peer"] as? String) == peer }
                #expect(entry != nil, "\(peer) not in \(listed)")
                #expect(entry?["bytes_in"] as? Int == 100, "\(listed)")
                #expect(entry?["bytes_out"] as? Int == 100, "\(listed)")
                #expect((entry?["age_seconds"] as? Double ?? -1) >= 0, "\(listed)")
                #expect(entry?["state"] is String, "\(listed)")
            }
            #expect(listed.ok, "\(listed)")
            open.close()

            let debug = try control.ask("log-level debug")
            #expect(debug.ok && debug.string("log_level") == "debug", "\(debug)")
            let info = try control.ask("log-level info")
            #expect(info.ok && info.string("log_level") == "info", "\(info)")

            // `stop` through the client command: the reply, then exit 0.
            let stop = try await runSockworks(["control", path, "stop"])
            #expect(stop.exitCode == 0, "\(stop.standardError)")
            #expect(try ControlReply(stop.standardOutput.trimmingSuffix()).ok, "\(stop.standardOutput)")
            #expect(try await server.process.waitForExit(timeout: .seconds(10)))
        }
        #expect(outcome.exitCode == 0, "\(outcome.standardError)")
        #expect(!outcome.leftRunning)
        #expect(!pathExists(path), "the control socket file was left behind")
    }
}

extension String {
    /// Without its trailing newline.
    func trimmingSuffix() -> String {
        var text = self
        while text.last == "\n" { text.removeLast() }
        return text
    }
}
