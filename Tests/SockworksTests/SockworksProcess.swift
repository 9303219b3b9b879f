import SystemPackage
import TestSupport

/// The `sockworks` executable built beside this test bundle.
func sockworksExecutable() throws -> FilePath {
    try builtExecutable("sockworks")
}

/// Runs `sockworks ARGUMENTS` to completion with `input` on its standard
/// input; see `runProgram`.
func runSockworks(_ arguments: [String], input: [UInt8] = [], timeout: Duration = .seconds(10)) async throws
    -> ProcessRun
{
    try await runProgram(sockworksExecutable(), arguments, input: input, timeout: timeout)
}
