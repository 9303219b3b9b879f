import TestSupport

// The example programs run through TestSupport's `withProgram`, with the
// few questions these tests ask of their output.

/// Starts the example `name` with `arguments`, runs `body` while it runs,
/// and returns how it ended; one `body` left running is killed, so no test
/// leaks a server.
func withExample<Result: Sendable>(
    _ name: String, _ arguments: [String], _ body: (LiveProcess) async throws -> Result
) async throws -> (value: Result, end: LiveOutcome) {
    let (value, outcome) = try await withProgram(try builtExecutable(name), arguments, body)
    return (value, outcome)
}

extension LiveProcess {
    /// Standard output's lines so far, once it holds at least `count` (or
    /// has ended); throws when five seconds pass first.
    func lines(atLeast count: Int) async throws -> [String] {
        var lines: [String] = []
        let enough = try await waitUntil(timeout: .seconds(5), pollingEvery: .milliseconds(5)) {
            lines = output.text.split(separator: "\n").map(String.init)
            return lines.count >= count || output.ended
        }
        guard enough else {
            throw TestFailure("fewer than \(count) lines within 5 s: \(output.text.debugDescription)")
        }
        return lines
    }

    /// The address after "listening on " on the first line.
    func listeningAddress() async throws -> String {
        let first = try await lines(atLeast: 1).first ?? ""
        guard first.hasPrefix("listening on ") else {
            throw TestFailure("first line is not 'listening on ADDRESS': \(first.debugDescription)")
        }
        return String(first.dropFirst("listening on ".count))
    }

    /// Waits up to five seconds for the process to exit; true when it has.
    func waitForExit() async throws -> Bool { try await waitForExit(timeout: .seconds(5)) }
}
