import SystemPackage
import TestSupport

/// The peers Debian installs (tools/install-deps).
enum PeerTool {
    static let socat = FilePath("/usr/bin/socat")
    static let netcat = FilePath("/usr/bin/nc")
    static let python = FilePath("/usr/bin/python3")

    /// Skips the test when a peer is not installed, rather than failing it.
    static func require(_ tool: FilePath) throws {
        try requireProgram(tool.string)
    }
}
