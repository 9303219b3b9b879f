import Glibc
import SocketCore
import XCTest

final class SocketOptionTests: XCTestCase {
    func testFlagsRoundTrip() throws {
        let socket = try Socket(family: .ipv4, type: .stream)
        defer { try? socket.close() }
        for option in [SocketOption<Bool>.reuseAddress, .reusePort, .noDelay] {
            XCTAssertFalse(try socket.option(option), "\(option) is off by default")
            try socket.setOption(option, to: true)
            XCTAssertTrue(try socket.option(option), "\(option)")
            try socket.setOption(option, to: false)
            XCTAssertFalse(try socket.option(option), "\(option)")
        }
    }

    func testTimeoutsRoundTrip() throws {
        let socket = try Socket(family: .ipv6, type: .datagram)
        defer { try? socket.close() }
        for option in [SocketOption<Duration?>.receiveTimeout, .sendTimeout] {
            XCTAssertNil(try socket.option(option), "\(option): none by default")
            try socket.setOption(option, to: .milliseconds(1500))
            XCTAssertEqual(try socket.option(option), .milliseconds(1500), "\(option)")
            try socket.setOption(option, to: nil)
            XCTAssertNil(try socket.option(option), "\(option)")
        }
    }

    func testBufferSizesAreDoubledByLinux() throws {
        let socket = try Socket(family: .ipv4, type: .stream)
        defer { try? socket.close() }
        for option in [SocketOption<Int>.receiveBufferSize, .sendBufferSize] {
            try socket.setOption(option, to: 64 << 10)
            XCTAssertEqual(try socket.option(option), 128 << 10, "\(option)")
        }
    }

    func testNonBlockingRoundTrip() throws {
        let socket = try Socket(family: .unix, type: .stream)
        defer { try? socket.close() }
        XCTAssertFalse(try socket.isNonBlocking)
        try socket.setNonBlocking(true)
        XCTAssertTrue(try socket.isNonBlocking)
        try socket.setNonBlocking(false)
        XCTAssertFalse(try socket.isNonBlocking)
    }

    func testOptionErrorNamesTheOption() throws {
        let socket = try Socket(family: .unix, type: .stream)
        defer { try? socket.close() }
        XCTAssertThrowsError(try socket.setOption(.noDelay, to: true)) {
            XCTAssertEqual(
                ($0 as? SocketError)?.description,
                "setsockopt(TCP_NODELAY): EOPNOTSUPP (Operation not supported)")
        }
    }

    func testTypedConstants() {
        XCTAssertEqual(SocketFamily.ipv6.rawValue, AF_INET6)
        XCTAssertEqual(SocketType.datagram.rawValue, Int32(SOCK_DGRAM.rawValue))
        XCTAssertEqual(SocketProtocol.tcp.rawValue, Int32(IPPROTO_TCP))
        XCTAssertEqual(ShutdownHow(rawValue: Int32(SHUT_WR)), .write)
        XCTAssertEqual(ShutdownHow.both.rawValue, Int32(SHUT_RDWR))
        XCTAssertEqual("\(SocketFamily.unix) \(SocketType.stream) \(ShutdownHow.read)", "AF_UNIX SOCK_STREAM SHUT_RD")
    }
}
