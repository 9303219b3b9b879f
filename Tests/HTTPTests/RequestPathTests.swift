import XCTest

@testable import HTTP

final class RequestPathTests: XCTestCase {
    private func path(_ target: String) -> String? { RequestPath(target: target)?.path }

    func testOriginFormKeepsPathAndSplitsQuery() throws {
        let request = try XCTUnwrap(RequestPath(target: "/a/b.html?x=1&y=/..?z"))
        XCTAssertEqual(request.path, "/a/b.html")
        XCTAssertEqual(request.query, "x=1&y=/..?z")
        XCTAssertNil(RequestPath(target: "/a")?.query)
        XCTAssertEqual(RequestPath(target: "/a?")?.query, "")
        XCTAssertEqual(path("/"), "/")
    }

    func testAbsoluteFormTakesThePath() {
        XCTAssertEqual(path("http://example.com/a/b"), "/a/b")
        XCTAssertEqual(path("HTTP://example.com:8080/a"), "/a")
        XCTAssertEqual(path("https://example.com"), "/")
        XCTAssertEqual(RequestPath(target: "http://example.com?q")?.query, "q")
        XCTAssertNil(path("http:///a"))
        XCTAssertNil(path("ftp://example.com/a"))
    }

    func testOtherFormsAreRefused() {
        for target in ["", "*", "example.com:443", "a/b", "?x", "/a#frag", "/a b", "/a\u{7F}", "/é", "/a\\..\\b"] {
            XCTAssertNil(RequestPath(target: target), target)
        }
    }

    func testDotSegmentsAndRepeatedSlashesAreNormalised() {
        XCTAssertEqual(path("/a/./b"), "/a/b")
        XCTAssertEqual(path("/a/b/../c"), "/a/c")
        XCTAssertEqual(path("//a///b//"), "/a/b/")
        XCTAssertEqual(path("/a/."), "/a/")
        XCTAssertEqual(path("/a/.."), "/")
        XCTAssertEqual(path("/a/b/.."), "/a/")
        XCTAssertEqual(path("/./"), "/")
        XCTAssertEqual(path("/a/...b/.c"), "/a/...b/.c")
    }

    func testDotDotAboveTheRootIsRefused() {
        XCTAssertNil(path("/.."))
        XCTAssertNil(path("/../etc/passwd"))
        XCTAssertNil(path("/a/../../etc/passwd"))
        XCTAssertNil(path("/a/./../.."))
    }

    func testEncodedDotDotIsADotSegment() {
        XCTAssertNil(path("/%2e%2e/etc/passwd"))
        XCTAssertNil(path("/%2E%2E/%2e%2e/etc/passwd"))
        XCTAssertNil(path("/.%2e/etc/passwd"))
        XCTAssertEqual(path("/a/%2e%2e/b"), "/b")
    }

    func testEncodedSlashSeparatesSegmentsAfterDecoding() {
        XCTAssertNil(path("/..%2fetc%2fpasswd"))
        XCTAssertNil(path("/a%2f..%2f..%2fetc"))
        XCTAssertEqual(path("/a%2fb"), "/a/b")
    }

    func testDoubleEncodingDecodesOnlyOnce() {
        XCTAssertEqual(path("/%252e%252e/etc/passwd"), "/%2e%2e/etc/passwd")
        XCTAssertEqual(path("/%252e%252e%252fetc"), "/%2e%2e%2fetc")
        XCTAssertEqual(path("/a/%25"), "/a/%")
    }

    func testMalformedEscapesAndNULAreRefused() {
        for target in ["/%zz", "/%4", "/a%", "/%g0", "/%00", "/a%00.html", "/%0", "/%ff%fe"] {
            XCTAssertNil(RequestPath(target: target), target)
        }
    }

    func testEscapesOfUTF8AreDecoded() {
        XCTAssertEqual(path("/caf%C3%A9/%20x"), "/café/ x")
    }

    func testDotSegmentsAndRelativePaths() throws {
        XCTAssertTrue(try XCTUnwrap(RequestPath(target: "/a/.git/config")).hasDotSegment)
        XCTAssertTrue(try XCTUnwrap(RequestPath(target: "/.env")).hasDotSegment)
        XCTAssertTrue(try XCTUnwrap(RequestPath(target: "/%2eenv")).hasDotSegment)
        XCTAssertFalse(try XCTUnwrap(RequestPath(target: "/a.b/c.")).hasDotSegment)
        XCTAssertEqual(RequestPath(target: "/")?.relative, ".")
        XCTAssertEqual(RequestPath(target: "/a/b/")?.relative, "a/b/")
        XCTAssertEqual(RequestPath(target: "/a/b/")?.hasTrailingSlash, true)
    }

    func testPercentEncodingOfNames() {
        XCTAssertEqual(PercentEncoding.encode("a b&<c>\"'%".utf8), "a%20b%26%3Cc%3E%22%27%25")
        XCTAssertEqual(PercentEncoding.encode("/dir x/".utf8, keeping: "/"), "/dir%20x/")
        XCTAssertEqual(PercentEncoding.encode([0xC3, 0xA9, 0xFF]), "%C3%A9%FF")
        XCTAssertEqual(PercentEncoding.decode("a%20b".utf8), Array("a b".utf8))
    }
}
