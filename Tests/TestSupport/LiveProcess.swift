import Glibc
import Subprocess

/// A program a test talks to while it runs (a server, a peer, a responder,
/// an icmpping run it signals), started by `withProgram`.
public struct LiveProcess: Sendable {
    public let processIdentifier: ProcessIdentifier
    public let output: OutputCollector
    /// Sends a signal by PID (to the process group when `withProgram` made one).
    public let signal: @Sendable (Signal) throws -> Void

    public init(
        processIdentifier: ProcessIdentifier, output: OutputCollector,
        signal: @escaping @Sendable (Signal) throws -> Void
    ) {
        self.processIdentifier = processIdentifier
        self.output = output
        self.signal = signal
    }

    public var pid: pid_t { processIdentifier.value }
    public var isRunning: Bool { !processIdentifier.hasExited }

    /// The first line on standard output, without its newline; nil when the
    /// output ended first (the process exited). Throws when `timeout` passes.
    /// The default is generous: a program starting while a whole test run
    /// loads two cores can take many seconds to print, and a server that
    /// starts at all prints at once, so waiting longer costs a passing run
    /// nothing.
    public func firstLine(timeout: Duration = .seconds(60)) async throws -> String? {
        var line: String?
        let arrived = try await waitUntil(timeout: timeout, pollingEvery: .milliseconds(5)) {
            let (bytes, ended) = output.snapshot
            if let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) {
                line = String(decoding: bytes[..<newline], as: UTF8.self)
            }
            return line != nil || ended
        }
        guard arrived else {
            throw TestFailure("no first line on stdout within \(timeout), got \(output.text.debugDescription)")
        }
        return line
    }

    /// Waits until standard output contains `text`; throws when the output
    /// ends or `timeout` passes first.
    public func waitForOutput(_ text: String, timeout: Duration = .seconds(10)) async throws {
        let arrived = try await waitUntil(timeout: timeout, pollingEvery: .milliseconds(5)) {
            output.text.contains(text) || output.ended
        }
        guard arrived, output.text.contains(text) else {
            throw TestFailure(
                "no \(text.debugDescription) on standard output within \(timeout): "
                    + output.text.debugDescription)
        }
    }

    /// Sends `signal` and waits for the exit; kills the process and returns
    /// false when it is still running after `timeout`.
    @discardableResult
    public func stop(_ signal: Signal = .terminate, timeout: Duration = .seconds(5)) async throws -> Bool {
        if isRunning { try? self.signal(signal) }
        if try await waitForExit(timeout: timeout) { return true }
        try? self.signal(.kill)
        return false
    }

    /// Waits up to `timeout` for the process to exit on its own.
    public func waitForExit(timeout: Duration) async throws -> Bool {
        try await processIdentifier.waitForExit(timeout: timeout)
    }
}
