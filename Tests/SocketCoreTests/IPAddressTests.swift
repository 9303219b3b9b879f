import SocketCore
import XCTest

final class IPAddressTests: XCTestCase {
    func testIPv4TextRoundTrip() {
        XCTAssertEqual(IPv4Address("127.0.0.1")?.rawValue, 0x7f00_0001)
        XCTAssertEqual(IPv4Address(rawValue: 0xc0a8_00c7).description, "192.168.0.199")
        XCTAssertNil(IPv4Address("256.0.0.1"))
        XCTAssertNil(IPv4Address("1.2.3"))
    }

    func testIPv6Text() {
        XCTAssertEqual(IPv6Address("::1"), .loopback)
        XCTAssertEqual(IPv6Address("fe80:0:0:0:0:0:0:1")?.description, "fe80::1")
        XCTAssertNil(IPv6Address("fe80:::1"))
        XCTAssertEqual(IPAddress("::1"), .v6(.loopback))
        XCTAssertEqual(IPAddress("10.0.0.1"), .v4(IPv4Address(10, 0, 0, 1)))
    }

    /// The bytes go in and come out in network order, and equal addresses
    /// are equal however they were made.
    func testIPv6BytesRoundTrip() throws {
        let bytes: [UInt8] = [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55]
        let address = IPv6Address(bytes: bytes)
        XCTAssertEqual(address.bytes, bytes)
        XCTAssertEqual(address.withUnsafeBytes { Array($0) }, bytes)
        XCTAssertEqual(address, IPv6Address("fe80::211:22ff:fe33:4455"))
        XCTAssertEqual(address.description, "fe80::211:22ff:fe33:4455")
        XCTAssertEqual(IPv6Address.loopback.bytes, [UInt8](repeating: 0, count: 15) + [1])
        XCTAssertNotEqual(IPv6Address(bytes: bytes.dropLast() + [0x56]), address)
        XCTAssertEqual(Set([address, IPv6Address(bytes: bytes), .loopback]).count, 2)
        XCTAssertEqual(IPAddress.v6(address).bytes, bytes)
        // Through a socket address and back, as sendto and recvfrom see it.
        let socketAddress = SocketAddress.ipv6(address, port: 7, scopeID: 1)
        XCTAssertEqual(SocketAddress(socketAddress.description), socketAddress)
    }
}
