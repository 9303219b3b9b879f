import Glibc
import Subprocess
import Synchronization
import SystemPackage
import XCTest

// Helpers for the echo integration tests: processes that run while a test talks
// to them, stopped by PID and waited for with a deadline, and the loopback
// sockets a test plays a peer with. Only loopback addresses and UNIX paths in a
// per-test temporary folder are ever used.

/// The peers Debian installs (tools/install-deps).
enum PeerTool {
    static let socat = FilePath("/usr/bin/socat")
    static let netcat = FilePath("/usr/bin/nc")
    static let python = FilePath("/usr/bin/python3")

    /// Skips the test when a peer is not installed, rather than failing it.
    static func require(_ tool: FilePath) throws {
        guard access(tool.string, X_OK) == 0 else { throw XCTSkip("\(tool) is not installed") }
    }
}

/// What a finished process did.
struct FinishedProcess {
    let status: TerminationStatus
    let standardOutput: [UInt8]
    let standardError: String
    /// The deadline passed and the process was killed.
    let timedOut: Bool

    var exitCode: Int32? {
        if case .exited(let code) = status { return code }
        return nil
    }
    var outputText: String { String(decoding: standardOutput, as: UTF8.self) }
}

/// The test process writes to pipes and sockets whose readers may be gone; it
/// must see EPIPE, not die. Children start with default dispositions again
/// (swift-subprocess spawns with POSIX_SPAWN_SETSIGDEF), so a server that
/// forgets MSG_NOSIGNAL still dies of SIGPIPE and the tests notice.
func ignoreSIGPIPEInTests() {
    signal(SIGPIPE, SIG_IGN)
}

/// Whether the process has exited, without reaping it (swift-subprocess reaps).
/// A pidfd becomes readable when its process terminates.
func hasExited(_ process: ProcessIdentifier) -> Bool {
    precondition(process.processDescriptor >= 0, "swift-subprocess gave no pidfd")
    var entry = pollfd(fd: process.processDescriptor, events: Int16(POLLIN), revents: 0)
    return poll(&entry, 1, 0) == 1
}

/// Waits up to `timeout` for the process to exit; true when it has.
func waitForProcessExit(_ process: ProcessIdentifier, timeout: Duration) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !hasExited(process) {
        if ContinuousClock.now >= deadline { return false }
        try await Task.sleep(for: .milliseconds(5))
    }
    return true
}

/// Runs a program to completion with `input` (written to a file first, so a
/// program that stops reading early never makes the test's writer fail) on its
/// standard input; kills it by PID when `timeout` passes.
func runProgram(_ executable: FilePath, _ arguments: [String], input: [UInt8] = [],
                in folder: TemporaryFolder, timeout: Duration = .seconds(10)) async throws -> FinishedProcess {
    ignoreSIGPIPEInTests()
    let inputPath = folder.uniquePath("stdin")
    try writeFile(inputPath, input)
    let inputFile = try FileDescriptor.open(FilePath(inputPath), .readOnly, options: .closeOnExec)
    let result = try await run(
        .path(executable),
        arguments: Arguments(arguments),
        input: .fileDescriptor(inputFile, closeAfterSpawningProcess: true),
        output: .bytes(limit: 64 << 20),
        error: .string(limit: 1 << 20)
    ) { execution in
        if try await waitForProcessExit(execution.processIdentifier, timeout: timeout) { return false }
        try? execution.send(signal: .kill)
        return true
    }
    return FinishedProcess(status: result.terminationStatus, standardOutput: result.standardOutput,
                           standardError: result.standardError, timedOut: result.closureResult)
}

/// Runs `sockworks ARGUMENTS` to completion; see `runProgram`.
func runSockworks(_ arguments: [String], input: [UInt8] = [], in folder: TemporaryFolder,
                  timeout: Duration = .seconds(10)) async throws -> FinishedProcess {
    try await runProgram(sockworksExecutable(), arguments, input: input, in: folder, timeout: timeout)
}

/// Standard output of a running process, collected as it arrives.
final class OutputCollector: Sendable {
    private let state = Mutex<(bytes: [UInt8], ended: Bool)>(([], false))

    func append(_ chunk: SubprocessOutputSequence.Buffer) {
        chunk.withUnsafeBytes { raw in state.withLock { $0.bytes.append(contentsOf: raw) } }
    }
    func end() { state.withLock { $0.ended = true } }
    var snapshot: (bytes: [UInt8], ended: Bool) { state.withLock { $0 } }
}

enum LiveProcessError: Error, CustomStringConvertible {
    case noFirstLine(String)
    var description: String {
        switch self {
        case .noFirstLine(let why): "no first line on stdout: \(why)"
        }
    }
}

/// A process a test talks to while it runs.
struct LiveProcess: Sendable {
    let processIdentifier: ProcessIdentifier
    let output: OutputCollector
    let signal: @Sendable (Signal) throws -> Void

    var pid: pid_t { processIdentifier.value }
    var isRunning: Bool { !hasExited(processIdentifier) }

    /// The first line on standard output, without its newline; nil when the
    /// output ended first (the process exited). Throws when `timeout` passes.
    func firstLine(timeout: Duration = .seconds(10)) async throws -> String? {
        let deadline = ContinuousClock.now + timeout
        while true {
            let (bytes, ended) = output.snapshot
            if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                return String(decoding: bytes[..<newline], as: UTF8.self)
            }
            if ended { return nil }
            if ContinuousClock.now >= deadline {
                throw LiveProcessError.noFirstLine("nothing within \(timeout), got \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Sends `signal` by PID and waits for the exit; kills the process and
    /// returns false when it is still running after `timeout`.
    @discardableResult
    func stop(_ signal: Signal = .terminate, timeout: Duration = .seconds(5)) async throws -> Bool {
        if isRunning { try? self.signal(signal) }
        if try await waitForProcessExit(processIdentifier, timeout: timeout) { return true }
        try? self.signal(.kill)
        return false
    }

    /// Waits up to `timeout` for the process to exit on its own.
    func waitForExit(timeout: Duration) async throws -> Bool {
        try await waitForProcessExit(processIdentifier, timeout: timeout)
    }
}

/// Starts a program, hands it to `body` while it runs, and makes sure it is
/// gone afterwards: a process `body` left running is killed and reported as
/// `leftRunning`, so no test can leak a server or hang on one.
///
/// With `ownProcessGroup` the program starts a process group of its own and
/// every signal goes to that group: a `socat ...,fork` server's children
/// outlive their parent otherwise.
func withProgram<Result: Sendable>(
    _ executable: FilePath, _ arguments: [String], ownProcessGroup: Bool = false,
    _ body: (LiveProcess) async throws -> Result
) async throws -> (value: Result, outcome: LiveOutcome) {
    ignoreSIGPIPEInTests()
    var options = PlatformOptions()
    if ownProcessGroup { options.processGroupID = 0 }
    let result = try await run(
        .path(executable),
        arguments: Arguments(arguments),
        platformOptions: options,
        input: .none,
        output: .sequence,
        error: .string(limit: 1 << 20)
    ) { execution in
        let collector = OutputCollector()
        let live = LiveProcess(processIdentifier: execution.processIdentifier, output: collector,
                               signal: { try execution.send(signal: $0, toProcessGroup: ownProcessGroup) })
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Ends at EOF, or with an error when swift-subprocess cancels
                // the read because the process has exited; either is the end.
                do {
                    for try await chunk in execution.standardOutput { collector.append(chunk) }
                } catch {}
                collector.end()
            }
            let value: Result
            do {
                value = try await body(live)
            } catch {
                try? execution.send(signal: .kill, toProcessGroup: ownProcessGroup)
                throw error
            }
            let leftRunning = live.isRunning
            if leftRunning { _ = try await live.stop(.kill) }
            try await group.waitForAll()
            return (value, leftRunning, collector.snapshot.bytes)
        }
    }
    let (value, leftRunning, output) = result.closureResult
    let outcome = LiveOutcome(status: result.terminationStatus,
                              standardOutput: String(decoding: output, as: UTF8.self),
                              standardError: result.standardError,
                              leftRunning: leftRunning)
    return (value, outcome)
}

/// How a process started with `withProgram` ended.
struct LiveOutcome {
    let status: TerminationStatus
    let standardOutput: String
    let standardError: String
    let leftRunning: Bool

    var exitCode: Int32? {
        if case .exited(let code) = status { return code }
        return nil
    }
}

// MARK: - The echo server

/// A running `sockworks serve echo` and the address it printed.
struct EchoServer: Sendable {
    let process: LiveProcess
    /// What followed `listening on ` on its first line.
    let address: String

    /// The port of an IP server (`127.0.0.1:40123`, `[::1]:40123`).
    var port: UInt16? {
        guard let colon = address.lastIndex(of: ":") else { return nil }
        return UInt16(address[address.index(after: colon)...])
    }
    var portArgument: String { port.map(String.init) ?? "?" }
}

enum EchoServerError: Error, CustomStringConvertible {
    case badFirstLine(String?, stderr: String)
    var description: String {
        switch self {
        case .badFirstLine(let line, _): "first line is not 'listening on ADDRESS': \(line.debugDescription)"
        }
    }
}

/// Starts `sockworks serve echo ARGUMENTS`, waits for `listening on ADDRESS`,
/// runs `body`, and returns how the server ended. `body` should stop the
/// server itself (`server.process.stop()`) so it can check the exit; one left
/// running is killed and `leftRunning` says so.
///
/// `launcher` is a command that execs the server in its own process (such as
/// `prlimit --nofile=64:64 --`), so the PID is still the server's.
func withEchoServer<Result: Sendable>(
    _ arguments: [String],
    launcher: [String] = [],
    _ body: (EchoServer) async throws -> Result
) async throws -> (value: Result, outcome: LiveOutcome) {
    var executable = try sockworksExecutable()
    var allArguments = ["serve", "echo"] + arguments
    if let command = launcher.first {
        allArguments = launcher.dropFirst() + [executable.string] + allArguments
        executable = FilePath(command)
    }
    return try await withProgram(executable, allArguments) { process in
        let line = try await process.firstLine()
        let prefix = "listening on "
        guard let line, line.hasPrefix(prefix), line.count > prefix.count else {
            throw EchoServerError.badFirstLine(line, stderr: "")
        }
        return try await body(EchoServer(process: process, address: String(line.dropFirst(prefix.count))))
    }
}

// MARK: - Files and folders

/// A private folder under /tmp for UNIX socket paths and inputs, removed with
/// everything in it by `remove()` (files only: the tests make no subfolders).
final class TemporaryFolder: Sendable {
    let path: String
    private let counter = Mutex(0)

    init() throws {
        var template = Array("/tmp/sockworks-echo-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw Errno(rawValue: errno)
        }
        path = String(cString: made)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func uniquePath(_ stem: String) -> String {
        let n = counter.withLock { value -> Int in value += 1; return value }
        return file("\(stem)-\(n)")
    }

    func remove() {
        guard let directory = opendir(path) else { return }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { unlink(file(name)) }
        }
        closedir(directory)
        rmdir(path)
    }
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    let fd = try FileDescriptor.open(FilePath(path), .writeOnly, options: [.create, .truncate, .closeOnExec],
                                     permissions: [.ownerReadWrite])
    try fd.closeAfter { _ = try fd.writeAll(bytes) }
}

func fileType(_ path: String) -> mode_t? {
    var info = stat()
    guard lstat(path, &info) == 0 else { return nil }
    return info.st_mode & S_IFMT
}

/// `count` random bytes, read from /dev/urandom in large chunks: a loop over
/// 8-byte words costs about a second per 8 MiB in a sanitized debug build.
func randomBytes(_ count: Int) -> [UInt8] {
    let source = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
    precondition(source >= 0, "/dev/urandom: errno \(errno)")
    defer { close(source) }
    var bytes = [UInt8](repeating: 0, count: count)
    bytes.withUnsafeMutableBytes { raw in
        var offset = 0
        while offset < raw.count {
            let n = read(source, raw.baseAddress! + offset, min(raw.count - offset, 1 << 24))
            if n > 0 { offset += n } else { precondition(n < 0 && errno == EINTR, "/dev/urandom: errno \(errno)") }
        }
    }
    return bytes
}
