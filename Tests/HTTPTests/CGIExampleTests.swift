import Foundation
import Glibc
import SystemPackage
import TestSupport
import XCTest

@testable import HTTP

/// The scripts of Examples/cgi-bin, run by python3 as the server runs them:
/// an environment of meta-variables only, their folder as working folder,
/// the body on standard input. Their output is read with the server's own
/// header parser.
final class CGIExampleTests: XCTestCase {
    private static let examples: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/HTTPTests/CGIExampleTests.swift
        return parts.joined(separator: "/") + "/Examples"
    }()

    private var folder: TemporaryFolder!

    override func setUpWithError() throws {
        folder = try TemporaryFolder(prefix: "sockworks-cgi")
        for script in ["hello.py", "comment.py", "personal.py"] {
            try writeFile(folder.file(script), readFile(Self.examples + "/cgi-bin/" + script))
        }
    }

    override func tearDown() {
        folder.remove()
    }

    private struct Answer: Sendable {
        let head: CGIResponseHead
        let body: String
    }

    private func run(_ script: String, _ variables: [String: String], input: String = "") async throws -> Answer {
        try await Self.run(script, in: folder.path, variables, input: input)
    }

    /// Runs `script` from `folder` with `variables` and `input`.
    nonisolated private static func run(
        _ script: String, in folder: String, _ variables: [String: String], input: String
    )
        async throws -> Answer
    {
        var environment = ["PATH": CGIEnvironment.defaultPath, "GATEWAY_INTERFACE": "CGI/1.1"]
        environment.merge(variables) { $1 }
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let run = try await runProgram(
            FilePath("/usr/bin/env"), ["-i", "-C", folder] + assignments + ["/usr/bin/python3", script],
            input: Array(input.utf8))
        XCTAssertFalse(run.timedOut)
        XCTAssertEqual(run.status, .exited(0), run.standardError)
        var parser = CGIHeaderParser()
        let step = run.standardOutputBytes.withUnsafeBytes { parser.parse($0) }
        guard case .head(let head, let consumed) = step else { throw TestFailure("\(script): \(step)") }
        return Answer(head: head, body: String(decoding: run.standardOutputBytes[consumed...], as: UTF8.self))
    }

    private func post(_ script: String, _ body: String, length: Int? = nil, type: String? = nil) async throws
        -> Answer
    {
        try await Self.post(script, in: folder.path, body, length: length, type: type)
    }

    nonisolated private static func post(
        _ script: String, in folder: String, _ body: String, length: Int? = nil, type: String? = nil
    ) async throws -> Answer {
        try await run(
            script, in: folder,
            [
                "REQUEST_METHOD": "POST", "CONTENT_LENGTH": String(length ?? body.utf8.count),
                "CONTENT_TYPE": type ?? "application/x-www-form-urlencoded",
            ], input: body)
    }

    func testScriptsAreExecutableWithAnInterpreterLine() throws {
        for script in ["hello.py", "comment.py", "personal.py"] {
            let path = Self.examples + "/cgi-bin/" + script
            var status = stat()
            XCTAssertEqual(stat(path, &status), 0, path)
            XCTAssertNotEqual(status.st_mode & S_IXUSR, 0, "\(script) is not executable")
            XCTAssertEqual(
                String(decoding: try readFile(path).prefix(22), as: UTF8.self), "#!/usr/bin/env python3", script)
        }
    }

    func testHelloWorld() async throws {
        let answer = try await run("hello.py", ["REQUEST_METHOD": "GET", "QUERY_STRING": ""])
        XCTAssertEqual(answer.head.kind, .document)
        XCTAssertEqual(answer.head.status, .ok)
        XCTAssertEqual(answer.head.contentType, "text/html; charset=utf-8")
        XCTAssertTrue(answer.body.contains("<h1>Hello World!</h1>"), answer.body)
    }

    func testCommentByGetIsEscaped() async throws {
        let answer = try await run(
            "comment.py",
            [
                "REQUEST_METHOD": "GET",
                "QUERY_STRING": "name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&comment=a+%26+b%0A%22quoted%22",
            ])
        XCTAssertEqual(answer.head.status.code, 200)
        XCTAssertTrue(answer.body.contains("Thank you, &lt;script&gt;alert(1)&lt;/script&gt;"), answer.body)
        XCTAssertTrue(answer.body.contains("a &amp; b<br>\n&quot;quoted&quot;"), answer.body)
        XCTAssertFalse(answer.body.contains("<script>"))
    }

    func testCommentByPostReadsContentLengthBytes() async throws {
        // Bytes past CONTENT_LENGTH are not the form's.
        let answer = try await post("comment.py", "name=Ada&comment=Hello&name=Eve", length: 22)
        XCTAssertEqual(answer.head.status.code, 200)
        XCTAssertTrue(answer.body.contains("Thank you, Ada"), answer.body)
        XCTAssertTrue(answer.body.contains("<blockquote>Hello</blockquote>"), answer.body)
    }

    func testBadFormsAreRefused() async throws {
        let cases: [(body: String, length: Int?, type: String?, code: Int)] = [
            ("name=Ada", nil, nil, 400),  // no comment
            ("name=&comment=x", nil, nil, 400),  // an empty name
            ("name=%FF&comment=x", nil, nil, 400),  // not UTF-8
            ("name=Ada&comment=x", 40, nil, 400),  // the body ends early
            ("name=Ada&comment=x", nil, "text/plain", 415),
            ("name=Ada&comment=x", 1 << 20, nil, 413),
            ("name=" + String(repeating: "a", count: 101) + "&comment=x", nil, nil, 400),
            (Array(repeating: "a=1", count: 11).joined(separator: "&"), nil, nil, 400),  // too many fields
        ]
        for (body, length, type, code) in cases {
            let answer = try await post("comment.py", body, length: length, type: type)
            XCTAssertEqual(answer.head.status.code, code, body)
            XCTAssertEqual(answer.head.contentType, "text/html; charset=utf-8")
        }
        let put = try await run("comment.py", ["REQUEST_METHOD": "PUT"])
        XCTAssertEqual(put.head.status.code, 405)
    }

    func testPersonalDetailsAreAppendedOneLineEach() async throws {
        let first = try await post(
            "personal.py", "name=Ada+%3CL%3E&address=1+Main+St%0D%0AFake%3A+line%09%22q%22&phone=%2B44+20+7946+0000")
        XCTAssertEqual(first.head.status.code, 200)
        XCTAssertTrue(first.body.contains("<td>Ada &lt;L&gt;</td>"), first.body)
        let second = try await run(
            "personal.py", ["REQUEST_METHOD": "GET", "QUERY_STRING": "name=Bob&address=Here&phone=555-0100"])
        XCTAssertEqual(second.head.status.code, 200)
        let refused = try await post("personal.py", "name=Eve&address=There&phone=555%0Ainjected")
        XCTAssertEqual(refused.head.status.code, 400)

        let lines = try records()
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines.first?["name"], "Ada <L>")
        XCTAssertEqual(lines.first?["address"], "1 Main St\r\nFake: line\t\"q\"")
        XCTAssertEqual(lines.first?["phone"], "+44 20 7946 0000")
        XCTAssertEqual(lines.last?["name"], "Bob")
        XCTAssertNotNil(lines.first?["time"])
    }

    func testConcurrentSubmissionsEachKeepTheirLine() async throws {
        let count = 8
        let folder = self.folder.path
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<count {
                group.addTask {
                    let form = "name=N\(index)&address=A\(index)&phone=\(index)"
                    return try await Self.post("personal.py", in: folder, form).head.status.code
                }
            }
            for try await code in group { XCTAssertEqual(code, 200) }
        }
        let names = try records().compactMap { $0["name"] }.sorted()
        XCTAssertEqual(names, (0..<count).map { "N\($0)" }.sorted())
    }

    /// The lines personal.py wrote, each a JSON object.
    private func records() throws -> [[String: String]] {
        let text = String(decoding: try readFile(folder.file("data/personal.txt")), as: UTF8.self)
        XCTAssertTrue(text.hasSuffix("\n"))
        return try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try XCTUnwrap(object as? [String: String], String(line))
        }
    }
}
