import TestSupport
import XCTest

@testable import HTTP

final class CGIHeaderParserTests: XCTestCase {
    /// Parses `text` in two pieces split at every byte, checks that each
    /// split gives what the whole does, and returns that.
    private func parse(_ text: String, maxHeaderBytes: Int = 32 << 10, maxFields: Int = 100)
        -> CGIHeaderParser.Step
    {
        let bytes = Array(text.utf8)
        let whole = Self.parse(bytes, at: [], maxHeaderBytes, maxFields)
        for split in 0...bytes.count {
            XCTAssertEqual(Self.parse(bytes, at: [split], maxHeaderBytes, maxFields), whole, "split at \(split)")
        }
        XCTAssertEqual(Self.parse(bytes, at: Array(0...bytes.count), maxHeaderBytes, maxFields), whole, "bytewise")
        return whole
    }

    /// Feeds `bytes` cut at `splits`; the consumed count is made an offset
    /// of the whole input, so that every way of feeding compares equal.
    private static func parse(_ bytes: [UInt8], at splits: [Int], _ maxHeaderBytes: Int, _ maxFields: Int)
        -> CGIHeaderParser.Step
    {
        var parser = CGIHeaderParser(maxHeaderBytes: maxHeaderBytes, maxFields: maxFields)
        var start = 0
        for end in splits + [bytes.count] where end >= start {
            let step = bytes[start..<end].withUnsafeBytes { parser.parse($0) }
            switch step {
            case .incomplete: start = end
            case .head(let head, let consumed): return .head(head, consumed: start + consumed)
            case .malformed: return step
            }
        }
        return .incomplete
    }

    private func head(_ text: String) throws -> (head: CGIResponseHead, consumed: Int) {
        let step = parse(text)
        guard case .head(let head, let consumed) = step else { throw TestFailure("not a head: \(step)") }
        return (head, consumed)
    }

    private func refusal(_ text: String, maxHeaderBytes: Int = 32 << 10, maxFields: Int = 100) -> String? {
        guard case .malformed(let why) = parse(text, maxHeaderBytes: maxHeaderBytes, maxFields: maxFields) else {
            XCTFail("not refused: \(text.debugDescription)")
            return nil
        }
        return why
    }

    private let sample =
        "Content-Type: text/html; charset=utf-8\nStatus: 201 Made It\r\nX-Test:  a b \nSet-Cookie: a=1\n"
        + "Content-Length: 5\nConnection: close\nSet-Cookie: b=2\nServer: other/1\nDate: yesterday\n\nhello"

    func testADocumentAndItsFields() throws {
        let (head, consumed) = try head(sample)
        XCTAssertEqual(consumed, sample.utf8.count - 5)
        XCTAssertEqual(head.kind, .document)
        XCTAssertEqual(head.status, HTTPStatus(201, "Made It"))
        XCTAssertEqual(head.reason, "Made It")
        XCTAssertEqual(head.contentType, "text/html; charset=utf-8")
        XCTAssertEqual(head.contentLength, 5)
        XCTAssertNil(head.location)
        XCTAssertEqual(
            String(decoding: head.fieldLines, as: UTF8.self), "X-Test: a b\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n")
    }

    func testResumesAtEverySplitPoint() throws {
        // `parse` checks every split against the whole; this is the sample
        // again with CRLF line ends throughout.
        let crlf = sample.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
        XCTAssertEqual(try head(crlf).head, try head(sample).head)
        XCTAssertEqual(parse(String(sample.prefix(40))), .incomplete)
        XCTAssertEqual(parse(""), .incomplete)
    }

    func testDefaultStatusAndCRLFOrLF() throws {
        for text in [
            "Content-type: text/plain\n\n", "CONTENT-TYPE: text/plain\r\n\r\n", "content-type:text/plain\n\r\n",
        ] {
            let (head, consumed) = try head(text)
            XCTAssertEqual(head.status, .ok, text)
            XCTAssertNil(head.reason)
            XCTAssertEqual(head.contentType, "text/plain")
            XCTAssertEqual(consumed, text.utf8.count)
            XCTAssertEqual(head.fieldLines, [])
        }
    }

    func testStatusForms() throws {
        XCTAssertEqual(try head("Status: 404\nContent-Type: text/plain\n\n").head.status, .notFound)
        XCTAssertEqual(try head("Status: 599 Odd\nContent-Type: a/b\n\n").head.status, HTTPStatus(599, "Odd"))
        XCTAssertEqual(try head("Status: 200 \nContent-Type: a/b\n\n").head.reason, nil)
        // 204 and 304 carry no content, so no Content-Type is needed (RFC 3875 section 6.3.1).
        XCTAssertEqual(try head("Status: 304 Not Modified\nETag: \"x\"\n\n").head.kind, .document)
        XCTAssertEqual(try head("Status: 204\n\n").head.status.code, 204)
        for bad in [
            "Status: 99", "Status: 1000", "Status: 2000 x", "Status: 100 Continue", "Status: 600 x",
            "Status: 20a", "Status: OK", "Status: 200OK", "Status:", "Status: 200\tOK",
        ] {
            XCTAssertNotNil(refusal(bad + "\nContent-Type: a/b\n\n"), bad)
        }
        XCTAssertEqual(refusal("Status: 200\nStatus: 200\nContent-Type: a/b\n\n"), "two Status fields")
        XCTAssertEqual(refusal("Status: 200 OK\n\n"), "no Content-Type and no Location")
    }

    func testLocalRedirectIsLocationAlone() throws {
        XCTAssertEqual(try head("Location: /other/page?x=1\n\n").head.kind, .localRedirect(path: "/other/page?x=1"))
        XCTAssertEqual(try head("Location: /\r\n\r\n").head.kind, .localRedirect(path: "/"))
        XCTAssertNotNil(refusal("Location: /x\nContent-Type: text/html\n\n"))
        XCTAssertNotNil(refusal("Location: /x\nX-Other: 1\n\n"))
        XCTAssertNotNil(refusal("Location: /x\nConnection: close\n\n"))
        // With a Status the script asks for a redirect of the client, to a relative reference.
        let (head, _) = try head("Status: 303 See Other\nLocation: /done\n\n")
        XCTAssertEqual(head.kind, .clientRedirect)
        XCTAssertEqual(head.status.code, 303)
        XCTAssertEqual(head.location, "/done")
    }

    func testClientRedirect() throws {
        let (head, _) = try head("Location: https://example.com/a?b=c\n\n")
        XCTAssertEqual(head.kind, .clientRedirect)
        XCTAssertEqual(head.status, .found)
        XCTAssertEqual(head.location, "https://example.com/a?b=c")
        let document = try self.head(
            "Location: http://example.com/\nStatus: 301 Moved\nContent-Type: text/html\nX-A: b\n\n")
        XCTAssertEqual(document.head.kind, .clientRedirect)
        XCTAssertEqual(document.head.status, HTTPStatus(301, "Moved"))
        XCTAssertEqual(document.head.contentType, "text/html")
        XCTAssertEqual(String(decoding: document.head.fieldLines, as: UTF8.self), "X-A: b\r\n")
        XCTAssertEqual(try self.head("Location: mailto:a@example.com\n\n").head.kind, .clientRedirect)
    }

    func testBadLocations() {
        for bad in [
            "//evil.example/x", "relative/path", "1http://x", "ht tp://x", "/a b", ":x", "caf\u{E9}:x",
            "/\u{E9}", "http//x",
        ] {
            XCTAssertNotNil(refusal("Location: \(bad)\n\n"), bad)
        }
        XCTAssertEqual(refusal("Location: /a\nLocation: /b\n\n"), "two Location fields")
    }

    func testContentLength() throws {
        XCTAssertEqual(try head("Content-Type: a/b\nContent-Length: 0\n\n").head.contentLength, 0)
        XCTAssertEqual(
            try head("Content-Type: a/b\nContent-Length: 12\ncontent-length: 12\n\n").head.contentLength, 12)
        XCTAssertEqual(
            refusal("Content-Type: a/b\nContent-Length: 12\nContent-Length: 13\n\n"),
            "two Content-Length that differ")
        for bad in ["-1", "+1", "1 2", "1,1", "0x10", "", "1234567890123456789"] {
            XCTAssertNotNil(refusal("Content-Type: a/b\nContent-Length: \(bad)\n\n"), bad)
        }
    }

    func testContentTypeOnce() {
        XCTAssertEqual(refusal("Content-Type: a/b\nContent-Type: a/b\n\n"), "two Content-Type fields")
        XCTAssertEqual(refusal("Content-Type:\n\n"), "an empty Content-Type")
    }

    func testMissingCGIFieldsAndNonHeaders() {
        XCTAssertEqual(refusal("\n"), "no Content-Type and no Location")
        XCTAssertEqual(refusal("X-Only: 1\n\n"), "no Content-Type and no Location")
        XCTAssertNotNil(refusal("<html>hello</html>\n\n"))
        XCTAssertNotNil(refusal("HTTP/1.1 200 OK\nContent-Type: a/b\n\n"))
        XCTAssertNotNil(refusal("Hello World!\n"))
    }

    func testFieldLineStrictness() {
        XCTAssertEqual(refusal("Content-Type: a/b\nX-A: 1\n  folded\n\n"), "obsolete line folding")
        XCTAssertEqual(refusal("Content-Type : a/b\n\n"), "whitespace before a field's colon")
        XCTAssertEqual(refusal("Content-Type: a/b\nNo colon\n\n"), "whitespace before a field's colon")
        XCTAssertEqual(refusal("Content-Type: a/b\nNoColon\n\n"), "field line without a colon")
        XCTAssertEqual(refusal("Content-Type: a/b\n: empty\n\n"), "empty field name")
        XCTAssertEqual(refusal("Content-Type: a/b\u{0}\n\n"), "NUL in a field value")
        XCTAssertEqual(refusal("Content-Type: a/b\rX-Injected: 1\n\n"), "bare CR in a field value")
        XCTAssertEqual(refusal("Content-Type: a/b\r\r\n\n"), "bare CR in a field value")
        XCTAssertEqual(refusal("Content-Type: a/b\nX-A: \u{1B}\n\n"), "control character in a field value")
        XCTAssertEqual(refusal("Content-Type: a/b\nX\u{0}A: 1\n\n"), "NUL in a field name")
    }

    func testBounds() {
        let fields = (0..<4).map { "X-\($0): v\n" }.joined()
        XCTAssertEqual(
            refusal("Content-Type: a/b\n" + fields + "\n", maxFields: 4), "the header has more than 4 fields")
        if case .malformed = parse("Content-Type: a/b\n" + fields + "\n", maxFields: 5) { XCTFail("5 fields refused") }
        let text = "Content-Type: a/b\n\n"  // 19 bytes
        if case .malformed = parse(text, maxHeaderBytes: 19) { XCTFail("a header of exactly the bound refused") }
        XCTAssertEqual(refusal(text, maxHeaderBytes: 18), "the header is larger than 18 bytes")
        // A line that never ends is refused at the bound, not held without end.
        XCTAssertEqual(
            refusal(String(repeating: "x", count: 100), maxHeaderBytes: 64), "the header is larger than 64 bytes")
    }

    func testAfterTheHeaderNothingMoreIsConsumed() throws {
        var parser = CGIHeaderParser()
        let first = Array("Content-Type: a/b\n\nbody".utf8).withUnsafeBytes { parser.parse($0) }
        guard case .head(let head, consumed: 19) = first else { return XCTFail("\(first)") }
        let again = Array("more".utf8).withUnsafeBytes { parser.parse($0) }
        XCTAssertEqual(again, .head(head, consumed: 0))
        var refused = CGIHeaderParser()
        let bad = Array("oops\n".utf8).withUnsafeBytes { refused.parse($0) }
        XCTAssertEqual(Array("Content-Type: a/b\n\n".utf8).withUnsafeBytes { refused.parse($0) }, bad)
    }
}
