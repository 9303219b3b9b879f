import XCTest

@testable import SMTP

/// The reply parser alone: whole replies, every split point, and each way a
/// reply can be malformed.
final class SMTPReplyParserTests: XCTestCase {
    /// Parses `text` given in one piece; the reply and the bytes it took.
    private func parse(_ text: String) throws -> SMTPReplyParser.Step {
        var parser = SMTPReplyParser()
        return try Array(text.utf8).withUnsafeBytes { raw in
            Result { () throws(MalformedSMTPReply) in try parser.parse(raw) }
        }.get()
    }

    private func reply(_ text: String) throws -> SMTPReply {
        guard case .reply(let reply, _) = try parse(text) else {
            throw XCTSkip("incomplete: \(text.debugDescription)")
        }
        return reply
    }

    /// The reason `text` is refused.
    private func refusal(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            let step = try parse(text)
            XCTFail("accepted \(text.debugDescription) as \(step)", file: file, line: line)
            return ""
        } catch let error as MalformedSMTPReply {
            return error.reason
        } catch {
            XCTFail("\(error)", file: file, line: line)
            return ""
        }
    }

    func testOneLineReply() throws {
        let parsed = try reply("250 OK\r\n")
        XCTAssertEqual(parsed.code, 250)
        XCTAssertEqual(parsed.lines, ["OK"])
        XCTAssertNil(parsed.enhancedCode)
        XCTAssertEqual(parsed.description, "250 OK")
    }

    func testMultilineReply() throws {
        let parsed = try reply("250-mail.example.org hello\r\n250-SIZE 1000\r\n250-\r\n250 HELP\r\n")
        XCTAssertEqual(parsed.lines, ["mail.example.org hello", "SIZE 1000", "", "HELP"])
    }

    func testCodeAloneAndCodeWithSpaceHaveNoText() throws {
        XCTAssertEqual(try reply("354\r\n").lines, [""])
        XCTAssertEqual(try reply("354 \r\n").lines, [""])
        XCTAssertEqual(try reply("354\r\n").description, "354")
    }

    func testTabsArePartOfTheText() throws {
        XCTAssertEqual(try reply("250 a\tb\r\n").lines, ["a\tb"])
    }

    func testEnhancedStatusCode() throws {
        XCTAssertEqual(try reply("553 5.1.8 sender address rejected\r\n").enhancedCode, "5.1.8")
        XCTAssertEqual(try reply("250 2.0.0\r\n").enhancedCode, "2.0.0")
        XCTAssertEqual(try reply("451 4.123.456 later\r\n").enhancedCode, "4.123.456")
        // The class must be the code's first digit, and each part 1-3 digits.
        XCTAssertNil(try reply("550 4.1.1 mismatch\r\n").enhancedCode)
        XCTAssertNil(try reply("550 5.1234.1 long\r\n").enhancedCode)
        XCTAssertNil(try reply("550 5.1.1x\r\n").enhancedCode)
        XCTAssertNil(try reply("354 3.0.0 go\r\n").enhancedCode)
    }

    func testConsumedStopsAtTheReplysEnd() throws {
        guard case .reply(let first, let consumed) = try parse("220 go ahead\r\n250 injected\r\n") else {
            return XCTFail("no reply")
        }
        XCTAssertEqual(first.code, 220)
        XCTAssertEqual(consumed, 14)
    }

    func testIncompleteUntilTheLastLineEnds() throws {
        XCTAssertEqual(try parse("250-one\r\n250 two"), .incomplete)
        XCTAssertEqual(try parse("250-one\r\n250 two\r"), .incomplete)
        XCTAssertEqual(try parse(""), .incomplete)
    }

    /// Every reply comes out the same, and takes the same bytes, however
    /// its bytes are cut in two or three.
    func testEverySplitPoint() throws {
        let texts = [
            "250-mail.example.org\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 AUTH PLAIN LOGIN\r\n",
            "553 5.1.8 <a@b> refused\r\n", "354\r\n", "220 go ahead\r\n250 after\r\n",
        ]
        for text in texts {
            let bytes = Array(text.utf8)
            let whole = try parse(text)
            for first in 0...bytes.count {
                for second in first...bytes.count {
                    var parser = SMTPReplyParser()
                    var outcome = SMTPReplyParser.Step.incomplete
                    var offset = 0
                    for range in [0..<first, first..<second, second..<bytes.count] {
                        let step = try Array(bytes[range]).withUnsafeBytes { raw in
                            Result { () throws(MalformedSMTPReply) in try parser.parse(raw) }
                        }.get()
                        if case .reply(let reply, let consumed) = step {
                            outcome = .reply(reply, consumed: offset + consumed)
                            break
                        }
                        offset = range.upperBound
                    }
                    XCTAssertEqual(outcome, whole, "\(text.debugDescription) split at \(first), \(second)")
                }
            }
        }
    }

    func testParserStartsAfreshAfterAReply() throws {
        var parser = SMTPReplyParser()
        let bytes = Array("250 one\r\n251 two\r\n".utf8)
        let first = try bytes.withUnsafeBytes { raw in
            Result { () throws(MalformedSMTPReply) in try parser.parse(raw) }
        }.get()
        guard case .reply(_, let consumed) = first else { return XCTFail("no first reply") }
        let second = try Array(bytes[consumed...]).withUnsafeBytes { raw in
            Result { () throws(MalformedSMTPReply) in try parser.parse(raw) }
        }.get()
        XCTAssertEqual(second, .reply(SMTPReply(code: 251, lines: ["two"]), consumed: 9))
    }

    func testBadCodes() {
        XCTAssertTrue(refusal("OK\r\n").contains("without a reply code"))
        XCTAssertTrue(refusal("25\r\n").contains("without a reply code"))
        XCTAssertTrue(refusal("150 one\r\n").contains("without a reply code"))
        XCTAssertTrue(refusal("650 six\r\n").contains("without a reply code"))
        XCTAssertTrue(refusal("260 second digit\r\n").contains("without a reply code"))
        XCTAssertTrue(refusal("25a x\r\n").contains("without a reply code"))
        XCTAssertTrue(refusal(" 250 x\r\n").contains("without a reply code"))
        XCTAssertTrue(refusal("2500 x\r\n").contains("neither a space nor a hyphen"))
        XCTAssertTrue(refusal("250_x\r\n").contains("neither a space nor a hyphen"))
    }

    func testMixedCodesAreRefused() {
        XCTAssertEqual(refusal("250-one\r\n251 two\r\n"), "a reply whose lines have different codes (250, then 251)")
    }

    func testBareLineEndsAreRefused() {
        XCTAssertEqual(refusal("250 OK\n"), "a bare LF in a reply line")
        XCTAssertEqual(refusal("250-one\n250 two\r\n"), "a bare LF in a reply line")
        XCTAssertEqual(refusal("250 O\rK\r\n"), "a bare CR in a reply line")
    }

    func testNonPrintableBytesAreRefused() {
        XCTAssertEqual(refusal("250 a\u{0}b\r\n"), "a control character (0x00) in a reply line")
        XCTAssertEqual(refusal("250 a\u{1B}b\r\n"), "a control character (0x1B) in a reply line")
        XCTAssertEqual(refusal("250 a\u{7F}\r\n"), "a control character (0x7F) in a reply line")
        XCTAssertEqual(refusal("250 caf\u{E9}\r\n"), "a byte that is not ASCII (0xC3) in a reply line")
    }

    func testLineLengthBound() throws {
        let longest = "250 " + String(repeating: "x", count: 506) + "\r\n"
        XCTAssertEqual(longest.utf8.count, 512)
        XCTAssertEqual(try reply(longest).lines[0].count, 506)
        XCTAssertEqual(
            refusal("250 " + String(repeating: "x", count: 507) + "\r\n"),
            "a reply line longer than 512 octets")
        // The bound holds before any line end has come.
        XCTAssertEqual(refusal("250 " + String(repeating: "x", count: 600)), "a reply line longer than 512 octets")
    }

    func testLineCountBound() throws {
        let hundred = String(repeating: "250-x\r\n", count: 99) + "250 x\r\n"
        XCTAssertEqual(try reply(hundred).lines.count, 100)
        XCTAssertEqual(
            refusal(String(repeating: "250-x\r\n", count: 100) + "250 x\r\n"),
            "a reply of more than 100 lines")
    }
}
