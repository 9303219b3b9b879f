import Glibc
import TestSupport
import Testing

// Checks shared by the scenarios. A failing case of a parameterized test is
// reported with its argument, so every failure names the model.

/// Sends SIGTERM by PID and expects the exit within 5 s.
func stop(_ server: ModelServer, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    #expect(server.isRunning, "the server died before it was stopped", sourceLocation: sourceLocation)
    let stopped = try await server.echo.process.stop(.terminate)
    #expect(stopped, "the server did not exit within 5 s of SIGTERM", sourceLocation: sourceLocation)
}

func expectExitedZero(_ outcome: LiveOutcome, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!outcome.leftRunning, "the scenario left the server running", sourceLocation: sourceLocation)
    #expect(
        outcome.exitCode == 0, "status \(outcome.status), stderr ends: \(outcome.standardError.suffix(1500))",
        sourceLocation: sourceLocation)
}

/// Expects every client echoed; otherwise says how many ended how.
func expectAllEchoed(_ outcomes: [EchoOutcome?], sourceLocation: SourceLocation = #_sourceLocation) {
    let failed = outcomes.enumerated().filter { $0.element != .echoed }
    #expect(
        failed.isEmpty, "\(failed.count) of \(outcomes.count) clients were not echoed: \(summary(of: outcomes))",
        sourceLocation: sourceLocation)
}

/// "echoed: 180; closed by the server after 0 bytes: 20 (clients 3, 9, ...)".
func summary(of outcomes: [EchoOutcome?]) -> String {
    var clients: [String: [Int]] = [:]
    for (index, outcome) in outcomes.enumerated() {
        clients[outcome?.description ?? "unfinished", default: []].append(index)
    }
    return clients.sorted { $0.value.count > $1.value.count }.map { kind, indices in
        kind == "echoed"
            ? "echoed: \(indices.count)"
            : "\(kind): \(indices.count) (clients \(indices.prefix(5).map(String.init).joined(separator: ", "))"
                + (indices.count > 5 ? ", ...)" : ")")
    }.joined(separator: "; ")
}

extension ModelServer {
    /// The tree's descriptor count once it is idle: one client served first
    /// (so the loops have made their wake-up eventfd and spare descriptor,
    /// which a loaded machine may leave for well after `listening on`), only
    /// the model's idle processes left (connection children gone and
    /// reaped), and the same count three times in a row. Nil if that does
    /// not happen within 5 s.
    func idleDescriptorCount() async throws -> Int? {
        _ = try await freshClientEchoes(port: port)
        var counts: [Int] = []
        let settled = try await waitUntil(timeout: .seconds(5), pollingEvery: .milliseconds(20)) {
            guard descendants().count == model.idleDescendants else {
                counts = []
                return false
            }
            counts.append(processes.openDescriptorCount())
            return counts.count >= 3 && Set(counts.suffix(3)).count == 1
        }
        return settled ? counts.last : nil
    }

    /// Expects the tree's descriptor count back at `baseline` within 5 s;
    /// otherwise lists what is open beyond what was open then.
    func expectDescriptors(
        backTo baseline: Int, listedThen: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let back = try await waitUntil(timeout: .seconds(5), pollingEvery: .milliseconds(20)) {
            descendants().count == model.idleDescendants && processes.openDescriptorCount() == baseline
        }
        let now = processes.openDescriptors()
        #expect(
            back,
            """
            descriptors not back to the \(baseline) open before (\(now.count) now, \
            \(descendants().count) descendants); new: \(now.filter { !listedThen.contains($0) }.prefix(20))
            """, sourceLocation: sourceLocation)
    }
}

/// One small round trip on a new connection, within 5 s.
func freshClientEchoes(port: UInt16) async throws -> EchoOutcome? {
    try await onOwnThread {
        let group = try EchoClientGroup(port: port, payloads: [Array("a fresh client\n".utf8)])
        defer { group.closeAll() }
        group.exchange(halfClose: true, until: .now + .seconds(5))
        return group.outcomes[0]
    }
}
