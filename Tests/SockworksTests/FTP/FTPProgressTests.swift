import Glibc
import SystemPackage
import TestSupport
import XCTest

/// The progress bar of `get` and `put`, drawn only when standard error is a
/// terminal: the command run in a tmux pane of the test's own server.
final class FTPProgressTests: XCTestCase {
    static let tmux = FilePath("/usr/bin/tmux")

    func testATransferOnATerminalShowsABarAndOnAPipeNone() async throws {
        try requireProgram(Self.tmux.string)
        let local = try TemporaryFolder(prefix: "sockworks-ftp-progress")
        defer { local.remove() }
        try await withVsftpd { server in
            try server.publish("big.bin", randomBytes(4 << 20))
            let command = [
                try sockworksExecutable().string, "ftp", "--port", "\(server.port)", "127.0.0.1", "get", "pub/big.bin",
                local.file("big.bin"),
            ]
            let screen = try await Self.inTerminal(command, socket: "sockworks-ftp-\(getpid())")
            XCTAssertTrue(screen.contains("100% [########"), screen)
            XCTAssertTrue(screen.contains("4.0 / 4.0 MiB"), screen)
            XCTAssertTrue(screen.contains("exit 0"), screen)

            let piped = try await runFTP(server, ["get", "pub/big.bin", local.file("piped.bin")], in: local)
            XCTAssertEqual(piped.exitCode, 0, piped.standardError)
            XCTAssertEqual(piped.standardError, "")
        }
    }

    /// Runs `command` in a detached tmux session on a server of its own
    /// (`-L socket`), waits for it to end, and returns the pane's text; the
    /// server is killed afterwards.
    static func inTerminal(_ command: [String], socket: String) async throws -> String {
        let shell = command.map { "'\($0)'" }.joined(separator: " ") + "; echo exit $?; sleep 60"
        let started = try await runProgram(
            tmux, ["-L", socket, "new-session", "-d", "-x", "160", "-y", "10", shell])
        guard started.exitCode == 0 else { throw TestFailure("tmux new-session: \(started.standardError)") }
        var screen = ""
        do {
            for _ in 0..<300 {
                screen = try await runProgram(tmux, ["-L", socket, "capture-pane", "-p"]).standardOutput
                if screen.contains("exit ") { break }
                try await Task.sleep(for: .milliseconds(100))
            }
        } catch {
            _ = try? await runProgram(tmux, ["-L", socket, "kill-server"])
            throw error
        }
        _ = try await runProgram(tmux, ["-L", socket, "kill-server"])
        return screen
    }
}
