import TestSupport
import XCTest

@testable import HTTP

final class CGIEnvironmentTests: XCTestCase {
    private func facts(
        method: HTTPMethod = .get, target: String = "/cgi-bin/env.py/a/b?x=1&y", fields: [(String, String)] = [],
        contentLength: Int64? = nil
    ) throws -> CGIRequestFacts {
        guard case .script(let script) = CGIOptions(directory: "/srv/cgi-bin").route(target: target) else {
            throw TestFailure("not a script: \(target)")
        }
        return CGIRequestFacts(
            method: method, version: .http1_1, target: script, fields: HTTPFields(fields),
            contentLength: contentLength, documentRoot: "/srv/www/", serverName: "example.com", serverPort: 8080,
            remoteAddress: "127.0.0.1", remotePort: 50123, serverSoftware: "sockworks/1.2.3", path: "/opt/bin:/bin")
    }

    func testEveryMetaVariableOfAGet() throws {
        let variables = CGIEnvironment.variables(for: try facts(fields: [("Host", "example.com:8080")]))
        XCTAssertEqual(
            variables,
            [
                "GATEWAY_INTERFACE": "CGI/1.1", "SERVER_SOFTWARE": "sockworks/1.2.3", "SERVER_NAME": "example.com",
                "SERVER_PORT": "8080", "SERVER_PROTOCOL": "HTTP/1.1", "REQUEST_METHOD": "GET",
                "SCRIPT_NAME": "/cgi-bin/env.py", "PATH_INFO": "/a/b", "PATH_TRANSLATED": "/srv/www/a/b",
                "QUERY_STRING": "x=1&y", "REMOTE_ADDR": "127.0.0.1", "REMOTE_HOST": "127.0.0.1",
                "REMOTE_PORT": "50123", "HTTP_HOST": "example.com:8080", "PATH": "/opt/bin:/bin",
                "REDIRECT_STATUS": "200",
            ])
    }

    func testAPostHasContentLengthAndType() throws {
        let variables = CGIEnvironment.variables(
            for: try facts(
                method: .post, target: "/cgi-bin/form.py",
                fields: [
                    ("Content-Type", "application/x-www-form-urlencoded"), ("Content-Length", "11"),
                    ("Transfer-Encoding", "chunked"),
                ], contentLength: 11))
        XCTAssertEqual(variables["REQUEST_METHOD"], "POST")
        XCTAssertEqual(variables["CONTENT_LENGTH"], "11")
        XCTAssertEqual(variables["CONTENT_TYPE"], "application/x-www-form-urlencoded")
        XCTAssertEqual(variables["PATH_INFO"], "")
        XCTAssertEqual(variables["QUERY_STRING"], "")
        for absent in ["PATH_TRANSLATED", "HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH", "HTTP_TRANSFER_ENCODING"] {
            XCTAssertNil(variables[absent], absent)
        }
    }

    func testNoBodyNoContentLength() throws {
        let variables = CGIEnvironment.variables(for: try facts())
        XCTAssertNil(variables["CONTENT_LENGTH"])
        XCTAssertNil(variables["CONTENT_TYPE"])
        XCTAssertEqual(CGIEnvironment.variables(for: try facts(contentLength: 0))["CONTENT_LENGTH"], "0")
    }

    func testOnlyPathComesFromTheServer() throws {
        var facts = try facts()
        facts.path = nil
        let variables = CGIEnvironment.variables(for: facts)
        XCTAssertEqual(variables["PATH"], CGIEnvironment.defaultPath)
        for name in ["HOME", "USER", "LD_PRELOAD", "PWD", "SHELL"] { XCTAssertNil(variables[name], name) }
    }

    func testHeaderNamesAreMappedAndDuplicatesJoined() throws {
        let variables = CGIEnvironment.variables(
            for: try facts(fields: [
                ("User-Agent", "curl/8"), ("accept", "text/html"), ("X-Forwarded-For", "10.0.0.1"),
                ("Accept", "*/*;q=0.1"), ("X-Forwarded-For", "10.0.0.2"), ("Cookie", "a=1"), ("cookie", "b=2"),
            ]))
        XCTAssertEqual(variables["HTTP_USER_AGENT"], "curl/8")
        XCTAssertEqual(variables["HTTP_ACCEPT"], "text/html, */*;q=0.1")
        XCTAssertEqual(variables["HTTP_X_FORWARDED_FOR"], "10.0.0.1, 10.0.0.2")
        XCTAssertEqual(variables["HTTP_COOKIE"], "a=1; b=2")
    }

    func testHttpoxyProxyFieldNeverBecomesHTTPProxy() throws {
        let variables = CGIEnvironment.variables(
            for: try facts(fields: [("Proxy", "http://attacker.example:3128"), ("PROXY", "x")]))
        XCTAssertNil(variables["HTTP_PROXY"])
        XCTAssertFalse(variables.values.contains { $0.contains("attacker") })
    }

    func testNamesThatCouldPassForOthersAreDropped() throws {
        let variables = CGIEnvironment.variables(
            for: try facts(fields: [
                ("X_Forwarded_For", "spoofed"), ("X.Y", "1"), ("X~Y", "1"), ("Authorization", "Basic dTpw"),
                ("Proxy-Authorization", "Basic dTpw"), ("X-Ok-1", "kept"),
            ]))
        XCTAssertNil(variables["HTTP_X_FORWARDED_FOR"])
        XCTAssertNil(variables["HTTP_AUTHORIZATION"])
        XCTAssertNil(variables["HTTP_PROXY_AUTHORIZATION"])
        XCTAssertEqual(variables["HTTP_X_OK_1"], "kept")
        XCTAssertEqual(variables.keys.filter { $0.hasPrefix("HTTP_") }.sorted(), ["HTTP_X_OK_1"])
    }

    func testShellshockAndNonPrintableValuesAreDropped() throws {
        let variables = CGIEnvironment.variables(
            for: try facts(fields: [
                ("User-Agent", "() { :; }; /bin/rm -rf /"), ("Referer", " () { ignored; }; id"),
                ("X-Utf8", "caf\u{E9}"), ("X-Escape", "a\u{1B}[31mb"), ("X-Tab", "a\tb"),
                ("X-Later", "ok"), ("X-Later", "() { :; }; id"), ("X-Parens", "f() is fine"),
                ("Content-Type", "() { :; }; id"),
            ]))
        for absent in ["HTTP_USER_AGENT", "HTTP_REFERER", "HTTP_X_UTF8", "HTTP_X_ESCAPE", "CONTENT_TYPE"] {
            XCTAssertNil(variables[absent], absent)
        }
        // A name with one bad value is dropped whole.
        XCTAssertNil(variables["HTTP_X_LATER"])
        XCTAssertEqual(variables["HTTP_X_TAB"], "a\tb")
        XCTAssertEqual(variables["HTTP_X_PARENS"], "f() is fine")
        XCTAssertFalse(CGIEnvironment.isSafeValue("()"))
        XCTAssertTrue(CGIEnvironment.isSafeValue("(x)"))
        XCTAssertTrue(CGIEnvironment.isSafeValue(""))
    }

    func testVariableNames() {
        XCTAssertEqual(CGIEnvironment.variableName(forField: "If-None-Match"), "HTTP_IF_NONE_MATCH")
        XCTAssertEqual(CGIEnvironment.variableName(forField: "x-a9"), "HTTP_X_A9")
        for refused in ["", "a_b", "a.b", "a b", "Proxy", "proxy", "Content-Length", "content-type", "\u{E9}"] {
            XCTAssertNil(CGIEnvironment.variableName(forField: refused), refused)
        }
    }

    func testHTTP10AndHead() throws {
        var facts = try facts(method: .head)
        facts.version = .http1_0
        let variables = CGIEnvironment.variables(for: facts)
        XCTAssertEqual(variables["SERVER_PROTOCOL"], "HTTP/1.0")
        XCTAssertEqual(variables["REQUEST_METHOD"], "HEAD")
    }
}
