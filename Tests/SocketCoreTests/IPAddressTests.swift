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
}
