import FTP
import Glibc
import SystemPackage
import TestSupport
import XCTest

/// `retrieve(_:from:intoFile:open:progress:)`: a download into a local file,
/// spliced from the socket over a plain data connection (the TLS path is in
/// `FTPSTests`).
final class FileDownloadTests: XCTestCase {
    func testIntoAFilePassiveAndActive() async throws {
        let folder = try TemporaryFolder(prefix: "sockworks-ftp-download")
        defer { folder.remove() }
        let bytes = randomBytes(5_000_000)
        try await Pyftpdlib.run(prepare: { try writeFile($0 + "/big", bytes) }) { server in
            for mode in [FTPDataMode.passive, .active] {
                let options = FTPClientOptions(timeout: .seconds(10), dataMode: mode)
                try using(try server.client(options: options)) { client in
                    try retrieveIntoFile(client, "big", folder.file("big-\(mode)"), expecting: bytes)
                }
            }
        }
    }

    /// Cut off after 100,000 bytes (a 426), then resumed at the file's end:
    /// the file holds what came, then the rest.
    func testCutOffThenResumedIntoTheSameFile() async throws {
        let folder = try TemporaryFolder(prefix: "sockworks-ftp-download")
        defer { folder.remove() }
        let bytes = randomBytes(1_000_000)
        let local = folder.file("big")
        try await Pyftpdlib.run(arguments: ["--cut-after", "100000"], prepare: { try writeFile($0 + "/big", bytes) }) {
            server in
            try using(try server.client()) { client in
                XCTAssertThrowsError(try withLocalFile(local) { try client.retrieve("big", intoFile: local, open: $0) })
                {
                    error in
                    guard case .transferFailed(.retrieve, let reply) = error as? FTPError else {
                        return XCTFail("\(error)")
                    }
                    XCTAssertEqual(reply.code, 426)
                }
                XCTAssertTrue(try readFile(local) == Array(bytes[..<100_000]), "the first part differs")
                let rest = try withLocalFile(local, atEnd: true) { open in
                    try client.retrieve("big", from: 100_000, intoFile: local, open: open)
                }
                XCTAssertEqual(rest, Int64(bytes.count - 100_000))
                XCTAssertTrue(try readFile(local) == bytes, "the resumed file differs")
            }
        }
    }

    /// A refused RETR never opens the file; a file that cannot be opened
    /// ends the transfer as a local failure and the client goes on.
    func testRefusalAndLocalFailureLeaveTheClientUsable() async throws {
        let folder = try TemporaryFolder(prefix: "sockworks-ftp-download")
        defer { folder.remove() }
        let bytes = randomBytes(2_000_000)
        let kept = folder.file("kept")
        try writeFile(kept, [1, 2, 3])
        try await Pyftpdlib.run(prepare: { try writeFile($0 + "/big", bytes) }) { server in
            try using(try server.client()) { client in
                var opened = false
                XCTAssertThrowsError(
                    try client.retrieve("missing", intoFile: kept) {
                        opened = true
                        return try FileDescriptor.open(kept, .writeOnly, options: .truncate)
                    }
                ) { error in
                    guard case .refused(.retrieve, let reply) = error as? FTPError else { return XCTFail("\(error)") }
                    XCTAssertEqual(reply.code, 550)
                }
                XCTAssertFalse(opened)
                XCTAssertEqual(try readFile(kept), [1, 2, 3])

                let nowhere = folder.file("no-such-folder/big")
                XCTAssertThrowsError(
                    try client.retrieve("big", intoFile: nowhere) {
                        try FileDescriptor.open(
                            nowhere, .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
                    }
                ) { error in
                    guard case .localFailure(let reason) = error as? FTPError else { return XCTFail("\(error)") }
                    XCTAssertTrue(reason.hasPrefix(nowhere), reason)
                }
                XCTAssertTrue(client.isUsable)
                XCTAssertEqual(try retrieveAll(client, "big").count, bytes.count)
            }
        }
    }
}

/// Downloads `remote` into `local` and checks the count returned, the
/// progress reported and the file against `bytes`.
func retrieveIntoFile(
    _ client: FTPClient, _ remote: String, _ local: String, expecting bytes: [UInt8],
    file: StaticString = #filePath, line: UInt = #line
) throws {
    var reported = 0
    let received = try withLocalFile(local) { open in
        try client.retrieve(remote, intoFile: local, open: open) { reported += $0 }
    }
    XCTAssertEqual(received, Int64(bytes.count), file: file, line: line)
    XCTAssertEqual(reported, bytes.count, file: file, line: line)
    XCTAssertTrue(try readFile(local) == bytes, "\(local) differs from \(remote)", file: file, line: line)
}

/// Runs `body` with an opener of `path` for writing (emptied, or at its
/// end with `atEnd`), and closes what it opened.
func withLocalFile<Value>(
    _ path: String, atEnd: Bool = false, _ body: (@escaping () throws -> FileDescriptor) throws -> Value
) throws -> Value {
    let box = DescriptorBox()
    defer { try? box.descriptor?.close() }
    return try body {
        let descriptor = try FileDescriptor.open(
            path, .writeOnly, options: atEnd ? [.create, .closeOnExec] : [.create, .truncate, .closeOnExec],
            permissions: [.ownerReadWrite])
        if atEnd { _ = try descriptor.seek(offset: 0, from: .end) }
        box.descriptor = descriptor
        return descriptor
    }
}

private final class DescriptorBox {
    var descriptor: FileDescriptor?
}
