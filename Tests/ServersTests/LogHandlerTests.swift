import Glibc
import Logging
import XCTest

@testable import Servers

/// What the handlers make of a message: the text both write, and the
/// syslog priority of each swift-log level.
final class LogHandlerTests: XCTestCase {
    func testAMessageWithoutMetadataIsJustTheMessage() {
        XCTAssertEqual(LogLine.render("echo server stopped", [:]), "echo server stopped")
    }

    func testMetadataFollowsAsSortedKeyValuePairs() {
        let metadata: Logger.Metadata = ["peer": "127.0.0.1:4000", "model": "poll", "count": "3"]
        XCTAssertEqual(LogLine.render("accepted", metadata), "accepted count=3 model=poll peer=127.0.0.1:4000")
    }

    func testValuesThatWouldBlurThePairsAreQuoted() {
        let metadata: Logger.Metadata = [
            "error": "ECONNRESET (Connection reset by peer)", "empty": "",
            "quote": "say \"hi\"", "equals": "a=b", "lines": "a\nb",
        ]
        XCTAssertEqual(
            LogLine.render("m", metadata),
            #"m empty="" equals="a=b" error="ECONNRESET (Connection reset by peer)" lines="a\nb" quote="say \"hi\"""#)
    }

    func testTheEventsMetadataOverridesTheHandlers() {
        XCTAssertEqual(LogLine.merged(["a": "1", "b": "2"], ["b": "3"]), ["a": "1", "b": "3"])
        XCTAssertEqual(LogLine.merged(["a": "1"], nil), ["a": "1"])
    }

    func testEveryLevelHasItsSyslogPriority() {
        let expected: [(Logger.Level, Int32)] = [
            (.trace, LOG_DEBUG), (.debug, LOG_DEBUG), (.info, LOG_INFO), (.notice, LOG_NOTICE),
            (.warning, LOG_WARNING), (.error, LOG_ERR), (.critical, LOG_CRIT),
        ]
        XCTAssertEqual(expected.count, Logger.Level.allCases.count)
        for (level, priority) in expected {
            XCTAssertEqual(SyslogLogHandler.priority(level), priority, "\(level)")
        }
        // The values RFC 5424 section 6.2.1 gives, which glibc puts on the wire.
        XCTAssertEqual([LOG_CRIT, LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG], [2, 3, 4, 5, 6, 7])
    }
}
