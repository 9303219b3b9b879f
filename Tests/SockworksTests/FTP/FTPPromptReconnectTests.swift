import Glibc
import SystemPackage
import TestSupport
import XCTest

/// The `ftp>` prompt fed a line at a time through a FIFO: a server that
/// hangs up between two lines costs the next line only, and the one after
/// it connects again.
final class FTPPromptReconnectTests: XCTestCase {
    func testALostConnectionFailsOneLineAndTheNextConnectsAgain() async throws {
        let folder = try TemporaryFolder(prefix: "sockworks-ftp-prompt")
        defer { folder.remove() }
        let fifo = folder.file("input")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        try await withVsftpd { server in
            let (_, outcome) = try await withProgram(
                FilePath("/bin/sh"),
                [
                    "-c", "exec \"$0\" ftp --port \(server.port) 127.0.0.1 < \"$1\"", try sockworksExecutable().string,
                    fifo,
                ]
            ) { prompt in
                let input = try await Self.openForWriting(fifo)
                defer { try? input.close() }
                _ = try input.writeAll("cd pub\npwd\n".utf8)
                try await prompt.waitForOutput("/pub\n")
                server.killSessions()
                // The lines run in order: the first PWD meets the dead
                // connection, the second a new one.
                _ = try input.writeAll("pwd\npwd\nquit\n".utf8)
                _ = try await prompt.waitForExit(timeout: .seconds(20))
            }
            XCTAssertEqual(outcome.exitCode, 1, "one line failed: \(outcome.standardError)")
            XCTAssertEqual(outcome.standardOutput, "/pub\n/\n")
            XCTAssertEqual(outcome.standardError.split(separator: "\n").count, 1, outcome.standardError)
        }
    }

    /// Opens the FIFO's writing end once its reader has opened the other
    /// (until then, a non-blocking open fails with ENXIO).
    static func openForWriting(_ path: String) async throws -> FileDescriptor {
        for _ in 0..<500 {
            let descriptor = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            if descriptor >= 0 {
                _ = fcntl(descriptor, F_SETFL, 0)
                return FileDescriptor(rawValue: descriptor)
            }
            guard errno == ENXIO else { throw Errno(rawValue: errno) }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestFailure("no reader opened \(path) within 5 s")
    }
}
