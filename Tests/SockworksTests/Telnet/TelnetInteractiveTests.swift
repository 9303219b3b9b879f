import Foundation
import Glibc
import SystemPackage
import TestSupport
import XCTest

/// `sockworks telnet` on a terminal: a tmux server of the test's own (its
/// own socket, killed at the end) gives it a pseudo-terminal, keys are
/// typed with send-keys and the screen read with capture-pane.
final class TelnetInteractiveTests: XCTestCase {
    private static let tmux = "/usr/bin/tmux"
    private var folder: TemporaryFolder!
    private var socketName = ""

    override func setUpWithError() throws {
        try XCTSkipUnless(access(TelnetdPeer.telnetd, X_OK) == 0, "inetutils-telnetd is not installed")
        try XCTSkipUnless(access(Self.tmux, X_OK) == 0, "tmux is not installed")
        folder = try TemporaryFolder(prefix: "sockworks-telnet-tty")
        socketName = "sockworks-telnet-\(getpid())"
    }

    override func tearDown() async throws {
        _ = try? await tmux(["kill-server"])
        folder?.remove()
    }

    @discardableResult
    private func tmux(_ arguments: [String]) async throws -> ProcessRun {
        try await runProgram(FilePath(Self.tmux), ["-L", socketName, "-f", "/dev/null"] + arguments)
    }

    private func screen() async throws -> String {
        try await tmux(["capture-pane", "-p", "-t", "telnet"]).standardOutput
    }

    private func keys(_ keys: String...) async throws {
        try await tmux(["send-keys", "-t", "telnet"] + keys)
    }

    /// Waits for `text` on the screen (capture-pane drops the spaces that
    /// end a line).
    private func waitForScreen(_ text: String, _ what: String) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        var last = ""
        while ContinuousClock.now < deadline {
            last = try await screen()
            if last.contains(text) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        XCTFail("\(what): \(text.debugDescription) not on the screen:\n\(last)")
    }

    func testEscapePromptStatusQuitAndWindowSize() async throws {
        let status = folder.file("status")
        let settings = folder.file("stty")
        try await withTelnetd(in: folder) { peer in
            let command =
                "env TERM=vt220 \(try sockworksExecutable().string) telnet 127.0.0.1 \(peer.port); "
                + "echo \"exit $?\" > \(status); stty -a > \(settings)"
            let started = try await tmux(["new-session", "-d", "-s", "telnet", "-x", "100", "-y", "30", command])
            XCTAssertEqual(started.exitCode, 0, started.standardError)
            try await waitForScreen("login:", "telnetd's prompt")
            try await keys("alice", "Enter")
            try await waitForScreen("Password:", "the password prompt")
            try await keys(TelnetdPeer.password, "Enter")
            try await waitForScreen("Welcome alice (vt220)", "the greeting with the terminal type")
            try await keys("size", "Enter")
            try await waitForScreen("30 100", "the window size from NAWS")
            try await tmux(["resize-window", "-t", "telnet", "-x", "120", "-y", "40"])
            try await Task.sleep(for: .milliseconds(300))
            try await keys("size", "Enter")
            try await waitForScreen("40 120", "the new size, sent again on SIGWINCH")

            try await keys("C-]")
            try await waitForScreen("telnet>", "the escape prompt")
            try await keys("status", "Enter")
            try await waitForScreen("ECHO: yes (the server performs it)", "the status")
            let shown = try await screen()
            XCTAssertTrue(shown.contains("Connected to 127.0.0.1 port \(peer.port)."), shown)
            XCTAssertTrue(shown.contains("NAWS: yes (we perform it)"), shown)
            XCTAssertTrue(shown.contains("TERMINAL-TYPE: yes"), shown)
            // AYT from the prompt: telnetd answers [Yes].
            try await keys("C-]")
            try await waitForScreen("telnet>", "the escape prompt for send")
            try await keys("send ayt", "Enter")
            try await waitForScreen("[Yes]", "telnetd's answer to AYT")
            // Back in the session after the command: it still answers.
            try await keys("after", "Enter")
            try await waitForScreen("ran: after", "the session after the prompt")
            try await keys("C-]")
            try await waitForScreen("telnet>", "the escape prompt again")
            try await keys("quit", "Enter")
            let ended = try await waitUntil(timeout: .seconds(10)) { access(settings, R_OK) == 0 }
            XCTAssertTrue(ended, "sockworks telnet did not exit on quit")
        }
        XCTAssertEqual(String(decoding: try readFile(status), as: UTF8.self), "exit 0\n")
        try checkRestored(settings)
    }

    func testSIGTERMRestoresTheTerminal() async throws {
        let status = folder.file("status")
        let settings = folder.file("stty")
        try await withTelnetd(in: folder) { peer in
            let command =
                "\(try sockworksExecutable().string) telnet 127.0.0.1 \(peer.port); "
                + "echo \"exit $?\" > \(status); stty -a > \(settings)"
            try await tmux(["new-session", "-d", "-s", "telnet", "-x", "80", "-y", "24", command])
            try await waitForScreen("login:", "telnetd's prompt")
            // The pane runs sh -c COMMAND; sockworks is its one child.
            let shell = try await tmux(["list-panes", "-t", "telnet", "-F", "#{pane_pid}"]).standardOutput
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let children = String(decoding: try readFile("/proc/\(shell)/task/\(shell)/children"), as: UTF8.self)
            let child = try XCTUnwrap(children.split(separator: " ").first.flatMap { pid_t($0) }, children)
            XCTAssertEqual(kill(child, SIGTERM), 0)
            let ended = try await waitUntil(timeout: .seconds(10)) { access(settings, R_OK) == 0 }
            XCTAssertTrue(ended, "sockworks telnet did not exit on SIGTERM")
        }
        XCTAssertEqual(String(decoding: try readFile(status), as: UTF8.self), "exit 1\n")
        try checkRestored(settings)
    }

    /// The terminal is back in its normal mode (stty -a's words).
    private func checkRestored(_ settings: String) throws {
        let modes = String(decoding: try readFile(settings), as: UTF8.self)
            .split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" })
        for mode in ["icanon", "echo", "isig", "icrnl", "opost"] {
            XCTAssertTrue(modes.contains(Substring(mode)), "\(mode) not restored: \(modes)")
        }
    }
}
