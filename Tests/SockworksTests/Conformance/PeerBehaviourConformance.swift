import Glibc
import Servers
import TestSupport
import Testing

extension Conformance {
    /// Peers that half-close, reset, or do not read.
    @Suite struct PeerBehaviour {
        /// A client sends, shuts its write side down, and still gets all of
        /// the echo, then end of file: a short message shut down at once, and
        /// 1 MiB shut down while most of its echo is still on the way.
        @Test(arguments: ConformanceScenario.halfClose.models)
        func halfCloseGetsTheWholeEchoThenEndOfFile(model: ServerModel) async throws {
            let payloads = [Array("half-closed after this line\n".utf8), randomBytes(1 << 20)]
            let (outcomes, ending) = try await withModelServer(model) { server in
                let outcomes = try await onOwnThread { [port = server.port] in
                    let group = try EchoClientGroup(port: port, payloads: payloads)
                    defer { group.closeAll() }
                    group.exchange(halfClose: true, until: .now + .seconds(20))
                    return group.outcomes
                }
                try await stop(server)
                return outcomes
            }
            expectAllEchoed(outcomes)
            expectExitedZero(ending)
        }

        /// Clients reset their connection (SO_LINGER 0) mid-echo, some once
        /// the server is stuck sending to them, some right after a burst. The
        /// server serves a new client afterwards, and its process tree's open
        /// descriptors return to what they were before.
        @Test(arguments: ConformanceScenario.resetMidEcho.models)
        func resetMidEchoLeaksNothing(model: ServerModel) async throws {
            let (fresh, ending) = try await withModelServer(model) { server in
                // A first client, so whatever a model opens once is open.
                #expect(try await freshClientEchoes(port: server.port) == .echoed)
                let baseline = try #require(try await server.idleDescriptorCount(), "the server never settled")
                let listedThen = server.processes.openDescriptors()

                for _ in 0..<3 {
                    let stuck = try await fillUntilServerBlocks(port: server.port)
                    #expect(stuck > 0)
                }
                try await onOwnThread { [port = server.port] in
                    let burst = [UInt8](repeating: 0xA5, count: 256 << 10)
                    for _ in 0..<3 {
                        let client = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
                        guard client.connect(port: port) == 0 else { throw TestSocketError("connect") }
                        _ = try client.sendNonBlocking(burst)
                        try client.reset()
                    }
                }
                #expect(server.isRunning, "the server died when clients reset mid-echo")
                let fresh = try await freshClientEchoes(port: server.port)
                try await server.expectDescriptors(backTo: baseline, listedThen: listedThen)
                try await stop(server)
                return fresh
            }
            #expect(fresh == .echoed, "a new client after the resets")
            expectExitedZero(ending)
        }

        /// One client sends 8 MiB without reading until nothing more goes
        /// out; meanwhile another's small echo completes within 2 s. Then
        /// the slow client sends the rest while reading, and gets every byte
        /// back. The server must queue (or block only the slow client's
        /// thread or process), never stop serving the others.
        ///
        /// The slow client's receive buffer is small, so the echo's way back
        /// holds little more than the server's send buffer (at most
        /// tcp_wmem's 4 MiB): with 8 MiB sent the server is surely left with
        /// output it cannot send. The way there may hold all 8 MiB (the
        /// server's receive buffer grows up to tcp_rmem's maximum).
        @Test(arguments: ConformanceScenario.slowReader.models)
        func slowReaderHoldsUpNobody(model: ServerModel) async throws {
            let bulk = randomBytes(8 << 20)
            let (result, ending) = try await withModelServer(model) { server in
                let result = try await onOwnThread { [port = server.port] in
                    let slow = try EchoClientGroup(port: port, payloads: [bulk], receiveBuffer: 16 << 10)
                    defer { slow.closeAll() }
                    let sentUnread = slow.sendWithoutReading(stall: .milliseconds(300), until: .now + .seconds(10))

                    let prompt = try EchoClientGroup(port: port, payloads: [Array("not held up\n".utf8)])
                    defer { prompt.closeAll() }
                    let started = ContinuousClock.now
                    prompt.exchange(halfClose: true, until: started + .seconds(2))
                    let promptTime = ContinuousClock.now - started

                    slow.exchange(halfClose: true, until: .now + .seconds(30))
                    return (
                        sentUnread: sentUnread, prompt: prompt.outcomes[0], promptTime: promptTime,
                        slow: slow.outcomes[0]
                    )
                }
                try await stop(server)
                return result
            }
            #expect(result.sentUnread > 0)
            #expect(
                result.prompt == .echoed,
                "with \(result.sentUnread) bytes sent unread by another client: \(result.prompt?.description ?? "-")")
            #expect(result.promptTime < .seconds(2))
            #expect(result.slow == .echoed, "the slow client: \(result.slow?.description ?? "-")")
            expectExitedZero(ending)
        }
    }
}
