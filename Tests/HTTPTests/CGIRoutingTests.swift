import XCTest

@testable import HTTP

final class CGIRoutingTests: XCTestCase {
    private let options = CGIOptions(directory: "/srv/cgi-bin")

    private func target(_ name: String, _ pathInfo: String = "", query: String = "") -> CGIRouting {
        .script(CGITarget(name: name, scriptName: "/cgi-bin/" + name, pathInfo: pathInfo, query: query))
    }

    func testPrefixIsNormalisedToSlashNameSlash() {
        var options = CGIOptions(directory: "/srv/x")
        XCTAssertEqual(options.prefix, "/cgi-bin/")
        for (given, normal) in [
            ("scripts", "/scripts/"), ("/scripts", "/scripts/"), ("//a//b//", "/a/b/"), ("/./a/", "/a/"), ("", "/"),
        ] {
            options.prefix = given
            XCTAssertEqual(options.prefix, normal, given)
        }
    }

    func testDirectoryIsMadeAbsolute() throws {
        XCTAssertEqual(CGIOptions(directory: "/srv/cgi-bin/").directory, "/srv/cgi-bin")
        XCTAssertEqual(CGIOptions(directory: "/").directory, "/")
        let relative = CGIOptions(directory: "cgi-bin").directory
        XCTAssertTrue(relative.hasPrefix("/") && relative.hasSuffix("/cgi-bin"), relative)
        XCTAssertFalse(relative.contains("//"), relative)
        var options = CGIOptions(directory: "/a")
        options.directory = "b/"
        XCTAssertTrue(options.directory.hasPrefix("/") && options.directory.hasSuffix("/b"), options.directory)
    }

    func testScriptNamePathInfoAndQuery() {
        XCTAssertEqual(options.route(target: "/cgi-bin/env.py"), target("env.py"))
        XCTAssertEqual(options.route(target: "/cgi-bin/env.py/"), target("env.py", "/"))
        XCTAssertEqual(options.route(target: "/cgi-bin/env.py/a/b.txt"), target("env.py", "/a/b.txt"))
        XCTAssertEqual(options.route(target: "/cgi-bin/env.py?x=1"), target("env.py", query: "x=1"))
        XCTAssertEqual(options.route(target: "/cgi-bin/env.py?"), target("env.py"))
        XCTAssertEqual(
            options.route(target: "http://example.com/cgi-bin/env.py/p?q"), target("env.py", "/p", query: "q"))
    }

    func testPathInfoIsDecodedAndNormalised() {
        XCTAssertEqual(options.route(target: "/cgi-bin/env.py/a%20b/%41"), target("env.py", "/a b/A"))
        XCTAssertEqual(options.route(target: "/cgi-bin/env.py//a/./b/../c"), target("env.py", "/a/c"))
        XCTAssertEqual(options.route(target: "/cgi-bin/en%76.py"), target("env.py"))
    }

    func testQueryIsKeptAsSentWithShellMetacharactersAndBareTerms() {
        let query = "-d+allow_url_include%3don&;id&$(id)&%60id%60&a=1&b&'x'&*&%20"
        XCTAssertEqual(options.route(target: "/cgi-bin/env.py?" + query), target("env.py", query: query))
        XCTAssertEqual(options.route(target: "/cgi-bin/env.py?a?b=/../c"), target("env.py", query: "a?b=/../c"))
    }

    func testTraversalIsNeverAScript() {
        for traversal in [
            "/cgi-bin/../etc/passwd", "/cgi-bin/%2e%2e/etc/passwd", "/cgi-bin/..%2fetc%2fpasswd",
            "/cgi-bin/.%2e/x", "/cgi-bin/%2E%2E%2Fx", "/cgi-bin/a/../../x", "/cgi-bin/./../x",
        ] {
            XCTAssertEqual(options.route(target: traversal), .notScript, traversal)
        }
        for aboveTheRoot in ["/cgi-bin/../../x", "/cgi-bin/%2e%2e/%2e%2e/x", "/cgi-bin/..%2f..%2fx"] {
            guard case .refused(let status, _) = options.route(target: aboveTheRoot) else {
                return XCTFail(aboveTheRoot)
            }
            XCTAssertEqual(status.code, 400, aboveTheRoot)
        }
        // An encoded slash is a separator once decoded: the name is still one segment.
        XCTAssertEqual(options.route(target: "/cgi-bin/a%2fb"), target("a", "/b"))
        // Decoded once: %252e%252e is the name "%2e%2e", not "..".
        XCTAssertEqual(options.route(target: "/cgi-bin/%252e%252e"), target("%2e%2e"))
    }

    func testDotNamesBarePrefixAndControlsAreRefused() {
        for (target, code) in [
            ("/cgi-bin/.htaccess", 404), ("/cgi-bin/%2ehidden", 404), ("/cgi-bin/.x/y", 404),
            ("/cgi-bin", 404), ("/cgi-bin/", 404), ("//cgi-bin//", 404), ("/cgi-bin/./", 404),
            ("/cgi-bin/a%0ab", 400), ("/cgi-bin/a/%0d%0aX:%20y", 400), ("/cgi-bin/a%7f", 400),
            ("/cgi-bin/a%00", 400), ("/cgi-bin/a b", 400), ("*", 400), ("/cgi-bin/%zz", 400),
        ] {
            guard case .refused(let status, let reason) = options.route(target: target) else {
                XCTFail("\(target): \(options.route(target: target))")
                continue
            }
            XCTAssertEqual(status.code, code, target)
            XCTAssertFalse(reason.isEmpty)
        }
    }

    func testOtherPathsAreTheStaticSites() {
        for path in ["/", "/index.html", "/cgi-binx/a", "/CGI-BIN/a", "/x/cgi-bin/a", "/cgi-bi"] {
            XCTAssertEqual(options.route(target: path), .notScript, path)
        }
    }

    func testAnotherPrefix() {
        var options = CGIOptions(directory: "/srv/s")
        options.prefix = "/app/run"
        XCTAssertEqual(
            options.route(target: "/app/run/x.py/i"),
            .script(CGITarget(name: "x.py", scriptName: "/app/run/x.py", pathInfo: "/i", query: "")))
        XCTAssertEqual(options.route(target: "/cgi-bin/x.py"), .notScript)
        XCTAssertEqual(options.route(target: "/app/x.py"), .notScript)
        guard case .refused(let status, _) = options.route(target: "/app/run") else { return XCTFail() }
        XCTAssertEqual(status.code, 404)
        options.prefix = "/"
        XCTAssertEqual(
            options.route(target: "/x.py"),
            .script(CGITarget(name: "x.py", scriptName: "/x.py", pathInfo: "", query: "")))
    }

    func testScriptPathIsTheFolderAndTheName() throws {
        guard case .script(let script) = options.route(target: "/cgi-bin/env.py/a/b?c") else { return XCTFail() }
        XCTAssertEqual(options.scriptPath(script), "/srv/cgi-bin/env.py")
        guard case .script(let atRoot) = CGIOptions(directory: "/").route(target: "/cgi-bin/x") else {
            return XCTFail()
        }
        XCTAssertEqual(CGIOptions(directory: "/").scriptPath(atRoot), "/x")
    }
}
