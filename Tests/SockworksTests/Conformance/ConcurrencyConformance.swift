import Glibc
import Servers
import TestSupport
import Testing

extension Conformance {
    /// Many clients at once.
    @Suite struct Concurrency {
        /// 200 clients connect at once and each round-trips 64 KiB of random
        /// bytes, every byte compared; each half-closes after sending, then
        /// reads to end of file.
        @Test(arguments: ConformanceScenario.concurrentClients.models)
        func twoHundredClientsRoundTrip64KiB(model: ServerModel) async throws {
            let payloads = (0..<200).map { _ in randomBytes(64 << 10) }
            let (outcomes, ending) = try await withModelServer(model) { server in
                let outcomes = try await onOwnThread { [port = server.port] in
                    let group = try EchoClientGroup(port: port, payloads: payloads)
                    defer { group.closeAll() }
                    group.awaitConnections(until: .now + .seconds(10))
                    group.exchange(halfClose: true, until: .now + .seconds(60))
                    return group.outcomes
                }
                try await stop(server)
                return outcomes
            }
            expectAllEchoed(outcomes)
            expectExitedZero(ending)
        }

        /// All connections are opened first; then each round-trips a small
        /// message while every one stays open, and the server's process tree
        /// holds a descriptor for each.
        @Test(arguments: ConformanceScenario.openConnections.models)
        func thousandOpenConnections(model: ServerModel) async throws {
            // The clients' descriptors, and the server's (it inherits the
            // limit): a 1024 soft limit would stop either short.
            let saved = try raiseOpenFileLimit(to: 4096)
            defer { restoreOpenFileLimit(saved) }
            let count = model.openConnectionCount
            let payloads = (0..<count).map { Array("connection \($0)\n".utf8) }
            let (result, ending) = try await withModelServer(model) { server in
                let result = try await onOwnThread { [port = server.port, processes = server.processes] in
                    let group = try EchoClientGroup(port: port, payloads: payloads)
                    defer { group.closeAll() }
                    let connected = group.awaitConnections(until: .now + .seconds(20))
                    group.exchange(halfClose: false, until: .now + .seconds(30))
                    return (
                        connected: connected, outcomes: group.outcomes,
                        serverDescriptors: processes.openDescriptorCount()
                    )
                }
                try await stop(server)
                return result
            }
            #expect(result.connected == count, "\(result.connected) of \(count) connections opened")
            expectAllEchoed(result.outcomes)
            #expect(
                result.serverDescriptors >= count,
                "the server held \(result.serverDescriptors) descriptors with \(count) connections open")
            expectExitedZero(ending)
        }
    }
}

/// Raises this process's soft RLIMIT_NOFILE to at least `wanted` (within
/// the hard limit); children started afterwards inherit it. Returns the
/// limit as it was.
func raiseOpenFileLimit(to wanted: rlim_t) throws -> rlimit {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { throw TestSocketError("getrlimit") }
    let saved = limit
    guard limit.rlim_cur < wanted else { return saved }
    guard limit.rlim_max >= wanted else {
        throw TestSocketError("setrlimit: the hard limit \(limit.rlim_max) is below \(wanted)", EPERM)
    }
    limit.rlim_cur = wanted
    guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { throw TestSocketError("setrlimit") }
    return saved
}

func restoreOpenFileLimit(_ saved: rlimit) {
    var limit = saved
    setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}
