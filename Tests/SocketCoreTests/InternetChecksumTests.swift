import CSockCore
import SocketCore
import XCTest

/// A plain RFC 1071 sum written independently of the C core, as the oracle.
func referenceChecksum(_ bytes: [UInt8]) -> UInt16 {
    var sum: UInt32 = 0
    var i = 0
    while i + 1 < bytes.count {
        sum += UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])
        i += 2
    }
    if i < bytes.count { sum += UInt32(bytes[i]) << 8 }
    while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
    return ~UInt16(sum)
}

final class InternetChecksumTests: XCTestCase {
    /// RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2; the
    /// checksum stored is its complement, 220d.
    func testRFC1071Example() {
        let bytes: [UInt8] = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]
        XCTAssertEqual(InternetChecksum.of(bytes), 0x220d)
        XCTAssertTrue(InternetChecksum.verifies(bytes + [0x22, 0x0d]))
        XCTAssertFalse(InternetChecksum.verifies(bytes + [0x22, 0x0e]))
    }

    /// An echo request as ping sends it: id 0x1234, sequence 1, payload bytes
    /// 0...55. By hand: header words 0800 + 1234 + 0001 = 6709; payload words
    /// (2k << 8 | 2k+1) for k in 0...27 sum to 514 * 378 + 28 = 194320; total
    /// 201029 = 0x31145, folded 0x1148, complemented 0xeeb7.
    func testEchoRequestHandVector() {
        let message: [UInt8] = [8, 0, 0, 0, 0x12, 0x34, 0, 1] + (0..<56).map { UInt8($0) }
        XCTAssertEqual(InternetChecksum.of(message), 0xeeb7)
    }

    func testEmptyAndSingleByte() {
        XCTAssertEqual(InternetChecksum.of([UInt8]()), 0xffff)
        XCTAssertEqual(InternetChecksum.of([0xab]), ~UInt16(0xab00))
    }

    func testAgreesWithReferenceAndWithC() {
        var random = SystemRandomNumberGenerator()
        for length in [1, 2, 3, 63, 64, 65, 1499, 1500, 4097, 70_000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            let swiftValue = InternetChecksum.of(bytes)
            XCTAssertEqual(swiftValue, referenceChecksum(bytes), "length \(length)")
            let cValue = bytes.withUnsafeBytes { sc_checksum($0.baseAddress, $0.count) }
            XCTAssertEqual(swiftValue, UInt16(bigEndian: cValue), "length \(length)")
        }
    }

    /// Pieces of odd lengths chain to the checksum of the whole message.
    func testOddPiecesChain() {
        let bytes = (0..<1001).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for cut in [1, 3, 7, 500, 999] {
            var sum = InternetChecksum()
            sum.add(bytes[..<cut])
            sum.add(bytes[cut..<(cut + 1)])
            sum.add(bytes[(cut + 1)...])
            XCTAssertEqual(sum.value, InternetChecksum.of(bytes), "cut at \(cut)")
        }
    }

    /// Every path this CPU has gives the dispatched answer.
    func testEveryAvailablePathAgrees() {
        let bytes = (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 131) }
        let expected = InternetChecksum.of(bytes)
        XCTAssertTrue(InternetChecksum.Path.scalar.isAvailable)
        XCTAssertTrue(InternetChecksum.Path.active.isAvailable)
        for path in InternetChecksum.Path.allCases where path.isAvailable {
            for offset in 0..<4 {
                let slice = Array(bytes[offset...])
                XCTAssertEqual(
                    slice.withUnsafeBytes { path.checksum($0) },
                    referenceChecksum(slice), "\(path) at offset \(offset)")
            }
            XCTAssertEqual(bytes.withUnsafeBytes { path.checksum($0) }, expected, "\(path)")
        }
    }

    /// RFC 1624: lowering the TTL of a header updates its checksum to the
    /// value a full recomputation gives.
    func testIncrementalUpdate16() throws {
        var header: [UInt8] = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
            0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ]
        for _ in 0..<64 {
            let oldWord = UInt16(header[8]) << 8 | UInt16(header[9])
            header[8] &-= 1
            let newWord = UInt16(header[8]) << 8 | UInt16(header[9])
            let stored = UInt16(header[10]) << 8 | UInt16(header[11])
            let updated = InternetChecksum.updated(stored, replacing: oldWord, with: newWord)
            header[10] = 0
            header[11] = 0
            XCTAssertEqual(updated, InternetChecksum.of(header))
            header[10] = UInt8(updated >> 8)
            header[11] = UInt8(updated & 0xff)
            XCTAssertTrue(InternetChecksum.verifies(header))
        }
    }

    /// Rewriting a 32-bit address (as NAT does) updates the checksum.
    func testIncrementalUpdate32() {
        var header: [UInt8] = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
            0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ]
        let old: UInt32 = 0xc0a8_0001, new: UInt32 = 0x0a00_02ff
        let updated = InternetChecksum.updated(0xb861, replacing: old, with: new)
        header.replaceSubrange(12..<16, with: [0x0a, 0x00, 0x02, 0xff])
        header[10] = 0
        header[11] = 0
        XCTAssertEqual(updated, InternetChecksum.of(header))
    }

    /// UDP 127.0.0.1:5000 -> 127.0.0.1:53, payload "hello", checksummed
    /// over the IPv4 pseudo-header: 0xaa42 (computed by hand the same way
    /// as the echo vector, and by Python's reference loop).
    func testUDPPseudoHeaderVector() {
        let loopback = IPv4Address(127, 0, 0, 1)
        let udp: [UInt8] = [0x13, 0x88, 0x00, 0x35, 0x00, 0x0d, 0x00, 0x00] + Array("hello".utf8)
        var sum = InternetChecksum()
        sum.addPseudoHeader(source: loopback, destination: loopback, protocol: 17, length: 13)
        sum.add(udp)
        XCTAssertEqual(sum.value, 0xaa42)
    }

    /// ICMPv6 echo ::1 -> ::1, id 0x1234, sequence 1, payload "abcdefgh":
    /// 0xdbe8 with the IPv6 pseudo-header (next header 58, length 16).
    func testICMPv6PseudoHeaderVector() {
        let message: [UInt8] = [128, 0, 0, 0, 0x12, 0x34, 0, 1] + Array("abcdefgh".utf8)
        var sum = InternetChecksum()
        sum.addPseudoHeader(source: .loopback, destination: .loopback, nextHeader: 58, length: 16)
        sum.add(message)
        XCTAssertEqual(sum.value, 0xdbe8)
    }
}
