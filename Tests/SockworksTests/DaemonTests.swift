import Glibc
import Subprocess
import SystemPackage
import TestSupport
import XCTest

/// `serve echo --daemon --pidfile F --syslog`: a real daemon, checked from
/// /proc, stopped by PID. Every daemon a test starts is stopped by PID (then
/// killed if it lingers) before the test ends, and only while that PID is
/// still the daemon (`DaemonProcess`).
final class DaemonTests: XCTestCase {
    func testDaemonDetachesServesAndStopsOnSIGTERM() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let pidPath = folder.file("echo.pid")
        // The daemon starts with SIGUSR1 blocked and SIGHUP ignored, as a
        // careless parent would leave them: it must clear both.
        let start = try await runProgram(
            FilePath("/usr/bin/env"),
            [
                "--block-signal=USR1", "--ignore-signal=HUP", try sockworksExecutable().string,
                "serve", "echo", "--model", "poll", "--daemon", "--pidfile", pidPath,
            ])
        let daemon = try XCTUnwrap(DaemonProcess(pidFile: pidPath), "the pidfile is written when the command returns")
        defer { daemon.kill() }
        XCTAssertEqual(start.exitCode, 0, start.standardError)
        XCTAssertFalse(start.timedOut)
        XCTAssertTrue(start.standardOutput.hasPrefix("listening on 127.0.0.1:"), start.standardOutput)
        XCTAssertEqual(start.standardError, "")

        let stat = try XCTUnwrap(ProcessStat(pid: daemon.pid))
        XCTAssertTrue(
            stat.parent == 1 || ancestors(of: getpid()).contains(stat.parent),
            "re-parented to init (or to a subreaper above the test), not \(stat.parent)")
        XCTAssertNotEqual(stat.session, daemon.pid, "not a session leader, so it can never get a terminal")
        XCTAssertNotEqual(stat.session, ProcessStat(pid: getpid())?.session, "a session of its own")
        XCTAssertEqual(stat.session, stat.group)
        XCTAssertEqual(stat.tty, 0, "no controlling terminal")
        for standard in 0...2 {
            XCTAssertEqual(linkTarget("/proc/\(daemon.pid)/fd/\(standard)"), "/dev/null")
        }
        XCTAssertEqual(linkTarget("/proc/\(daemon.pid)/cwd"), "/")
        let status = procStatus(daemon.pid)
        XCTAssertEqual(statusField(status, "Umask"), "0022")
        // Blocked: SIGINT, SIGTERM and SIGCHLD, which the server takes with
        // sigwait (bits 1, 14, 16), no SIGUSR1 (bit 9). Ignored: SIGPIPE
        // alone (bit 12), no SIGHUP (bit 0).
        XCTAssertEqual(signalSet(status, "SigBlk"), 0x14002)
        XCTAssertEqual(signalSet(status, "SigIgn"), 0x1000)

        let port = try XCTUnwrap(UInt16(start.standardOutput.split(separator: ":").last?.filter(\.isNumber) ?? ""))
        let client = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
        XCTAssertEqual(client.connect(port: port), 0)
        try client.sendAll(Array("daemon".utf8))
        XCTAssertEqual(try client.receive(exactly: 6), Array("daemon".utf8))
        client.close()

        let stopped = try await daemon.stop()
        XCTAssertTrue(stopped, "the daemon stops on SIGTERM")
        XCTAssertFalse(fileExists(pidPath), "the pidfile is removed on exit")
    }

    /// The signals the daemon test gives its daemon do reach a program that
    /// `env` starts, so the daemon's clean mask is its own doing.
    func testEnvHandsOnABlockedAndAnIgnoredSignal() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let run = try await runProgram(
            FilePath("/usr/bin/env"),
            ["--block-signal=USR1", "--ignore-signal=HUP", "cat", "/proc/self/status"])
        XCTAssertEqual(run.exitCode, 0, run.standardError)
        XCTAssertEqual(signalSet(run.standardOutput, "SigBlk"), 0x200)
        XCTAssertEqual(signalSet(run.standardOutput, "SigIgn"), 0x1)
    }

    func testALiveHolderIsRefusedAndAStaleFileIsTakenOver() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let pidPath = folder.file("echo.pid")
        // A pid file left by a process that died holds no lock: taken over.
        try writeFile(pidPath, Array("999999\n".utf8))
        let first = try await runSockworks(["serve", "echo", "--daemon", "--pidfile", pidPath])
        let daemon = try XCTUnwrap(DaemonProcess(pidFile: pidPath))
        defer { daemon.kill() }
        XCTAssertEqual(first.exitCode, 0, first.standardError)
        XCTAssertNotEqual(daemon.pid, 999_999)

        for arguments in [["--pidfile", pidPath], ["--daemon", "--pidfile", pidPath]] {
            let second = try await runSockworks(["serve", "echo"] + arguments)
            XCTAssertEqual(second.exitCode, 1, "\(arguments)")
            XCTAssertFalse(second.timedOut)
            XCTAssertEqual(second.standardOutput, "", "refused before it binds")
            XCTAssertEqual(second.standardError, "sockworks: pidfile \(pidPath) is held by pid \(daemon.pid)\n")
            XCTAssertEqual(readPid(pidPath), daemon.pid, "the refused start leaves the file alone")
        }

        let stopped = try await daemon.stop()
        XCTAssertTrue(stopped)
        XCTAssertFalse(fileExists(pidPath))
    }

    /// A relative --unix path and --pidfile are taken from the folder the
    /// command starts in (the socket is bound before the daemon changes to
    /// /), and both files are removed there at exit.
    func testRelativePathsAreTheStartingFolders() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let start = try await runProgram(
            FilePath("/bin/sh"),
            [
                "-c", "cd \"$1\" && shift && exec \"$@\"", "sh", folder.path,
                try sockworksExecutable().string, "serve", "echo", "--unix", "echo.sock", "--daemon", "--pidfile",
                "echo.pid",
            ])
        let daemon = try XCTUnwrap(DaemonProcess(pidFile: folder.file("echo.pid")), start.standardError)
        defer { daemon.kill() }
        XCTAssertEqual(start.exitCode, 0, start.standardError)
        XCTAssertEqual(start.standardOutput, "listening on \(folder.file("echo.sock"))\n")
        XCTAssertEqual(fileType(folder.file("echo.sock")), S_IFSOCK)

        let echo = try await runSockworks(["echo", "--unix", folder.file("echo.sock")], input: Array("unix\n".utf8))
        XCTAssertEqual(echo.exitCode, 0, echo.standardError)
        XCTAssertEqual(echo.standardOutput, "unix\n")

        let stopped = try await daemon.stop()
        XCTAssertTrue(stopped)
        XCTAssertNil(fileType(folder.file("echo.sock")), "the socket file is removed at exit")
        XCTAssertFalse(fileExists(folder.file("echo.pid")))
    }

    func testBadServiceOptionsAreRefused() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let cases: [([String], Int32, String)] = [
            (
                ["--syslog-ident", "x"], 2,
                "sockworks: --syslog-ident applies with --syslog only (see 'sockworks serve echo --help')\n"
            ),
            (
                ["--syslog", "--syslog-ident", "a b"], 2,
                "sockworks: --syslog-ident must be 1 to 32 printable ASCII characters without space, '[' or ':' (see 'sockworks serve echo --help')\n"
            ),
            (["--pidfile", ""], 2, "sockworks: --pidfile needs a path (see 'sockworks serve echo --help')\n"),
            (
                ["--pidfile", folder.file("missing/echo.pid")], 1,
                "sockworks: pidfile: open(\(folder.file("missing/echo.pid"))): ENOENT (No such file or directory)\n"
            ),
            // A pid file is emptied and removed at exit: never a device or a fifo.
            (
                ["--daemon", "--pidfile", folder.file("fifo")], 1,
                "sockworks: pidfile \(folder.file("fifo")) is not a regular file\n"
            ),
        ]
        XCTAssertEqual(mkfifo(folder.file("fifo"), 0o600), 0)
        for (arguments, status, message) in cases {
            let run = try await runSockworks(["serve", "echo"] + arguments)
            XCTAssertEqual(run.exitCode, status, "\(arguments)")
            XCTAssertEqual(run.standardError, message, "\(arguments)")
            XCTAssertEqual(run.standardOutput, "", "\(arguments)")
        }
        XCTAssertEqual(fileType(folder.file("fifo")), S_IFIFO, "left alone")
    }

    /// glibc's syslog(3) writes to /dev/log, which this machine does not
    /// have: the server runs in a mount namespace whose /dev holds /dev/null
    /// and, as /dev/log, a UNIX datagram socket of the test's own.
    func testSyslogMessagesSayModelListeningAndShutdown() async throws {
        let dev = try PrivateDev()
        defer { dev.remove() }
        let (_, outcome) = try await withProgram(
            FilePath("/usr/bin/unshare"),
            dev.arguments(
                "serve", "echo", "--model", "thread", "--syslog", "--syslog-ident", "echo-test")
        ) { process in
            let line = try await process.firstLine()
            XCTAssertTrue(line?.hasPrefix("listening on ") ?? false, "\(line ?? "nothing")")
            try await Task.sleep(for: .milliseconds(200))
            _ = try await process.stop(.terminate)
        }
        XCTAssertEqual(outcome.exitCode, 0, outcome.standardError)
        XCTAssertEqual(outcome.standardError, "", "with --syslog nothing goes to standard error")

        let messages = dev.log.receiveAll()
        let text = messages.joined(separator: "\n")
        // RFC 3164 as glibc writes it: <PRI>TIMESTAMP IDENT[PID]: MESSAGE, PRI = facility daemon (3) * 8 + info (6).
        XCTAssertTrue(messages.allSatisfy { $0.hasPrefix("<30>") }, text)
        XCTAssertTrue(messages.allSatisfy { $0.contains(" echo-test[") }, text)
        XCTAssertTrue(text.contains("echo server (thread model) listening on 127.0.0.1:"), text)
        XCTAssertTrue(text.contains("SIGTERM: closing the listener"), text)
        XCTAssertTrue(text.contains("echo server stopped"), text)
    }

    /// The daemon's log, from the daemon: its own pid in every line, a
    /// connection reset by its client at LOG_WARNING, the rest at LOG_INFO.
    func testADaemonLogsToSyslogWithItsPidAndPriorities() async throws {
        let dev = try PrivateDev()
        defer { dev.remove() }
        let pidPath = dev.folder.file("echo.pid")
        let start = try await runProgram(
            FilePath("/usr/bin/unshare"),
            dev.arguments(
                "serve", "echo", "--daemon", "--pidfile", pidPath, "--syslog"))
        let daemon = try XCTUnwrap(DaemonProcess(pidFile: pidPath), start.standardError)
        defer { daemon.kill() }
        XCTAssertEqual(start.exitCode, 0, start.standardError)
        XCTAssertEqual(start.standardError, "")

        let port = try XCTUnwrap(UInt16(start.standardOutput.split(separator: ":").last?.filter(\.isNumber) ?? ""))
        let client = try TestSocket(type: Int32(SOCK_STREAM.rawValue))
        XCTAssertEqual(client.connect(port: port), 0)
        try client.sendAll(Array("reset".utf8))
        XCTAssertEqual(try client.receive(exactly: 5), Array("reset".utf8))
        try client.reset()
        // The server logs the reset when its next receive fails.
        let warned = try await waitUntil { dev.log.receiveAll().contains { $0.contains("ended: ") } }
        XCTAssertTrue(warned, dev.log.receiveAll().joined(separator: "\n"))

        let stopped = try await daemon.stop()
        XCTAssertTrue(stopped)
        let messages = dev.log.receiveAll()
        let text = messages.joined(separator: "\n")
        XCTAssertTrue(messages.allSatisfy { $0.contains(" sockworks[\(daemon.pid)]: ") }, text)
        func priority(of fragment: String) -> String? {
            messages.first { $0.contains(fragment) }.map { String($0.prefix { $0 != ">" }) + ">" }
        }
        XCTAssertEqual(
            priority(of: "echo server (iterative model) listening on 127.0.0.1:\(port) as daemon pid \(daemon.pid)"),
            "<30>", text)
        // Facility daemon (3) * 8 + warning (4).
        XCTAssertEqual(priority(of: "ended: recv: ECONNRESET"), "<28>", text)
        XCTAssertEqual(priority(of: "SIGTERM: closing the listener"), "<30>", text)
        XCTAssertEqual(priority(of: "echo server stopped"), "<30>", text)
    }
}

func procStatus(_ pid: pid_t) -> String { (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? "" }

/// The value of `Name:` in a /proc/PID/status text.
func statusField(_ status: String, _ name: String) -> String? {
    status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
        .map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) }
}

/// A signal set of /proc/PID/status (bit N-1 for signal N), without the
/// two signals glibc keeps for itself (32, 33): no program can change their
/// disposition through glibc, and the test runner hands them down ignored.
func signalSet(_ status: String, _ name: String) -> UInt64? {
    statusField(status, name).flatMap { UInt64($0, radix: 16) }.map { $0 & ~UInt64(0x1_8000_0000) }
}

/// The pids above `pid`, up to init.
func ancestors(of pid: pid_t) -> [pid_t] {
    var chain: [pid_t] = []
    var current = pid
    while chain.count < 64, let parent = ProcessStat(pid: current)?.parent, parent > 0 {
        chain.append(parent)
        current = parent
    }
    return chain
}

func readPid(_ path: String) -> pid_t? {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    return pid_t(text.filter(\.isNumber))
}
