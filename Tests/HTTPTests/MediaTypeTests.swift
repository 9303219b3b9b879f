import XCTest

@testable import HTTP

final class MediaTypeTests: XCTestCase {
    func testTypesByExtensionIgnoringCase() {
        XCTAssertEqual(MediaType.forFileName("index.html"), "text/html; charset=utf-8")
        XCTAssertEqual(MediaType.forFileName("INDEX.HTM"), "text/html; charset=utf-8")
        XCTAssertEqual(MediaType.forFileName("app.min.JS"), "text/javascript; charset=utf-8")
        XCTAssertEqual(MediaType.forFileName("mod.mjs"), "text/javascript; charset=utf-8")
        XCTAssertEqual(MediaType.forFileName("style.css"), "text/css; charset=utf-8")
        XCTAssertEqual(MediaType.forFileName("a.Json"), "application/json")
        XCTAssertEqual(MediaType.forFileName("a.wasm"), "application/wasm")
        XCTAssertEqual(MediaType.forFileName("a.svg"), "image/svg+xml")
        XCTAssertEqual(MediaType.forFileName("photo.JPG"), "image/jpeg")
        XCTAssertEqual(MediaType.forFileName("photo.jpeg"), "image/jpeg")
        XCTAssertEqual(MediaType.forFileName("a.png"), "image/png")
        XCTAssertEqual(MediaType.forFileName("a.webp"), "image/webp")
        XCTAssertEqual(MediaType.forFileName("favicon.ico"), "image/vnd.microsoft.icon")
        XCTAssertEqual(MediaType.forFileName("notes.txt"), "text/plain; charset=utf-8")
        XCTAssertEqual(MediaType.forFileName("doc.pdf"), "application/pdf")
        XCTAssertEqual(MediaType.forFileName("f.woff2"), "font/woff2")
        XCTAssertEqual(MediaType.forFileName("v.mp4"), "video/mp4")
        XCTAssertEqual(MediaType.forFileName("x.tar.gz"), "application/gzip")
    }

    func testUnknownOrMissingExtensionsAreOctetStream() {
        for name in ["README", "a.unknown", "a.", ".", "", "archive.html.bak", "a.htmlx"] {
            XCTAssertEqual(MediaType.forFileName(name[...]), "application/octet-stream", name)
        }
    }
}
