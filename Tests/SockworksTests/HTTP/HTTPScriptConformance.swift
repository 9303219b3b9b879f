import Bench
import Glibc
import Servers
import TestSupport
import Testing

/// CGI scripts (`serve http --cgi-bin`) on every model: what a script is
/// given, what the client gets for each kind of answer and failure, and
/// that a script never outlives its request (timeout, a client that
/// leaves, `--cgi-max`), with nothing left behind.
@Suite struct HTTPScriptConformance {
    private func withScripts<Result: Sendable>(
        _ model: ServerModel, _ fixture: ScriptFixture, _ extra: [String] = [], environment: [String: String] = [:],
        _ body: @escaping @Sendable (WebServer) throws -> Result
    ) async throws -> (value: Result, outcome: LiveOutcome) {
        try await withWebServer(
            model, root: fixture.root, ["--cgi-bin", fixture.scripts] + extra, environment: environment
        ) { server in
            try await onOwnThread { try body(server) }
        }
    }

    /// The meta-variables of RFC 3875 section 4.1 for a GET with path info
    /// and a query, a POST with a length and a chunked one; no
    /// HTTP_PROXY (httpoxy), no field a shell could misread, nothing of
    /// the server's environment but PATH, the query never in argv.
    @Test(arguments: webModels)
    func metaVariablesReachTheScript(model: ServerModel) async throws {
        let fixture = try ScriptFixture()
        defer { fixture.remove() }
        let query = "name=Ada&x;id&-d&$(touch%20/tmp/no)&%60id%60&a=b=c"
        let (_, outcome) = try await withScripts(model, fixture) { server in
            let client = try WireClient(port: server.port)
            try client.send(
                getRequest(
                    "/cgi-bin/env.sh/extra/path%20info?\(query)",
                    ["Proxy: http://127.0.0.2:1/", "X-Shell: () { :; }; echo hacked", "X-Plain: one", "X-Plain: two"]))
            let get = try client.response()
            #expect(get.status == 200)
            #expect(get.field("transfer-encoding") == "chunked")
            let variables = Self.variables(get.text)
            #expect(variables["GATEWAY_INTERFACE"] == "CGI/1.1")
            #expect(variables["SERVER_SOFTWARE"]?.hasPrefix("sockworks/") == true)
            #expect(variables["SERVER_NAME"] == "localhost")
            #expect(variables["SERVER_PORT"] == "\(server.port)")
            #expect(variables["SERVER_PROTOCOL"] == "HTTP/1.1")
            #expect(variables["REQUEST_METHOD"] == "GET")
            #expect(variables["SCRIPT_NAME"] == "/cgi-bin/env.sh")
            #expect(variables["PATH_INFO"] == "/extra/path info")
            #expect(variables["PATH_TRANSLATED"] == fixture.root + "/extra/path info")
            #expect(variables["QUERY_STRING"] == query)
            #expect(variables["REMOTE_ADDR"] == "127.0.0.1")
            #expect(variables["REMOTE_PORT"].flatMap { UInt16($0) } != nil)
            #expect(variables["HTTP_HOST"] == "localhost")
            #expect(variables["HTTP_X_PLAIN"] == "one, two")
            #expect(variables["HTTP_PROXY"] == nil, "httpoxy")
            #expect(variables["HTTP_X_SHELL"] == nil, "a value bash would import as a function")
            #expect(variables["CONTENT_LENGTH"] == nil && variables["CONTENT_TYPE"] == nil)
            #expect(variables["PATH"] != nil)
            #expect(get.text.contains("argc=0\n"), "the query in argv (php-cgi CVE-2012-1823)")
            let allowed: Set<String> = [
                "GATEWAY_INTERFACE", "SERVER_SOFTWARE", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
                "REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "PATH_TRANSLATED", "QUERY_STRING", "REMOTE_ADDR",
                "REMOTE_HOST", "REMOTE_PORT", "CONTENT_TYPE", "CONTENT_LENGTH", "REDIRECT_STATUS", "PATH",
                "PWD",  // the shell's own
            ]
            let foreign = variables.keys.filter { !allowed.contains($0) && !$0.hasPrefix("HTTP_") }
            #expect(foreign.isEmpty, "the server's environment leaked: \(foreign.sorted())")

            let form = "name=Ada+Lovelace&comment=%3Cb%3Ehi%3C%2Fb%3E"
            try client.send(
                "POST /cgi-bin/env.sh HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(form.utf8.count)\r\n\r\n"
                    + form)
            let post = try client.response()
            let posted = Self.variables(post.text)
            #expect(posted["REQUEST_METHOD"] == "POST")
            #expect(posted["CONTENT_TYPE"] == "application/x-www-form-urlencoded")
            #expect(posted["CONTENT_LENGTH"] == "\(form.utf8.count)")
            #expect(posted["PATH_INFO"] == "" && posted["PATH_TRANSLATED"] == nil)
            #expect(post.text.hasSuffix("stdin:\n" + form))

            // A client that asks first gets 100 Continue, then sends the body.
            try client.send(
                "POST /cgi-bin/env.sh HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n")
            #expect(try client.response().status == 100)
            try client.send("wait")
            #expect(try client.response().text.hasSuffix("stdin:\nwait"))

            try client.send(
                "POST /cgi-bin/env.sh HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nfirst\r\n7;ext=1\r\n, secon\r\n1\r\nd\r\n0\r\n\r\n")
            let chunked = try client.response()
            #expect(Self.variables(chunked.text)["CONTENT_LENGTH"] == "13")
            #expect(chunked.text.hasSuffix("stdin:\nfirst, second"))
        }
        expectExitedZero(outcome)
    }

    /// A document with its own length, a status of the script's, local
    /// and client redirects, HEAD; each failure the troubleshooter names,
    /// with a clear line (and the script's error output) in the error log;
    /// no path reaches a script outside the folder.
    @Test(arguments: webModels)
    func answersAndFailures(model: ServerModel) async throws {
        let fixture = try ScriptFixture()
        defer { fixture.remove() }
        let (_, outcome) = try await withScripts(model, fixture) { server in
            let client = try WireClient(port: server.port)
            try client.send(getRequest("/cgi-bin/document.sh"))
            let document = try client.response()
            #expect(document.status == 200 && document.text == "hello")
            #expect(document.field("content-length") == "5" && document.field("transfer-encoding") == nil)
            try client.send(getRequest("/cgi-bin/document.sh", method: "HEAD"))
            let head = try client.response(head: true)
            #expect(head.status == 200 && head.field("content-length") == "5")
            try client.send(getRequest("/cgi-bin/status.sh"))
            let status = try client.response()
            #expect(status.statusLine == "HTTP/1.1 418 Short And Stout" && status.text == "tea\n")
            try client.send(getRequest("/cgi-bin/local.sh"))
            let local = try client.response()
            #expect(local.status == 200 && local.body == ScriptFixture.hello)
            try client.send(getRequest("/cgi-bin/client.sh"))
            let redirect = try client.response()
            #expect(redirect.status == 302 && redirect.field("location") == "http://127.0.0.2/elsewhere")
            try client.send(getRequest("/cgi-bin/loop.sh"))
            #expect(try client.response().status == 500, "local redirects without end")
            try client.send(getRequest("/cgi-bin/env.sh", method: "PUT"))
            let put = try client.response()
            #expect(put.status == 405 && put.field("allow") == "GET, HEAD, POST")

            for (path, expected) in [
                ("/cgi-bin/no-interpreter", 500), ("/cgi-bin/not-executable.sh", 403), ("/cgi-bin/bad-header.sh", 502),
                ("/cgi-bin/dies-early.sh", 502), ("/cgi-bin/missing.sh", 404), ("/cgi-bin/", 404),
                ("/cgi-bin/escape.sh", 403), ("/cgi-bin/%2e%2e/outside/evil.sh", 404),
                ("/cgi-bin/..%2f..%2foutside/evil.sh", 400), ("/cgi-bin/.%2e/evil.sh", 200),
            ] {
                try client.send(getRequest(path))
                let response = try client.response()
                #expect(response.status == expected, "\(path)")
                if path.hasSuffix("/evil.sh") && response.status == 200 {
                    // The root's copy, served as a file: never run.
                    #expect(response.text.hasPrefix("#!/bin/sh"))
                }
            }
            #expect(!fileExists(fixture.marker), "a script outside the folder ran")
        }
        expectExitedZero(outcome)
        let log = outcome.standardError
        #expect(log.contains("no interpreter line"))
        #expect(log.contains("is not executable"))
        #expect(log.contains("cgi bad-header.sh: 502: a malformed header"))
        #expect(log.contains("cgi dies-early.sh: dies-early: the database is down"))
        #expect(
            log.contains("cgi dies-early.sh: 502: the script ended its output before its header (the script: exit 3)"))
        #expect(log.contains("escape.sh leads out of the script folder"))
    }

    /// Past --cgi-timeout the script's whole group is killed (504) and
    /// reaped; a client that leaves mid-body ends the script; nothing is
    /// left, not even a zombie.
    @Test(arguments: webModels)
    func scriptsNeverOutliveTheirRequest(model: ServerModel) async throws {
        let fixture = try ScriptFixture()
        defer { fixture.remove() }
        let (_, outcome) = try await withScripts(model, fixture, ["--cgi-timeout", "1"]) { server in
            let client = try WireClient(port: server.port)
            try client.send(getRequest("/cgi-bin/sleeper.sh"))
            #expect(try client.response(seconds: 10).status == 504)
            let script = try #require(fixture.pid("sleeper"))
            let child = try #require(fixture.pid("sleeper-child"))
            #expect(blockUntil(timeout: .seconds(5)) { processIsGone(script) && processIsGone(child) })
            client.socket.close()  // the iterative model serves one connection at a time

            let leaving = try WireClient(port: server.port)
            try leaving.send(getRequest("/cgi-bin/endless.sh"))
            _ = try leaving.socket.receive(exactly: 4096)
            let endless = try #require(fixture.pid("endless"))
            leaving.socket.close()
            #expect(blockUntil(timeout: .seconds(5)) { processIsGone(endless) }, "the script outlived its client")

            let processes = ServerProcesses(root: server.pid)
            #expect(
                blockUntil(timeout: .seconds(5)) {
                    processes.descendants().allSatisfy { ProcessStat(pid: $0.pid)?.state != "Z" && !$0.isScript }
                }, "a script or a zombie is left: \(processes.descendants())")
        }
        expectExitedZero(outcome)
    }

    /// Beyond --cgi-max scripts at once the server answers 503; the running
    /// one still answers. (The iterative model serves one connection at a
    /// time: a second request waits instead.)
    @Test(arguments: webModels.filter { $0 != .iterative })
    func scriptsBeyondTheBoundGet503(model: ServerModel) async throws {
        let fixture = try ScriptFixture()
        defer { fixture.remove() }
        let (_, outcome) = try await withScripts(model, fixture, ["--cgi-max", "1"]) { server in
            let first = try WireClient(port: server.port)
            try first.send(getRequest("/cgi-bin/slow.sh"))
            // The slow script is running once its shell exists.
            let processes = ServerProcesses(root: server.pid)
            #expect(blockUntil(timeout: .seconds(5)) { processes.descendants().contains { $0.isScript } })
            let second = try WireClient(port: server.port)
            try second.send(getRequest("/cgi-bin/document.sh"))
            let refused = try second.response()
            #expect(refused.status == 503 && refused.field("retry-after") == "1")
            #expect(try first.response(seconds: 10).text == "slow\n")
            // The slot comes back once the script has ended, which may be
            // just after its client has read the response.
            var answer = 503
            for _ in 0..<50 where answer == 503 {
                try second.send(getRequest("/cgi-bin/document.sh"))
                answer = try second.response().status
                if answer == 503 { usleep(100_000) }
            }
            #expect(answer == 200, "the slot was given back")
        }
        expectExitedZero(outcome)
    }

    /// 100 MiB from a script reach the client whole while the server's
    /// memory stays flat: the body is passed on as it comes. (Under
    /// AddressSanitizer freed memory waits in a quarantine, resident all
    /// the same; this server gets none, so that its resident memory is
    /// what it holds.)
    @Test(arguments: webModels)
    func aLargeOutputIsStreamed(model: ServerModel) async throws {
        let fixture = try ScriptFixture()
        defer { fixture.remove() }
        let sanitizer = ProcessEnvironment.value("ASAN_OPTIONS").map { $0 + ":" } ?? ""
        let environment = ["ASAN_OPTIONS": sanitizer + "quarantine_size_mb=0"]
        let (_, outcome) = try await withScripts(model, fixture, environment: environment) { server in
            let processes = ServerProcesses(root: server.pid)
            // The baseline once the connection is served (a process of its
            // own on the fork models) and has run a script.
            let client = try WireClient(port: server.port)
            try client.send(getRequest("/cgi-bin/document.sh"))
            #expect(try client.response().text == "hello")
            let before = processes.serverResidentBytes()
            try client.send(getRequest("/cgi-bin/big.sh"))
            #expect(try client.response(head: true).field("transfer-encoding") == "chunked")
            var peak = before
            let received = try client.streamedBody { peak = max(peak, processes.serverResidentBytes()) }
            #expect(received == 100 << 20)
            #expect(peak - before < 24 << 20, "the server's memory (\(model)) grew by \((peak - before) >> 20) MiB")
        }
        expectExitedZero(outcome)
    }

    /// On the single-threaded models a slow script does not hold up the
    /// other connections (the model waits on the script's descriptors).
    @Test(arguments: [ServerModel.select, .poll, .epoll])
    func aSlowScriptDoesNotStopOthers(model: ServerModel) async throws {
        let fixture = try ScriptFixture()
        defer { fixture.remove() }
        let (_, outcome) = try await withScripts(model, fixture) { server in
            let slow = try WireClient(port: server.port)
            try slow.send(getRequest("/cgi-bin/slow.sh"))
            let started = ContinuousClock.now
            let other = try WireClient(port: server.port)
            try other.send(getRequest("/hello.txt"))
            #expect(try other.response().body == ScriptFixture.hello)
            #expect(ContinuousClock.now - started < .seconds(1.5), "the static file waited for the script")
            #expect(try slow.response(seconds: 10).text == "slow\n")
        }
        expectExitedZero(outcome)
    }

    /// `NAME=value` lines of the env script's output.
    static func variables(_ text: String) -> [String: String] {
        var variables: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "="), line.first?.isUppercase == true else { continue }
            variables[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return variables
    }
}

enum ProcessEnvironment {
    static func value(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
}

extension ProcessIdentity {
    /// A script of the fixture (a shell, or what it runs), not a server process.
    var isScript: Bool { commandName(pid).map { $0 != "sockworks" } ?? false }
}

extension ServerProcesses {
    /// The resident memory of the server's own processes (not its scripts).
    func serverResidentBytes() -> Int {
        ProcessTree(root: root).processes().filter { commandName($0) == "sockworks" }.reduce(0) {
            $0 + residentBytes($1)
        }
    }
}

/// /proc/PID/comm, without its newline.
private func commandName(_ pid: pid_t) -> String? {
    (try? readFile("/proc/\(pid)/comm")).map { String(decoding: $0.filter { $0 != 0x0A }, as: UTF8.self) }
}

/// VmRSS of /proc/PID/status, in bytes (0 once the process has gone).
private func residentBytes(_ pid: pid_t) -> Int {
    guard let status = try? readFile("/proc/\(pid)/status") else { return 0 }
    let line = String(decoding: status, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
    return (line.flatMap { Int($0.filter(\.isNumber)) } ?? 0) * 1024
}
