import Glibc
import SystemPackage
import TestSupport
import XCTest

/// `ls` through MLSD where the server offers it (pyftpdlib does, vsftpd
/// does not), and a server's names with control characters shown safely.
final class FTPListingTests: XCTestCase {
    func testLsUsesMLSDWhenOfferedAndNamesCannotReachTheTerminalRaw() async throws {
        try PeerTool.require(PeerTool.python)
        let served = try TemporaryFolder(prefix: "sockworks-ftp-mlsd")
        defer { served.remove() }
        try writeFile(served.file("a.bin"), randomBytes(1234))
        mkdir(served.file("sub"), 0o755)
        try writeFile(served.file("bell\u{07}\u{1B}[2J.txt"), [1])
        let port = try unusedTCPPort()
        let (_, _) = try await withProgram(
            PeerTool.python, ["-m", "pyftpdlib", "-i", "127.0.0.1", "-p", "\(port)", "-d", served.path]
        ) { server in
            guard try await waitUntil(timeout: .seconds(20), { isListening(port: port) || !server.isRunning }),
                server.isRunning
            else { throw TestFailure("pyftpdlib did not start") }
            let list = try await runSockworks(["ftp", "--port", "\(port)", "127.0.0.1", "-v", "ls"])
            XCTAssertEqual(list.exitCode, 0, list.standardError)
            XCTAssertTrue(list.standardError.contains("C: MLSD\n"), list.standardError)
            let lines = list.standardOutput.split(separator: "\n").sorted {
                $0.hasSuffix("a.bin") && !$1.hasSuffix("a.bin")
            }
            XCTAssertEqual(lines.count, 3, list.standardOutput)
            XCTAssertTrue(
                lines[0].wholeMatch(of: /file +1234  20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9:]{8}  a\.bin/) != nil,
                String(lines[0]))
            XCTAssertTrue(list.standardOutput.contains("  sub\n"), list.standardOutput)
            XCTAssertTrue(list.standardOutput.contains("bell??[2J.txt\n"), list.standardOutput)
            XCTAssertFalse(list.standardOutput.contains("\u{1B}"), list.standardOutput)
            let names = try await runSockworks(["ftp", "--port", "\(port)", "127.0.0.1", "nlst"])
            XCTAssertEqual(names.exitCode, 0, names.standardError)
            XCTAssertFalse(names.standardOutput.contains("\u{1B}"), names.standardOutput)
            XCTAssertTrue(names.standardOutput.contains("bell??[2J.txt\n"), names.standardOutput)
            try server.signal(.terminate)
            _ = try await server.waitForExit(timeout: .seconds(10))
        }
    }
}
