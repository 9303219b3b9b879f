import XCTest

@testable import SMTP

/// The encoding of a message for DATA: line endings, leading dots, the end,
/// whatever the pieces it comes in.
final class MessageDataEncoderTests: XCTestCase {
    /// The data sent for `message` given in `pieces` cut at `splits`.
    private func encode(_ message: [UInt8], splits: [Int] = []) -> String {
        var encoder = MessageDataEncoder()
        var output: [UInt8] = []
        var start = 0
        for end in splits + [message.count] {
            Array(message[start..<end]).withUnsafeBytes { encoder.encode($0, into: &output) }
            start = end
        }
        encoder.finish(into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    private func encode(_ message: String) -> String { encode(Array(message.utf8)) }

    func testLinesEndedWithCRLFPassAsTheyAre() {
        XCTAssertEqual(encode("Subject: x\r\n\r\nhello\r\n"), "Subject: x\r\n\r\nhello\r\n.\r\n")
    }

    func testBareLFAndBareCRBecomeCRLF() {
        XCTAssertEqual(encode("a\nb\rc\r\n"), "a\r\nb\r\nc\r\n.\r\n")
        XCTAssertEqual(encode("\n\n"), "\r\n\r\n.\r\n")
        XCTAssertEqual(encode("\r\r\n"), "\r\n\r\n.\r\n")
        // The smuggling sequence of CVE-2023-51764 cannot reach the server.
        XCTAssertEqual(encode("x\n.\nMAIL FROM:<evil>\n"), "x\r\n..\r\nMAIL FROM:<evil>\r\n.\r\n")
        XCTAssertEqual(encode("x\r\n.\r"), "x\r\n..\r\n.\r\n")
    }

    func testLeadingDotsAreDoubled() {
        XCTAssertEqual(encode(".\r\n"), "..\r\n.\r\n")
        XCTAssertEqual(encode("..two\r\n.one\r\nno.dot\r\n"), "...two\r\n..one\r\nno.dot\r\n.\r\n")
        XCTAssertEqual(encode(".x"), "..x\r\n.\r\n")
    }

    func testTheLastLineGetsItsEnd() {
        XCTAssertEqual(encode("no newline"), "no newline\r\n.\r\n")
        XCTAssertEqual(encode("ends in CR\r"), "ends in CR\r\n.\r\n")
    }

    func testAnEmptyMessage() {
        XCTAssertEqual(encode(""), ".\r\n")
    }

    /// Cut in two and in three at every position (between CR and LF, right
    /// before a dot), the data is the same.
    func testEverySplitPoint() {
        let message = Array("From: a\r\n.\r\n..x\n.\rend\r\r\n.".utf8)
        let whole = encode(message)
        XCTAssertEqual(whole, "From: a\r\n..\r\n...x\r\n..\r\nend\r\n\r\n..\r\n.\r\n")
        for first in 0...message.count {
            XCTAssertEqual(encode(message, splits: [first]), whole, "split at \(first)")
            for second in first...message.count {
                XCTAssertEqual(encode(message, splits: [first, second]), whole, "split at \(first), \(second)")
            }
        }
    }

    /// A byte at a time: a bare CR in one piece and LF in the next is one
    /// line ending, not two.
    func testByteAtATime() {
        let message = Array("a\r\n.b\r\rc\n".utf8)
        XCTAssertEqual(encode(message, splits: Array(1..<message.count)), "a\r\n..b\r\n\r\nc\r\n.\r\n")
    }

    /// No bare CR or LF ever comes out, and no line is a lone ".", whatever
    /// the bytes.
    func testNoBareLineEndsForAnyBytes() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x0D, 0x0A, 0x2E, 0x61]
        for _ in 0..<2000 {
            let message = (0..<Int.random(in: 0..<24, using: &generator)).map { _ in
                alphabet.randomElement(using: &generator)!
            }
            let data = Array(encode(message).utf8)
            for (index, byte) in data.enumerated() {
                if byte == 0x0D { XCTAssertEqual(data[index + 1], 0x0A, "\(message)") }
                if byte == 0x0A { XCTAssertEqual(data[index - 1], 0x0D, "\(message)") }
            }
            let lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\r\n")
            XCTAssertEqual(lines.suffix(2), [".", ""], "\(message)")
            XCTAssertFalse(lines.dropLast(2).contains("."), "\(message)")
        }
    }
}
