import Glibc
import Servers
import TestSupport
import Testing

extension Conformance {
    /// Running out of descriptors.
    @Suite struct DescriptorLimit {
        /// The server runs under RLIMIT_NOFILE 64 and 200 clients try to
        /// connect at once, each sending a line and holding its connection
        /// open. Each is either echoed or turned away (closed or reset), none
        /// is left waiting; while the attempts are held, the server is idle
        /// at its limit and must not spin (an accept failing with EMFILE
        /// leaves the listener readable, so a readiness loop that only logs
        /// the failure wakes again at once). Once the clients have gone its
        /// descriptors return to what they were and a new client is served.
        @Test(arguments: ConformanceScenario.descriptorLimit.models)
        func twoHundredAttemptsUnderRLIMITNOFILE64(model: ServerModel) async throws {
            let attempts = 200
            let idleCPUBound = Duration.milliseconds(100)
            let payloads = (0..<attempts).map { Array("attempt \($0)\n".utf8) }
            let (_, ending) = try await withModelServer(model, descriptorLimit: 64) { server in
                let baseline = try #require(try await server.idleDescriptorCount(), "the server never settled")
                let listedThen = server.processes.openDescriptors()
                let held = try await onOwnThread { [port = server.port, processes = server.processes] in
                    let group = try EchoClientGroup(port: port, payloads: payloads)
                    defer { group.closeAll() }
                    group.exchange(halfClose: false, until: .now + .seconds(10))
                    let before = processes.cpuTime()
                    usleep(1_000_000)
                    let idleCPU = processes.cpuTime() - before
                    return (outcomes: group.outcomes, idleCPU: idleCPU)
                }
                // Checked here, not after the exit: a spinning server that logs
                // every failed accept overflows the output collected from it,
                // and the run then ends in that error alone.
                let outcomes = held.outcomes
                let echoed = outcomes.count { $0 == .echoed }
                let turnedAway = outcomes.count { $0?.turnedAway == true }
                #expect(echoed > 0, "none of \(attempts) attempts was served: \(summary(of: outcomes))")
                #expect(
                    echoed + turnedAway == attempts,
                    "attempts neither echoed nor turned away: \(summary(of: outcomes))")
                #expect(
                    held.idleCPU < idleCPUBound,
                    "\(held.idleCPU) of CPU in 1 s idle at the descriptor limit (\(summary(of: outcomes)))")

                try await server.expectDescriptors(backTo: baseline, listedThen: listedThen)
                let fresh = try await freshClientEchoes(port: server.port)
                #expect(fresh == .echoed, "a new client once the others had gone: \(fresh?.description ?? "-")")
                try await stop(server)
            }
            expectExitedZero(ending)
        }
    }
}
