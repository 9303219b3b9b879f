import XCTest

@testable import HTTP

final class ByteRangeTests: XCTestCase {
    private func range(_ value: String, size: Int64 = 1000) -> ByteRangeRequest {
        ByteRangeRequest(Array(value.utf8)[...], size: size)
    }

    func testOneRangeOfEachForm() {
        XCTAssertEqual(range("bytes=0-499"), .part(first: 0, last: 499))
        XCTAssertEqual(range("bytes=500-"), .part(first: 500, last: 999))
        XCTAssertEqual(range("bytes=-100"), .part(first: 900, last: 999))
        XCTAssertEqual(range("Bytes=0-0"), .part(first: 0, last: 0))
        XCTAssertEqual(range("bytes= 10-20 ,"), .part(first: 10, last: 20))
    }

    func testRangesReachingPastTheEndAreClipped() {
        XCTAssertEqual(range("bytes=900-5000"), .part(first: 900, last: 999))
        XCTAssertEqual(range("bytes=-5000"), .part(first: 0, last: 999))
    }

    func testUnsatisfiableRanges() {
        XCTAssertEqual(range("bytes=1000-"), .unsatisfiable)
        XCTAssertEqual(range("bytes=1000-2000"), .unsatisfiable)
        XCTAssertEqual(range("bytes=-0"), .unsatisfiable)
        XCTAssertEqual(range("bytes=0-", size: 0), .unsatisfiable)
    }

    func testSeveralRangesGetTheWhole() {
        XCTAssertEqual(range("bytes=0-1,5-6"), .whole)
        XCTAssertEqual(range("bytes=0-1, -5"), .whole)
    }

    func testInvalidFieldsAreIgnored() {
        for value in [
            "bytes=", "bytes=a-b", "bytes=5-1", "bytes=-", "bytes=1", "items=0-1", "bytes 0-1", "bytes=0-1-2",
            "bytes=+1-2", "bytes=0x10-", "bytes=1-2,x", "bytes=,",
        ] {
            XCTAssertEqual(range(value), .whole, value)
        }
    }

    func testOverflowingNumbersNeverTrap() {
        let huge = "99999999999999999999999999"
        XCTAssertEqual(range("bytes=\(huge)-"), .unsatisfiable)
        XCTAssertEqual(range("bytes=0-\(huge)"), .part(first: 0, last: 999))
        XCTAssertEqual(range("bytes=-\(huge)"), .part(first: 0, last: 999))
        XCTAssertEqual(range("bytes=\(huge)-\(huge)"), .unsatisfiable)
        XCTAssertEqual(range("bytes=\(huge)-5"), .whole)
        XCTAssertEqual(range("bytes=9223372036854775807-", size: .max), .unsatisfiable)
        XCTAssertEqual(range("bytes=-9223372036854775807", size: 10), .part(first: 0, last: 9))
    }

    func testEmptyRepresentation() {
        XCTAssertEqual(range("bytes=-5", size: 0), .whole)
    }
}
