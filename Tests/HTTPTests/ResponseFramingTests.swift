import XCTest

@testable import HTTP

final class ResponseFramingTests: XCTestCase {
    private func framing(
        _ fields: [(String, String)], code: Int = 200, version: HTTPVersion = .http1_1,
        method: HTTPMethod = .get
    ) throws(ResponseParseError) -> ResponseBodyFraming {
        let head = ResponseHead(version: version, status: HTTPStatus(code: code), fields: HTTPFields(fields))
        return try head.bodyFraming(requestMethod: method)
    }

    private func refusal(_ fields: [(String, String)], version: HTTPVersion = .http1_1) -> ResponseParseError? {
        do {
            _ = try framing(fields, version: version)
            return nil
        } catch {
            return error
        }
    }

    func testResponsesWithoutContentHaveNoBody() throws {
        XCTAssertEqual(try framing([("Content-Length", "10")], method: .head), .none)
        for code in [100, 204, 304] { XCTAssertEqual(try framing([("Content-Length", "10")], code: code), .none) }
    }

    func testChunkedLengthAndCloseDelimitedBodies() throws {
        XCTAssertEqual(try framing([("Transfer-Encoding", "chunked")]), .chunked)
        XCTAssertEqual(try framing([("Transfer-Encoding", " Chunked ")]), .chunked)
        XCTAssertEqual(try framing([("Content-Length", "42")]), .contentLength(42))
        XCTAssertEqual(try framing([("Content-Length", "42"), ("Content-Length", "42")]), .contentLength(42))
        XCTAssertEqual(try framing([("Content-Length", "7, 7")]), .contentLength(7))
        XCTAssertEqual(try framing([]), .untilClose)
    }

    func testAmbiguousFramingIsRefused() {
        XCTAssertEqual(
            refusal([("Content-Length", "5"), ("Transfer-Encoding", "chunked")]),
            .badFraming("both Transfer-Encoding and Content-Length"))
        XCTAssertEqual(
            refusal([("Content-Length", "5"), ("Content-Length", "6")]), .badFraming("differing Content-Length values"))
        XCTAssertEqual(refusal([("Content-Length", "5, 6")]), .badFraming("differing Content-Length values"))
        for bad in ["", "-1", "+5", "0x10", "5 5", "1234567890123456789", "5;"] {
            XCTAssertEqual(
                refusal([("Content-Length", bad)]), .badFraming("a Content-Length that is not a decimal number"), bad)
        }
        for coding in ["gzip", "gzip, chunked", "chunked, gzip", "chunked, chunked", "identity", ""] {
            XCTAssertEqual(
                refusal([("Transfer-Encoding", coding)]), .badFraming("a transfer coding other than one final chunked"),
                coding)
        }
        XCTAssertEqual(
            refusal([("Transfer-Encoding", "chunked"), ("Transfer-Encoding", "chunked")]),
            .badFraming("a transfer coding other than one final chunked"))
        XCTAssertEqual(
            refusal([("Transfer-Encoding", "chunked")], version: .http1_0),
            .badFraming("Transfer-Encoding from an HTTP/1.0 server"))
    }

    func testConnectionPersistence() {
        let keep = ResponseHead(version: .http1_1, status: .ok, fields: HTTPFields())
        XCTAssertTrue(keep.keepsConnection)
        let close = ResponseHead(version: .http1_1, status: .ok, fields: HTTPFields([("Connection", "Close")]))
        XCTAssertFalse(close.keepsConnection)
        let old = ResponseHead(version: .http1_0, status: .ok, fields: HTTPFields())
        XCTAssertFalse(old.keepsConnection)
        let oldKept = ResponseHead(version: .http1_0, status: .ok, fields: HTTPFields([("Connection", "keep-alive")]))
        XCTAssertTrue(oldKept.keepsConnection)
    }
}
