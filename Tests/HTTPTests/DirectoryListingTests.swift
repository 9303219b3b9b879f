import XCTest

@testable import HTTP

final class DirectoryListingTests: XCTestCase {
    private var fixture: StaticSiteFixture!

    override func setUpWithError() throws { fixture = try StaticSiteFixture() }
    override func tearDown() { fixture = nil }

    func testListingEscapesNamesAndEncodesLinks() throws {
        let response = try fixture.site { $0.listing = true }.get("/bare/")
        XCTAssertEqual(response.status, .ok)
        XCTAssertEqual(response.field("content-type"), "text/html; charset=utf-8")
        let page = response.bodyText
        XCTAssertTrue(page.contains("<title>Index of /bare/</title>"), page)
        XCTAssertTrue(page.contains("<li><a href=\"../\">../</a></li>"), page)
        XCTAssertTrue(page.contains("<a href=\"%3Cx%3E%26%27.txt\">&lt;x&gt;&amp;&#39;.txt</a>"), page)
        XCTAssertTrue(page.contains("<a href=\"a%20b.txt\">a b.txt</a>"), page)
        XCTAssertTrue(page.contains("<a href=\"sub/\">sub/</a>"), page)
        XCTAssertFalse(page.contains("hidden"), page)
        XCTAssertFalse(page.contains("<x>"), page)
        let order = ["&lt;x&gt;", "a b.txt", "sub/"].map { page.range(of: $0)!.lowerBound }
        XCTAssertEqual(order, order.sorted())
    }

    func testListingShowsDotFilesWhenAllowed() throws {
        let page = try fixture.site {
            $0.listing = true
            $0.dotFiles = true
        }.get("/bare/").bodyText
        XCTAssertTrue(page.contains("<a href=\".hidden\">.hidden</a>"), page)
    }

    func testAnIndexWinsOverTheListing() throws {
        let site = try fixture.site { $0.listing = true }
        XCTAssertEqual(site.get("/dir/").bodyText, "<p>dir</p>\n")
        let root = try fixture.site {
            $0.listing = true
            $0.index = "none.html"
        }.get("/").bodyText
        XCTAssertFalse(root.contains("href=\"../\""), root)
        XCTAssertTrue(root.contains("<a href=\"dir/\">dir/</a>"), root)
        XCTAssertTrue(root.contains("<a href=\"hello.txt\">hello.txt</a>"), root)
    }
}
