import Glibc
import TestSupport
import XCTest

/// A large attachment is encoded as it is sent: the client's peak memory
/// with 100 MiB attached is about what it is with 1 MiB.
final class MailLargeAttachmentTests: XCTestCase {
    func testA100MiBAttachmentIsStreamed() async throws {
        let folder = try TemporaryFolder(prefix: "sockworks-mail-large")
        defer { folder.remove() }
        try writeFile(folder.file("small.bin"), pattern(count: 1 << 20, seed: 3))
        try writeFile(folder.file("large.bin"), pattern(count: 100 << 20, seed: 4))
        let small = try await send(folder.file("small.bin"), in: folder)
        let large = try await send(folder.file("large.bin"), in: folder)
        // base64 lines of 76 characters for 57 bytes each, and CRLF.
        XCTAssertGreaterThan(large.dataOctets, (100 << 20) / 57 * 78)
        XCTAssertLessThan(
            large.peakKiB - small.peakKiB, 24 << 10,
            "peak memory \(small.peakKiB) KiB with 1 MiB attached, \(large.peakKiB) KiB with 100 MiB")
    }

    /// Sends a mail with `attachment` to `Peer/sink_smtp.py` and reads the
    /// client's peak resident memory while the sink holds back its answer
    /// to the end of the data.
    private func send(_ attachment: String, in folder: TemporaryFolder) async throws
        -> (peakKiB: Int, dataOctets: Int)
    {
        try PeerTool.require(PeerTool.python)
        let release = folder.uniquePath("release")
        // AddressSanitizer's quarantine keeps freed buffers resident; the
        // client gets none, so that its memory is what it holds.
        let sanitizer = ProcessEnvironment.value("ASAN_OPTIONS").map { $0 + ":" } ?? ""
        let environment = ["ASAN_OPTIONS": sanitizer + "quarantine_size_mb=0"]
        var measured: (Int, Int)?
        let (_, sinkOutcome) = try await withProgram(
            PeerTool.python, [MailPeer.script("sink_smtp.py"), "--release", release]
        ) { sink in
            let line = try await sink.firstLine(timeout: .seconds(30))
            guard let line, let port = UInt16(line.dropFirst("listening on ".count)) else {
                throw TestFailure("sink_smtp.py did not start: \(line ?? "no output")")
            }
            let arguments = [
                "mail", "--server", "127.0.0.1:\(port)", "--tls", "none", "--from", "a@example.test", "--to",
                "b@example.test", "--attach", attachment, "--timeout", "60",
            ]
            let (_, outcome) = try await withProgram(sockworksExecutable(), arguments, environment: environment) {
                client in
                try await sink.waitForOutput("data ", timeout: .seconds(300))
                let peak = try XCTUnwrap(statusKiB(client.pid, "VmHWM"), "no VmHWM for the client")
                try writeFile(release, [])
                _ = try await client.waitForExit(timeout: .seconds(60))
                let fields = sink.output.text.split(separator: "\n").first { $0.hasPrefix("data ") }?.split(
                    separator: " ")
                measured = (peak, fields.flatMap { Int($0[1]) } ?? 0)
            }
            XCTAssertEqual(outcome.exitCode, 0, outcome.standardError)
            _ = try await sink.waitForExit(timeout: .seconds(10))
        }
        XCTAssertEqual(sinkOutcome.exitCode, 0, sinkOutcome.standardError)
        let (peak, octets) = try XCTUnwrap(measured)
        return (peak, octets)
    }
}

/// A `NAME:   N kB` field of /proc/PID/status, in KiB.
private func statusKiB(_ pid: pid_t, _ name: String) -> Int? {
    guard let status = try? readFile("/proc/\(pid)/status") else { return nil }
    for line in String(decoding: status, as: UTF8.self).split(separator: "\n") where line.hasPrefix(name + ":") {
        return Int(line.dropFirst(name.count + 1).split(whereSeparator: \.isWhitespace).first ?? "")
    }
    return nil
}
