import XCTest

@testable import HTTP

final class ClientURLTests: XCTestCase {
    func testHostsPortsAndTargets() throws {
        let plain = try HTTPURL("http://Example.COM/a%20b?q=1#frag")
        XCTAssertEqual(plain.origin, HTTPURL.Origin(host: "example.com", port: 80))
        XCTAssertEqual(plain.target, "/a%20b?q=1")
        XCTAssertEqual(plain.hostField, "example.com")
        let v4 = try HTTPURL("http://127.0.0.1:8080")
        XCTAssertEqual(v4.target, "/")
        XCTAssertEqual(v4.hostField, "127.0.0.1:8080")
        let v6 = try HTTPURL("HTTP://[::1]:81?x")
        XCTAssertEqual(v6.host, "::1")
        XCTAssertEqual(v6.target, "/?x")
        XCTAssertEqual(v6.hostField, "[::1]:81")
        XCTAssertEqual(v6.description, "http://[::1]:81/?x")
    }

    func testBadURLsAreRefused() {
        XCTAssertThrowsError(try HTTPURL("https://example.com/")) { error in
            XCTAssertEqual(error as? HTTPClientError, .unsupportedScheme("https"))
        }
        for text in [
            "example.com/", "ftp://x/", "http:///path", "http://a b/", "http://x/a b", "http://x/\u{7}",
            "http://x:0/", "http://x:65536/", "http://x:8a/", "http://[::1/", "http://[1.2.3.4]/", "http://u:p@x/",
            "http://x/é",
        ] {
            XCTAssertThrowsError(try HTTPURL(text), text)
        }
    }

    func testLocationsResolveAgainstTheRequestURL() throws {
        let base = try HTTPURL("http://h:81/a/b/c?q")
        XCTAssertEqual(try base.resolving("/x?y").description, "http://h:81/x?y")
        XCTAssertEqual(try base.resolving("d").description, "http://h:81/a/b/d")
        XCTAssertEqual(try base.resolving("../d/").description, "http://h:81/a/d/")
        XCTAssertEqual(try base.resolving("../../../../d").description, "http://h:81/d")
        XCTAssertEqual(try base.resolving("?z").description, "http://h:81/a/b/c?z")
        XCTAssertEqual(try base.resolving("//other/p").description, "http://other/p")
        XCTAssertEqual(try base.resolving("http://else:82/").description, "http://else:82/")
    }

    func testRedirectsChangeMethodsAndDropCredentialsAcrossOrigins() throws {
        let url = try HTTPURL("http://a/form")
        let post = ClientRequest(
            method: .post, url: url,
            fields: HTTPFields([("Authorization", "Basic x"), ("Cookie", "c=1"), ("Content-Type", "text/plain")]),
            body: Array("data".utf8))
        func head(_ code: Int, _ location: String) -> ResponseHead {
            ResponseHead(
                version: .http1_1, status: HTTPStatus(code: code), fields: HTTPFields([("Location", location)]))
        }
        let seeOther = try XCTUnwrap(RedirectRule.request(after: head(303, "/done"), of: post))
        XCTAssertEqual(seeOther.method, .get)
        XCTAssertNil(seeOther.body)
        XCTAssertEqual(seeOther.fields.first("authorization"), "Basic x")
        XCTAssertNil(seeOther.fields.first("content-type"))
        for code in [301, 302] {
            XCTAssertEqual(try RedirectRule.request(after: head(code, "/x"), of: post)?.method, .get)
        }
        let kept = try XCTUnwrap(RedirectRule.request(after: head(307, "http://b/next"), of: post))
        XCTAssertEqual(kept.method, .post)
        XCTAssertEqual(kept.body, Array("data".utf8))
        XCTAssertNil(kept.fields.first("authorization"))
        XCTAssertNil(kept.fields.first("cookie"))
        XCTAssertEqual(kept.url.description, "http://b/next")
        XCTAssertNil(try RedirectRule.request(after: head(300, "/x"), of: post))
        let noLocation = ResponseHead(version: .http1_1, status: HTTPStatus(code: 302), fields: HTTPFields())
        XCTAssertNil(try RedirectRule.request(after: noLocation, of: post))
    }
}
