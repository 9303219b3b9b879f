import Glibc
import XCTest

// What a test needs from the machine; without it the test is skipped, not
// failed, and the skip says what is missing.

/// Tests that open raw sockets, change iptables, mount or make namespaces.
public func requireRoot(_ reason: String = "raw sockets, iptables, mounts or network namespaces") throws {
    guard geteuid() == 0 else { throw XCTSkip("needs root: \(reason)") }
}

/// A program that must be installed (tools/install-deps installs it).
public func requireProgram(_ path: String) throws {
    guard access(path, X_OK) == 0 else { throw XCTSkip("\(path) is missing: run tools/install-deps") }
}
