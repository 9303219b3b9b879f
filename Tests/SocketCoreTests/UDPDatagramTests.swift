import SocketCore
import XCTest

final class UDPDatagramTests: XCTestCase {
    let loopback = IPv4Address(127, 0, 0, 1)

    func testPackMatchesHandVectorAndVerifies() throws {
        let datagram = UDPDatagram(sourcePort: 5000, destinationPort: 53, payload: Array("hello".utf8))
        let bytes = try datagram.packed(source: loopback, destination: loopback)
        XCTAssertEqual(bytes, [0x13, 0x88, 0x00, 0x35, 0x00, 0x0d, 0xaa, 0x42] + Array("hello".utf8))
        XCTAssertTrue(UDPDatagram.verifies(bytes, source: loopback, destination: loopback))
        XCTAssertFalse(UDPDatagram.verifies(bytes, source: loopback, destination: IPv4Address(127, 0, 0, 2)))
        let parsed = try UDPDatagram.parse(bytes)
        XCTAssertEqual(parsed.sourcePort, 5000)
        XCTAssertEqual(parsed.destinationPort, 53)
        XCTAssertEqual(parsed.payload, Array("hello".utf8))
        XCTAssertEqual(parsed.checksum, 0xaa42)
    }

    /// A zero checksum means "none" over IPv4 and is invalid over IPv6.
    func testZeroChecksumRule() throws {
        let bytes: [UInt8] = [0x13, 0x88, 0x00, 0x35, 0x00, 0x0d, 0x00, 0x00] + Array("hello".utf8)
        XCTAssertTrue(UDPDatagram.verifies(bytes, source: loopback, destination: loopback))
        XCTAssertFalse(UDPDatagram.verifies(bytes, source: .loopback, destination: .loopback))
    }

    func testIPv6RoundTrip() throws {
        let datagram = UDPDatagram(sourcePort: 1, destinationPort: 2, payload: [1, 2, 3])
        let bytes = try datagram.packed(source: .loopback, destination: .loopback)
        XCTAssertTrue(UDPDatagram.verifies(bytes, source: .loopback, destination: .loopback))
    }

    func testLyingLengthIsMalformed() {
        let bytes: [UInt8] = [0x13, 0x88, 0x00, 0x35, 0x00, 0x20, 0x00, 0x00, 1, 2]
        XCTAssertThrowsError(try UDPDatagram.parse(bytes)) { error in
            XCTAssertEqual((error as? PacketError)?.isMalformed, true)
        }
    }
}
