import Glibc
import SystemPackage
import TestSupport
import XCTest

/// `sockworks telnet` scripted and on pipes, against inetutils' telnetd
/// (a login of the test's own) and socat.
final class TelnetCommandTests: XCTestCase {
    private var folder: TemporaryFolder!

    override func setUpWithError() throws {
        try XCTSkipUnless(access(TelnetdPeer.telnetd, X_OK) == 0, "inetutils-telnetd is not installed")
        folder = try TemporaryFolder(prefix: "sockworks-telnet")
    }

    override func tearDown() {
        folder?.remove()
    }

    /// The steps of a login: `\n` for Enter, which reaches the login
    /// program as one line whether telnetd has BINARY on (a LF as it is)
    /// or not (CR LF, which telnetd makes a CR, the terminal a new line).
    private let loginArguments = [
        "--expect", "login: ", "--send", "\(TelnetdPeer.user)\\n", "--expect", "Password: ", "--send",
        "\(TelnetdPeer.password)\\n", "--expect", "$ ", "--send", "echo one\\n", "--expect", "ran: echo one",
        "--send", "exit\\n",
    ]

    func testScriptedLoginAgainstTelnetd() async throws {
        try await withTelnetd(in: folder) { peer in
            let run = try await runProgram(
                sockworksExecutable(), ["telnet", "127.0.0.1", "\(peer.port)", "--timeout", "10"] + loginArguments,
                launcher: ["/usr/bin/env", "TERM=vt220"], timeout: .seconds(30))
            XCTAssertEqual(run.exitCode, 0, run.standardError)
            let output = run.standardOutput
            XCTAssertTrue(output.contains("login: alice"), output)
            XCTAssertTrue(output.contains("Welcome alice (vt220)"), "TERMINAL-TYPE from TERM: \(output)")
            XCTAssertTrue(output.contains("ran: echo one"), output)
            XCTAssertFalse(output.contains(TelnetdPeer.password), "the password is not echoed: \(output)")
            XCTAssertFalse(run.standardOutputBytes.contains(255), "no IAC left in the data")
        }
    }

    func testScriptFileAgainstTelnetd() async throws {
        let script = folder.file("login.script")
        try writeFile(
            script,
            Array(
                """
                # a login, then a command and its end
                expect login:\(" ")
                send \(TelnetdPeer.user)\\n
                expect Password:\(" ")
                send \(TelnetdPeer.password)\\n

                expect $\(" ")
                send echo two\\n
                expect ran: echo two\\r\\n
                send exit\\n

                """.utf8))
        try await withTelnetd(in: folder) { peer in
            let run = try await runSockworks(
                ["telnet", "127.0.0.1", "\(peer.port)", "--script", script], timeout: .seconds(30))
            XCTAssertEqual(run.exitCode, 0, run.standardError)
            XCTAssertTrue(run.standardOutput.contains("ran: echo two\r\n"), run.standardOutput)
        }
    }

    func testAnExpectationThatTimesOutExitsOneWithWhatWasSeen() async throws {
        try await withTelnetd(in: folder) { peer in
            let started = ContinuousClock.now
            let run = try await runSockworks(
                ["telnet", "127.0.0.1", "\(peer.port)", "--expect", "Name: ", "--send", "x\\n", "--timeout", "1.5"],
                timeout: .seconds(20))
            XCTAssertEqual(run.exitCode, 1, run.standardError)
            XCTAssertTrue(run.standardOutput.hasSuffix("login: "), run.standardOutput)
            XCTAssertTrue(run.standardError.contains("timed out waiting for \"Name: \""), run.standardError)
            XCTAssertLessThan(ContinuousClock.now - started, .seconds(15))
        }
    }

    func testPipesCarryDataBothWaysWithIACDoubled() async throws {
        // socat's cat is no Telnet server: whatever the client sends comes
        // back, so the NVT encoding is seen as the client decodes its own.
        let port = try unusedTCPPort()
        let input: [UInt8] = Array("hello\n".utf8) + [255, 0x41] + Array("\rend\n".utf8)
        let (run, _) = try await withProgram(
            FilePath("/usr/bin/socat"), ["TCP-LISTEN:\(port),bind=127.0.0.1,reuseaddr,fork", "EXEC:/bin/cat"],
            ownProcessGroup: true
        ) { _ in
            guard try await waitUntilListening(port: port) else { throw TestFailure("socat is not listening") }
            return try await runSockworks(
                ["telnet", "127.0.0.1", "\(port)", "--timeout", "1"], input: input, timeout: .seconds(20))
        }
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        XCTAssertEqual(
            run.standardOutputBytes, Array("hello\r\n".utf8) + [255, 0x41] + Array("\rend\r\n".utf8),
            "LF as CR LF, 255 doubled and undone, CR NUL back to CR")
    }

    func testBadArgumentsExitTwo() async throws {
        let badScript = folder.file("bad.script")
        try writeFile(badScript, Array("expect login: \nwait 3\n".utf8))
        for arguments in [
            ["telnet", "127.0.0.1", "--expect", "a", "--send", "b", "--send", "c"],
            ["telnet", "127.0.0.1", "--expect", "a\\q"],
            ["telnet", "127.0.0.1", "--script", badScript],
            ["telnet", "127.0.0.1", "--script", badScript, "--expect", "a"],
            ["telnet", "127.0.0.1", "--script", folder.file("missing")],
            ["telnet", "127.0.0.1", "--timeout", "0", "--expect", "a"],
            ["telnet", "127.0.0.1", "99999"],
            ["telnet", "name.invalid", "--expect", "a"],
        ] {
            let run = try await runSockworks(arguments)
            XCTAssertEqual(run.exitCode, 2, "\(arguments): \(run.standardError)")
            XCTAssertTrue(run.standardError.hasPrefix("sockworks: "), run.standardError)
        }
    }

    func testARefusedConnectionExitsOne() async throws {
        let port = try unusedTCPPort()
        let run = try await runSockworks(["telnet", "127.0.0.1", "\(port)", "--expect", "x"])
        XCTAssertEqual(run.exitCode, 1, run.standardError)
        XCTAssertTrue(run.standardError.contains("cannot connect"), run.standardError)
    }
}
