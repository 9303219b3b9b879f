import Glibc
import SocketCore
import XCTest

/// Real programs started with posix_spawn: what they print is what the
/// child saw.
final class SpawnTests: XCTestCase {
    /// Runs `request` to its end; returns its standard output (and error)
    /// as text, and how it ended.
    private func run(_ request: SpawnRequest) throws -> (output: String, error: String, exit: ChildExit) {
        let child = try SpawnedProcess.spawn(request)
        let output = try child.standardOutput.map { String(decoding: try $0.readToEnd(), as: UTF8.self) } ?? ""
        let error = try child.standardError.map { String(decoding: try $0.readToEnd(), as: UTF8.self) } ?? ""
        return (output, error, try child.wait())
    }

    /// A child to look at from outside (/proc), killed and reaped at the end.
    private func withSleeper(_ request: SpawnRequest? = nil, _ body: (SpawnedProcess) throws -> Void) throws {
        let child = try SpawnedProcess.spawn(request ?? SpawnRequest(executable: "/bin/sleep", arguments: ["30"]))
        defer {
            child.signal(SIGKILL)
            _ = try? child.wait()
        }
        try body(child)
    }

    /// A line of /proc/PID/status, e.g. "SigBlk".
    private func status(_ pid: pid_t, _ field: String) -> String? {
        ProcFS.read("/proc/\(pid)/status")?.split(separator: "\n")
            .first { $0.hasPrefix(field + ":") }
            .map { String($0.dropFirst(field.count + 1).filter { !$0.isWhitespace }) }
    }

    func testEchoWritesItsArgumentsToTheOutputPipe() throws {
        let result = try run(
            SpawnRequest(
                executable: "/bin/echo", arguments: ["hello", "two words"],
                standardOutput: .pipe))
        XCTAssertEqual(result.output, "hello two words\n")
        XCTAssertEqual(result.exit, .exited(0))
    }

    func testCatCopiesTheInputPipeToTheOutputPipe() throws {
        let child = try SpawnedProcess.spawn(
            SpawnRequest(
                executable: "/bin/cat", standardInput: .pipe,
                standardOutput: .pipe))
        let input = try XCTUnwrap(child.standardInput)
        try input.writeAll(Array("line one\nline two\n".utf8))
        try input.close()  // end of file for cat
        XCTAssertEqual(
            String(decoding: try XCTUnwrap(child.standardOutput).readToEnd(), as: UTF8.self),
            "line one\nline two\n")
        XCTAssertEqual(try child.wait(), .exited(0))
    }

    func testStandardErrorIsApartFromStandardOutput() throws {
        let result = try run(
            SpawnRequest(
                executable: "/bin/sh", arguments: ["-c", "echo out; echo err >&2; exit 3"],
                standardOutput: .pipe, standardError: .pipe))
        XCTAssertEqual(result.output, "out\n")
        XCTAssertEqual(result.error, "err\n")
        XCTAssertEqual(result.exit, .exited(3))
    }

    func testEnvironmentIsExactlyTheOneGiven() throws {
        setenv("SOCKWORKS_PARENT_ONLY", "1", 1)
        defer { unsetenv("SOCKWORKS_PARENT_ONLY") }
        let given = try run(
            SpawnRequest(
                executable: "/usr/bin/env", environment: ["B": "two words", "A": "1"],
                standardOutput: .pipe))
        XCTAssertEqual(given.output, "A=1\nB=two words\n")
        let none = try run(SpawnRequest(executable: "/usr/bin/env", standardOutput: .pipe))
        XCTAssertEqual(none.output, "")
    }

    func testWorkingDirectory() throws {
        let result = try run(
            SpawnRequest(
                executable: "/bin/pwd", workingDirectory: "/proc/self",
                standardOutput: .pipe))
        // /bin/pwd prints the physical path: /proc/self is the child itself.
        XCTAssertTrue(result.output.hasPrefix("/proc/"), result.output)
        XCTAssertEqual(
            try run(
                SpawnRequest(
                    executable: "/bin/pwd", workingDirectory: "/usr/lib",
                    standardOutput: .pipe)
            ).output, "/usr/lib\n")
    }

    func testRelativeExecutableIsTakenFromTheWorkingDirectory() throws {
        XCTAssertEqual(
            try run(
                SpawnRequest(
                    executable: "./echo", arguments: ["x"], workingDirectory: "/bin",
                    standardOutput: .pipe)
            ).output, "x\n")
    }

    func testChildLeadsAProcessGroupOfItsOwn() throws {
        try withSleeper { child in
            XCTAssertEqual(getpgid(child.pid), child.pid)
            XCTAssertNotEqual(getpgid(child.pid), getpgrp())
        }
    }

    /// Blocked and ignored signals of the parent (a server blocks SIGTERM
    /// and ignores SIGPIPE) do not reach the child.
    func testSignalMaskAndDispositionsAreClean() throws {
        var blocked = sigset_t()
        var before = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &blocked, &before)
        let previousPipe = signal(SIGPIPE, SIG_IGN)
        defer {
            pthread_sigmask(SIG_SETMASK, &before, nil)
            signal(SIGPIPE, previousPipe)
        }
        let parentIgnores = try XCTUnwrap(status(getpid(), "SigIgn").flatMap { UInt64($0, radix: 16) })
        XCTAssertNotEqual(parentIgnores & 1 << (SIGPIPE - 1), 0, "the parent ignores SIGPIPE")
        try withSleeper { child in
            XCTAssertEqual(status(child.pid, "SigBlk"), "0000000000000000")
            // glibc's posix_spawn sets its two internal signals (32 and 33,
            // which sigfillset leaves out) to ignored in every child it
            // starts; the child's glibc installs its own handlers for them.
            let ignored = try XCTUnwrap(status(child.pid, "SigIgn").flatMap { UInt64($0, radix: 16) })
            let glibcInternal: UInt64 = 1 << 31 | 1 << 32
            XCTAssertEqual(ignored & ~glibcInternal, 0, "SIGPIPE and the rest are back to default")
        }
    }

    func testSignalGroupEndsTheShellsChildrenToo() throws {
        let child = try SpawnedProcess.spawn(
            SpawnRequest(
                executable: "/bin/sh", arguments: ["-c", "sleep 30 & a=$!; sleep 30 & echo $a $!; wait"],
                standardOutput: .pipe))
        // One line, not to the end: the sleeps hold the pipe too.
        var line: [UInt8] = []
        var byte: UInt8 = 0
        let output = try XCTUnwrap(child.standardOutput)
        while line.last != UInt8(ascii: "\n") {
            let count = try withUnsafeMutableBytes(of: &byte) { try output.read(into: $0) }
            guard count == .processed(1) else { break }
            line.append(byte)
        }
        let sleepers = String(decoding: line, as: UTF8.self).split(whereSeparator: \.isWhitespace)
            .compactMap { pid_t($0) }
        XCTAssertEqual(sleepers.count, 2)
        for sleeper in sleepers { XCTAssertEqual(getpgid(sleeper), child.pid, "the shell's children are in its group") }

        XCTAssertTrue(child.signalGroup(SIGTERM))
        XCTAssertEqual(try child.wait(), .signaled(SIGTERM))
        // Orphaned now, the sleeps were re-parented to init: ended means gone or a zombie.
        let deadline = MonotonicInstant.now + .seconds(10)
        func alive(_ pid: pid_t) -> Bool {
            guard let stat = ProcFS.read("/proc/\(pid)/stat") else { return false }
            return !stat.contains(") Z")
        }
        while sleepers.contains(where: alive) && MonotonicInstant.now < deadline { usleep(1000) }
        for sleeper in sleepers { XCTAssertFalse(alive(sleeper), "sleep \(sleeper) still runs") }
    }

    /// A descriptor the parent opened without close-on-exec stays out of the
    /// child: it holds exactly 0, 1 and 2.
    func testNoDescriptorOfTheParentLeaksIntoTheChild() throws {
        let leaky = open("/dev/null", O_RDONLY)  // no O_CLOEXEC, on purpose
        XCTAssertGreaterThan(leaky, 2)
        defer { close(leaky) }
        let (_, keptWriteEnd) = try PipeEnd.pipe()
        defer { try? keptWriteEnd.close() }
        try withSleeper(SpawnRequest(executable: "/bin/sleep", arguments: ["30"], standardOutput: .pipe)) { child in
            XCTAssertEqual(ProcFS.numericEntries("/proc/\(child.pid)/fd").sorted(), [0, 1, 2])
        }
        // And the child's own view: ls holds 0, 1, 2 and the directory it reads.
        let listing = try run(SpawnRequest(executable: "/bin/ls", arguments: ["/proc/self/fd"], standardOutput: .pipe))
        XCTAssertEqual(listing.output.split(separator: "\n").compactMap { Int($0) }.sorted(), [0, 1, 2, 3])
    }

    func testNullDeviceStreams() throws {
        let result = try run(
            SpawnRequest(
                executable: "/bin/sh", arguments: ["-c", "cat; echo done >&2"],
                standardInput: .nullDevice, standardOutput: .pipe,
                standardError: .nullDevice))
        XCTAssertEqual(result.output, "")
        XCTAssertEqual(result.exit, .exited(0))
    }

    func testMissingProgramIsENOENT() {
        XCTAssertThrowsError(try SpawnedProcess.spawn(SpawnRequest(executable: "/no/such/program"))) {
            XCTAssertEqual(
                ($0 as? SystemError)?.description,
                "posix_spawn(/no/such/program): ENOENT (No such file or directory)")
        }
        XCTAssertThrowsError(try SpawnedProcess.spawn(SpawnRequest(executable: "echo"))) {
            XCTAssertEqual(($0 as? SystemError)?.code, ENOENT, "no PATH search unless asked")
        }
        let missingDirectory = SpawnRequest(executable: "/bin/pwd", workingDirectory: "/no/dir")
        XCTAssertThrowsError(try SpawnedProcess.spawn(missingDirectory)) {
            XCTAssertEqual(
                ($0 as? SystemError)?.description,
                "posix_spawn(/bin/pwd in /no/dir): ENOENT (No such file or directory)")
        }
    }

    func testPathSearchWhenAsked() throws {
        var request = SpawnRequest(executable: "echo", arguments: ["found"], standardOutput: .pipe)
        request.searchesPath = true
        XCTAssertEqual(try run(request).output, "found\n")
    }

    func testProgramThatIsNotExecutableIsEACCES() throws {
        var template = Array("/tmp/sockworks-spawn-XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        close(descriptor)  // mode 0600: not executable
        let path = String(nulTerminated: template)
        defer { unlink(path) }
        XCTAssertThrowsError(try SpawnedProcess.spawn(SpawnRequest(executable: path))) {
            XCTAssertEqual(($0 as? SystemError)?.description, "posix_spawn(\(path)): EACCES (Permission denied)")
        }
    }

    func testRequestsNoCStringCanCarryAreRefused() {
        for request in [
            SpawnRequest(executable: ""),
            SpawnRequest(executable: "/bin/echo", arguments: ["a\u{0}b"]),
            SpawnRequest(executable: "/bin/echo", environment: ["A=B": "1"]),
            SpawnRequest(executable: "/bin/echo", environment: ["": "1"]),
        ] {
            XCTAssertThrowsError(try SpawnedProcess.spawn(request)) {
                XCTAssertEqual(($0 as? SystemError)?.code, EINVAL, "\(request)")
            }
        }
    }

    func testTryWaitThenWaitLeavesNoZombie() throws {
        let child = try SpawnedProcess.spawn(SpawnRequest(executable: "/bin/sleep", arguments: ["30"]))
        XCTAssertNil(try child.tryWait(), "still running")
        XCTAssertTrue(child.signal(SIGKILL))
        XCTAssertEqual(try child.wait(), .signaled(SIGKILL))
        XCTAssertNil(ProcFS.read("/proc/\(child.pid)/stat"), "reaped: no zombie left")
        XCTAssertEqual(try child.tryWait(), .signaled(SIGKILL), "the status is kept")
        XCTAssertFalse(child.signal(SIGKILL), "a reaped child's pid is not ours to signal")
    }
}
