import Glibc
import SystemPackage
import XCTest

/// The executable product `name` built beside the running test bundle (in
/// the same build folder, or the one above it); skips the test when it is
/// not built.
public func builtExecutable(_ name: String) throws -> FilePath {
    var folder = FilePath(CommandLine.arguments[0])
    folder.removeLastComponent()
    for candidate in [folder.appending(name), folder.removingLastComponent().appending(name)]
    where access(candidate.string, X_OK) == 0 {
        return candidate
    }
    throw XCTSkip("\(name) is not built beside \(folder)")
}
