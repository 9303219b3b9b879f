import Glibc
import Subprocess
import SystemPackage
import XCTest

/// What one run of the built `sockworks` executable did.
struct ProcessRun {
    let status: TerminationStatus
    let standardOutput: String
    let standardError: String

    var exitCode: Int32? {
        if case .exited(let code) = status { return code }
        return nil
    }
}

/// The `sockworks` executable built beside this test bundle.
func sockworksExecutable() throws -> FilePath {
    var folder = FilePath(CommandLine.arguments[0])
    folder.removeLastComponent()
    for candidate in [folder.appending("sockworks"), folder.removingLastComponent().appending("sockworks")]
    where access(candidate.string, X_OK) == 0 {
        return candidate
    }
    throw XCTSkip("sockworks is not built beside \(folder)")
}

/// Runs `sockworks ARGUMENTS` to completion and collects what it printed.
func runSockworks(_ arguments: [String]) async throws -> ProcessRun {
    let result = try await run(
        .path(sockworksExecutable()),
        arguments: Arguments(arguments),
        output: .string(limit: 1 << 20),
        error: .string(limit: 1 << 20)
    )
    return ProcessRun(status: result.terminationStatus,
                      standardOutput: result.standardOutput,
                      standardError: result.standardError)
}
