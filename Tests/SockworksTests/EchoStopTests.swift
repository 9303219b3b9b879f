import Glibc
import Subprocess
import TestSupport
import Testing

/// Stopping a UNIX-domain server must remove its socket file every time,
/// not just usually: the stop's shutdown of the listener and the server's
/// close of it used to race (a deferred close lost to process exit), so one
/// stop needs repeating to show the rate.
@Suite struct EchoStopTests {
    /// "SIGINT/SIGTERM ... a UNIX server removes its socket file": about one
    /// stop in twenty leaves the file behind (exit status 0 all the same).
    /// The signal thread's `shutdown(.read)` on the listener is still a "use"
    /// of the Socket when the main thread, woken by it, calls `close()`; the
    /// close (and with it the unlink) is deferred to the end of that use, and
    /// the process exits first. The strict single-stop assertions in the
    /// XCTest suites fail at that rate too; this test repeats the stop to show
    /// the rate. Intermittent, so it passes either way: drop the wrapper once
    /// the race is fixed.
    @Test func unixSocketFileIsRemovedOnEveryStop() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var left = 0
        for round in 0..<40 {
            let path = folder.file("stop-\(round).sock")
            let (_, outcome) = try await withEchoServer(["--unix", path] + (round % 2 == 0 ? [] : ["--udp"])) {
                server in
                // A minute, not the default 5 s: under CI's parallel suites
                // (an ASan build) one stop of forty once took longer, and a
                // server killed for it says nothing of the socket file.
                _ = try await server.process.stop(.terminate, timeout: .seconds(60))
            }
            #expect(outcome.exitCode == 0, "round \(round): \(outcome.status), \(outcome.standardError)")
            if fileType(path) != nil {
                left += 1
                unlink(path)
            }
        }
        #expect(left == 0, "\(left) of 40 stops left the socket file behind")
    }
}
