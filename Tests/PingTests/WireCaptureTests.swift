import Glibc
import Ping
import SocketCore
import TestSupport
import XCTest

/// The capture's own failures, each one clear line, and its bounded end.
/// Capturing needs root (or CAP_NET_RAW): skipped otherwise.
final class WireCaptureTests: XCTestCase {
    private func startError(interface: String, filter: String) -> CaptureError? {
        do {
            _ = try WireCapture.start(
                interface: interface, filter: filter,
                hosts: [CapturedHost(identifier: 1, address: .v4(WireFrames.loopback4))], file: nil)
            return nil
        } catch {
            return error
        }
    }

    func testNoSuchInterface() throws {
        try requireRoot("opening a live capture")
        XCTAssertEqual(
            startError(interface: "nosuch0", filter: "icmp")?.message, "capture on nosuch0: no such interface")
    }

    func testFilterThatDoesNotCompile() throws {
        try requireRoot("opening a live capture")
        let message = try XCTUnwrap(startError(interface: "lo", filter: "icmp[4:2] ==")?.message)
        XCTAssertTrue(message.hasPrefix("capture filter \"icmp[4:2] ==\" does not compile: "), message)
        XCTAssertFalse(message.contains("\n"))
    }

    func testFileThatCannotBeWritten() throws {
        try requireRoot("opening a live capture")
        do {
            _ = try WireCapture.start(
                interface: "lo", filter: "icmp",
                hosts: [CapturedHost(identifier: 1, address: .v4(WireFrames.loopback4))],
                file: "/nonexistent-folder/run.pcap")
            XCTFail("a capture file in a missing folder was opened")
        } catch {
            XCTAssertEqual(
                error.message, "cannot write the capture: /nonexistent-folder/run.pcap: No such file or directory")
        }
    }

    /// Waiting for packets that never come ends after the quiet time, well
    /// within the 2 s cap; the reader thread is joined.
    func testFinishIsBoundedWhenNothingComes() throws {
        try requireRoot("opening a live capture")
        let host = CapturedHost(identifier: 1, address: .v4(IPv4Address(127, 0, 0, 77)))
        let capture = try WireCapture.start(
            interface: "lo", filter: EchoFilter.expression(for: [host]), hosts: [host],
            file: nil)
        let started = ContinuousClock.now
        let log = capture.finish(requests: 5, replies: 5)
        XCTAssertLessThan(ContinuousClock.now - started, .milliseconds(2500))
        XCTAssertEqual(log.echoes, [])
        XCTAssertNil(log.failure)
        // A second finish returns at once with the same result.
        XCTAssertEqual(capture.finish(requests: 5, replies: 5).echoes, [])
    }

    func testLoopbackTargetsAreCapturedOnTheLoopbackInterface() throws {
        let loopback = try XCTUnwrap(try NetworkInterface.all().first(where: \.isLoopback)).name
        XCTAssertEqual(try CaptureInterface.name(for: .v4(WireFrames.loopback4), device: nil, source: nil), loopback)
        XCTAssertEqual(
            try CaptureInterface.name(for: .v4(IPv4Address(127, 1, 2, 3)), device: nil, source: nil), loopback)
        XCTAssertEqual(try CaptureInterface.name(for: .v6(.loopback), device: nil, source: nil), loopback)
        XCTAssertEqual(try CaptureInterface.name(for: .v4(WireFrames.loopback4), device: "eth9", source: nil), "eth9")
        // A scoped link-local target: the scope's interface.
        XCTAssertEqual(
            try CaptureInterface.name(
                for: .v6(IPv6Address("fe80::1")!), scopeID: if_nametoindex(loopback),
                device: nil, source: nil), loopback)
        XCTAssertThrowsError(
            try CaptureInterface.name(
                for: .v6(IPv6Address("fe80::1")!), scopeID: 999_999,
                device: nil, source: nil))
        // An address of another interface of this host is still reached over loopback.
        for interface in try NetworkInterface.all() where !interface.isLoopback {
            for address in interface.addresses {
                XCTAssertEqual(
                    try CaptureInterface.name(for: address, device: nil, source: nil), loopback, "\(address)")
            }
        }
    }
}
