import Glibc
import Servers
import SocketCore
import SystemPackage
import TestSupport
import Testing

/// Large files, many clients, idle connections, the descriptor limit and
/// the access log, on every model. One case at a time: a thousand
/// connections to each of seven servers at once, beside the other suites,
/// would test the machine (and under AddressSanitizer overload it).
@Suite(.serialized) struct HTTPLoadConformance {
    /// A 256 MiB file arrives byte for byte through curl.
    @Test(arguments: webModels)
    func largeFileByteForByte(model: ServerModel) async throws {
        let site = try WebFixture()
        defer { site.remove() }
        let big = try LargeFile.shared()
        // A hard link: the same bytes inside this root, written once for all models.
        #expect(link(big.path, site.file("big.bin")) == 0)
        let (_, outcome) = try await withWebServer(model, root: site.root) { server in
            let digest = try await runProgram(
                "/bin/sh", ["-c", "/usr/bin/curl -sS http://127.0.0.1:\(server.port)/big.bin | /usr/bin/sha256sum"],
                timeout: .seconds(60))
            #expect(digest.standardOutput.hasPrefix(big.sha256 + " "), "\(digest.standardError)")
        }
        expectExitedZero(outcome)
    }

    /// 200 clients at once each get their file.
    @Test(arguments: webModels)
    func twoHundredConcurrentClients(model: ServerModel) async throws {
        let site = try WebFixture()
        defer { site.remove() }
        let (_, outcome) = try await withWebServer(model, root: site.root) { server in
            try await onOwnThread {
                let clients = try (0..<200).map { _ in try WireClient(port: server.port) }
                for client in clients { try client.send(getRequest("/1k.bin")) }
                var served = 0
                for client in clients {
                    if (try? client.response(seconds: 10))?.body == WebFixture.kilobyte { served += 1 }
                    // The one-at-a-time model moves on when a client leaves.
                    client.socket.close()
                }
                #expect(served == 200)
            }
        }
        expectExitedZero(outcome)
    }

    /// 1000 idle keep-alive connections, each after one request: the
    /// server keeps them and still answers a new client at once. The fork
    /// models hold a process per connection: 1000 of them (under
    /// AddressSanitizer, beside the other suites) test the machine more
    /// than the model, so they keep 100.
    @Test(arguments: webModels.filter { $0 != .iterative })
    func thousandIdleKeepAliveConnections(model: ServerModel) async throws {
        let count = model.forksPerConnection ? 100 : 1000
        let site = try WebFixture()
        defer { site.remove() }
        // Opening them all may take longer than the default keep-alive
        // timeout on a loaded machine: the first must still be open at the end.
        let (_, outcome) = try await withWebServer(model, root: site.root, ["--keepalive-timeout", "300"]) { server in
            try await onOwnThread {
                var idle: [WireClient] = []
                for _ in 0..<count {
                    let client = try WireClient(port: server.port)
                    try client.send(getRequest("/hello.txt"))
                    #expect(try client.response(seconds: 10).body == WebFixture.hello)
                    idle.append(client)
                }
                let start = MonotonicInstant.now
                let fresh = try WireClient(port: server.port)
                try fresh.send(getRequest("/1k.bin"))
                #expect(try fresh.response().body == WebFixture.kilobyte)
                #expect(MonotonicInstant.now - start < .seconds(1))
                // And the idle ones are still served.
                for client in idle.prefix(10) {
                    try client.send(getRequest("/hello.txt"))
                    #expect(try client.response().body == WebFixture.hello)
                }
            }
        }
        expectExitedZero(outcome)
    }

    /// At its descriptor limit the server sheds new connections but keeps
    /// serving the ones it has, and serves new ones once it has room again.
    @Test(arguments: webModels.filter { $0 != .iterative && !$0.forksPerConnection })
    func servesItsConnectionsAtTheDescriptorLimit(model: ServerModel) async throws {
        let site = try WebFixture()
        defer { site.remove() }
        let (_, outcome) = try await withWebServer(model, root: site.root, descriptorLimit: 48) { server in
            try await onOwnThread {
                var held: [WireClient] = []
                for _ in 0..<30 {
                    let client = try WireClient(port: server.port)
                    try client.send(getRequest("/hello.txt"))
                    if (try? client.response(seconds: 2)) != nil { held.append(client) }
                }
                #expect(held.count >= 10, "served only \(held.count) connections")
                var flood: [WireClient] = []
                for _ in 0..<40 { flood.append(try WireClient(port: server.port)) }
                // A file already open in the cache: a file not yet opened
                // needs a descriptor the server does not have (503).
                for client in held.prefix(10) {
                    try client.send(getRequest("/hello.txt"))
                    #expect(try client.response().body == WebFixture.hello)
                }
                for client in flood { client.socket.close() }
                held.forEach { $0.socket.close() }
                usleep(300_000)
                let fresh = try WireClient(port: server.port)
                try fresh.send(getRequest("/hello.txt"))
                #expect(try fresh.response(seconds: 5).body == WebFixture.hello)
            }
        }
        expectExitedZero(outcome)
    }

    /// Every response is logged in the combined format, the request line escaped.
    @Test(arguments: [ServerModel.epoll, .fork, .thread])
    func accessLogInCombinedFormat(model: ServerModel) async throws {
        let site = try WebFixture()
        defer { site.remove() }
        let log = site.folder.file("access.log")
        let (_, outcome) = try await withWebServer(model, root: site.root, ["--access-log", log]) { server in
            try await onOwnThread {
                let client = try WireClient(port: server.port)
                try client.send(getRequest("/hello.txt", ["User-Agent: test \"agent\"", "Referer: http://r/"]))
                _ = try client.response()
                try client.send(getRequest("/missing", method: "HEAD"))
                _ = try client.response(head: true)
                let bad = try WireClient(port: server.port)
                try bad.send("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
                _ = try bad.response()
            }
            let lines = try await waitForLines(in: log, count: 3)
            #expect(lines.count == 3, "\(lines)")
            let pattern = #"^127\.0\.0\.1 - - \[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000\] "#
            for line in lines { #expect(line.contains(try Regex(pattern)), "\(line)") }
            #expect(lines.contains { $0.hasSuffix(#""GET /hello.txt HTTP/1.1" 200 13 "http://r/" "test \"agent\"""#) })
            #expect(lines.contains { $0.contains(#""HEAD /missing HTTP/1.1" 404 - "-" "-""#) })
            #expect(lines.contains { $0.contains(#""-" 400 "#) })
        }
        expectExitedZero(outcome)
    }

    private func waitForLines(in path: String, count: Int) async throws -> [String] {
        var lines: [String] = []
        for _ in 0..<50 {
            lines = ((try? readFile(path)).map { String(decoding: $0, as: UTF8.self) } ?? "")
                .split(separator: "\n").map(String.init)
            if lines.count >= count { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return lines
    }
}

/// One 256 MiB file of random bytes for every model's test, with its
/// SHA-256; removed when the test process exits.
struct LargeFile: Sendable {
    /// Kept for the process's life: the folder goes with its last reference.
    let folder: TemporaryFolder
    let path: String
    let sha256: String

    private static let made: Result<LargeFile, WireError> = {
        let folder: TemporaryFolder
        do { folder = try TemporaryFolder(prefix: "sockworks-large") } catch { return .failure(WireError("\(error)")) }
        largeFileFolder = strdup(folder.path)
        atexit { if let path = largeFileFolder { _ = system("rm -rf '\(String(cString: path))'") } }
        let path = folder.file("large.bin")
        let made = system("/usr/bin/head -c 268435456 /dev/urandom > '\(path)'")
        let digest = popen("/usr/bin/sha256sum '\(path)'", "r")
        var line = [CChar](repeating: 0, count: 128)
        guard made == 0, let digest, fgets(&line, 128, digest) != nil else {
            return .failure(WireError("could not write \(path)"))
        }
        pclose(digest)
        return .success(
            LargeFile(
                folder: folder, path: path,
                sha256: String(decoding: line.prefix(64).map { UInt8(bitPattern: $0) }, as: UTF8.self)))
    }()

    static func shared() throws -> LargeFile { try made.get() }
}

nonisolated(unsafe) private var largeFileFolder: UnsafeMutablePointer<CChar>?
