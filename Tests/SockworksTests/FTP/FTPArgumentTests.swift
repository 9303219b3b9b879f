import Glibc
import TestSupport
import XCTest

/// Bad arguments of `sockworks ftp`: exit 2 and one line on standard error,
/// before any connection (a listener the test owns accepts none).
final class FTPArgumentTests: XCTestCase {
    func testBadArgumentsExitTwoWithoutConnecting() async throws {
        let folder = try TemporaryFolder(prefix: "sockworks-ftp-arguments")
        defer { folder.remove() }
        let password = folder.file("password")
        try writeFile(password, Array("secret\n".utf8))
        let listener = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
        defer { listener.close() }
        let port = try listener.bind()
        XCTAssertEqual(listen(listener.fd, 16), 0)
        let cases: [([String], String)] = [
            (["get", "a\rb"], "CR, LF or NUL"),
            (["put", folder.file("password"), "b\nDELE c"], "CR, LF or NUL"),
            (["cd", "a\r\nPWD"], "CR, LF or NUL"),
            (["rename", "a", "b\nRMD c"], "CR, LF or NUL"),
            (["--user", "bob\r\nPASS x", "--password-file", password, "pwd"], "CR, LF or NUL"),
            (["--user", "bob", "pwd"], "--password-file"),
            (["--password-file", password, "pwd"], "--user"),
            (["frob"], "unknown command"),
            (["rename", "a"], "usage: rename FROM TO"),
            (["pwd", "extra"], "usage: pwd"),
            (["get"], "usage: get"),
            (["get", ".."], "names a folder"),
            (["get", "pub/"], "no file name"),
            (["get", "--", "pub/-rf"], "starts with '-'"),
            (["--continue", "ls"], "--continue goes with get"),
            (["--ascii", "--continue", "get", "a"], "--continue needs binary"),
            (["put", "folder/"], "give REMOTE too"),
            (["--insecure", "pwd"], "--insecure needs --tls"),
            (["--tls", "--cafile", folder.file("missing.pem"), "pwd"], "--cafile"),
            (["--timeout", "0", "pwd"], "--timeout"),
            (["cd", ""], "empty path"),
            (["help"], "unknown command"),
        ]
        for (arguments, expected) in cases {
            let run = try await runSockworks(["ftp", "--port", "\(port)", "127.0.0.1"] + arguments)
            XCTAssertEqual(run.exitCode, 2, "\(arguments): \(run.standardError)")
            XCTAssertTrue(run.standardError.contains(expected), "\(arguments): \(run.standardError)")
            XCTAssertEqual(run.standardError.split(separator: "\n").count, 1, "\(arguments): \(run.standardError)")
        }
        let host = try await runSockworks(["ftp", "--port", "\(port)", "127.0.0.1\r\nUSER x", "pwd"])
        XCTAssertEqual(host.exitCode, 2, host.standardError)
        // Nothing connected: accept finds no one waiting.
        XCTAssertEqual(fcntl(listener.fd, F_SETFL, O_NONBLOCK), 0)
        XCTAssertEqual(accept(listener.fd, nil, nil), -1)
        XCTAssertEqual(errno, EAGAIN)
    }
}
