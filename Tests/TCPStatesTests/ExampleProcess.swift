import Glibc
import Subprocess
import Synchronization
import SystemPackage
import XCTest

// The minimum of starting an example program while a test talks to it, as
// Tests/SockworksTests does for the sockworks command: swift-subprocess
// (children start with a clean signal mask), standard output collected as it
// arrives, stops by PID with a deadline.

/// An executable of this package, built beside this test bundle.
func builtExecutable(_ name: String) throws -> FilePath {
    var folder = FilePath(CommandLine.arguments[0])
    folder.removeLastComponent()
    for candidate in [folder.appending(name), folder.removingLastComponent().appending(name)]
    where access(candidate.string, X_OK) == 0 {
        return candidate
    }
    throw XCTSkip("\(name) is not built beside \(folder)")
}

/// Standard output of a running process, collected as it arrives.
final class OutputCollector: Sendable {
    private let state = Mutex<(bytes: [UInt8], ended: Bool)>(([], false))

    func append(_ chunk: SubprocessOutputSequence.Buffer) {
        chunk.withUnsafeBytes { raw in state.withLock { $0.bytes.append(contentsOf: raw) } }
    }
    func end() { state.withLock { $0.ended = true } }
    var text: String { state.withLock { String(decoding: $0.bytes, as: UTF8.self) } }
    var ended: Bool { state.withLock { $0.ended } }
}

/// An example program while it runs.
struct RunningExample: Sendable {
    let processIdentifier: ProcessIdentifier
    let output: OutputCollector
    let signal: @Sendable (Signal) throws -> Void

    /// Whether the process has exited, without reaping it (swift-subprocess
    /// reaps): a pidfd becomes readable when its process ends.
    var hasExited: Bool {
        var entry = pollfd(fd: processIdentifier.processDescriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 1
    }

    /// Standard output's lines so far, once it holds at least `count` (or
    /// has ended); throws when five seconds pass first.
    func lines(atLeast count: Int) async throws -> [String] {
        let deadline = ContinuousClock.now + .seconds(5)
        while true {
            let lines = output.text.split(separator: "\n").map(String.init)
            if lines.count >= count || output.ended { return lines }
            guard ContinuousClock.now < deadline else {
                throw ExampleError.tooFewLines(expected: count, got: output.text)
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// The address after "listening on " on the first line.
    func listeningAddress() async throws -> String {
        let first = try await lines(atLeast: 1).first ?? ""
        guard first.hasPrefix("listening on ") else { throw ExampleError.notListening(first) }
        return String(first.dropFirst("listening on ".count))
    }

    /// Waits up to five seconds for the process to exit; true when it has.
    func waitForExit() async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(5)
        while !hasExited {
            if ContinuousClock.now >= deadline { return false }
            try await Task.sleep(for: .milliseconds(5))
        }
        return true
    }
}

enum ExampleError: Error, CustomStringConvertible {
    case tooFewLines(expected: Int, got: String)
    case notListening(String)

    var description: String {
        switch self {
        case .tooFewLines(let count, let text): "fewer than \(count) lines within 5 s: \(text.debugDescription)"
        case .notListening(let line): "first line is not 'listening on ADDRESS': \(line.debugDescription)"
        }
    }
}

/// How an example program ended.
struct ExampleEnd {
    let status: TerminationStatus
    let standardOutput: String
    let standardError: String
    /// `body` left it running, and it was killed.
    let leftRunning: Bool
}

/// Starts the example `name` with `arguments`, runs `body` while it runs,
/// and returns how it ended; one `body` left running is killed, so no test
/// leaks a server.
func withExample<Result: Sendable>(
    _ name: String, _ arguments: [String], _ body: (RunningExample) async throws -> Result
) async throws -> (value: Result, end: ExampleEnd) {
    let result = try await run(
        .path(builtExecutable(name)),
        arguments: Arguments(arguments),
        input: .none,
        output: .sequence,
        error: .string(limit: 1 << 20)
    ) { execution in
        let collector = OutputCollector()
        let example = RunningExample(
            processIdentifier: execution.processIdentifier, output: collector,
            signal: { try execution.send(signal: $0) })
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
                value = try await body(example)
            } catch {
                try? execution.send(signal: .kill)
                throw error
            }
            let leftRunning = !example.hasExited
            if leftRunning { try? execution.send(signal: .kill) }
            try await group.waitForAll()
            return (value, leftRunning, collector.text)
        }
    }
    let (value, leftRunning, output) = result.closureResult
    return (
        value,
        ExampleEnd(
            status: result.terminationStatus, standardOutput: output,
            standardError: result.standardError, leftRunning: leftRunning)
    )
}
