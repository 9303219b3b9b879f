import MIME
import TestSupport
import XCTest

final class Base64EncoderTests: XCTestCase {
    func testKnownVectors() {
        // RFC 4648 §10.
        let vectors = [
            ("", ""), ("f", "Zg==\r\n"), ("fo", "Zm8=\r\n"), ("foo", "Zm9v\r\n"), ("foob", "Zm9vYg==\r\n"),
            ("fooba", "Zm9vYmE=\r\n"), ("foobar", "Zm9vYmFy\r\n"),
        ]
        for (input, expected) in vectors {
            XCTAssertEqual(String(decoding: Base64Encoder.encode(Array(input.utf8)), as: UTF8.self), expected, input)
        }
        XCTAssertEqual(Base64Encoder.encode([0xFB, 0xFF, 0xBF]), Array("+/+/\r\n".utf8))
    }

    /// SASL's form (AUTH PLAIN and LOGIN): RFC 4648's vectors, and a long
    /// input on one line all the same.
    func testOnOneLine() {
        XCTAssertEqual(Base64Encoder.encodeOnOneLine([]), "")
        XCTAssertEqual(Base64Encoder.encodeOnOneLine(Array("f".utf8)), "Zg==")
        XCTAssertEqual(Base64Encoder.encodeOnOneLine(Array("fo".utf8)), "Zm8=")
        XCTAssertEqual(Base64Encoder.encodeOnOneLine(Array("foobar".utf8)), "Zm9vYmFy")
        XCTAssertEqual(
            Base64Encoder.encodeOnOneLine([0] + Array("user".utf8) + [0] + Array("pass".utf8)), "AHVzZXIAcGFzcw==")
        XCTAssertEqual(Base64Encoder.encodeOnOneLine([0xFB, 0xFF]), "+/8=")
        let long = Base64Encoder.encodeOnOneLine([UInt8](repeating: 0xFF, count: 300))
        XCTAssertEqual(long, String(repeating: "/", count: 400))
    }

    func testLinesAreSeventySixCharactersEndingCRLF() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let lines = String(decoding: Base64Encoder.encode(bytes), as: UTF8.self).components(separatedBy: "\r\n")
        XCTAssertEqual(lines.last, "")
        XCTAssertTrue(lines.dropLast(2).allSatisfy { $0.count == 76 })
        XCTAssertEqual(lines[lines.count - 2].count, (1000 % 57 + 2) / 3 * 4)
        XCTAssertEqual(Base64Encoder.encode(bytes).count, Base64Encoder.encodedCount(ofInputCount: 1000))
    }

    /// Random sizes from 0 to 10000, each fed in random chunks, against
    /// Python's `base64.encodebytes` (76-character lines) with CRLF.
    func testRandomSizesInRandomChunksMatchPython() async throws {
        var generator = SystemRandomNumberGenerator()
        let sizes = [0, 1, 2, 3, 56, 57, 58, 114] + (0..<40).map { _ in Int.random(in: 0...10000, using: &generator) }
        var blobs: [[UInt8]] = []
        var ours: [String] = []
        for size in sizes {
            let blob = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
            blobs.append(blob)
            ours.append(String(decoding: encodeInChunks(blob, using: &generator), as: UTF8.self))
            XCTAssertEqual(ours.last!.utf8.count, Base64Encoder.encodedCount(ofInputCount: size), "size \(size)")
        }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try writeFile(folder.file("blobs"), blobs.flatMap { $0 })
        let script = """
            import base64, sys
            data = open(sys.argv[1], 'rb').read()
            offset = 0
            for size in map(int, sys.argv[2:]):
                sys.stdout.write(base64.encodebytes(data[offset:offset + size]).decode().replace('\\n', '\\r\\n') + '#')
                offset += size
            """
        let run = try await runProgram(
            "/usr/bin/python3", ["-c", script, folder.file("blobs")] + sizes.map(String.init))
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        let python = run.standardOutput.split(separator: "#", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(python.count, sizes.count)
        for (index, expected) in python.enumerated() {
            XCTAssertEqual(ours[index], String(expected), "size \(sizes[index])")
        }
    }

    /// Encodes `bytes` fed to one encoder in chunks of random sizes.
    private func encodeInChunks(_ bytes: [UInt8], using generator: inout some RandomNumberGenerator) -> [UInt8] {
        var encoder = Base64Encoder()
        var output: [UInt8] = []
        var offset = 0
        while offset < bytes.count {
            let count = min(bytes.count - offset, Int.random(in: 1...200, using: &generator))
            var chunkOutput = [UInt8](repeating: 0, count: Base64Encoder.maximumOutputCount(forInputCount: count))
            let written = chunkOutput.withUnsafeMutableBytes { target in
                bytes[offset..<(offset + count)].withUnsafeBytes { encoder.encode($0, into: target) }
            }
            output += chunkOutput[..<written]
            offset += count
        }
        var tail = [UInt8](repeating: 0, count: 6)
        let written = tail.withUnsafeMutableBytes { encoder.finish(into: $0) }
        return output + tail[..<written]
    }
}
