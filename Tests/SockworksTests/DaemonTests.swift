import Glibc
import Subprocess
import SystemPackage
import XCTest

/// `serve echo --daemon --pidfile F --syslog`: a real daemon, checked from
/// /proc, stopped by PID.
final class DaemonTests: XCTestCase {
    func testDaemonDetachesServesAndStopsOnSIGTERM() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let pidPath = folder.file("echo.pid")
        let start = try await runSockworks(["serve", "echo", "--model", "poll", "--daemon", "--pidfile", pidPath])
        XCTAssertEqual(start.exitCode, 0, start.standardError)
        XCTAssertTrue(start.standardOutput.hasPrefix("listening on 127.0.0.1:"), start.standardOutput)
        let pid = try XCTUnwrap(readPid(pidPath), "the pidfile is written when the command returns")
        defer { kill(pid, SIGKILL) }

        let stat = try XCTUnwrap(procStat(pid))
        XCTAssertEqual(stat.parent, 1, "re-parented to init")
        XCTAssertNotEqual(stat.session, pid, "not a session leader, so it can never get a terminal")
        XCTAssertEqual(stat.session, stat.group)
        XCTAssertEqual(stat.tty, 0, "no controlling terminal")
        for standard in 0...2 {
            XCTAssertEqual(readLink("/proc/\(pid)/fd/\(standard)"), "/dev/null")
        }
        XCTAssertEqual(readLink("/proc/\(pid)/cwd"), "/")
        XCTAssertTrue(procStatus(pid).contains("Umask:\t0022"))

        let port = try XCTUnwrap(UInt16(start.standardOutput.split(separator: ":").last?.filter(\.isNumber) ?? ""))
        let client = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
        XCTAssertEqual(client.connect(port: port), 0)
        try client.sendAll(Array("daemon".utf8))
        XCTAssertEqual(try client.receive(exactly: 6), Array("daemon".utf8))
        client.close()

        XCTAssertEqual(kill(pid, SIGTERM), 0)
        let stopped = try await waitUntil { kill(pid, 0) != 0 }
        XCTAssertTrue(stopped, "the daemon stops on SIGTERM")
        XCTAssertFalse(fileExists(pidPath), "the pidfile is removed on exit")
    }

    func testALiveHolderIsRefusedAndAStaleFileIsTakenOver() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let pidPath = folder.file("echo.pid")
        // A pid file left by a process that died holds no lock: taken over.
        try writeFile(pidPath, Array("999999\n".utf8))
        let first = try await runSockworks(["serve", "echo", "--daemon", "--pidfile", pidPath])
        XCTAssertEqual(first.exitCode, 0, first.standardError)
        let pid = try XCTUnwrap(readPid(pidPath))
        defer { kill(pid, SIGKILL) }
        XCTAssertNotEqual(pid, 999_999)

        let second = try await runSockworks(["serve", "echo", "--pidfile", pidPath])
        XCTAssertEqual(second.exitCode, 1)
        XCTAssertEqual(second.standardError, "sockworks: pidfile \(pidPath) is held by pid \(pid)\n")
        XCTAssertEqual(readPid(pidPath), pid, "the refused start leaves the file alone")

        kill(pid, SIGTERM)
        let stopped = try await waitUntil { kill(pid, 0) != 0 }
        XCTAssertTrue(stopped)
    }

    /// glibc's syslog(3) writes to /dev/log, which this machine does not
    /// have: the server runs in a mount namespace whose /dev holds /dev/null
    /// and, as /dev/log, a UNIX datagram socket of the test's own.
    func testSyslogMessagesSayModelListeningAndShutdown() async throws {
        guard getuid() == 0 else { throw XCTSkip("needs root for a mount namespace (unshare -m)") }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let dev = folder.file("dev")
        XCTAssertEqual(mkdir(dev, 0o755), 0)
        try writeFile(dev + "/null", [])
        let log = try TestDatagramSocket(path: dev + "/log")
        defer { log.close() }

        let script = "mount --bind /dev/null \"$1/null\" && mount --bind \"$1\" /dev && shift && exec \"$@\""
        let arguments = ["-m", "--propagation", "private", "sh", "-c", script, "sh", dev,
                         try sockworksExecutable().string, "serve", "echo", "--model", "thread", "--syslog",
                         "--syslog-ident", "echo-test"]
        let (_, outcome) = try await withProgram(FilePath("/usr/bin/unshare"), arguments) { process in
            let line = try await process.firstLine()
            XCTAssertTrue(line?.hasPrefix("listening on ") ?? false, "\(line ?? "nothing")")
            try await Task.sleep(for: .milliseconds(200))
            _ = try await process.stop(.terminate)
        }
        XCTAssertEqual(outcome.exitCode, 0, outcome.standardError)
        XCTAssertEqual(outcome.standardError, "", "with --syslog nothing goes to standard error")

        let messages = log.receiveAll()
        let text = messages.joined(separator: "\n")
        // RFC 3164 as glibc writes it: <PRI>TIMESTAMP IDENT[PID]: MESSAGE, PRI = facility daemon (3) * 8 + info (6).
        XCTAssertTrue(messages.allSatisfy { $0.hasPrefix("<30>") }, text)
        XCTAssertTrue(messages.allSatisfy { $0.contains(" echo-test[") }, text)
        XCTAssertTrue(text.contains("echo server (thread model) listening on 127.0.0.1:"), text)
        XCTAssertTrue(text.contains("SIGTERM: closing the listener"), text)
        XCTAssertTrue(text.contains("echo server stopped"), text)
    }
}

/// A UNIX datagram socket bound to a path, read without blocking.
final class TestDatagramSocket {
    private var fd: Int32

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestSocketError("socket") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path.utf8.prefix(107)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw TestSocketError("bind \(path)") }
    }

    /// Every datagram queued now, as text.
    func receiveAll() -> [String] {
        var messages: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            guard count > 0 else { return messages }
            messages.append(String(decoding: buffer[..<count], as: UTF8.self))
        }
    }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    deinit { close() }
}

struct ProcStat {
    let parent: pid_t
    let group: pid_t
    let session: pid_t
    let tty: Int32
}

func procStat(_ pid: pid_t) -> ProcStat? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = text.lastIndex(of: ")") else { return nil }
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 5, let parent = pid_t(fields[1]), let group = pid_t(fields[2]),
          let session = pid_t(fields[3]), let tty = Int32(fields[4]) else { return nil }
    return ProcStat(parent: parent, group: group, session: session, tty: tty)
}

func procStatus(_ pid: pid_t) -> String { (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? "" }

func readLink(_ path: String) -> String? {
    var buffer = [CChar](repeating: 0, count: 4096)
    let count = readlink(path, &buffer, buffer.count - 1)
    guard count >= 0 else { return nil }
    return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

func readPid(_ path: String) -> pid_t? {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    return pid_t(text.filter(\.isNumber))
}

func fileExists(_ path: String) -> Bool {
    var status = stat()
    return lstat(path, &status) == 0
}

/// Polls `condition` every 10 ms for up to `timeout`.
func waitUntil(timeout: Duration = .seconds(10), _ condition: () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
