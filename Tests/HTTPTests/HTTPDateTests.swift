import XCTest

@testable import HTTP

final class HTTPDateTests: XCTestCase {
    func testFormatWritesIMFFixdate() {
        XCTAssertEqual(HTTPDate.format(epochSeconds: 784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT")
        XCTAssertEqual(HTTPDate.format(epochSeconds: 0), "Thu, 01 Jan 1970 00:00:00 GMT")
        XCTAssertEqual(HTTPDate.format(epochSeconds: 951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT")
        XCTAssertEqual(HTTPDate.format(epochSeconds: -1), "Wed, 31 Dec 1969 23:59:59 GMT")
        XCTAssertEqual(HTTPDate.format(epochSeconds: 4_107_542_400), "Mon, 01 Mar 2100 00:00:00 GMT")
    }

    func testFormatClampsYearsItCannotWrite() {
        XCTAssertEqual(HTTPDate.format(epochSeconds: .max), "Fri, 31 Dec 9999 23:59:59 GMT")
        XCTAssertEqual(HTTPDate.format(epochSeconds: .min), "Sat, 01 Jan 0000 00:00:00 GMT")
    }

    func testParseReadsTheThreeForms() {
        XCTAssertEqual(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT"), 784_111_777)
        XCTAssertEqual(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT"), 784_111_777)
        XCTAssertEqual(HTTPDate.parse("Sun Nov  6 08:49:37 1994"), 784_111_777)
        XCTAssertEqual(HTTPDate.parse("Thu Nov 16 08:49:37 1994"), 784_111_777 + 10 * 86_400)
    }

    func testParseRoundTripsFormattedDates() {
        var seconds: Int64 = -2_208_988_800  // 1900
        while seconds < 4_102_444_800 {  // 2100
            XCTAssertEqual(HTTPDate.parse(HTTPDate.format(epochSeconds: seconds)), seconds)
            seconds += 86_400 * 97 + 3_601
        }
    }

    func testParseRefusesWhatIsNotADate() {
        for text in [
            "", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 6 Nov 1994 08:49:37 GMT", "sun, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 nov 1994 08:49:37 GMT", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 29 Feb 1900 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:00 GMT", "Sun, 06 Nov 1994 08:49:37 GMT ",
            "Sun, 06 Nov 19a4 08:49:37 GMT", "Sunday, 06-Nov-1994 08:49:37 GMT", "Sun Nov 6 08:49:37 1994",
            "Sun Nov  6 08:49:37 1994 ", "yesterday", "-1",
        ] {
            XCTAssertNil(HTTPDate.parse(text), text)
        }
    }

    func testTwoDigitYearsFollowTheFiftyYearRule() {
        // In 2026 "77" is not 2077 (more than 50 years ahead) but 1977; "76" is 2076.
        XCTAssertEqual(HTTPDate.parse("Saturday, 01-Jan-77 00:00:00 GMT", twoDigitYearsFrom: 2026 - 49), 220_924_800)
        XCTAssertEqual(HTTPDate.parse("Wednesday, 01-Jan-76 00:00:00 GMT", twoDigitYearsFrom: 2026 - 49), 3_345_062_400)
        XCTAssertEqual(HTTPDate.parse("Saturday, 01-Jan-00 00:00:00 GMT", twoDigitYearsFrom: 2026 - 49), 946_684_800)
        XCTAssertEqual(HTTPDate.parse("Thursday, 01-Jan-70 00:00:00 GMT"), 0)
    }

    func testLeapSecondIsAccepted() {
        XCTAssertEqual(HTTPDate.parse("Sat, 31 Dec 2016 23:59:60 GMT"), 1_483_228_800)
    }

    func testDateTextsFormatEachSecondOnceAndKeepTheLatest() {
        let texts = DateTexts()
        let line = texts.dateLine(epochSeconds: 784_111_777)
        XCTAssertEqual(String(decoding: line, as: UTF8.self), "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n")
        XCTAssertEqual(texts.dateLine(epochSeconds: 784_111_777), line)
        // A session a second behind gets its own second, and the shared one stays.
        XCTAssertEqual(
            String(decoding: texts.dateLine(epochSeconds: 784_111_776), as: UTF8.self),
            "Date: Sun, 06 Nov 1994 08:49:36 GMT\r\n")
        XCTAssertEqual(
            String(decoding: texts.dateLine(epochSeconds: 784_111_778), as: UTF8.self),
            "Date: Sun, 06 Nov 1994 08:49:38 GMT\r\n")
    }

    func testWallClockCarriesTheCurrentSecond() {
        var clock = WallClock(texts: DateTexts())
        let before = Int64(time(nil))
        clock.update()
        let after = Int64(time(nil))
        XCTAssert((before - 1...after).contains(clock.second))
        XCTAssertEqual(clock.dateLine, DateTexts.dateLine(epochSeconds: clock.second))
    }
}
