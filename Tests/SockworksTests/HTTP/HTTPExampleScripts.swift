import Glibc
import Servers
import TestSupport
import Testing

/// The textbook's CGI examples (Examples/web and Examples/cgi-bin) served
/// by `serve http` as the README runs them, with curl posting the forms.
@Suite struct HTTPExampleScripts {
    private static let examples: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)  // Tests/SockworksTests/HTTP/HTTPExampleScripts.swift
        return parts.joined(separator: "/") + "/Examples"
    }()

    @Test func theFormsPostToTheirScripts() async throws {
        // A copy: personal.py writes beside itself.
        let folder = try TemporaryFolder(prefix: "sockworks-examples")
        defer { folder.remove() }
        for (part, names) in [
            ("web", ["index.html", "comment.html", "personal.html"]),
            ("cgi-bin", ["hello.py", "comment.py", "personal.py"]),
        ] {
            #expect(mkdir(folder.file(part), 0o755) == 0)
            for name in names {
                try writeFile(folder.file("\(part)/\(name)"), readFile(Self.examples + "/\(part)/\(name)"))
                chmod(folder.file("\(part)/\(name)"), part == "web" ? 0o644 : 0o755)
            }
        }
        let (_, outcome) = try await withWebServer(
            .epoll, root: folder.file("web"), ["--cgi-bin", folder.file("cgi-bin")]
        ) { server in
            let base = "http://127.0.0.1:\(server.port)"
            func curl(_ arguments: [String]) async throws -> String {
                let run = try await runProgram("/usr/bin/curl", ["-sS", "--fail"] + arguments, timeout: .seconds(20))
                #expect(run.exitCode == 0, "curl \(arguments): \(run.standardError)")
                return run.standardOutput
            }
            #expect(try await curl(["\(base)/cgi-bin/hello.py"]).contains("Hello World!"))
            let form = try await curl(["\(base)/comment.html"])
            #expect(form.contains("action=\"/cgi-bin/comment.py\""))
            let comment = try await curl([
                "--data-urlencode", "name=Ada <script>", "--data-urlencode", "comment=one & two",
                "\(base)/cgi-bin/comment.py",
            ])
            #expect(comment.contains("Ada &lt;script&gt;") && !comment.contains("<script>"))
            #expect(comment.contains("one &amp; two"))
            _ = try await curl([
                "--data-urlencode", "name=Grace", "--data-urlencode", "address=1 Navy Way",
                "--data-urlencode", "phone=555-0100", "\(base)/cgi-bin/personal.py",
            ])
            let saved = String(decoding: try readFile(folder.file("cgi-bin/data/personal.txt")), as: UTF8.self)
            #expect(saved.contains("\"name\": \"Grace\"") && saved.contains("555-0100"))
        }
        expectExitedZero(outcome)
    }
}
