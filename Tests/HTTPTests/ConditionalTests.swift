import XCTest

@testable import HTTP

final class ConditionalTests: XCTestCase {
    private let tag = "\"1a-400-5f\""
    private let modified: Int64 = 784_111_777  // Sun, 06 Nov 1994 08:49:37 GMT

    private func outcome(_ fields: [(String, String)]) -> ConditionalOutcome {
        ConditionalRequest.evaluate(HTTPFields(fields), tag: tag, modifiedSeconds: modified)
    }

    func testIfNoneMatchUsesTheWeakComparison() {
        XCTAssertEqual(outcome([("If-None-Match", tag)]), .notModified)
        XCTAssertEqual(outcome([("If-None-Match", "\"x\", W/\(tag)")]), .notModified)
        XCTAssertEqual(outcome([("If-None-Match", "*")]), .notModified)
        XCTAssertEqual(outcome([("If-None-Match", "\"x\""), ("If-None-Match", tag)]), .notModified)
        XCTAssertEqual(outcome([("If-None-Match", "\"x\", \"1a-400-5e\"")]), .proceed)
    }

    func testIfModifiedSince() {
        XCTAssertEqual(outcome([("If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT")]), .notModified)
        XCTAssertEqual(outcome([("If-Modified-Since", "Mon, 07 Nov 1994 08:49:37 GMT")]), .notModified)
        XCTAssertEqual(outcome([("If-Modified-Since", "Sun, 06 Nov 1994 08:49:36 GMT")]), .proceed)
    }

    func testInvalidOrRepeatedDatesAreIgnored() {
        XCTAssertEqual(outcome([("If-Modified-Since", "tomorrow")]), .proceed)
        XCTAssertEqual(
            outcome([
                ("If-Modified-Since", "Mon, 07 Nov 1994 08:49:37 GMT"),
                ("If-Modified-Since", "Mon, 07 Nov 1994 08:49:37 GMT"),
            ]), .proceed)
    }

    func testIfNoneMatchOverridesIfModifiedSince() {
        XCTAssertEqual(
            outcome([("If-None-Match", "\"other\""), ("If-Modified-Since", "Mon, 07 Nov 1994 08:49:37 GMT")]),
            .proceed)
    }

    func testIfMatchAndIfUnmodifiedSince() {
        XCTAssertEqual(outcome([("If-Match", "\"other\"")]), .preconditionFailed)
        XCTAssertEqual(outcome([("If-Match", "W/\(tag)")]), .preconditionFailed)
        XCTAssertEqual(outcome([("If-Match", tag)]), .proceed)
        XCTAssertEqual(outcome([("If-Match", "*")]), .proceed)
        XCTAssertEqual(outcome([("If-Unmodified-Since", "Sat, 05 Nov 1994 08:49:37 GMT")]), .preconditionFailed)
        XCTAssertEqual(outcome([("If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:37 GMT")]), .proceed)
    }

    func testIfRangeNeedsAnExactStrongValidator() {
        func applies(_ value: String) -> Bool {
            ConditionalRequest.rangeApplies(HTTPFields([("If-Range", value)]), tag: tag, modifiedSeconds: modified)
        }
        XCTAssertTrue(ConditionalRequest.rangeApplies(HTTPFields(), tag: tag, modifiedSeconds: modified))
        XCTAssertTrue(applies(tag))
        XCTAssertFalse(applies("W/\(tag)"))
        XCTAssertFalse(applies("\"other\""))
        XCTAssertTrue(applies("Sun, 06 Nov 1994 08:49:37 GMT"))
        XCTAssertFalse(applies("Mon, 07 Nov 1994 08:49:37 GMT"))
        XCTAssertFalse(applies("garbage"))
    }
}
