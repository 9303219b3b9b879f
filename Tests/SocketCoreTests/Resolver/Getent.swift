import SystemPackage
import TestSupport
import XCTest

/// What `getent DATABASE KEY` printed, split into whitespace-separated fields
/// per line; nil when getent found nothing (exit status 2).
///
/// getent reads the same nsswitch.conf sources as the C library, so it is the
/// oracle for what the machine's databases hold.
func getent(_ database: String, _ key: String) async throws -> [[String]]? {
    let getent = "/usr/bin/getent"
    try requireProgram(getent)
    let run = try await runProgram(FilePath(getent), [database, key])
    if run.exitCode == 2 { return nil }  // "one or more supplied key could not be found"
    guard run.exitCode == 0 else { throw XCTSkip("getent \(database) \(key) ended with \(run.status)") }
    return run.standardOutput.split(separator: "\n").map { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
}
