import Glibc
import SystemPackage
import TestSupport
import XCTest

/// `sockworks ftp` against vsftpd on loopback: every command, one run each,
/// checked in the server's folder.
final class FTPCommandTests: XCTestCase {
    private var local: TemporaryFolder!

    override func setUp() async throws {
        local = try TemporaryFolder(prefix: "sockworks-ftp-local")
    }

    override func tearDown() {
        local.remove()
    }

    func testEveryCommandAgainstVsftpd() async throws {
        try await withVsftpd { server in
            let original = randomBytes(100_000)
            try server.publish("a.bin", original)
            let ftp = { (arguments: [String]) in try await runFTP(server, arguments, in: self.local) }

            let pwd = try await ftp(["pwd"])
            XCTAssertEqual(pwd.exitCode, 0, pwd.standardError)
            XCTAssertEqual(pwd.standardOutput, "/\n")

            let list = try await ftp(["ls", "pub"])
            XCTAssertEqual(list.exitCode, 0, list.standardError)
            XCTAssertTrue(list.standardOutput.contains(" 100000 "), list.standardOutput)
            XCTAssertTrue(list.standardOutput.hasSuffix("a.bin\r\n"), list.standardOutput)

            let names = try await ftp(["nlst", "pub"])
            XCTAssertEqual(names.exitCode, 0, names.standardError)
            XCTAssertEqual(names.standardOutput, "pub/a.bin\n")

            let cd = try await ftp(["cd", "pub"])
            XCTAssertEqual(cd.exitCode, 0, cd.standardError)
            XCTAssertEqual(cd.standardOutput, "")
            let noFolder = try await ftp(["cd", "nowhere"])
            XCTAssertEqual(noFolder.exitCode, 1)
            XCTAssertEqual(noFolder.standardError, "sockworks: CWD refused: 550 Failed to change directory.\n")

            let size = try await ftp(["size", "pub/a.bin"])
            XCTAssertEqual(size.standardOutput, "100000\n", size.standardError)
            let mdtm = try await ftp(["mdtm", "pub/a.bin"])
            XCTAssertEqual(mdtm.exitCode, 0, mdtm.standardError)
            XCTAssertTrue(
                mdtm.standardOutput.wholeMatch(of: /20[0-9]{12}\n/) != nil, mdtm.standardOutput.debugDescription)

            // get without LOCAL: the last part of REMOTE, in the working folder.
            let get = try await ftp(["get", "pub/a.bin"])
            XCTAssertEqual(get.exitCode, 0, get.standardError)
            XCTAssertEqual(try readFile(local.file("a.bin")), original)
            let getAs = try await ftp(["get", "pub/a.bin", local.file("copy.bin")])
            XCTAssertEqual(getAs.exitCode, 0, getAs.standardError)
            XCTAssertEqual(try readFile(local.file("copy.bin")), original)

            // A refused RETR leaves an existing local file alone.
            try writeFile(local.file("keep.bin"), [1, 2, 3])
            let missing = try await ftp(["get", "pub/missing.bin", local.file("keep.bin")])
            XCTAssertEqual(missing.exitCode, 1)
            XCTAssertTrue(missing.standardError.contains("RETR refused: 550"), missing.standardError)
            XCTAssertEqual(try readFile(local.file("keep.bin")), [1, 2, 3])

            let put = try await ftp(["put", local.file("copy.bin"), "pub/up.bin"])
            XCTAssertEqual(put.exitCode, 0, put.standardError)
            XCTAssertEqual(try readFile(server.published("up.bin")), original)
            // put without REMOTE: the local file's last part, in the server's folder.
            let putHere = try await ftp(["put", "copy.bin"])
            XCTAssertEqual(putHere.exitCode, 1, "the anonymous root is not writable")
            XCTAssertTrue(putHere.standardError.contains("STOR refused: 553"), putHere.standardError)

            let mkdir = try await ftp(["mkdir", "pub/made"])
            XCTAssertEqual(mkdir.exitCode, 0, mkdir.standardError)
            XCTAssertEqual(fileType(server.published("made")), S_IFDIR)
            let rmdir = try await ftp(["rmdir", "pub/made"])
            XCTAssertEqual(rmdir.exitCode, 0, rmdir.standardError)
            XCTAssertFalse(fileExists(server.published("made")))

            let rename = try await ftp(["rename", "pub/up.bin", "pub/moved.bin"])
            XCTAssertEqual(rename.exitCode, 0, rename.standardError)
            XCTAssertFalse(fileExists(server.published("up.bin")))
            XCTAssertEqual(try readFile(server.published("moved.bin")), original)
            let delete = try await ftp(["delete", "pub/moved.bin"])
            XCTAssertEqual(delete.exitCode, 0, delete.standardError)
            XCTAssertFalse(fileExists(server.published("moved.bin")))
            let deleteAgain = try await ftp(["delete", "pub/moved.bin"])
            XCTAssertEqual(deleteAgain.exitCode, 1)
            XCTAssertEqual(deleteAgain.standardError, "sockworks: DELE refused: 550 Delete operation failed.\n")
        }
    }

    func testActiveModeAndTextTransfers() async throws {
        try await withVsftpd { server in
            try server.publish("lines.txt", Array("one\ntwo\nthree\n".utf8))
            let names = try await runFTP(server, ["--active", "nlst", "pub"], in: local)
            XCTAssertEqual(names.exitCode, 0, names.standardError)
            XCTAssertEqual(names.standardOutput, "pub/lines.txt\n")
            let get = try await runFTP(server, ["--active", "--ascii", "get", "pub/lines.txt"], in: local)
            XCTAssertEqual(get.exitCode, 0, get.standardError)
            XCTAssertEqual(String(decoding: try readFile(local.file("lines.txt")), as: UTF8.self), "one\ntwo\nthree\n")
            let put = try await runFTP(
                server, ["--ascii", "put", local.file("lines.txt"), "pub/back.txt"], in: local)
            XCTAssertEqual(put.exitCode, 0, put.standardError)
            // vsftpd stores what came (ascii_upload_enable is off): the
            // lines as the client put them on the wire, CR LF.
            XCTAssertEqual(
                String(decoding: try readFile(server.published("back.txt")), as: UTF8.self),
                "one\r\ntwo\r\nthree\r\n")
        }
    }

    func testThePromptRunsEveryLineAndReportsTheBadOnes() async throws {
        try await withVsftpd { server in
            try server.publish("a.txt", Array("hello\n".utf8))
            let lines = [
                "pwd", "cd pub", "pwd", "frob", "", "  size   a.txt  ", "get a.txt \"\(local.file("my copy.txt"))\"",
                "get ..", "rename a.txt", "mkdir new", "cd /nowhere", "pwd", "help", "quit", "pwd",
            ]
            let run = try await runSockworks(
                ["ftp", "--port", "\(server.port)", "127.0.0.1"],
                input: Array((lines.joined(separator: "\n") + "\n").utf8),
                timeout: .seconds(30))
            XCTAssertEqual(run.exitCode, 1, "some lines failed: \(run.standardError)")
            let output = run.standardOutput.split(separator: "\n", omittingEmptySubsequences: false)
            XCTAssertEqual(
                Array(output.prefix(6)),
                ["/", "/pub", "6", "6 bytes from a.txt to \(local.file("my copy.txt"))", "/pub/new", "/pub"])
            XCTAssertTrue(output.contains("rename FROM TO"), run.standardOutput)
            XCTAssertEqual(output.filter { $0 == "/pub" }.count, 2, "nothing after quit: \(run.standardOutput)")
            XCTAssertEqual(try readFile(local.file("my copy.txt")), Array("hello\n".utf8))
            XCTAssertEqual(fileType(server.published("new")), S_IFDIR)
            let errors = run.standardError.split(separator: "\n")
            XCTAssertEqual(errors.count, 4, run.standardError)
            XCTAssertTrue(errors[0].contains("unknown command \"frob\""), run.standardError)
            XCTAssertTrue(errors[1].contains("names a folder"), run.standardError)
            XCTAssertTrue(errors[2].contains("usage: rename FROM TO"), run.standardError)
            XCTAssertTrue(errors[3].contains("CWD refused: 550"), run.standardError)
        }
    }

    func testAPromptOfGoodLinesExitsZero() async throws {
        try await withVsftpd { server in
            let run = try await runSockworks(
                ["ftp", "--port", "\(server.port)", "127.0.0.1"], input: Array("pwd\r\nnlst\r\n".utf8))
            XCTAssertEqual(run.exitCode, 0, run.standardError)
            XCTAssertEqual(run.standardOutput, "/\npub\n")
        }
    }
}

/// `sockworks ftp --port PORT HOST ARGUMENTS` run in `folder` (env -C:
/// a get without LOCAL writes there).
func runFTP(
    _ server: VsftpdServer, _ arguments: [String], in folder: TemporaryFolder, host: String = "127.0.0.1",
    timeout: Duration = .seconds(30)
) async throws -> ProcessRun {
    try await runProgram(
        sockworksExecutable(), ["ftp", "--port", "\(server.port)", host] + arguments,
        launcher: ["/usr/bin/env", "-C", folder.path], timeout: timeout)
}
