import MIME
import TestSupport
import XCTest

final class QuotedPrintableEncoderTests: XCTestCase {
    private func encoded(_ text: String) -> String {
        String(decoding: QuotedPrintableEncoder.encode(Array(text.utf8)), as: UTF8.self)
    }

    func testPlainTextIsUnchangedAndLineEndsBecomeCRLF() {
        XCTAssertEqual(encoded("Hello, world!\nSecond line\r\nThird"), "Hello, world!\r\nSecond line\r\nThird")
    }

    func testEqualsSignAndNonASCIIAreEncoded() {
        XCTAssertEqual(encoded("a=b"), "a=3Db")
        XCTAssertEqual(encoded("caf\u{E9} \u{20AC}"), "caf=C3=A9 =E2=82=AC")
        XCTAssertEqual(encoded("nul\u{0}bell\u{7}del\u{7F}"), "nul=00bell=07del=7F")
    }

    func testTrailingSpaceAndTabBeforeALineEndAreEncoded() {
        XCTAssertEqual(encoded("a \nb\t\r\nc  d "), "a=20\r\nb=09\r\nc  d=20")
    }

    func testBareCarriageReturnIsData() {
        XCTAssertEqual(encoded("a\rb\r"), "a=0Db=0D")
        XCTAssertEqual(encoded("a \rb"), "a =0Db")
    }

    func testDotAtTheStartOfALineIsEncoded() {
        XCTAssertEqual(encoded(".\n..x\na.b"), "=2E\r\n=2E.x\r\na.b")
    }

    func testLongLinesGetSoftBreaksNeverInsideAnEscape() {
        let long = String(repeating: "x", count: 200)
        let lines = encoded(long).components(separatedBy: "\r\n")
        XCTAssertEqual(lines.map(\.count), [76, 76, 50])
        XCTAssertTrue(lines.dropLast().allSatisfy { $0.hasSuffix("=") })
        let accented = String(repeating: "\u{E9}", count: 100)
        for line in encoded(accented).components(separatedBy: "\r\n") {
            XCTAssertLessThanOrEqual(line.count, 76)
            let body = line.hasSuffix("=") ? String(line.dropLast()) : line
            XCTAssertEqual(body.count % 3, 0, line)
        }
    }

    func testSplitInputGivesTheSameOutput() {
        let text =
            Array("one \r\ntwo\t\n.three=\r\r\n\u{E9}\u{E9}  \n".utf8) + Array(repeating: UInt8(ascii: "y"), count: 90)
        let whole = QuotedPrintableEncoder.encode(text)
        for split in 0...text.count {
            var encoder = QuotedPrintableEncoder()
            var output = [UInt8](repeating: 0, count: 4 * text.count + 64)
            let count = output.withUnsafeMutableBytes { buffer in
                var written = text[..<split].withUnsafeBytes { encoder.encode($0, into: buffer) }
                written += text[split...].withUnsafeBytes {
                    encoder.encode($0, into: UnsafeMutableRawBufferPointer(rebasing: buffer[written...]))
                }
                return written + encoder.finish(into: UnsafeMutableRawBufferPointer(rebasing: buffer[written...]))
            }
            XCTAssertEqual(Array(output[..<count]), whole, "split at \(split)")
        }
    }

    /// Random text-like bytes: Python's `quopri` decodes our encoding back to
    /// the input (line ends as CRLF), and no line is longer than 76.
    func testPythonDecodesRandomTextBack() async throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abc XYZ.=\t\n\r\n".utf8) + [0xC3, 0xA9, 0x00, 0xFF]
        var text = (0..<20000).map { _ in alphabet.randomElement(using: &generator)! }
        text += Array(repeating: UInt8(ascii: "z"), count: 300)
        let output = QuotedPrintableEncoder.encode(text)
        let lines = String(decoding: output, as: UTF8.self).components(separatedBy: "\r\n")
        XCTAssertTrue(lines.allSatisfy { $0.utf8.count <= 76 })
        XCTAssertFalse(output.contains(UInt8(ascii: "\n")) && lines.contains { $0.contains("\n") || $0.contains("\r") })
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try writeFile(folder.file("qp"), output)
        let script = "import quopri, sys; sys.stdout.buffer.write(quopri.decodestring(open(sys.argv[1], 'rb').read()))"
        let run = try await runProgram("/usr/bin/python3", ["-c", script, folder.file("qp")])
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        XCTAssertEqual(run.standardOutputBytes, crlfLineEnds(text))
    }

    /// `bytes` with every LF, alone or after CR, as CRLF.
    private func crlfLineEnds(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "\n") && (index == 0 || bytes[index - 1] != UInt8(ascii: "\r")) {
                result.append(UInt8(ascii: "\r"))
            }
            result.append(byte)
        }
        return result
    }
}
