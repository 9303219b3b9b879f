import Glibc
import Servers
import TestSupport
import Testing

/// Paths that try to leave the root, on every model: encoded and
/// double-encoded dot segments (Apache CVE-2021-41773 and 42013), NUL,
/// symlinks out of the root, dot-files, a FIFO. None may ever get a byte
/// of what lies outside.
@Suite struct HTTPPathConformance {
    /// GETs `path` and expects one of `statuses`, and never the secret.
    func expectRefused(_ model: ServerModel, _ paths: [String], _ statuses: Set<Int>) async throws {
        let site = try WebFixture()
        defer { site.remove() }
        let (_, outcome) = try await withWebServer(model, root: site.root) { server in
            try await onOwnThread {
                for path in paths {
                    let client = try WireClient(port: server.port)
                    try client.send("GET \(path) HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
                    let response = try client.response()
                    #expect(statuses.contains(response.status), "\(path): \(response.statusLine)")
                    #expect(!response.text.contains("secret outside"), "\(path) reached outside the root")
                    #expect(!response.text.contains("PASSWORD"), "\(path) served a dot-file")
                }
            }
        }
        expectExitedZero(outcome)
    }

    @Test(arguments: webModels)
    func encodedTraversal(model: ServerModel) async throws {
        try await expectRefused(
            model,
            [
                "/%2e%2e/outside/secret.txt", "/..%2foutside/secret.txt", "/dir/%2e%2e/%2e%2e/outside/secret.txt",
                "/../outside/secret.txt", "/%2e%2e%2foutside%2fsecret.txt",
            ], [400, 403, 404])
    }

    @Test(arguments: webModels)
    func doubleEncodedTraversal(model: ServerModel) async throws {
        try await expectRefused(model, ["/%252e%252e/outside/secret.txt", "/%252e%252e%252foutside"], [400, 404])
    }

    @Test(arguments: webModels)
    func nulAndMalformedEscapes(model: ServerModel) async throws {
        try await expectRefused(model, ["/hello.txt%00.html", "/hello%zz.txt", "/hello.txt%4"], [400])
    }

    @Test(arguments: webModels)
    func symlinkEscape(model: ServerModel) async throws {
        try await expectRefused(
            model, ["/link-out.txt", "/linkdir-out/secret.txt", "/relative-out.txt"], [403, 404])
    }

    @Test(arguments: webModels)
    func dotFilesFifoAndFolderWithoutIndex(model: ServerModel) async throws {
        try await expectRefused(model, ["/.env", "/.hidden/file.txt", "/%2eenv"], [404])
        try await expectRefused(model, ["/fifo", "/dir/"], [403])
    }

    /// What stays inside the root is served: a symlink to a file beside it,
    /// a `..` that stays in, an escaped space.
    @Test(arguments: webModels)
    func pathsThatStayInsideAreServed(model: ServerModel) async throws {
        let site = try WebFixture()
        defer { site.remove() }
        let (_, outcome) = try await withWebServer(model, root: site.root) { server in
            try await onOwnThread {
                let client = try WireClient(port: server.port)
                for (path, body) in [
                    ("/link-in.txt", WebFixture.hello), ("/dir/../hello.txt", WebFixture.hello),
                    ("/dir/a%20b.txt", Array("a b\n".utf8)), ("//hello.txt", WebFixture.hello),
                    ("http://localhost/hello.txt", WebFixture.hello),
                ] {
                    try client.send("GET \(path) HTTP/1.1\r\nHost: a\r\n\r\n")
                    #expect(try client.response().body == body, "\(path)")
                }
            }
        }
        expectExitedZero(outcome)
    }

    /// `--listing` lists a folder without an index, names escaped.
    @Test func listingEscapesNames() async throws {
        let site = try WebFixture()
        defer { site.remove() }
        let (_, outcome) = try await withWebServer(.epoll, root: site.root, ["--listing"]) { server in
            try await onOwnThread {
                let client = try WireClient(port: server.port)
                try client.send(getRequest("/dir/"))
                let listing = try client.response()
                #expect(listing.status == 200)
                #expect(listing.text.contains("&lt;script&gt;.txt"))
                #expect(!listing.text.contains("<script>"))
                #expect(listing.text.contains("a%20b.txt"))
            }
        }
        expectExitedZero(outcome)
    }
}
