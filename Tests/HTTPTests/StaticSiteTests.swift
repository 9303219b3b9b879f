import Glibc
import SocketCore
import TestSupport
import XCTest

@testable import HTTP

final class StaticSiteTests: XCTestCase {
    private var fixture: StaticSiteFixture!

    override func setUpWithError() throws { fixture = try StaticSiteFixture() }
    override func tearDown() { fixture = nil }

    func testAFileIsServedWithItsTypeDateTagAndRanges() throws {
        let site = try fixture.site { $0.copiedFileLimit = 0 }
        let response = site.get("/hello.txt")
        XCTAssertEqual(response.status, .ok)
        XCTAssertEqual(response.bodyBytes, StaticSiteFixture.hello)
        XCTAssertEqual(response.contentLength, Int64(StaticSiteFixture.hello.count))
        guard case .file(_, let offset, let count) = response.body else { return XCTFail("not a file body") }
        XCTAssertEqual(offset, 0)
        XCTAssertEqual(count, Int64(StaticSiteFixture.hello.count))
        XCTAssertEqual(response.fields.map(\.name), ["Content-Type", "Last-Modified", "ETag", "Accept-Ranges"])
        XCTAssertEqual(response.field("content-type"), "text/plain; charset=utf-8")
        XCTAssertEqual(response.field("accept-ranges"), "bytes")
        var status = stat()
        XCTAssertEqual(stat(fixture.root + "/hello.txt", &status), 0)
        XCTAssertEqual(response.field("last-modified"), HTTPDate.format(epochSeconds: Int64(status.st_mtim.tv_sec)))
        let nanoseconds = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
        XCTAssertEqual(
            response.field("etag"),
            "\"\(String(status.st_ino, radix: 16))-\(String(status.st_size, radix: 16))-\(String(nanoseconds, radix: 16))\""
        )
        XCTAssertEqual(site.get("/page.HTML").field("content-type"), "text/html; charset=utf-8")
    }

    func testHeadGetsWhatGetGets() throws {
        let site = try fixture.site()
        let head = site.respond(method: .head, target: "/hello.txt", fields: HTTPFields())
        let get = site.get("/hello.txt")
        XCTAssertEqual(head.status, .ok)
        XCTAssertEqual(head.fieldLines, get.fieldLines)
        XCTAssertEqual(head.contentLength, get.contentLength)
    }

    func testOtherMethodsAre405WithAllow() throws {
        let response = try fixture.site().respond(method: .post, target: "/hello.txt", fields: HTTPFields())
        XCTAssertEqual(response.status, .methodNotAllowed)
        XCTAssertEqual(response.field("allow"), "GET, HEAD")
    }

    func testMissingFilesAre404() throws {
        let site = try fixture.site()
        XCTAssertEqual(site.get("/nothing.txt").status, .notFound)
        XCTAssertEqual(site.get("/hello.txt/").status, .notFound)
        XCTAssertEqual(site.get("/nothing/hello.txt").status, .notFound)
    }

    func testBadTargetsAre400() throws {
        let site = try fixture.site()
        for target in ["*", "example.com:80", "", "/%zz", "/%00", "/a%00b", "/%4", "/../hello.txt"] {
            XCTAssertEqual(site.get(target).status, .badRequest, target)
        }
        XCTAssertEqual(site.get("http://example.com/hello.txt").bodyBytes, StaticSiteFixture.hello)
    }

    func testPlainDotDotNeverLeavesTheRoot() throws {
        XCTAssertEqual(try fixture.site().get("/dir/../../outside/secret.txt").status, .badRequest)
    }

    func testEncodedDotDotNeverLeavesTheRoot() throws {
        XCTAssertEqual(try fixture.site().get("/%2e%2e/outside/secret.txt").status, .badRequest)
        XCTAssertEqual(try fixture.site().get("/dir/%2E%2E/%2e%2e/outside/secret.txt").status, .badRequest)
    }

    func testEncodedSlashNeverLeavesTheRoot() throws {
        XCTAssertEqual(try fixture.site().get("/..%2foutside%2fsecret.txt").status, .badRequest)
        XCTAssertEqual(try fixture.site().get("/dir%2f..%2f..%2foutside/secret.txt").status, .badRequest)
    }

    func testDoubleEncodingNeverLeavesTheRoot() throws {
        // Decoded once: a directory named "%2e%2e", which the root does not have.
        XCTAssertEqual(try fixture.site().get("/%252e%252e/outside/secret.txt").status, .notFound)
        XCTAssertEqual(try fixture.site().get("/%252e%252e%252foutside%252fsecret.txt").status, .notFound)
    }

    func testSymlinkedFileOutsideTheRootIsRefused() throws {
        for containment in [RootDirectory.Containment.kernel, .pathCheck] {
            XCTAssertEqual(try fixture.site(containment: containment).get("/out-file").status, .forbidden)
        }
    }

    func testSymlinkedDirectoryOutsideTheRootIsRefused() throws {
        for containment in [RootDirectory.Containment.kernel, .pathCheck] {
            let site = try fixture.site(containment: containment)
            XCTAssertEqual(site.get("/out-dir/secret.txt").status, .forbidden, "\(containment)")
            XCTAssertEqual(site.get("/out-dir/").status, .forbidden, "\(containment)")
        }
    }

    func testMagicLinkIsRefused() throws {
        for containment in [RootDirectory.Containment.kernel, .pathCheck] {
            XCTAssertEqual(try fixture.site(containment: containment).get("/proc-link/hostname").status, .forbidden)
        }
    }

    func testSymlinksInsideTheRootAreFollowed() throws {
        for containment in [RootDirectory.Containment.kernel, .pathCheck] {
            let site = try fixture.site(containment: containment)
            XCTAssertEqual(site.get("/inside").bodyBytes, StaticSiteFixture.hello)
            XCTAssertEqual(site.get("/inside-dir/").bodyText, "<p>dir</p>\n")
        }
    }

    func testTheKernelKeepsPathsBeneathTheRootWhenItCan() throws {
        XCTAssertEqual(try fixture.site().root.containment, .kernel)
        XCTAssertEqual(try fixture.site(containment: .pathCheck).root.containment, .pathCheck)
    }

    func testTheFallbackServesWhatTheKernelServes() throws {
        let kernel = try fixture.site(containment: .kernel)
        let fallback = try fixture.site(containment: .pathCheck)
        for target in ["/", "/hello.txt", "/dir", "/dir/", "/fifo", "/socket", "/nothing", "/out-file", "/inside"] {
            let expected = kernel.get(target)
            let got = fallback.get(target)
            XCTAssertEqual(got.status, expected.status, target)
            XCTAssertEqual(got.bodyBytes, expected.bodyBytes, target)
        }
    }

    func testFIFOsAndSocketFilesAre403() throws {
        let site = try fixture.site()
        XCTAssertEqual(site.get("/fifo").status, .forbidden)
        XCTAssertEqual(site.get("/socket").status, .forbidden)
    }

    func testDotFilesAre404UnlessAllowed() throws {
        let site = try fixture.site()
        XCTAssertEqual(site.get("/.secret").status, .notFound)
        XCTAssertEqual(site.get("/%2esecret").status, .notFound)
        XCTAssertEqual(site.get("/bare/.hidden").status, .notFound)
        let open = try fixture.site { $0.dotFiles = true }
        XCTAssertEqual(open.get("/.secret").bodyText, "dot\n")
    }

    func testADirectoryWithoutItsSlashIsRedirected() throws {
        let site = try fixture.site()
        let response = site.get("/dir?x=1&y")
        XCTAssertEqual(response.status, .movedPermanently)
        XCTAssertEqual(response.field("location"), "/dir/?x=1&y")
        XCTAssertEqual(site.get("/a%20dir").field("location"), "/a%20dir/")
        XCTAssertEqual(site.get("//dir/./").status, .ok)
        XCTAssertTrue(response.bodyText.contains("301 Moved Permanently"))
    }

    func testADirectoryGetsItsIndex() throws {
        let site = try fixture.site()
        XCTAssertEqual(site.get("/").bodyText, "<p>home</p>\n")
        let response = site.get("/dir/")
        XCTAssertEqual(response.bodyText, "<p>dir</p>\n")
        XCTAssertEqual(response.field("content-type"), "text/html; charset=utf-8")
        XCTAssertEqual(site.get("/a%20dir/").bodyText, "<p>a dir</p>\n")
    }

    func testAnotherIndexNameIsUsed() throws {
        let site = try fixture.site { $0.index = "hello.txt" }
        XCTAssertEqual(site.get("/").bodyBytes, StaticSiteFixture.hello)
        XCTAssertEqual(site.get("/").field("content-type"), "text/plain; charset=utf-8")
        XCTAssertEqual(site.get("/dir/").status, .forbidden)
    }

    func testADirectoryWithoutIndexIs403WithoutListing() throws {
        XCTAssertEqual(try fixture.site().get("/bare/").status, .forbidden)
    }

    func testTheRootMustBeAReadableDirectory() throws {
        XCTAssertThrowsError(try StaticSite(root: fixture.root + "/hello.txt")) { error in
            XCTAssertEqual((error as? SystemError)?.code, ENOTDIR)
        }
        XCTAssertThrowsError(try StaticSite(root: fixture.root + "/nothing")) { error in
            XCTAssertEqual((error as? SystemError)?.code, ENOENT)
        }
    }

    func testErrorPagesAreSmallEscapedHTML() {
        let response = StaticResponse.error(HTTPStatus(599, "<script>x</script>"))
        XCTAssertEqual(response.status.code, 599)
        XCTAssertEqual(response.field("content-type"), "text/html; charset=utf-8")
        XCTAssertTrue(response.bodyText.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(response.bodyText.contains("599 &lt;script&gt;x&lt;/script&gt;"))
        XCTAssertFalse(response.bodyText.contains("<script>"))
        XCTAssertEqual(response.contentLength, Int64(response.bodyBytes.count))
        let notFound = StaticResponse.error(.notFound, extraFieldLines: Array("X-A: b\r\n".utf8))
        XCTAssertEqual(notFound.fields.map(\.name), ["Content-Type", "X-A"])
        XCTAssertTrue(notFound.bodyText.contains("<h1>404 Not Found</h1>"))
    }
}
