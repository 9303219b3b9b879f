import Foundation
import SocketCore
import XCTest

@testable import Ping

/// `--json` lines, each parsed back with Foundation's JSONSerialization.
final class JSONReporterTests: XCTestCase {
    private let target = PingTarget(name: "127.0.0.1", address: IPAddress("127.0.0.1")!, displayedAddress: "127.0.0.1")

    /// Runs `events` through a reporter and parses every line it wrote.
    private func lines(
        _ events: [(PingEvent, PingTarget?)], options: PingOptions = PingOptions(),
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> [[String: Any]] {
        var written: [String] = []
        var reporter = JSONReporter(options: options, write: { written.append($0) }, wallClock: { (1_700_000_000, 42) })
        for (event, about) in events { reporter.report(event, about: about.map { PingHost(0, $0) }) }
        return try written.map { text in
            XCTAssertTrue(text.hasSuffix("}\n"), text, file: file, line: line)
            XCTAssertEqual(text.filter { $0 == "\n" }.count, 1, "one object per line: \(text)", file: file, line: line)
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
            return try XCTUnwrap(object as? [String: Any], text, file: file, line: line)
        }
    }

    private func reply(_ sequence: UInt16, checksumIsValid: Bool = true) -> EchoReply {
        EchoReply(
            sequence: sequence, icmpLength: 64, hopLimit: 64, checksumIsValid: checksumIsValid,
            sender: target.address)
    }

    /// A number, not a string that looks like one (and not a Bool, which
    /// Foundation also bridges to NSNumber).
    private func number(_ value: Any?, file: StaticString = #filePath, line: UInt = #line) -> Double? {
        // JSONSerialization gives `true` as an NSNumber of C type `c` (char).
        guard let value = value as? NSNumber, String(cString: value.objCType) != "c" else {
            XCTFail("not a number: \(String(describing: value))", file: file, line: line)
            return nil
        }
        return value.doubleValue
    }

    func testStartAndReplies() throws {
        var options = PingOptions()
        options.pattern = [0xab, 0x12]
        let parsed = try lines(
            [
                (.pattern([0xab, 0x12]), nil),
                (.header(target, options, source: nil), target),
                (.sent(sequence: 1, sentAt: 0), target),
                (
                    .reply(
                        ReplyEvent(
                            reply: reply(1), from: "127.0.0.1", kind: .fresh, roundTrip: 41, truncated: false,
                            differentAddress: false, wrongData: nil)), target
                ),
                (
                    .reply(
                        ReplyEvent(
                            reply: reply(1), from: "127.0.0.1", kind: .duplicate, roundTrip: 1500,
                            truncated: false, differentAddress: true,
                            wrongData: "\nwrong data byte #20 should be 0x14 but was 0xee\n#16\t10 ")), target
                ),
                (
                    .reply(
                        ReplyEvent(
                            reply: reply(2, checksumIsValid: false), from: "127.0.0.1", kind: .corrupted,
                            roundTrip: nil, truncated: false, differentAddress: false, wrongData: nil)), target
                ),
            ], options: options)
        // Neither the pattern nor a probe sent has a line of its own.
        XCTAssertEqual(parsed.map { $0["type"] as? String }, ["start", "reply", "reply", "reply"])

        let start = parsed[0]
        XCTAssertEqual(number(start["unix_time"]), 1_700_000_000.000042)
        XCTAssertEqual(start["host"] as? String, "127.0.0.1")
        XCTAssertEqual(number(start["payload_bytes"]), 56)
        XCTAssertEqual(number(start["packet_bytes"]), 84)
        XCTAssertEqual(start["pattern"] as? String, "ab12")
        XCTAssertTrue(start["source"] is NSNull)

        let fresh = parsed[1]
        XCTAssertEqual(number(fresh["seq"]), 1)
        XCTAssertEqual(number(fresh["bytes"]), 64)
        XCTAssertEqual(number(fresh["ttl"]), 64)
        XCTAssertEqual(number(fresh["rtt_ms"]), 0.041)
        XCTAssertEqual(fresh["duplicate"] as? Bool, false)
        XCTAssertEqual(fresh["corrupted"] as? Bool, false)
        XCTAssertTrue(fresh["wrong_data"] is NSNull)

        let duplicate = parsed[2]
        XCTAssertEqual(number(duplicate["rtt_ms"]), 1.5)
        XCTAssertEqual(duplicate["duplicate"] as? Bool, true)
        XCTAssertEqual(duplicate["different_address"] as? Bool, true)
        XCTAssertEqual(duplicate["wrong_data"] as? String, "wrong data byte #20 should be 0x14 but was 0xee\n#16\t10 ")

        let corrupted = parsed[3]
        XCTAssertEqual(corrupted["corrupted"] as? Bool, true)
        XCTAssertTrue(corrupted["rtt_ms"] is NSNull)
    }

    func testErrorsFailuresAndOutstanding() throws {
        let unreachable = ErrorReport(
            version: .v4, sequence: 3, sender: IPAddress("10.0.0.1"), type: 3, code: 1,
            info: 0, isNotice: false)
        let redirect = ErrorReport(
            version: .v4, sequence: 4, sender: IPAddress("10.0.0.1"), type: 5, code: 1,
            info: 0x0a00_0002, isNotice: true)
        let tooBig = ExtendedError(
            errorCode: UInt32(EMSGSIZE), origin: .local, type: 0, code: 0, info: 1500,
            offender: nil)
        let parsed = try lines([
            (.error(unreachable, from: "10.0.0.1"), target),
            (.error(redirect, from: "10.0.0.1"), target),
            (.sendFailed(sequence: 5, SocketError(code: ENOBUFS, call: "sendto")), target),
            (.localError(tooBig), target),
            (.outstanding(sequence: 6), target),
        ])
        XCTAssertEqual(
            parsed.map { $0["type"] as? String }, ["error", "error", "send_failed", "local_error", "outstanding"])
        XCTAssertEqual(number(parsed[0]["seq"]), 3)
        XCTAssertEqual(parsed[0]["from"] as? String, "10.0.0.1")
        XCTAssertEqual(number(parsed[0]["icmp_type"]), 3)
        XCTAssertEqual(number(parsed[0]["icmp_code"]), 1)
        XCTAssertEqual(parsed[0]["message"] as? String, "Destination Host Unreachable")
        XCTAssertEqual(parsed[0]["counted"] as? Bool, true)
        XCTAssertEqual(parsed[1]["message"] as? String, "Redirect Host(New nexthop: 10.0.0.2)")
        XCTAssertEqual(parsed[1]["counted"] as? Bool, false)
        XCTAssertEqual(number(parsed[2]["errno"]), Double(ENOBUFS))
        XCTAssertEqual(parsed[2]["message"] as? String, "No buffer space available")
        XCTAssertEqual(parsed[3]["message"] as? String, "message too long, mtu=1500")
        XCTAssertEqual(number(parsed[4]["seq"]), 6)
        for object in parsed {
            XCTAssertEqual(object["host"] as? String, "127.0.0.1")
            XCTAssertEqual(object["address"] as? String, "127.0.0.1")
        }
    }

    func testSummaryHasEveryStatisticAsNumbers() throws {
        var s = PingStatistics()
        for sequence: UInt16 in 1...3 {
            s.willSend(sequence)
            s.didSend()
        }
        _ = s.recordReply(sequence: 1, roundTrip: 38, checksumIsValid: true)
        _ = s.recordReply(sequence: 1, roundTrip: 52, checksumIsValid: true)
        _ = s.recordReply(sequence: 2, roundTrip: 52, checksumIsValid: false)
        s.recordError(sequence: 3)
        let summary = PingSummary(
            target: target, statistics: s, elapsedMilliseconds: 2003,
            elapsedNanoseconds: 2_003_000_000, timed: true, intervalMilliseconds: 1000,
            flood: false, exitStatus: 0)
        let parsed = try lines([
            (.summary(summary), target),
            (.finished(RunEnd(summaries: [summary], exitStatus: 0)), nil),
        ])
        let object = parsed[0]
        // The same figures as the text summary of PingStatistics' own test.
        let expected: [String: Double] = [
            "transmitted": 3, "received": 1, "duplicates": 1, "corrupted": 1, "errors": 1, "time_ms": 2003,
            "rtt_min_ms": 0.038, "rtt_avg_ms": 0.045, "rtt_max_ms": 0.052, "rtt_mdev_ms": 0.007,
            "rtt_p50_ms": 0.038, "rtt_p90_ms": 0.052, "rtt_p99_ms": 0.052, "jitter_ms": 0.014,
            "ewma_ms": 0.039, "ipg_ms": 1001.5, "pipe": 3, "exit_status": 0,
        ]
        for (key, value) in expected { XCTAssertEqual(number(object[key]), value, key) }
        XCTAssertEqual(try XCTUnwrap(number(object["loss_percent"])), 200.0 / 3, accuracy: 1e-9)
        XCTAssertEqual(parsed[1]["type"] as? String, "end")
        XCTAssertEqual(number(parsed[1]["hosts"]), 1)
        XCTAssertEqual(number(parsed[1]["hosts_answered"]), 1)
        XCTAssertEqual(number(parsed[1]["exit_status"]), 0)
        XCTAssertNil(parsed[1]["host"], "the end is about no one host")
    }

    /// SIGQUIT under `--json`: the counts so far as numbers, times null
    /// until a reply carried one.
    func testStatusOnSIGQUIT() throws {
        var written: [String] = []
        var reporter = JSONReporter(options: PingOptions(), write: { written.append($0) }, wallClock: { (1, 2) })
        var s = PingStatistics()
        for sequence: UInt16 in 1...4 {
            s.willSend(sequence)
            s.didSend()
        }
        reporter.reportStatus(s, timed: true, about: PingHost(0, target))
        _ = s.recordReply(sequence: 1, roundTrip: 31, checksumIsValid: true)
        _ = s.recordReply(sequence: 2, roundTrip: 62, checksumIsValid: true)
        reporter.reportStatus(s, timed: true, about: PingHost(0, target))
        let parsed = try written.map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(parsed.map { $0["type"] as? String }, ["status", "status"])
        XCTAssertEqual(number(parsed[0]["transmitted"]), 4)
        XCTAssertEqual(number(parsed[0]["received"]), 0)
        XCTAssertEqual(number(parsed[0]["loss_percent"]), 100)
        XCTAssertTrue(parsed[0]["rtt_min_ms"] is NSNull)
        XCTAssertEqual(number(parsed[1]["received"]), 2)
        XCTAssertEqual(number(parsed[1]["loss_percent"]), 50)
        XCTAssertEqual(number(parsed[1]["rtt_min_ms"]), 0.031)
        XCTAssertEqual(number(parsed[1]["rtt_avg_ms"]), 0.046)
        XCTAssertEqual(number(parsed[1]["rtt_max_ms"]), 0.062)
        XCTAssertEqual(parsed[1]["host"] as? String, "127.0.0.1")
    }

    func testSummaryWithoutRepliesHasNullsNotZeros() throws {
        var s = PingStatistics()
        s.willSend(1)
        s.didSend()
        let summary = PingSummary(
            target: target, statistics: s, elapsedMilliseconds: 0, elapsedNanoseconds: 0,
            timed: true, intervalMilliseconds: 1000, flood: false, exitStatus: 1)
        let object = try lines([(.summary(summary), target)])[0]
        XCTAssertEqual(number(object["loss_percent"]), 100)
        for key in ["rtt_min_ms", "rtt_avg_ms", "rtt_max_ms", "rtt_mdev_ms", "rtt_p50_ms", "jitter_ms", "ipg_ms"] {
            XCTAssertTrue(object[key] is NSNull, key)
        }
        XCTAssertEqual(number(object["exit_status"]), 1)
    }

    /// RFC 8259 section 7: quotes, backslashes and control characters are
    /// escaped; other text, non-ASCII included, passes as UTF-8.
    func testNamesAreEscaped() throws {
        let name = "a\"b\\c\nd\te\u{1}f\u{1f}g\u{8}\u{c}\r héllo → 日本"
        let odd = PingTarget(name: name, address: IPAddress("::1")!, displayedAddress: "::1")
        var written: [String] = []
        var reporter = JSONReporter(options: PingOptions(), write: { written.append($0) }, wallClock: { (0, 0) })
        reporter.report(.header(odd, PingOptions(), source: nil), about: PingHost(0, odd))
        let text = try XCTUnwrap(written.first)
        XCTAssertTrue(text.contains(#""host":"a\"b\\c\nd\te\u0001f\u001fg\b\f\r héllo → 日本""#), text)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        XCTAssertEqual(object["host"] as? String, name)
        XCTAssertEqual(number(object["packet_bytes"]), 104)
        XCTAssertEqual(JSONLine.quoted("\u{0}\u{7f}"), "\"\\u0000\u{7f}\"")
    }

    /// `-q`: the start, the summary and the end only.
    func testQuietKeepsStartAndSummary() throws {
        var options = PingOptions()
        options.quiet = true
        let summary = PingSummary(
            target: target, statistics: PingStatistics(), elapsedMilliseconds: 0,
            elapsedNanoseconds: 0, timed: true, intervalMilliseconds: 1000, flood: false,
            exitStatus: 1)
        let parsed = try lines(
            [
                (.header(target, options, source: nil), target),
                (
                    .reply(
                        ReplyEvent(
                            reply: reply(1), from: "127.0.0.1", kind: .fresh, roundTrip: 41, truncated: false,
                            differentAddress: false, wrongData: nil)), target
                ),
                (
                    .error(
                        ErrorReport(version: .v4, sequence: 3, sender: nil, type: 3, code: 1, info: 0, isNotice: false),
                        from: nil), target
                ),
                (.summary(summary), target),
                (.finished(RunEnd(summaries: [summary], exitStatus: 1)), nil),
            ], options: options)
        XCTAssertEqual(parsed.map { $0["type"] as? String }, ["start", "summary", "end"])
    }

    func testSignedMilliseconds() {
        XCTAssertEqual(NumberText.signedMilliseconds(41), "0.041")
        XCTAssertEqual(NumberText.signedMilliseconds(1_234_567), "1234.567")
        XCTAssertEqual(NumberText.signedMilliseconds(-41), "-0.041")
        XCTAssertEqual(NumberText.signedMilliseconds(0), "0.000")
    }

    func testCaptureVerdict() throws {
        var verification = WireVerification()
        verification.requestsSent = 3
        verification.requestsSeen = 3
        verification.repliesCounted = 3
        verification.repliesSeen = 2
        verification.badChecksums = 1
        verification.wireRoundTrips = [12_345, 14_000]
        verification.overheads = [-2_500, 1_000]
        verification.disagreements = ["icmp_seq=2: reply counted, but on the wire: \"bad\" ICMP checksum"]
        let parsed = try lines([(.capture(verification), target), (.capture(WireVerification()), target)])
        let capture = parsed[0]
        XCTAssertEqual(
            Array(capture.keys).sorted(),
            [
                "address", "agrees", "bad_checksums", "disagreements", "host", "replies_counted", "replies_on_wire",
                "requests_on_wire", "requests_sent", "tool_overhead_avg_ms", "type", "unix_time", "wire_rtt_avg_ms",
            ])
        XCTAssertEqual(capture["type"] as? String, "capture")
        XCTAssertEqual(number(capture["requests_sent"]), 3)
        XCTAssertEqual(number(capture["replies_on_wire"]), 2)
        XCTAssertEqual(number(capture["bad_checksums"]), 1)
        XCTAssertEqual(number(capture["wire_rtt_avg_ms"]), 0.013)
        XCTAssertEqual(capture["agrees"] as? Bool, false)
        XCTAssertEqual(capture["disagreements"] as? [String], verification.disagreements)
        // (-2500 + 1000) / 2 ns: -750 ns, no whole microsecond.
        XCTAssertEqual(number(capture["tool_overhead_avg_ms"]), 0)
        // Nothing matched: no averages, an empty list.
        XCTAssertTrue(parsed[1]["wire_rtt_avg_ms"] is NSNull)
        XCTAssertTrue(parsed[1]["tool_overhead_avg_ms"] is NSNull)
        XCTAssertEqual(parsed[1]["disagreements"] as? [String], [])
        XCTAssertEqual(parsed[1]["agrees"] as? Bool, true)
    }
}

/// The keys of every line type, as the README documents them: a key
/// renamed or dropped breaks scripts, so it breaks this test first.
final class JSONKeysTests: XCTestCase {
    static let common = ["type", "unix_time", "host", "address"]
    static let documented: [String: [String]] = [
        "start": common + ["payload_bytes", "packet_bytes", "source", "interface", "pattern"],
        "reply": common + [
            "from", "seq", "bytes", "ttl", "rtt_ms", "duplicate", "corrupted", "truncated",
            "different_address", "wrong_data",
        ],
        "error": common + ["seq", "from", "icmp_type", "icmp_code", "message", "counted"],
        "send_failed": common + ["seq", "errno", "message"],
        "local_error": common + ["errno", "message"],
        "outstanding": common + ["seq"],
        "summary": common + [
            "transmitted", "received", "duplicates", "corrupted", "errors", "loss_percent",
            "time_ms", "rtt_min_ms", "rtt_avg_ms", "rtt_max_ms", "rtt_mdev_ms", "rtt_p50_ms",
            "rtt_p90_ms", "rtt_p99_ms", "jitter_ms", "ewma_ms", "ipg_ms", "pipe", "exit_status",
        ],
        "status": common + [
            "transmitted", "received", "loss_percent", "rtt_min_ms", "rtt_avg_ms", "ewma_ms",
            "rtt_max_ms",
        ],
        "end": ["type", "unix_time", "hosts", "hosts_answered", "exit_status"],
    ]

    /// The keys of a line in the order written (values here hold no `":`).
    private func keys(_ line: String) -> [String] {
        line.matches(of: /"([a-z_0-9]+)":/).map { String($0.output.1) }
    }

    func testEveryTypeHasItsDocumentedKeysInOrder() {
        let target = PingTarget(name: "h", address: IPAddress("127.0.0.1")!, displayedAddress: "127.0.0.1")
        let summary = PingSummary(
            target: target, statistics: PingStatistics(), elapsedMilliseconds: 0,
            elapsedNanoseconds: 0, timed: true, intervalMilliseconds: 1000, flood: false,
            exitStatus: 1)
        let reply = EchoReply(
            sequence: 1, icmpLength: 64, hopLimit: nil, checksumIsValid: true,
            sender: target.address)
        let events: [PingEvent] = [
            .header(target, PingOptions(), source: nil),
            .reply(
                ReplyEvent(
                    reply: reply, from: "h", kind: .fresh, roundTrip: nil, truncated: true,
                    differentAddress: false, wrongData: nil)),
            .error(
                ErrorReport(version: .v6, sequence: 1, sender: nil, type: 1, code: 3, info: 0, isNotice: false),
                from: nil),
            .sendFailed(sequence: 1, SocketError(code: EPERM, call: "sendto")),
            .localError(
                ExtendedError(
                    errorCode: UInt32(EPERM), origin: .local, type: 0, code: 0, info: 0,
                    offender: nil)),
            .outstanding(sequence: 1),
            .summary(summary),
        ]
        var written: [String] = []
        var reporter = JSONReporter(options: PingOptions(), write: { written.append($0) })
        for event in events { reporter.report(event, about: PingHost(0, target)) }
        reporter.reportStatus(PingStatistics(), timed: true, about: PingHost(0, target))
        reporter.report(.finished(RunEnd(summaries: [summary], exitStatus: 1)))
        XCTAssertEqual(written.count, Self.documented.count)
        for line in written {
            let found = keys(line)
            XCTAssertEqual(
                found, Self.documented[found.first == "type" ? String(line.split(separator: "\"")[3]) : ""],
                line)
        }
    }
}
