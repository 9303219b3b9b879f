import XCTest

@testable import Ping

/// iputils' rounding of `time=` and its `%g` loss, value by value.
final class NumberTextTests: XCTestCase {
    func testReplyTimeRoundsAsIputils() {
        let cases: [(Int, String)] = [
            (0, "0.000"), (41, "0.041"), (999, "0.999"), (1000, "1.00"), (1234, "1.23"), (1235, "1.24"),
            (9994, "9.99"), (9995, "10.0"), (12_345, "12.3"), (12_350, "12.4"), (99_949, "99.9"),
            (99_950, "100"), (123_456, "123"), (123_500, "124"),
        ]
        for (microseconds, text) in cases {
            XCTAssertEqual(NumberText.replyTime(microseconds), text, "\(microseconds) µs")
        }
    }

    func testMillisecondsTruncate() {
        XCTAssertEqual(NumberText.milliseconds(0), "0.000")
        XCTAssertEqual(NumberText.milliseconds(45), "0.045")
        XCTAssertEqual(NumberText.milliseconds(1_999), "1.999")
        XCTAssertEqual(NumberText.milliseconds(12_345_678), "12345.678")
    }

    func testLossIsPercentGOfAFloat() {
        XCTAssertEqual(NumberText.loss(0), "0")
        XCTAssertEqual(NumberText.loss(25), "25")
        XCTAssertEqual(NumberText.loss(100), "100")
        XCTAssertEqual(NumberText.loss(100.0 / 3), "33.3333")
        XCTAssertEqual(NumberText.loss(200.0 / 3), "66.6667")
        XCTAssertEqual(NumberText.loss(100.0 / 7), "14.2857")
    }
}
