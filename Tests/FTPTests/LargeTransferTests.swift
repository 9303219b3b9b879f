import FTP
import Glibc
import SocketCore
import TestSupport
import XCTest

/// A 200 MiB file of random bytes up to pyftpdlib and down again, compared
/// byte for byte, in pieces: neither the test nor the client holds the file
/// in memory. (The other modes and IPv6 are the small cases of
/// `PyftpdlibCommandTests`.)
final class LargeTransferTests: XCTestCase {
    private static let size = 200 * 1024 * 1024

    func testTwoHundredMebibytesUpAndDown() async throws {
        let source = try TemporaryFolder(prefix: "sockworks-ftp-source")
        defer { source.remove() }
        let original = source.file("random.bin")
        try writeRandomFile(original, size: Self.size)
        let peakBefore = try peakMemory()
        try await Pyftpdlib.run { server in
            try using(try server.client(options: FTPClientOptions(timeout: .seconds(30)))) { client in
                // Up from the file by sendfile(2), the command's way.
                var reported = 0
                let sent = try client.store("up.bin", file: OpenFile(path: original)) { reported += $0 }
                XCTAssertEqual(reported, Self.size)
                XCTAssertEqual(sent, Int64(Self.size))
                XCTAssertEqual(try client.size("up.bin"), Int64(Self.size))
                XCTAssertTrue(try sameBytes(original, server.file("up.bin")), "the uploaded file differs")

                let expected = try LocalFile(original)
                var mismatchAt: Int64?
                var offset: Int64 = 0
                var comparison = [UInt8](repeating: 0, count: 1 << 18)
                let received = try client.retrieve("up.bin") { piece in
                    var done = 0
                    while done < piece.count {
                        let count = min(comparison.count, piece.count - done)
                        let read = try comparison.withUnsafeMutableBytes { buffer in
                            try expected.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<count]))
                        }
                        let equal = comparison.withUnsafeBytes {
                            memcmp($0.baseAddress!, piece.baseAddress! + done, read) == 0
                        }
                        if (!equal || read == 0) && mismatchAt == nil { mismatchAt = offset + Int64(done) }
                        if read == 0 { break }
                        done += read
                    }
                    offset += Int64(piece.count)
                }
                XCTAssertEqual(received, Int64(Self.size))
                XCTAssertNil(mismatchAt, "the downloaded bytes differ from offset \(mismatchAt ?? 0)")
                var rest = [UInt8](repeating: 0, count: 1)
                XCTAssertEqual(try rest.withUnsafeMutableBytes { try expected.read(into: $0) }, 0, "bytes missing")
            }
        }
        // Streamed both ways: the test process's peak grew by far less than
        // the file.
        let growth = try peakMemory() - peakBefore
        XCTAssertLessThan(growth, 32 * 1024 * 1024, "the peak resident set grew by \(growth) bytes")
    }
}

/// The process's peak resident set (VmHWM in /proc/self/status), in bytes.
func peakMemory() throws -> Int {
    let status = String(decoding: try readFile("/proc/self/status"), as: UTF8.self)
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kilobytes = Int(
            line.dropFirst(6).trimmingPrefix(while: { $0 == " " || $0 == "\t" }).prefix(while: \.isNumber))
    else { throw TestFailure("no VmHWM in /proc/self/status") }
    return kilobytes * 1024
}

/// A local file read in pieces with read(2).
final class LocalFile {
    private let descriptor: Int32

    init(_ path: String) throws {
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw TestFailure("open \(path): errno \(errno)") }
    }

    deinit { close(descriptor) }

    /// Fills as much of `buffer` as the file has left; 0 at its end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let count = Glibc.read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw TestFailure("read: errno \(errno)") }
            if count == 0 { break }
            filled += count
        }
        return filled
    }
}

/// Writes `size` bytes from /dev/urandom to `path`.
func writeRandomFile(_ path: String, size: Int) throws {
    let random = try LocalFile("/dev/urandom")
    let output = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard output >= 0 else { throw TestFailure("open \(path): errno \(errno)") }
    defer { close(output) }
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    var written = 0
    while written < size {
        let count = min(buffer.count, size - written)
        try buffer.withUnsafeMutableBytes { raw in
            let piece = UnsafeMutableRawBufferPointer(rebasing: raw[..<count])
            guard try random.read(into: piece) == count, write(output, raw.baseAddress, count) == count else {
                throw TestFailure("writing \(path): errno \(errno)")
            }
        }
        written += count
    }
}

/// Whether two files hold the same bytes, compared a MiB at a time.
func sameBytes(_ first: String, _ second: String) throws -> Bool {
    let (a, b) = (try LocalFile(first), try LocalFile(second))
    var bufferA = [UInt8](repeating: 0, count: 1 << 20)
    var bufferB = bufferA
    while true {
        let countA = try bufferA.withUnsafeMutableBytes { try a.read(into: $0) }
        let countB = try bufferB.withUnsafeMutableBytes { try b.read(into: $0) }
        guard countA == countB else { return false }
        if countA == 0 { return true }
        guard
            bufferA.withUnsafeBytes({ x in bufferB.withUnsafeBytes { memcmp(x.baseAddress!, $0.baseAddress!, countA) } }
            ) == 0
        else { return false }
    }
}
