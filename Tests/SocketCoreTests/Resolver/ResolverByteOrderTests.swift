import Glibc
import SocketCore
import XCTest

final class ResolverByteOrderTests: XCTestCase {
    /// Network order puts the most significant byte first in memory, whatever the host.
    func testNetworkOrderBytesAreBigEndian() {
        XCTAssertEqual(withUnsafeBytes(of: Resolver.hostToNetwork(UInt16(0x1234))) { Array($0) }, [0x12, 0x34])
        XCTAssertEqual(
            withUnsafeBytes(of: Resolver.hostToNetwork(UInt32(0x1234_5678))) { Array($0) },
            [0x12, 0x34, 0x56, 0x78])
        XCTAssertEqual(Resolver.networkToHost(UInt16(0x1234).bigEndian), 0x1234)
        XCTAssertEqual(Resolver.networkToHost(UInt32(0xdead_beef).bigEndian), 0xdead_beef)
    }

    func testLittleEndianVectors() throws {
        guard Resolver.hostByteOrder == .littleEndian else { throw XCTSkip("big-endian host") }
        XCTAssertEqual(Resolver.hostToNetwork(UInt16(0x1234)), 0x3412)
        XCTAssertEqual(Resolver.hostToNetwork(UInt16(80)), 0x5000)
        XCTAssertEqual(Resolver.hostToNetwork(UInt32(0x1234_5678)), 0x7856_3412)
        XCTAssertEqual(Resolver.hostToNetwork(UInt32(0x7f00_0001)), 0x0100_007f)
        XCTAssertEqual(Resolver.networkToHost(UInt16(0x3412)), 0x1234)
        XCTAssertEqual(Resolver.networkToHost(UInt32(0x7856_3412)), 0x1234_5678)
    }

    func testHostOrderMatchesTheMachine() {
        #if _endian(little)
            XCTAssertEqual(Resolver.hostByteOrder, .littleEndian)
        #else
            XCTAssertEqual(Resolver.hostByteOrder, .bigEndian)
        #endif
    }

    func testAgreesWithTheCLibrary() {
        for value: UInt16 in [0, 1, 0x00ff, 0xff00, 0x1234, 0x8000, 0xffff] {
            XCTAssertEqual(Resolver.hostToNetwork(value), htons(value))
            XCTAssertEqual(Resolver.networkToHost(value), ntohs(value))
            XCTAssertEqual(Resolver.networkToHost(Resolver.hostToNetwork(value)), value)
        }
        for value: UInt32 in [0, 1, 0x0000_ffff, 0xffff_0000, 0x1234_5678, 0x8000_0000, 0xffff_ffff] {
            XCTAssertEqual(Resolver.hostToNetwork(value), htonl(value))
            XCTAssertEqual(Resolver.networkToHost(value), ntohl(value))
            XCTAssertEqual(Resolver.networkToHost(Resolver.hostToNetwork(value)), value)
        }
    }
}
