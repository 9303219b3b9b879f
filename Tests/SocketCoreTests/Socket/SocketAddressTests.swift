import Glibc
import XCTest

@testable import SocketCore

final class SocketAddressTests: XCTestCase {
    func testTextRoundTrips() throws {
        for text in [
            "1.2.3.4:80", "0.0.0.0:0", "255.255.255.255:65535", "[::1]:80", "[::]:0",
            "[2001:db8::1]:8080", "[fe80::1%2]:80", "/tmp/echo.sock", "./echo.sock", "a/b",
        ] {
            let address = try XCTUnwrap(SocketAddress(text), text)
            XCTAssertEqual(address.description, text)
            XCTAssertEqual(SocketAddress(address.description), address)
        }
    }

    func testParsedParts() {
        XCTAssertEqual(SocketAddress("1.2.3.4:80"), .ipv4(IPv4Address(1, 2, 3, 4), port: 80))
        XCTAssertEqual(SocketAddress("[::1]:443"), .ipv6(.loopback, port: 443))
        XCTAssertEqual(SocketAddress("[fe80::1%7]:1"), .ipv6(IPv6Address("fe80::1")!, port: 1, scopeID: 7))
        XCTAssertEqual(SocketAddress("/run/x.sock"), .unix(path: "/run/x.sock"))
        XCTAssertEqual(SocketAddress("[fe80::1%lo]:1")?.description, "[fe80::1%\(if_nametoindex("lo"))]:1")
    }

    func testIPv6IsPrintedCanonically() {
        XCTAssertEqual(SocketAddress("[0:0:0:0:0:0:0:1]:80")?.description, "[::1]:80")
        XCTAssertEqual(SocketAddress("[2001:DB8:0::1]:80")?.description, "[2001:db8::1]:80")
    }

    func testBadInputs() {
        for text in [
            "", "1.2.3.4", "1.2.3.4:", ":80", "1.2.3:80", "1.2.3.256:80", "1.2.3.4:65536",
            "1.2.3.4:-1", "1.2.3.4:+80", "1.2.3.4: 80", "1.2.3.4:8o", "1.2.3.4:123456",
            "::1:80", "[::1]", "[::1]80", "[::1]:", "[::1:80", "::1]:80", "[1.2.3.4]:80",
            "[fe80::1%]:80", "[fe80::1%no-such-if0]:80", "localhost:80", "echo.sock",
            "/" + String(repeating: "x", count: 107), "/tmp/a\0b",
        ] {
            XCTAssertNil(SocketAddress(text), String(reflecting: text))
        }
        XCTAssertNotNil(SocketAddress("/" + String(repeating: "x", count: 106)), "107 bytes fit in sun_path")
    }

    func testPartsAndFamily() {
        let v4 = SocketAddress.loopbackIPv4(port: 7)
        XCTAssertEqual(v4.family, .ipv4)
        XCTAssertEqual(v4.port, 7)
        XCTAssertEqual(v4.ipAddress, .v4(IPv4Address(127, 0, 0, 1)))
        XCTAssertNil(v4.path)
        XCTAssertEqual(SocketAddress(IPAddress("::1")!, port: 9), .loopbackIPv6(port: 9))
        XCTAssertEqual(SocketAddress.unix(path: "/x").family, .unix)
        XCTAssertNil(SocketAddress.unix(path: "/x").port)
        XCTAssertEqual(SocketAddress.unix(path: "").description, "<unnamed>")
    }

    func testEqualityAndHashing() {
        let set: Set<SocketAddress> = [
            SocketAddress("[fe80::1%1]:80")!, SocketAddress("[fe80::1%2]:80")!,
            SocketAddress("[fe80::1%1]:80")!, SocketAddress("1.2.3.4:80")!,
            SocketAddress("1.2.3.4:81")!, .unix(path: "/a"), .unix(path: "/a"),
        ]
        XCTAssertEqual(set.count, 5)
        XCTAssertNotEqual(SocketAddress("[::1]:80"), SocketAddress("[::1%1]:80"))
    }

    func testSockaddrRoundTrip() throws {
        for text in ["1.2.3.4:80", "[2001:db8::1]:8080", "[fe80::1%3]:9", "/tmp/x.sock"] {
            let address = try XCTUnwrap(SocketAddress(text))
            let storage = try SocketAddressStorage(address, call: "bind")
            XCTAssertEqual(storage.address, address, text)
        }
    }

    func testSockaddrLayoutIsNetworkOrder() throws {
        let storage = try SocketAddressStorage(SocketAddress("1.2.3.4:258")!, call: "bind")
        storage.withSockAddr { pointer, length in
            XCTAssertEqual(Int(length), MemoryLayout<sockaddr_in>.size)
            let bytes = UnsafeRawBufferPointer(start: pointer, count: Int(length))
            XCTAssertEqual(Array(bytes[2..<8]), [1, 2, 1, 2, 3, 4])
        }
        let unix = try SocketAddressStorage(.unix(path: "/ab"), call: "bind")
        unix.withSockAddr { _, length in
            XCTAssertEqual(Int(length), MemoryLayout<sa_family_t>.size + 4, "family, path and its NUL")
        }
    }

    func testUnsuitableUnixPathsAreRefusedByName() {
        XCTAssertThrowsError(
            try SocketAddressStorage(
                .unix(path: "/" + String(repeating: "x", count: 200)),
                call: "bind")
        ) {
            XCTAssertEqual(($0 as? SocketError)?.code, ENAMETOOLONG)
            XCTAssertEqual(($0 as? SocketError)?.call, "bind")
        }
        XCTAssertThrowsError(try SocketAddressStorage(.unix(path: ""), call: "connect")) {
            XCTAssertEqual(($0 as? SocketError)?.code, EINVAL)
        }
    }

    func testEmptyKernelAddressIsNone() {
        let storage = SocketAddressStorage()
        XCTAssertNil(storage.address, "family 0 is no address")
    }
}
