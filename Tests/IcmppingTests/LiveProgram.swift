import Glibc
import Subprocess
import Synchronization
import SystemPackage
import XCTest

/// The standard output of a running process, collected as it arrives.
final class OutputCollector: Sendable {
    private let state = Mutex<(bytes: [UInt8], ended: Bool)>(([], false))

    func append(_ chunk: SubprocessOutputSequence.Buffer) {
        chunk.withUnsafeBytes { raw in state.withLock { $0.bytes.append(contentsOf: raw) } }
    }
    func end() { state.withLock { $0.ended = true } }
    var text: String { state.withLock { String(decoding: $0.bytes, as: UTF8.self) } }
    var ended: Bool { state.withLock { $0.ended } }
}

/// A process a test works with while it runs (a responder, or an icmpping
/// run it signals).
struct LiveProgram: Sendable {
    let processIdentifier: ProcessIdentifier
    let output: OutputCollector
    let signal: @Sendable (Signal) throws -> Void

    var isRunning: Bool {
        // A pidfd turns readable when its process ends; swift-subprocess reaps.
        var entry = pollfd(fd: processIdentifier.processDescriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 0
    }

    /// Waits until standard output contains `text`; throws when the output
    /// ends or `timeout` passes first.
    func waitForOutput(_ text: String, timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !output.text.contains(text) {
            if output.ended || ContinuousClock.now >= deadline {
                throw Failure("no \(text.debugDescription) on standard output within \(timeout): \(output.text.debugDescription)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Waits up to `timeout` for the process to end by itself.
    func waitForExit(timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            if ContinuousClock.now >= deadline { return false }
            try await Task.sleep(for: .milliseconds(5))
        }
        return true
    }
}

/// How a `withLiveProgram` process ended.
struct LiveOutcome {
    let run: ProcessRun
    /// Whether the body left it running, so that it had to be killed.
    let leftRunning: Bool
}

/// Starts `executable ARGUMENTS` (in `namespace`, through `ip netns exec`,
/// which execs it under the same pid), hands it to `body` while it runs,
/// and makes sure it is gone afterwards: what `body` leaves running is
/// killed by its pid, so no test leaks a process or hangs on one.
func withLiveProgram<Value: Sendable>(
    _ executable: String, _ arguments: [String], namespace: String? = nil,
    _ body: (LiveProgram) async throws -> Value
) async throws -> (value: Value, outcome: LiveOutcome) {
    let command = namespace.map { ["/usr/sbin/ip", "netns", "exec", $0, executable] } ?? [executable]
    let result = try await run(
        .path(FilePath(command[0])),
        arguments: Arguments(Array(command.dropFirst()) + arguments),
        input: .none,
        output: .sequence,
        error: .string(limit: 1 << 20)
    ) { execution in
        let collector = OutputCollector()
        let live = LiveProgram(processIdentifier: execution.processIdentifier, output: collector,
                               signal: { try execution.send(signal: $0) })
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Ends at EOF, or with an error once the process is gone.
                do {
                    for try await chunk in execution.standardOutput { collector.append(chunk) }
                } catch {}
                collector.end()
            }
            let value: Value
            do {
                value = try await body(live)
            } catch {
                try? execution.send(signal: .kill)
                throw error
            }
            let leftRunning = live.isRunning
            if leftRunning {
                try? execution.send(signal: .kill)
                _ = try await live.waitForExit(timeout: .seconds(10))
            }
            try await group.waitForAll()
            return (value, leftRunning, collector.text)
        }
    }
    let (value, leftRunning, output) = result.closureResult
    return (value, LiveOutcome(run: ProcessRun(status: result.terminationStatus, standardOutput: output,
                                               standardError: result.standardError),
                               leftRunning: leftRunning))
}
