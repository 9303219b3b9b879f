import XCTest

@testable import HTTP

final class RequestParserTests: XCTestCase {
    /// Parses `text` as one buffer that grows to the ends in `cuts`, then to
    /// its whole length, as a server's receive buffer would.
    private func parse(_ text: String, cuts: [Int] = [], limits: RequestLimits = RequestLimits()) -> RequestParse {
        let bytes = Array(text.utf8)
        var parser = RequestParser(limits: limits)
        for end in cuts + [bytes.count] {
            let outcome = bytes[0..<end].withUnsafeBytes { parser.parse($0) }
            if case .incomplete = outcome { continue }
            return outcome
        }
        return .incomplete
    }

    /// Parses `text` at once, a byte at a time and grown at every single
    /// point, and checks that each way gives the same outcome.
    private func parseEveryWay(
        _ text: String, limits: RequestLimits = RequestLimits(), file: StaticString = #filePath, line: UInt = #line
    ) -> RequestParse {
        let whole = parse(text, limits: limits)
        let count = text.utf8.count
        XCTAssertEqual(
            parse(text, cuts: Array(0...count), limits: limits), whole, "byte by byte", file: file, line: line)
        for cut in 0...count {
            XCTAssertEqual(parse(text, cuts: [cut], limits: limits), whole, "grown at \(cut)", file: file, line: line)
        }
        return whole
    }

    private func head(
        _ text: String, limits: RequestLimits = RequestLimits(), file: StaticString = #filePath, line: UInt = #line
    ) throws -> (RequestHead, consumed: Int) {
        let outcome = parseEveryWay(text, limits: limits, file: file, line: line)
        guard case .head(let head, let consumed) = outcome else {
            XCTFail("\(outcome)", file: file, line: line)
            throw RequestRefusal(.badRequest, "not a head")
        }
        return (head, consumed)
    }

    private func assertRefused(
        _ text: String, _ code: Int, _ reason: String, limits: RequestLimits = RequestLimits(),
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let expected = RequestParse.refused(RequestRefusal(HTTPStatus(code: code), reason))
        XCTAssertEqual(parseEveryWay(text, limits: limits, file: file, line: line), expected, file: file, line: line)
    }

    // MARK: - Well-formed requests

    func testParsesATypicalGet() throws {
        let text =
            "GET /index.html?q=1 HTTP/1.1\r\nHost: example.com:8080\r\nUser-Agent: curl/8.5\r\n"
            + "Accept: */*\r\nX-Tab:\tvalue with  spaces \t\r\n\r\nrest"
        let (head, consumed) = try head(text)
        XCTAssertEqual(head.method, .get)
        XCTAssertEqual(head.target, "/index.html?q=1")
        XCTAssertEqual(head.version, .http1_1)
        XCTAssertEqual(head.host, "example.com:8080")
        XCTAssertEqual(head.body, BodyFraming.none)
        XCTAssertTrue(head.persists)
        XCTAssertEqual(consumed, text.utf8.count - 4)
        XCTAssertEqual(
            head.fields,
            HTTPFields([
                ("Host", "example.com:8080"), ("User-Agent", "curl/8.5"), ("Accept", "*/*"),
                ("X-Tab", "value with  spaces"),
            ]))
    }

    func testSkipsEmptyLinesBeforeTheRequestLine() throws {
        let (head, consumed) = try head("\r\n\r\nGET / HTTP/1.0\r\n\r\n")
        XCTAssertEqual(head.target, "/")
        XCTAssertEqual(consumed, 22)
        XCTAssertNil(head.host)
    }

    func testUnknownMethodsAreLeftToTheServer() throws {
        XCTAssertEqual(try head("BREW /pot HTTP/1.1\r\nHost: a\r\n\r\n").0.method, .other("BREW"))
        XCTAssertEqual(try head("get / HTTP/1.1\r\nHost: a\r\n\r\n").0.method, .other("get"))
        XCTAssertEqual(try head("POST / HTTP/1.1\r\nHost: a\r\n\r\n").0.method, .post)
    }

    func testEachNewRequestStartsAfresh() throws {
        var parser = RequestParser()
        let first = Array("GET /a HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\n".utf8)
        let second = Array("GET /b HTTP/1.1\r\nHost: b\r\n\r\n".utf8)
        guard case .head(let one, _) = first.withUnsafeBytes({ parser.parse($0) }) else { return XCTFail() }
        guard case .head(let two, _) = second.withUnsafeBytes({ parser.parse($0) }) else { return XCTFail() }
        XCTAssertEqual(one.body, .length(3))
        XCTAssertEqual(two.body, BodyFraming.none)
        XCTAssertEqual(two.host, "b")
        XCTAssertEqual(two.fields.count, 1)
    }

    // MARK: - Persistence (RFC 9112 section 9.3)

    func testPersistenceFollowsTheVersionAndConnection() throws {
        XCTAssertTrue(try head("GET / HTTP/1.1\r\nHost: a\r\n\r\n").0.persists)
        XCTAssertFalse(try head("GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, Close\r\n\r\n").0.persists)
        XCTAssertFalse(try head("GET / HTTP/1.0\r\n\r\n").0.persists)
        XCTAssertTrue(try head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").0.persists)
        XCTAssertFalse(try head("GET / HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n").0.persists)
    }

    // MARK: - The request line

    func testRefusesMalformedRequestLines() {
        assertRefused("GET  / HTTP/1.1\r\n\r\n", 400, "empty request target")
        assertRefused("GET /a  HTTP/1.1\r\n\r\n", 400, "malformed HTTP version")
        assertRefused("GET /  HTTP/1.1\r\n\r\n", 400, "malformed HTTP version")
        assertRefused("GET / HTTP/1.1 \r\n\r\n", 400, "malformed HTTP version")
        assertRefused(" GET / HTTP/1.1\r\n\r\n", 400, "malformed request line")
        assertRefused("GET\t/ HTTP/1.1\r\n\r\n", 400, "control character in a request line")
        assertRefused("GET /\u{0}x HTTP/1.1\r\n\r\n", 400, "NUL in a request line")
        assertRefused("GET /\rx HTTP/1.1\r\n\r\n", 400, "bare CR in a request line")
        assertRefused("GET /caf\u{e9} HTTP/1.1\r\n\r\n", 400, "malformed request line")
        assertRefused("GET / http/1.1\r\n\r\n", 400, "malformed HTTP version")
        assertRefused("GET / HTTP/1.10\r\n\r\n", 400, "malformed HTTP version")
        assertRefused("GET / HTTP/1.1\n\r\n", 400, "bare LF")
        assertRefused("GET\r\n\r\n", 400, "malformed request line")
        assertRefused("\n", 400, "bare LF")
    }

    func testRefusesOtherVersionsWith505() {
        assertRefused("GET / HTTP/2.0\r\n\r\n", 505, "unsupported version HTTP/2.0")
        assertRefused("GET / HTTP/1.2\r\n\r\n", 505, "unsupported version HTTP/1.2")
        assertRefused("GET / HTTP/0.9\r\n\r\n", 505, "unsupported version HTTP/0.9")
        assertRefused("GET /\r\n", 505, "HTTP/0.9 request")
    }

    func testRefusesALongRequestLineBeforeItEnds() {
        var limits = RequestLimits()
        limits.maxRequestLine = 20
        let line = "GET /0123456 HTTP/1.1"  // 21 bytes
        assertRefused(line + "\r\nHost: a\r\n\r\n", 414, "request line too long", limits: limits)
        XCTAssertEqual(parse(line, limits: limits), .refused(RequestRefusal(.uriTooLong, "request line too long")))
        XCTAssertEqual(parse(String(line.dropLast()) + "\r", limits: limits), .incomplete)
        guard case .head = parse("GET /012345 HTTP/1.1\r\nHost: a\r\n\r\n", limits: limits) else { return XCTFail() }
        assertRefused(
            String(repeating: "\r\n", count: 11) + "GET / HTTP/1.1\r\n", 400,
            "too many empty lines before the request", limits: limits)
    }

    // MARK: - Header fields

    func testRefusesMalformedFieldLines() {
        let start = "GET / HTTP/1.1\r\nHost: a\r\n"
        assertRefused(start + "Name : v\r\n\r\n", 400, "whitespace before a field's colon")
        assertRefused(start + "Name\t: v\r\n\r\n", 400, "whitespace before a field's colon")
        assertRefused(start + "A: b\r\n  folded\r\n\r\n", 400, "obsolete line folding")
        assertRefused(start + "A: b\r\n\tfolded\r\n\r\n", 400, "obsolete line folding")
        assertRefused(start + "A: b\rc\r\n\r\n", 400, "bare CR in a field value")
        assertRefused(start + "A: b\nC: d\r\n\r\n", 400, "bare LF")
        assertRefused(start + "A: b\r\n\n", 400, "bare LF")
        assertRefused(start + "A: b\u{0}\r\n\r\n", 400, "NUL in a field value")
        assertRefused(start + "A: b\u{1b}\r\n\r\n", 400, "control character in a field value")
        assertRefused(start + "A: b\u{7f}\r\n\r\n", 400, "control character in a field value")
        assertRefused(start + "A\u{0}: b\r\n\r\n", 400, "NUL in a field name")
        assertRefused(start + "A(b): c\r\n\r\n", 400, "invalid character in a field name")
        assertRefused(start + ": c\r\n\r\n", 400, "empty field name")
        assertRefused(start + "NoColon\r\n\r\n", 400, "field line without a colon")
    }

    func testAcceptsObsTextAndEmptyValues() throws {
        let (head, _) = try head("GET / HTTP/1.1\r\nHost: a\r\nX: caf\u{e9}\r\nEmpty:\r\nSpaces:   \r\n\r\n")
        XCTAssertEqual(head.fields.first("x"), "caf\u{e9}")
        XCTAssertEqual(head.fields.first("empty"), "")
        XCTAssertEqual(head.fields.first("spaces"), "")
    }

    func testBoundsTheFieldBlock() throws {
        var limits = RequestLimits()
        limits.maxHeaderBytes = 22
        // "Host: a\r\n" is 9 bytes, "X: 123456789\r\n" 14: 23 in all.
        assertRefused(
            "GET / HTTP/1.1\r\nHost: a\r\nX: 123456789\r\n\r\n", 431, "header fields too large", limits: limits)
        XCTAssertEqual(
            parse("GET / HTTP/1.1\r\nHost: a\r\nX: 123456789", limits: limits),
            .refused(RequestRefusal(.requestHeaderFieldsTooLarge, "header fields too large")))
        _ = try head("GET / HTTP/1.1\r\nHost: a\r\nX: 12345678\r\n\r\n", limits: limits)
    }

    func testBoundsTheNumberOfFields() throws {
        var limits = RequestLimits()
        limits.maxFields = 3
        _ = try head("GET / HTTP/1.1\r\nHost: a\r\nB: 1\r\nC: 2\r\n\r\n", limits: limits)
        assertRefused(
            "GET / HTTP/1.1\r\nHost: a\r\nB: 1\r\nC: 2\r\nD: 3\r\n\r\n", 431, "too many header fields", limits: limits)
        XCTAssertEqual(
            parse("GET / HTTP/1.1\r\nHost: a\r\nB: 1\r\nC: 2\r\nD", limits: limits),
            .refused(RequestRefusal(.requestHeaderFieldsTooLarge, "too many header fields")))
    }

    func testAtTheDefaultLimits() throws {
        // Too long to parse at every split point: at once and grown once.
        func parsed(_ text: String) -> RequestParse {
            let outcome = parse(text)
            XCTAssertEqual(parse(text, cuts: [text.utf8.count / 2]), outcome)
            return outcome
        }
        let fields = (1..<100).map { "F\($0): v\r\n" }.joined()
        guard case .head(let head, _) = parsed("GET / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n") else {
            return XCTFail()
        }
        XCTAssertEqual(head.fields.count, 100)
        XCTAssertEqual(
            parsed("GET / HTTP/1.1\r\nHost: a\r\n" + fields + "Z: 1\r\n\r\n"),
            .refused(RequestRefusal(.requestHeaderFieldsTooLarge, "too many header fields")))
        let long = "X: " + String(repeating: "v", count: 32768) + "\r\n"
        XCTAssertEqual(
            parsed("GET / HTTP/1.1\r\nHost: a\r\n" + long + "\r\n"),
            .refused(RequestRefusal(.requestHeaderFieldsTooLarge, "header fields too large")))
        XCTAssertEqual(
            parsed("GET /" + String(repeating: "a", count: 8192) + " HTTP/1.1\r\n\r\n"),
            .refused(RequestRefusal(.uriTooLong, "request line too long")))
    }

    // MARK: - Host (RFC 9112 section 3.2)

    func testHostIsRequiredOnceOn11() {
        assertRefused("GET / HTTP/1.1\r\n\r\n", 400, "no Host field")
        assertRefused("GET / HTTP/1.1\r\nHost: a\r\nHOST: a\r\n\r\n", 400, "second Host field")
        assertRefused("GET / HTTP/1.0\r\nHost: a\r\nhost: b\r\n\r\n", 400, "second Host field")
    }

    func testHostValuesAreChecked() throws {
        for host in ["example.com", "127.0.0.1:80", "[::1]:8080", "[v1.x]", "a%41b", "", "x:"] {
            XCTAssertEqual(try head("GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n").0.host, host)
        }
        for host in ["a b", "a/b", "a:b", "a:1:2", "[::1", "[::1]x", "[]", "a@b", "a\\b", "[::%25eth0]", "\u{e9}"] {
            assertRefused("GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n", 400, "malformed Host")
        }
    }

    // MARK: - Framing and request smuggling (RFC 9112 sections 6.1, 6.3)

    func testReadsContentLength() throws {
        let start = "POST / HTTP/1.1\r\nHost: a\r\n"
        XCTAssertEqual(try head(start + "Content-Length: 42\r\n\r\n").0.body, .length(42))
        XCTAssertEqual(try head(start + "Content-Length: 0\r\n\r\n").0.body, .length(0))
        XCTAssertEqual(try head(start + "Content-Length: 5, 5\r\ncontent-length: 5\r\n\r\n").0.body, .length(5))
        XCTAssertEqual(try head(start + "Content-Length: 9223372036854775807\r\n\r\n").0.body, .length(.max))
    }

    func testRefusesMalformedOrDifferingContentLength() {
        let start = "POST / HTTP/1.1\r\nHost: a\r\n"
        for value in ["+5", "-5", "5 5", "0x5", "5.0", "", "5,", ",5", "9223372036854775808", "1e3"] {
            assertRefused(start + "Content-Length: \(value)\r\n\r\n", 400, "malformed Content-Length")
        }
        assertRefused(start + "Content-Length: 5, 6\r\n\r\n", 400, "differing Content-Length values")
        assertRefused(start + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n", 400, "differing Content-Length values")
    }

    func testReadsChunked() throws {
        let start = "POST / HTTP/1.1\r\nHost: a\r\n"
        XCTAssertEqual(try head(start + "Transfer-Encoding: chunked\r\n\r\n").0.body, .chunked)
        XCTAssertEqual(try head(start + "transfer-encoding: CHUNKED\r\n\r\n").0.body, .chunked)
    }

    func testRefusesOtherTransferCodings() {
        let start = "POST / HTTP/1.1\r\nHost: a\r\n"
        for value in ["gzip, chunked", "chunked, gzip", "identity", "chunked;q=1", "", "chunked,", "xchunked"] {
            assertRefused(start + "Transfer-Encoding: \(value)\r\n\r\n", 400, "transfer coding other than chunked")
        }
        assertRefused(start + "Transfer-Encoding: chunked, chunked\r\n\r\n", 400, "chunked applied more than once")
        assertRefused(
            start + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
            "chunked applied more than once")
    }

    func testRefusesBothContentLengthAndTransferEncoding() {
        let start = "POST / HTTP/1.1\r\nHost: a\r\n"
        let both = "both Content-Length and Transfer-Encoding"
        assertRefused(start + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400, both)
        assertRefused(start + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", 400, both)
    }

    func testRefusesTransferEncodingInHTTP10() {
        assertRefused(
            "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "Transfer-Encoding in an HTTP/1.0 request")
    }

    // MARK: - Growth

    func testLineFeedSearchFindsTheFirstLineFeedAtEveryOffset() {
        for count in 0..<40 {
            let plain = [UInt8](repeating: 0x8A, count: count)  // 0x0A with the high bit: no LF
            plain.withUnsafeBytes { XCTAssertEqual(LineFeedSearch.firstLineFeed(in: $0, from: 0), count) }
            for position in 0..<count {
                var bytes = plain
                bytes[position] = 0x0A
                if position + 3 < count { bytes[position + 3] = 0x0A }
                bytes.withUnsafeBytes { buffer in
                    for start in 0...position {
                        XCTAssertEqual(LineFeedSearch.firstLineFeed(in: buffer, from: start), position)
                    }
                }
            }
        }
    }

    func testALongHeadArrivingAByteAtATime() {
        // A field block near its limit, grown a byte at a time as a slow
        // client sends it: every call before the last is incomplete, and
        // the last gives the whole head.
        let text = "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "v", count: 32000) + "\r\n\r\n"
        let bytes = Array(text.utf8)
        var parser = RequestParser()
        var outcome = RequestParse.incomplete
        bytes.withUnsafeBytes { all in
            for end in 1...all.count {
                outcome = parser.parse(UnsafeRawBufferPointer(rebasing: all[0..<end]))
                if case .incomplete = outcome { continue }
                XCTAssertEqual(end, all.count)
            }
        }
        guard case .head(let head, _) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(head.fields.first("x")?.utf8.count, 32000)
    }
}
