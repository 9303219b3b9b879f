import XCTest

@testable import HTTP

final class ChunkedDecoderTests: XCTestCase {
    /// What decoding a message gave: its body, trailers and the bytes it
    /// consumed, or the framing error.
    private struct Decoded: Equatable {
        var body: [UInt8] = []
        var trailers = HTTPFields()
        var consumed = 0
        var complete = false
        var error: FramingError?
    }

    /// Decodes `text` fed in pieces that end at `cuts`.
    private func decode(_ text: String, cuts: [Int] = [], decoder: ChunkedDecoder = ChunkedDecoder()) -> Decoded {
        let bytes = Array(text.utf8)
        var decoder = decoder
        var decoded = Decoded()
        var start = 0
        do {
            for end in cuts + [bytes.count] where end >= start && !decoder.isComplete {
                let used = try bytes[start..<end].withUnsafeBytes { piece in
                    try decoder.feed(piece) { decoded.body.append(contentsOf: $0) }
                }
                decoded.consumed += used
                start = end
            }
        } catch {
            decoded.error = error as? FramingError
            decoded.consumed = 0  // meaningless once refused
        }
        decoded.complete = decoder.isComplete
        decoded.trailers = decoder.trailers
        XCTAssertEqual(decoder.bodyBytes, Int64(decoded.body.count))
        return decoded
    }

    /// Decodes `text` at once, a byte at a time and split at every single
    /// point, and checks that each way gives the same outcome.
    private func decodeEveryWay(
        _ text: String, decoder: ChunkedDecoder = ChunkedDecoder(), file: StaticString = #filePath, line: UInt = #line
    ) -> Decoded {
        let whole = decode(text, decoder: decoder)
        let count = text.utf8.count
        XCTAssertEqual(
            decode(text, cuts: Array(0...count), decoder: decoder), whole, "byte by byte", file: file, line: line)
        for cut in 0...count {
            XCTAssertEqual(
                decode(text, cuts: [cut], decoder: decoder), whole, "split at \(cut)", file: file, line: line)
        }
        return whole
    }

    private func assertRefused(
        _ text: String, _ reason: String, decoder: ChunkedDecoder = ChunkedDecoder(), file: StaticString = #filePath,
        line: UInt = #line
    ) {
        let decoded = decodeEveryWay(text, decoder: decoder, file: file, line: line)
        XCTAssertEqual(decoded.error?.reason, reason, file: file, line: line)
        XCTAssertFalse(decoded.complete, file: file, line: line)
    }

    func testDecodesChunksAndStopsAtTheMessageEnd() {
        let decoded = decodeEveryWay("5\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\nGET / HTTP/1.1\r\n")
        XCTAssertNil(decoded.error)
        XCTAssertTrue(decoded.complete)
        XCTAssertEqual(String(decoding: decoded.body, as: UTF8.self), "helloabcdefghijklmnopqrstuvwxyz")
        XCTAssertEqual(decoded.consumed, 47)
        XCTAssertTrue(decoded.trailers.isEmpty)
    }

    func testReadsTrailers() {
        let decoded = decodeEveryWay("3\r\nabc\r\n0\r\nExpires: never\r\nDigest:  sha-256=x \r\n\r\n")
        XCTAssertTrue(decoded.complete)
        XCTAssertEqual(decoded.trailers, HTTPFields([("Expires", "never"), ("Digest", "sha-256=x")]))
    }

    func testAcceptsWellFormedExtensions() {
        let decoded = decodeEveryWay("3;a=b ; c ; d=\"x;\\\"y\"\r\nabc\r\n0;last\r\n\r\n")
        XCTAssertNil(decoded.error)
        XCTAssertEqual(decoded.body, Array("abc".utf8))
    }

    func testIncompleteInputIsNotAnError() {
        let decoded = decodeEveryWay("5\r\nhel")
        XCTAssertNil(decoded.error)
        XCTAssertFalse(decoded.complete)
        XCTAssertEqual(decoded.body, Array("hel".utf8))
        XCTAssertEqual(decoded.consumed, 6)
    }

    func testRefusesSizesThatOverflow() {
        // nginx CVE-2013-2028: a size that wraps round to a negative one.
        assertRefused("8000000000000000\r\n", "chunk size overflows")
        assertRefused("FFFFFFFFFFFFFFFFF\r\nabc", "chunk size overflows")
        let largest = decode("7fffffffffffffff\r\nabc")
        XCTAssertNil(largest.error)
        XCTAssertEqual(largest.body.count, 3)
    }

    func testRefusesABodyOverItsLimit() {
        let limited = ChunkedDecoder(maxBodyBytes: 8)
        assertRefused("5\r\nhello\r\n4\r\n", "chunked body over its limit", decoder: limited)
        let atLimit = decodeEveryWay("5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n", decoder: limited)
        XCTAssertTrue(atLimit.complete)
    }

    func testRefusesMalformedSizes() {
        assertRefused("\r\n", "chunk size is not hexadecimal")
        assertRefused("-5\r\nhello\r\n0\r\n\r\n", "chunk size is not hexadecimal")
        assertRefused("+5\r\nhello\r\n0\r\n\r\n", "chunk size is not hexadecimal")
        assertRefused(" 5\r\nhello\r\n0\r\n\r\n", "chunk size is not hexadecimal")
        assertRefused("0x5\r\nhello\r\n0\r\n\r\n", "malformed chunk extension")
        assertRefused("5 \r\nhello\r\n0\r\n\r\n", "malformed chunk extension")
    }

    func testRefusesMalformedExtensions() {
        for line in ["5;", "5;=a", "5;a=", "5;a=\"open", "5;a b", "5;a=b c", "5;a=\"\u{1}\"", "5;a;"] {
            assertRefused("\(line)\r\nhello\r\n0\r\n\r\n", "malformed chunk extension")
        }
    }

    func testRefusesBareCarriageReturnsAndLineFeeds() {
        assertRefused("5\nhello\r\n0\r\n\r\n", "bare LF in chunked framing")
        assertRefused("5\r\nhello\n0\r\n\r\n", "chunk data not followed by CRLF")
        assertRefused("5\r\nhello\r0\r\n\r\n", "chunk data not followed by CRLF")
        assertRefused("5\r\nhelloXY0\r\n\r\n", "chunk data not followed by CRLF")
        assertRefused("5;a\rb\r\nhello\r\n0\r\n\r\n", "bare CR in chunked framing")
        assertRefused("0\r\n\n", "bare LF in chunked framing")
        assertRefused("0\r\nA: b\rc\r\n\r\n", "bare CR in chunked framing")
    }

    func testBoundsLines() {
        let small = ChunkedDecoder(maxLineBytes: 8)
        XCTAssertTrue(decodeEveryWay("3;a=bcd\r\nabc\r\n0\r\n\r\n", decoder: small).complete)
        assertRefused("3;a=bcdef\r\nabc\r\n0\r\n\r\n", "chunk size line too long", decoder: small)
        // Refused before the line ends, however long it grows.
        XCTAssertEqual(decode("3;a=bcdefgh", decoder: small).error?.reason, "chunk size line too long")
    }

    func testBoundsTheTrailerSection() {
        // "A: 12\r\n" is 7 bytes and the empty line 2.
        let small = ChunkedDecoder(maxTrailerBytes: 9, maxTrailerFields: 1)
        XCTAssertTrue(decodeEveryWay("0\r\nA: 12\r\n\r\n", decoder: small).complete)
        assertRefused("0\r\nA: 123\r\n\r\n", "trailer section too large", decoder: small)
        assertRefused("0\r\nA:1\r\nB:\r\n\r\n", "too many trailer fields", decoder: small)
    }

    func testTrailersFollowTheHeaderRules() {
        assertRefused("0\r\nA : b\r\n\r\n", "trailer: whitespace before a field's colon")
        assertRefused("0\r\nA: b\r\n c\r\n\r\n", "trailer: obsolete line folding")
        assertRefused("0\r\nA@b: c\r\n\r\n", "trailer: invalid character in a field name")
        assertRefused("0\r\nA: b\u{0}\r\n\r\n", "trailer: NUL in a field value")
        assertRefused("0\r\nAb\r\n\r\n", "trailer: field line without a colon")
    }

    func testKeepsRefusingAfterAnError() throws {
        var decoder = ChunkedDecoder()
        let bad = Array("x\r\n".utf8)
        XCTAssertThrowsError(try bad.withUnsafeBytes { try decoder.feed($0) { _ in } })
        let good = Array("0\r\n\r\n".utf8)
        XCTAssertThrowsError(try good.withUnsafeBytes { try decoder.feed($0) { _ in } }) { error in
            XCTAssertEqual(error as? FramingError, FramingError("chunk size is not hexadecimal"))
        }
    }

    func testErrorsOfTheDataClosurePropagate() {
        struct Full: Error {}
        var decoder = ChunkedDecoder()
        let bytes = Array("3\r\nabc\r\n0\r\n\r\n".utf8)
        XCTAssertThrowsError(try bytes.withUnsafeBytes { try decoder.feed($0) { _ in throw Full() } }) { error in
            XCTAssertTrue(error is Full)
        }
    }

    func testRandomMessagesDecodeTheSameHoweverTheyAreSplit() {
        var generator = SeededGenerator(seed: 0x5EED)
        for _ in 0..<50 {
            var text = ""
            var body = ""
            for _ in 0..<Int.random(in: 0...4, using: &generator) {
                let chunk = String(repeating: "z", count: Int.random(in: 1...40, using: &generator))
                text += String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n"
                body += chunk
            }
            text += "0\r\nT: v\r\n\r\n"
            let decoded = decodeEveryWay(text)
            XCTAssertEqual(decoded.body, Array(body.utf8))
            XCTAssertEqual(decoded.trailers.first("t"), "v")
        }
    }
}

/// A small deterministic generator (SplitMix64), so a failing case repeats.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
