import TestSupport
import XCTest

/// Runs icmpping (with `extra` options of its own in front) and iputils
/// ping with the same arguments in `namespace`, and asserts the same exit
/// status and the same lines once times are masked, and once `rewriting`
/// has rewritten each line of both, figures and all (nil drops a line):
/// for what iputils alone prints. Returns both runs.
@discardableResult
func compareWithIputils(
    _ arguments: [String], in namespace: NetworkNamespace, ours extra: [String] = [],
    rewriting rewrite: (String) -> String? = { $0 },
    file: StaticString = #filePath, line: UInt = #line
) async throws -> (ours: ProcessRun, iputils: ProcessRun) {
    let ours = try await icmpping(extra + arguments, namespace: namespace.name)
    let theirs = try await iputilsPing(arguments, namespace: namespace.name)
    func kept(_ output: String) -> [String] {
        masked(
            output.split(separator: "\n", omittingEmptySubsequences: false).compactMap { rewrite(String($0)) }
                .joined(separator: "\n"))
    }
    XCTAssertEqual(ours.exitCode, theirs.exitCode, "exit status of \(extra + arguments)", file: file, line: line)
    XCTAssertEqual(
        kept(ours.standardOutput), kept(theirs.standardOutput),
        "\(extra + arguments)\nicmpping:\n\(ours.standardOutput)\(ours.standardError)\nping:\n\(theirs.standardOutput)",
        file: file, line: line)
    return (ours, theirs)
}

/// The figures of a summary's `N packets transmitted, M received, ...`
/// line.
struct SummaryCounts: Equatable {
    var transmitted: Int
    var received: Int
    var duplicates = 0
    var corrupted = 0
    var errors = 0
    /// The loss as printed (`%g`).
    var loss: String

    init(transmitted: Int, received: Int, duplicates: Int = 0, corrupted: Int = 0, errors: Int = 0, loss: String) {
        self.transmitted = transmitted
        self.received = received
        self.duplicates = duplicates
        self.corrupted = corrupted
        self.errors = errors
        self.loss = loss
    }

    /// Finds the line in `output`; nil when there is none.
    init?(_ output: String) {
        guard
            let match = output.firstMatch(
                of:
                    /(\d+) packets transmitted, (\d+) received(?:, \+(\d+) duplicates)?(?:, \+(\d+) corrupted)?(?:, \+(\d+) errors)?, ([0-9.e+-]+)% packet loss/
            )
        else { return nil }
        transmitted = Int(match.1)!
        received = Int(match.2)!
        duplicates = match.3.flatMap { Int($0) } ?? 0
        corrupted = match.4.flatMap { Int($0) } ?? 0
        errors = match.5.flatMap { Int($0) } ?? 0
        loss = String(match.6)
    }
}
