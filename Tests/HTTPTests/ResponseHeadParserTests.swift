import XCTest

@testable import HTTP

final class ResponseHeadParserTests: XCTestCase {
    /// Parses `text` fed in two pieces split at every byte, and checks
    /// that each split gives the same outcome as the whole.
    private func parseSplitEverywhere(_ text: String, limits: ResponseHeadParser.Limits = .init())
        -> Result<(head: ResponseHead, consumed: Int), ResponseParseError>?
    {
        let bytes = Array(text.utf8)
        let whole = Self.parse(bytes, splitAt: bytes.count, limits)
        for split in 0...bytes.count {
            let outcome = Self.parse(bytes, splitAt: split, limits)
            switch (outcome, whole) {
            case (.success(let a)?, .success(let b)?):
                XCTAssertEqual(a.head, b.head, "split at \(split)")
                XCTAssertEqual(a.consumed, b.consumed, "split at \(split)")
            case (.failure(let a)?, .failure(let b)?): XCTAssertEqual(a, b, "split at \(split)")
            case (nil, nil): break
            default:
                XCTFail("split at \(split): \(String(describing: outcome)) but whole: \(String(describing: whole))")
            }
        }
        return whole
    }

    private static func parse(_ bytes: [UInt8], splitAt split: Int, _ limits: ResponseHeadParser.Limits)
        -> Result<(head: ResponseHead, consumed: Int), ResponseParseError>?
    {
        var parser = ResponseHeadParser(limits: limits)
        do {
            let first = try Array(bytes[..<split]).withUnsafeBytes { try parser.parse($0) }
            if let first { return .success(first) }
            let second = try bytes.withUnsafeBytes { try parser.parse($0) }
            return second.map { .success($0) }
        } catch {
            return .failure(error as! ResponseParseError)
        }
    }

    private func head(_ text: String) throws -> ResponseHead {
        let outcome = try XCTUnwrap(parseSplitEverywhere(text), "incomplete")
        return try outcome.get().head
    }

    private func error(_ text: String, limits: ResponseHeadParser.Limits = .init()) -> ResponseParseError? {
        guard case .failure(let error)? = parseSplitEverywhere(text, limits: limits) else { return nil }
        return error
    }

    func testStatusLineAndFieldsAreRead() throws {
        let text = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Empty:\r\nServer:  nginx \t\r\n\r\nhello"
        let outcome = try XCTUnwrap(parseSplitEverywhere(text)).get()
        XCTAssertEqual(outcome.consumed, text.utf8.count - 5)
        XCTAssertEqual(outcome.head.version, .http1_1)
        XCTAssertEqual(outcome.head.status, HTTPStatus(200, "OK"))
        XCTAssertEqual(outcome.head.fields.first("content-length"), "5")
        XCTAssertEqual(outcome.head.fields.first("x-empty"), "")
        XCTAssertEqual(outcome.head.fields.first("server"), "nginx")
    }

    func testReasonMayBeEmptyOrMissing() throws {
        XCTAssertEqual(try head("HTTP/1.1 204 \r\n\r\n").status, HTTPStatus(204, ""))
        XCTAssertEqual(try head("HTTP/1.0 404\r\n\r\n").status, HTTPStatus(404, ""))
        XCTAssertEqual(try head("HTTP/1.1 200 All is\tfine\r\n\r\n").status.reason, "All is\tfine")
    }

    func testAnIncompleteHeadAsksForMore() {
        XCTAssertNil(parseSplitEverywhere("HTTP/1.1 200 OK\r\nServer: x\r\n"))
    }

    func testMalformedStatusLinesAreRefused() {
        for line in [
            "HTTP/2 200 OK", "HTTP/2.0 200 OK", "HTTP/1.1 20 OK", "HTTP/1.1 2000 OK", "HTTP/1.1 600 No",
            "HTTP/1.1  200 OK", "http/1.1 200 OK", "HTTP/1.1 200\tOK", "ICY 200 OK", "HTTP/1.1 200 O\u{0}K",
        ] {
            guard case .malformedStatusLine? = error(line + "\r\n\r\n") else {
                XCTFail(
                    "\(String(reflecting: line)) was not refused as a status line: \(String(describing: error(line)))")
                continue
            }
        }
    }

    func testBareLineFeedsAndBareCarriageReturnsAreRefused() {
        XCTAssertEqual(error("HTTP/1.1 200 OK\nServer: x\r\n\r\n"), .malformedLineEnd)
        XCTAssertEqual(error("HTTP/1.1 200 OK\r\nServer: x\n\r\n"), .malformedLineEnd)
        XCTAssertEqual(error("HTTP/1.1 200 OK\r\nServer: x\r\n\n"), .malformedLineEnd)
        XCTAssertEqual(error("HTTP/1.1 200 OK\r\nServer: a\rb\r\n\r\n"), .malformedField("bare CR in a field value"))
        XCTAssertEqual(error("HTTP/1.1 200 O\rK\r\n\r\n"), .malformedLineEnd)
    }

    func testFieldStrictnessMatchesTheServers() {
        XCTAssertEqual(
            error("HTTP/1.1 200 OK\r\nServer: a\r\n folded\r\n\r\n"),
            .malformedField("obsolete line folding"))
        XCTAssertEqual(
            error("HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\n"), .malformedField("whitespace before a field's colon")
        )
        XCTAssertEqual(error("HTTP/1.1 200 OK\r\nNoColonHere\r\n\r\n"), .malformedField("field line without a colon"))
        XCTAssertEqual(error("HTTP/1.1 200 OK\r\n: value\r\n\r\n"), .malformedField("empty field name"))
        XCTAssertEqual(
            error("HTTP/1.1 200 OK\r\nBad(name): v\r\n\r\n"), .malformedField("invalid character in a field name"))
        XCTAssertEqual(
            error("HTTP/1.1 200 OK\r\nX: a\u{0}b\r\n\r\n"), .malformedField("NUL in a field value"))
        XCTAssertEqual(
            error("HTTP/1.1 200 OK\r\nX: a\u{1B}b\r\n\r\n"), .malformedField("control character in a field value"))
    }

    func testLimitsBoundTheHead() {
        let limits = ResponseHeadParser.Limits(statusLineBytes: 20, headerBlockBytes: 30, fields: 2)
        XCTAssertEqual(
            error("HTTP/1.1 200 " + String(repeating: "x", count: 9), limits: limits), .statusLineTooLong(limit: 20))
        XCTAssertEqual(error("HTTP/1.1 200 1234567\r\n\r\n", limits: limits), nil)
        XCTAssertEqual(
            error("HTTP/1.1 200 OK\r\nA: " + String(repeating: "x", count: 30), limits: limits),
            .headerBlockTooLarge(limit: 30))
        XCTAssertEqual(
            error("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits: limits), .tooManyFields(limit: 2))
        XCTAssertNil(error("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n", limits: limits))
    }

    func testTheDefaultLimitsAreThoseOfTheClient() {
        let limits = ResponseHeadParser.Limits()
        XCTAssertEqual(limits.statusLineBytes, 8 * 1024)
        XCTAssertEqual(limits.headerBlockBytes, 64 * 1024)
        XCTAssertEqual(limits.fields, 100)
        let many = (0...100).map { "F\($0): v\r\n" }.joined()
        XCTAssertEqual(error("HTTP/1.1 200 OK\r\n" + many + "\r\n"), .tooManyFields(limit: 100))
    }
}
