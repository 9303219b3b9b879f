import Glibc
import Servers
import TestSupport
import Testing

extension Conformance {
    /// SIGTERM.
    @Suite struct Termination {
        /// A few clients come and go; then, with one connection open and a
        /// line of it not yet echoed, SIGTERM by PID. Before the signal no
        /// descendant of the server is a zombie, and a forking model keeps a
        /// process only for the open connection. After it, that connection
        /// gets its echo, sends and gets one more line, and ends, all within
        /// the grace; the server exits 0 soon after, and none of the
        /// descendants it had exists any more (neither running nor a zombie).
        @Test(arguments: ConformanceScenario.termination.models)
        func sigtermLetsTheOpenConnectionFinish(model: ServerModel) async throws {
            // Long: on a loaded test run seconds can pass between the signal and
            // the last send, and a grace run out would end the connection.
            let grace = Duration.seconds(60)
            let (result, ending) = try await withModelServer(model, ["--grace", "60"]) { server in
                let passers = (0..<5).map { Array("client \($0) comes and goes\n".utf8) }
                let passed = try await onOwnThread { [port = server.port] in
                    let group = try EchoClientGroup(port: port, payloads: passers)
                    defer { group.closeAll() }
                    group.exchange(halfClose: true, until: .now + .seconds(10))
                    return group.outcomes
                }
                expectAllEchoed(passed)

                let open = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
                defer { open.close() }
                try open.setOption(SOL_SOCKET, SO_SNDTIMEO, timeval(tv_sec: 5, tv_usec: 0))
                guard open.connect(port: server.port) == 0 else { throw TestSocketError("connect") }
                let first = Array("before the signal\n".utf8)
                try open.sendAll(first)
                #expect(try open.receive(exactly: first.count) == first)

                let expected = model.idleDescendants + (model.forksPerConnection ? 1 : 0)
                var children: [ProcessIdentity] = []
                let settled = try await waitUntil(timeout: .seconds(5), pollingEvery: .milliseconds(20)) {
                    children = server.descendants()
                    return children.count == expected && children.allSatisfy { $0.state != "Z" }
                }
                #expect(
                    settled,
                    """
                    with one connection open: \(children.count) descendants, expected \(expected); \
                    states \(children.map { "\($0): \($0.state.map(String.init) ?? "gone")" })
                    """)

                // Mid-echo: the second line is on its way when the signal goes.
                let second = Array("sent before the signal, echoed after it\n".utf8)
                try open.sendAll(second)
                try server.echo.process.signal(.terminate)
                let signalled = ContinuousClock.now
                #expect(try open.receive(exactly: second.count) == second)
                let third = Array("sent after the signal, within the grace\n".utf8)
                try open.sendAll(third)
                #expect(try open.receive(exactly: third.count) == third)
                try open.shutdownWrite()
                try open.receiveEndOfStream()
                let finished = ContinuousClock.now - signalled
                let exited = try await server.echo.process.waitForExit(timeout: .seconds(20))
                // Checked here: the teardown kills whatever is left.
                let left = children.filter(\.exists).map { "\($0): \($0.state.map(String.init) ?? "gone")" }
                return (finished: finished, exited: exited, left: left)
            }
            #expect(result.finished < grace, "the open connection took \(result.finished) to finish")
            #expect(result.exited, "still running 20 s after its last connection closed")
            expectExitedZero(ending)
            #expect(result.left.isEmpty, "descendants outlived the server: \(result.left)")
        }

        /// An idle connection still open when the grace runs out is ended
        /// by the server (the event loops end their own), which then exits.
        @Test(arguments: ConformanceScenario.termination.models)
        func anIdleConnectionIsEndedWhenTheGraceRunsOut(model: ServerModel) async throws {
            let (ended, ending) = try await withModelServer(model, ["--grace", "1"]) { server in
                let open = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
                defer { open.close() }
                guard open.connect(port: server.port) == 0 else { throw TestSocketError("connect") }
                let line = Array("echoed before the signal\n".utf8)
                try open.sendAll(line)
                #expect(try open.receive(exactly: line.count) == line)
                try open.setOption(SOL_SOCKET, SO_RCVTIMEO, timeval(tv_sec: 30, tv_usec: 0))
                try server.echo.process.signal(.terminate)
                let signalled = ContinuousClock.now
                try open.receiveEndOfStream()
                let ended = ContinuousClock.now - signalled
                #expect(try await server.echo.process.waitForExit(timeout: .seconds(20)), "still running")
                return ended
            }
            #expect(ended >= .milliseconds(900), "ended \(ended) after the signal, before the grace ran out")
            #expect(ended < .seconds(30))
            expectExitedZero(ending)
        }
    }
}
