import XCTest

@testable import HTTP

/// Conditional and range requests answered by the site for real files.
final class ConditionalSiteTests: XCTestCase {
    private var fixture: StaticSiteFixture!
    private var site: StaticSite!

    override func setUpWithError() throws {
        fixture = try StaticSiteFixture()
        site = try fixture.site()
    }

    override func tearDown() {
        site = nil
        fixture = nil
    }

    func testIfNoneMatchGives304WithTagAndDateButNoBody() throws {
        let full = site.get("/hello.txt")
        let tag = try XCTUnwrap(full.field("etag"))
        for method in [HTTPMethod.get, .head] {
            let response = site.respond(
                method: method, target: "/hello.txt", fields: HTTPFields([("If-None-Match", "\"x\", \(tag)")]))
            XCTAssertEqual(response.status, .notModified)
            XCTAssertEqual(response.fields.map(\.name), ["ETag", "Last-Modified"])
            XCTAssertEqual(response.field("etag"), tag)
            XCTAssertEqual(response.field("last-modified"), full.field("last-modified"))
            XCTAssertEqual(response.contentLength, 0)
            guard case .empty = response.body else { return XCTFail("a 304 with a body") }
        }
        XCTAssertEqual(site.get("/hello.txt", [("If-None-Match", "\"other\"")]).status, .ok)
    }

    func testIfModifiedSinceGives304() throws {
        let modified = try XCTUnwrap(site.get("/hello.txt").field("last-modified"))
        XCTAssertEqual(site.get("/hello.txt", [("If-Modified-Since", modified)]).status, .notModified)
        XCTAssertEqual(site.get("/hello.txt", [("If-Modified-Since", "Thu, 01 Jan 1970 00:00:00 GMT")]).status, .ok)
        XCTAssertEqual(site.get("/hello.txt", [("If-Modified-Since", "not a date")]).status, .ok)
    }

    func testIfMatchThatFailsGives412() {
        XCTAssertEqual(site.get("/hello.txt", [("If-Match", "\"other\"")]).status, .preconditionFailed)
    }

    func testOneRangeGives206WithContentRange() {
        let response = site.get("/data.bin", [("Range", "bytes=100-199")])
        XCTAssertEqual(response.status, .partialContent)
        XCTAssertEqual(response.field("content-range"), "bytes 100-199/4096")
        XCTAssertEqual(response.contentLength, 100)
        XCTAssertEqual(response.bodyBytes, Array(StaticSiteFixture.data[100..<200]))
        let suffix = site.get("/data.bin", [("Range", "bytes=-10")])
        XCTAssertEqual(suffix.field("content-range"), "bytes 4086-4095/4096")
        XCTAssertEqual(suffix.bodyBytes, Array(StaticSiteFixture.data.suffix(10)))
        XCTAssertEqual(site.get("/data.bin", [("Range", "bytes=4000-")]).contentLength, 96)
    }

    func testUnsatisfiableRangeGives416() {
        let response = site.get("/data.bin", [("Range", "bytes=4096-")])
        XCTAssertEqual(response.status, .rangeNotSatisfiable)
        XCTAssertEqual(response.field("content-range"), "bytes */4096")
        XCTAssertEqual(
            site.get("/data.bin", [("Range", "bytes=99999999999999999999999-")]).status, .rangeNotSatisfiable)
    }

    func testSeveralOrInvalidRangesGetTheWhole() {
        for value in ["bytes=0-1,10-20", "bytes=5-1", "lines=1-2", "bytes=x"] {
            let response = site.get("/data.bin", [("Range", value)])
            XCTAssertEqual(response.status, .ok, value)
            XCTAssertEqual(response.contentLength, 4096, value)
        }
    }

    func testHeadIgnoresRange() {
        let response = site.respond(
            method: .head, target: "/data.bin", fields: HTTPFields([("Range", "bytes=0-9")]))
        XCTAssertEqual(response.status, .ok)
        XCTAssertEqual(response.contentLength, 4096)
    }

    func testIfRangeThatDoesNotMatchGetsTheWhole() throws {
        let full = site.get("/data.bin")
        let tag = try XCTUnwrap(full.field("etag"))
        let date = try XCTUnwrap(full.field("last-modified"))
        let range = ("Range", "bytes=0-9")
        XCTAssertEqual(site.get("/data.bin", [range, ("If-Range", tag)]).status, .partialContent)
        XCTAssertEqual(site.get("/data.bin", [range, ("If-Range", date)]).status, .partialContent)
        XCTAssertEqual(site.get("/data.bin", [range, ("If-Range", "\"stale\"")]).status, .ok)
        XCTAssertEqual(site.get("/data.bin", [range, ("If-Range", "W/\(tag)")]).status, .ok)
        XCTAssertEqual(site.get("/data.bin", [range, ("If-Range", "Thu, 01 Jan 1970 00:00:00 GMT")]).status, .ok)
    }
}
