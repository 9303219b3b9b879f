import Glibc
import SystemPackage
import TestSupport
import XCTest

/// Large files through `sockworks ftp` and vsftpd, compared byte for byte,
/// and a download cut off half-way and finished with `--continue`.
final class FTPTransferTests: XCTestCase {
    private var local: TemporaryFolder!

    override func setUp() async throws {
        local = try TemporaryFolder(prefix: "sockworks-ftp-transfer")
    }

    override func tearDown() {
        local.remove()
    }

    func test200MiBUpAndDownPassiveAndActive() async throws {
        let original = local.file("original.bin")
        try writeRandomFile(original, mebibytes: 200)
        try await withVsftpd { server in
            for mode in [[], ["--active"]] {
                let name = mode.isEmpty ? "passive.bin" : "active.bin"
                let put = try await runFTP(
                    server, mode + ["put", original, "pub/" + name], in: local, timeout: .seconds(120))
                XCTAssertEqual(put.exitCode, 0, put.standardError)
                try await assertSameBytes(original, server.published(name))
                let get = try await runFTP(
                    server, mode + ["get", "pub/" + name, local.file(name)], in: local, timeout: .seconds(120))
                XCTAssertEqual(get.exitCode, 0, get.standardError)
                try await assertSameBytes(original, local.file(name))
                unlink(local.file(name))
                unlink(server.published(name))
            }
        }
    }

    func testIPv6PassiveAndActiveOverLoopback() async throws {
        let original = local.file("original.bin")
        try writeRandomFile(original, mebibytes: 20)
        try await withVsftpd(.init(ipv6: true)) { server in
            for mode in [[], ["--active"]] {
                let name = mode.isEmpty ? "passive.bin" : "active.bin"
                let put = try await runFTP(
                    server, mode + ["-v", "put", original, "pub/" + name], in: local, host: "::1")
                XCTAssertEqual(put.exitCode, 0, put.standardError)
                XCTAssertTrue(
                    put.standardError.contains(mode.isEmpty ? "C: EPSV" : "C: EPRT |2|::1|"), put.standardError)
                try await assertSameBytes(original, server.published(name))
                let get = try await runFTP(
                    server, mode + ["get", "pub/" + name, local.file(name)], in: local, host: "::1")
                XCTAssertEqual(get.exitCode, 0, get.standardError)
                try await assertSameBytes(original, local.file(name))
            }
        }
    }

    /// The server goes away mid-transfer (its session killed): the
    /// client fails, keeps what came, and `get --continue` against a server
    /// holding the same file asks for the rest only (REST) and completes it.
    func testACutDownloadKeepsWhatCameAndContinueCompletesIt() async throws {
        let original = randomBytes(6 << 20)
        let partial = local.file("big.bin")
        try await withVsftpd(.init(maximumRate: 2_000_000)) { server in
            try server.publish("big.bin", original)
            let (_, outcome) = try await withProgram(
                sockworksExecutable(), ["ftp", "--port", "\(server.port)", "127.0.0.1", "get", "pub/big.bin", partial]
            ) { client in
                let started = try await waitUntil(timeout: .seconds(20), pollingEvery: .milliseconds(20)) {
                    (fileSize(partial) ?? 0) >= 1 << 20
                }
                XCTAssertTrue(started, "no mebibyte arrived within 20 s")
                server.killSessions()
                _ = try await client.waitForExit(timeout: .seconds(40))
            }
            XCTAssertEqual(outcome.exitCode, 1, outcome.standardError)
            XCTAssertEqual(outcome.standardError.split(separator: "\n").count, 1, outcome.standardError)
        }
        let kept = try readFile(partial)
        XCTAssertGreaterThanOrEqual(kept.count, 1 << 20)
        XCTAssertLessThan(kept.count, original.count)
        XCTAssertEqual(kept, Array(original.prefix(kept.count)))

        try await withVsftpd { server in
            try server.publish("big.bin", original)
            let resumed = try await runFTP(server, ["-v", "get", "--continue", "pub/big.bin", partial], in: local)
            XCTAssertEqual(resumed.exitCode, 0, resumed.standardError)
            XCTAssertTrue(resumed.standardError.contains("C: REST \(kept.count)\n"), resumed.standardError)
            XCTAssertEqual(try readFile(partial), original)
            // Again: the file is whole, no RETR.
            let again = try await runFTP(server, ["-v", "--continue", "get", "pub/big.bin", partial], in: local)
            XCTAssertEqual(again.exitCode, 0, again.standardError)
            XCTAssertFalse(again.standardError.contains("C: RETR"), again.standardError)
            XCTAssertEqual(try readFile(partial), original)
            // A local file longer than the remote one is no part of it.
            try writeFile(local.file("longer.bin"), original + [0])
            let longer = try await runFTP(
                server, ["--continue", "get", "pub/big.bin", local.file("longer.bin")], in: local)
            XCTAssertEqual(longer.exitCode, 1)
            XCTAssertTrue(longer.standardError.contains("is longer than"), longer.standardError)
            XCTAssertEqual(try readFile(local.file("longer.bin")), original + [0])
        }
    }
}

/// Writes `mebibytes` MiB of random bytes to `path`, a mebibyte at a time.
func writeRandomFile(_ path: String, mebibytes: Int) throws {
    let file = try FileDescriptor.open(
        FilePath(path), .writeOnly, options: [.create, .truncate, .closeOnExec], permissions: [.ownerReadWrite])
    try file.closeAfter {
        for _ in 0..<mebibytes { _ = try file.writeAll(randomBytes(1 << 20)) }
    }
}

/// The size of the file at `path`; nil when there is none.
func fileSize(_ path: String) -> Int? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return Int(info.st_size)
}

/// Fails unless the two files hold the same bytes (cmp(1)).
func assertSameBytes(_ expected: String, _ actual: String, file: StaticString = #filePath, line: UInt = #line)
    async throws
{
    let run = try await runProgram(FilePath("/usr/bin/cmp"), [expected, actual], timeout: .seconds(60))
    XCTAssertEqual(
        run.exitCode, 0, "cmp \(expected) \(actual): \(run.standardOutput)\(run.standardError)", file: file, line: line)
}
