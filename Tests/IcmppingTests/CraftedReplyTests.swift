import TestSupport
import XCTest

/// Bad replies from the network: a responder of the test's own
/// (`Responder/crafted_replies.py`, AF_PACKET in a namespace whose kernel
/// answers no echo requests) sends each kind the issue lists, and icmpping
/// is checked against iputils ping where iputils is right.
///
/// Debian's iputils 20221126 is wrong in three places, so those cases
/// assert our output alone: it counts replies with a bad checksum as
/// received (`ping4_parse_reply` computes `csfailed` and never passes it
/// on), prints `rtt min/avg/max/mdev = 9223372036854775.807/0.000/...`
/// when every reply was too short to carry a time (its `tmin` starts at
/// LONG_MAX), and takes an all-0xFF timestamp for a time, printing round
/// trips of decades.
final class CraftedReplyTests: XCTestCase {
    static let pinger = "10.202.0.1", responder = "10.202.0.2"

    /// iputils prints this line where a run in which no reply had a time
    /// has an empty one.
    private static func meaninglessRTTEmptied(_ line: String) -> String {
        line.hasPrefix("rtt min/avg/max/mdev = 9223372036854775.807/0.000/0.000/0.000 ms") ? "" : line
    }

    /// Two namespaces joined by a veth pair, the responder answering in one
    /// in `mode`; removed afterwards however `body` ends.
    private func withResponder(_ mode: String, _ body: (NetworkNamespace) async throws -> Void) async throws {
        try requireRoot()
        try requireProgram("/usr/bin/python3")
        await NetworkNamespace.removeLeftovers()
        let pinging = try await NetworkNamespace("crafted-p")
        let answering: NetworkNamespace
        do {
            answering = try await NetworkNamespace("crafted-q")
        } catch {
            await pinging.remove()
            throw error
        }
        do {
            try await pinging.shell(
                "ip link add cp\(getpid()) type veth peer name cq\(getpid()) netns \(answering.name)")
            try await pinging.shell("ip addr add \(Self.pinger)/24 dev cp\(getpid())")
            try await pinging.shell("ip link set cp\(getpid()) up")
            try await answering.shell("ip addr add \(Self.responder)/24 dev cq\(getpid())")
            try await answering.shell("ip link set cq\(getpid()) up")
            // The kernel must leave every echo request to the responder.
            try await answering.run(["sysctl", "-qw", "net.ipv4.icmp_echo_ignore_all=1"])
            let script = "\(#filePath)".replacing("CraftedReplyTests.swift", with: "Responder/crafted_replies.py")
            let (_, outcome) = try await withProgram(
                "/usr/bin/python3", [script, "cq\(getpid())", Self.responder, mode],
                launcher: launcher(namespace: answering.name)
            ) { responder in
                try await responder.waitForOutput("ready\n")
                try await body(pinging)
            }
            XCTAssertTrue(outcome.leftRunning, "the responder ended early: \(outcome.standardError)")
        } catch {
            await pinging.remove()
            await answering.remove()
            throw error
        }
        await pinging.remove()
        await answering.remove()
    }

    private let twoProbes = ["-c", "2", "-i", "0.2", "-W", "1", responder]

    /// The controls: a correct reply and an error quoting our request are
    /// counted as iputils counts them, so the cases below that expect
    /// nothing can fail.
    func testCorrectRepliesAndErrorsCount() async throws {
        try await withResponder("normal") { ns in
            let run = try await compareWithIputils(twoProbes, in: ns)
            XCTAssertEqual(
                SummaryCounts(run.ours.standardOutput), SummaryCounts(transmitted: 2, received: 2, loss: "0"))
        }
        try await withResponder("quote-ours") { ns in
            let run = try await compareWithIputils(twoProbes, in: ns)
            XCTAssertTrue(
                run.ours.standardOutput.contains("From \(Self.responder) icmp_seq=2 Destination Host Unreachable\n"),
                run.ours.standardOutput)
            XCTAssertEqual(
                SummaryCounts(run.ours.standardOutput),
                SummaryCounts(transmitted: 2, received: 0, errors: 2, loss: "100"))
        }
    }

    /// Counted as corrupted, never as received; exit status 1 (nothing
    /// came back that we can trust). iputils counts them as received.
    func testWrongChecksumIsCorruptedNotReceived() async throws {
        try await withResponder("bad-checksum") { ns in
            let run = try await icmpping(twoProbes, namespace: ns.name)
            XCTAssertEqual(run.exitCode, 1)
            XCTAssertEqual(
                masked(run.standardOutput),
                [
                    "PING \(Self.responder) (\(Self.responder)) 56(84) bytes of data.",
                    "64 bytes from \(Self.responder): icmp_seq=1 ttl=64 time=T ms (BAD CHECKSUM!)",
                    "64 bytes from \(Self.responder): icmp_seq=2 ttl=64 time=T ms (BAD CHECKSUM!)",
                    "",
                    "--- \(Self.responder) ping statistics ---",
                    "2 packets transmitted, 0 received, +2 corrupted, 100% packet loss, time Tms",
                    "", "",
                ], run.standardOutput)
        }
    }

    func testForeignIdentifierIsIgnored() async throws {
        try await withResponder("foreign-id") { ns in
            let run = try await compareWithIputils(twoProbes, in: ns)
            XCTAssertEqual(
                SummaryCounts(run.ours.standardOutput), SummaryCounts(transmitted: 2, received: 0, loss: "100"))
        }
    }

    /// 8 to 15 ICMP bytes: received, `(truncated)`, no round trip, and so
    /// no round-trip line at all (iputils prints a LONG_MAX minimum).
    func testShortRepliesAreTruncated() async throws {
        for length in 8...15 {
            try await withResponder("short:\(length)") { ns in
                let run = try await compareWithIputils(twoProbes, in: ns, rewriting: Self.meaninglessRTTEmptied)
                XCTAssertTrue(
                    run.ours.standardOutput.contains(
                        "\(length) bytes from \(Self.responder): icmp_seq=2 ttl=64 (truncated)\n"),
                    run.ours.standardOutput)
                XCTAssertEqual(
                    SummaryCounts(run.ours.standardOutput), SummaryCounts(transmitted: 2, received: 2, loss: "0"))
                XCTAssertFalse(run.ours.standardOutput.contains("rtt "), run.ours.standardOutput)
                XCTAssertEqual(run.ours.exitCode, 0)
            }
        }
    }

    /// IP headers that lie. An IHL of 4 or a total length beyond the frame
    /// never reaches a raw socket (the receiving kernel drops it in
    /// `ip_rcv_core`); our parser's own checks of both are unit-tested on
    /// bytes (ReplyClassifierTests) and fuzzed. A total length shorter than
    /// the frame makes the kernel cut the datagram there: 16 ICMP bytes
    /// whose checksum covered 64, truncated and corrupted (iputils counts
    /// them as received).
    func testHeadersThatLieAreDropped() async throws {
        for mode in ["ihl4", "total-long"] {
            try await withResponder(mode) { ns in
                let run = try await compareWithIputils(twoProbes, in: ns)
                XCTAssertEqual(
                    SummaryCounts(run.ours.standardOutput), SummaryCounts(transmitted: 2, received: 0, loss: "100"))
            }
        }
        try await withResponder("total-short") { ns in
            let run = try await icmpping(twoProbes, namespace: ns.name)
            XCTAssertTrue(
                run.standardOutput.contains("16 bytes from \(Self.responder): icmp_seq=1 ttl=64 (truncated)\n"),
                run.standardOutput)
            XCTAssertEqual(
                SummaryCounts(run.standardOutput),
                SummaryCounts(transmitted: 2, received: 0, corrupted: 2, loss: "100"))
            XCTAssertEqual(run.exitCode, 1)
        }
    }

    /// A 60-byte IP header: the echo reply starts 40 bytes later. iputils
    /// also prints every option after the reply line (a `NOP` line per
    /// no-operation byte), which icmpping does not.
    func testFortyBytesOfOptions() async throws {
        try await withResponder("options-eol") { ns in
            let run = try await compareWithIputils(twoProbes, in: ns)
            XCTAssertTrue(
                run.ours.standardOutput.contains("64 bytes from \(Self.responder): icmp_seq=2 ttl=64 time="),
                run.ours.standardOutput)
        }
        try await withResponder("options-nop") { ns in
            let run = try await compareWithIputils(twoProbes, in: ns, rewriting: { $0 == "NOP" ? nil : $0 })
            XCTAssertEqual(
                SummaryCounts(run.ours.standardOutput), SummaryCounts(transmitted: 2, received: 2, loss: "0"))
        }
    }

    func testDuplicates() async throws {
        try await withResponder("duplicate:1,2") { ns in
            let run = try await compareWithIputils(["-c", "3", "-i", "0.2", "-W", "1", Self.responder], in: ns)
            XCTAssertTrue(
                run.ours.standardOutput.contains("icmp_seq=2 ttl=64 time=")
                    && run.ours.standardOutput.split(separator: "\n").filter { $0.hasSuffix("(DUP!)") }.count == 2,
                run.ours.standardOutput)
            XCTAssertEqual(
                SummaryCounts(run.ours.standardOutput),
                SummaryCounts(transmitted: 3, received: 3, duplicates: 2, loss: "0"))
        }
    }

    /// The sequence number wraps after 65535 and probe 65537 goes out as
    /// sequence 1 again: its reply is new, not a duplicate of probe 1's,
    /// and a second copy of it is one. Provoked for real, with 65540
    /// probes in flood mode; the responder doubles its replies to
    /// sequences 0, 1, 2, 3 and 65535: probes 1-3, 65535, 65536 and
    /// 65537-65539, so 8 duplicates. The last probe (sequence 4) is
    /// answered once, so the run's end races no copy.
    func testDuplicatesAcrossTheSequenceWrap() async throws {
        try await withResponder("duplicate:0,1,2,3,65535") { ns in
            // `pipe 2` comes and goes with timing: a copy that arrives after
            // the next probe left counts two in flight (in iputils too).
            let run = try await compareWithIputils(
                ["-f", "-q", "-c", "65540", "-W", "1", Self.responder], in: ns,
                rewriting: { $0.replacing(/, pipe \d+/, with: "") })
            XCTAssertEqual(
                SummaryCounts(run.ours.standardOutput),
                SummaryCounts(transmitted: 65540, received: 65540, duplicates: 8, loss: "0"),
                run.ours.standardOutput)
        }
    }

    /// ICMP errors that quote a datagram sent elsewhere, a request with
    /// another identifier, or too little of ours to tell: not ours, not
    /// counted, not shown.
    func testErrorsAboutOtherPacketsAreIgnored() async throws {
        for mode in ["quote-other-destination", "quote-other-id", "quote-short"] {
            try await withResponder(mode) { ns in
                let run = try await compareWithIputils(twoProbes, in: ns)
                XCTAssertEqual(
                    SummaryCounts(run.ours.standardOutput), SummaryCounts(transmitted: 2, received: 0, loss: "100"),
                    mode)
                XCTAssertFalse(run.ours.standardOutput.contains("From "), run.ours.standardOutput)
            }
        }
    }

    /// Replies to even sequence numbers carry 0xFF in all 16 timestamp
    /// bytes: no time, not a round trip of decades; the statistics are
    /// those of the odd replies only.
    func testAllOnesTimestampGivesNoRoundTrip() async throws {
        try await withResponder("timestamp-ff") { ns in
            let run = try await icmpping(["-c", "4", "-i", "0.2", "-W", "1", Self.responder], namespace: ns.name)
            XCTAssertEqual(run.exitCode, 0)
            let lines = masked(run.standardOutput)
            XCTAssertEqual(
                Array(lines[1...4]),
                [
                    "64 bytes from \(Self.responder): icmp_seq=1 ttl=64 time=T ms",
                    "64 bytes from \(Self.responder): icmp_seq=2 ttl=64",
                    "64 bytes from \(Self.responder): icmp_seq=3 ttl=64 time=T ms",
                    "64 bytes from \(Self.responder): icmp_seq=4 ttl=64",
                ], run.standardOutput)
            XCTAssertEqual(SummaryCounts(run.standardOutput), SummaryCounts(transmitted: 4, received: 4, loss: "0"))
            let figures = try XCTUnwrap(
                run.standardOutput.firstMatch(
                    of: /rtt min\/avg\/max\/mdev = ([0-9.]+)\/([0-9.]+)\/([0-9.]+)\/([0-9.]+) ms/),
                run.standardOutput)
            for figure in [figures.1, figures.2, figures.3, figures.4] {
                XCTAssertLessThan(try XCTUnwrap(Double(figure)), 1000, run.standardOutput)
            }
        }
    }
}
