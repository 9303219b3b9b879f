import XCTest

@testable import HTTP

final class HTTPFieldsTests: XCTestCase {
    func testLookupIgnoresCaseAndKeepsOrder() {
        let fields = HTTPFields([("Host", "example"), ("Accept", "a"), ("ACCEPT", "b")])
        XCTAssertEqual(fields.first("host"), "example")
        XCTAssertEqual(fields.values("accept"), ["a", "b"])
        XCTAssertEqual(fields.count(of: "accept"), 2)
        XCTAssertNil(fields.first("hos"))
        XCTAssertEqual(fields[1].name, "Accept")
    }

    func testConnectionTokensAreFoundInLists() {
        let fields = HTTPFields([("Connection", "Upgrade,  Keep-Alive "), ("Connection", "x")])
        XCTAssertTrue(fields.hasToken("keep-alive", in: "connection"))
        XCTAssertTrue(fields.hasToken("x", in: "connection"))
        XCTAssertFalse(fields.hasToken("close", in: "connection"))
    }

    func testFieldSyntaxRefusesControlsAndPaddedValues() {
        XCTAssertTrue(FieldSyntax.isToken("Content-Length".utf8))
        XCTAssertFalse(FieldSyntax.isToken("Content Length".utf8))
        XCTAssertFalse(FieldSyntax.isToken("".utf8))
        XCTAssertTrue(FieldSyntax.isFieldValue("text/html; charset=utf-8".utf8))
        XCTAssertFalse(FieldSyntax.isFieldValue("a\rb".utf8))
        XCTAssertFalse(FieldSyntax.isFieldValue([0x61, 0x00]))
        XCTAssertFalse(FieldSyntax.isFieldValue(" a".utf8))
        XCTAssertTrue(FieldSyntax.isFieldValue([0x61, 0x80, 0xFF]))
    }
}
