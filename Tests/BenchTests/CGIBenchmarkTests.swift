import Glibc
import SystemPackage
import TestSupport
import XCTest

@testable import Bench

/// The CGI suite's parts that need no server: its scripts, its workloads,
/// its goals against lighttpd.
final class CGIBenchmarkTests: XCTestCase {
    /// Both scripts, as the suite writes and compiles them, print a CGI
    /// header whose Content-Length is the body's, then the body the load
    /// generator checks against.
    func testTheScriptsPrintTheHeaderAndTheExpectedBody() async throws {
        try requireProgram("/usr/bin/cc")
        try requireProgram("/usr/bin/python3")
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let cgiBin = folder.file("cgi-bin")
        try await CGIScript.writeFolder(cgiBin)
        let expected = "Content-Type: text/plain\nContent-Length: 13\n\nHello, world\n"
        XCTAssertEqual(CGIScript.body.utf8.count, 13)
        for script in CGIScript.allCases {
            let run = try await runProgram(FilePath(cgiBin + "/" + script.name), [])
            XCTAssertEqual(run.status, .exited(0), "\(script): \(run.standardError)")
            XCTAssertEqual(String(decoding: run.standardOutputBytes, as: UTF8.self), expected, "\(script)")
        }
    }

    func testWorkloadsNameTheScriptAndRequestItsPath() {
        XCTAssertEqual(HTTPWorkload.cgi.map(\.name), ["cgi C x1", "cgi C x16", "cgi Python x1", "cgi Python x16"])
        XCTAssertEqual(HTTPWorkload.cgi.map(\.path).first, "/cgi-bin/hello")
        XCTAssertEqual(HTTPWorkload.cgi.map(\.path).last, "/cgi-bin/hello.py")
        XCTAssertEqual(HTTPWorkload.cgiQuick.map(\.name), ["cgi C x16"])
        XCTAssertEqual(HTTPWorkload.full[0].path, "/file-1k.bin", "a static workload requests its file")
        XCTAssertTrue(HTTPWorkload.cgi.allSatisfy { $0.file == CGIScript.output && !$0.checksumOnly })
    }

    /// The lighttpd peer gets mod_cgi only for the CGI suite; nginx and
    /// Python are refused with a reason.
    func testOnlyLighttpdRunsTheCGISuite() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let root = folder.file("www")
        guard case .success(let target) = try HTTPPeer.lighttpd.target(root: root, folder: folder.path, cgiBin: "/x")
        else { throw XCTSkip("lighttpd is not installed") }
        XCTAssertTrue(target.isPeer)
        let conf = String(decoding: try readFile(folder.file("lighttpd.conf")), as: UTF8.self)
        XCTAssertTrue(conf.contains(#"server.modules += ("mod_alias", "mod_cgi")"#), conf)
        XCTAssertTrue(conf.contains(#"alias.url = ("/cgi-bin/" => "/x/")"#), conf)
        XCTAssertTrue(conf.contains(#"cgi.assign = ("" => "")"#), conf)
        XCTAssertFalse(conf.contains("accesslog"), conf)
        _ = try HTTPPeer.lighttpd.target(root: root, folder: folder.path)
        let staticConf = String(decoding: try readFile(folder.file("lighttpd.conf")), as: UTF8.self)
        XCTAssertFalse(staticConf.contains("mod_cgi"), staticConf)
        for peer in [HTTPPeer.nginx, .nginxSendfile, .python] {
            guard case .failure(let why) = try peer.target(root: root, folder: folder.path, cgiBin: "/x") else {
                return XCTFail("\(peer) has no CGI")
            }
            XCTAssertTrue("\(why)".contains("CGI"), "\(why)")
        }
    }

    static func run(_ server: String, _ workload: HTTPWorkload, requests: Int, cpu: Double) -> HTTPRun {
        HTTPRun(
            workload: workload,
            measurement: EchoRun(
                server: server, isPeer: server == "lighttpd", connections: workload.connections, size: 13, depth: 1,
                run: 1, seconds: 2, requests: requests, latency: Latency(p50: 1000, p90: 2000, p99: 3000, max: 4000),
                serverCPUSeconds: cpu, loadCPUSeconds: 0.1, serverPeakRSSKiB: 4096, serverPSSKiB: 2048, errors: 0,
                unserved: 0, otherLoadCPUs: 0, disturbed: false),
            bodyBytes: 13 * requests)
    }

    /// Goals for the C script only, as epoll over lighttpd; the Python
    /// script's ratios beside them without a goal.
    func testGoalsAreRatiosToLighttpdForTheCScript() {
        let c16 = HTTPWorkload(cgi: .c, connections: 16)
        let python16 = HTTPWorkload(cgi: .python, connections: 16)
        let runs = [
            Self.run("epoll", c16, requests: 2400, cpu: 1.8),
            Self.run("lighttpd", c16, requests: 2000, cpu: 2.0),
            Self.run("epoll", python16, requests: 100, cpu: 1.5),
            Self.run("lighttpd", python16, requests: 125, cpu: 1.5),
        ]
        let report = HTTPReport(
            runs: runs, idle: [], date: "d", command: "c", machine: "m", load: "l", cgi: true)
        let goals = report.goals
        XCTAssertEqual(goals.count, 2)
        XCTAssertEqual(goals[0].text, "epoll / lighttpd server µs/request (scripts included), cgi C x16")
        XCTAssertEqual(goals[0].measured ?? 0, 0.75, accuracy: 1e-9, "750 µs against 1000")
        XCTAssertEqual(goals[0].met, true)
        XCTAssertEqual(goals[1].measured ?? 0, 1.2, accuracy: 1e-9)
        XCTAssertEqual(goals[1].met, true)
        let unscored = CGIGoals.unscored(report.summaries)
        XCTAssertEqual(
            unscored.map(\.text).first, "epoll / lighttpd server µs/request (scripts included), cgi Python x16")
        XCTAssertEqual(unscored.first?.measured ?? 0, 1.25, accuracy: 1e-9)
        XCTAssertEqual(unscored.last?.measured ?? 0, 0.8, accuracy: 1e-9)
        XCTAssertTrue(report.text.contains("Without a goal (same run):"), report.text)
        XCTAssertTrue(report.json.contains(#""benchmark" : "http-cgi""#), report.json)
        XCTAssertEqual(report.chart(title: "t").summaries.map(\.server), ["epoll", "lighttpd"], "the C script")

        let missing = HTTPReport(
            runs: runs.filter { $0.measurement.server == "epoll" }, idle: [], date: "d", command: "c", machine: "m",
            load: "l", cgi: true)
        XCTAssertTrue(missing.goals.allSatisfy { $0.measured == nil }, "no lighttpd, no ratio")
        XCTAssertFalse(missing.text.contains("Goals"), missing.text)
    }
}
