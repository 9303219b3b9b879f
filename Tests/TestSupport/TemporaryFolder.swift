import Foundation
import Glibc
import Synchronization
import SystemPackage

/// A private folder made by mkdtemp(3) for UNIX socket paths, captures and
/// inputs, removed with everything in it by `remove()` or, at the latest,
/// when the last reference goes. Under /tmp by default: a socket path must
/// fit sun_path's 107 bytes.
public final class TemporaryFolder: Sendable {
    public let path: String
    private let counter = Mutex(0)

    /// A folder named `prefix-XXXXXX` in `parent`.
    public init(prefix: String = "sockworks-test", in parent: String = "/tmp") throws {
        var template = Array("\(parent)/\(prefix)-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw Errno(rawValue: errno)
        }
        path = String(cString: made)
    }

    /// The path of `name` in the folder.
    public func file(_ name: String) -> String { path + "/" + name }

    /// A path in the folder no earlier call returned: `stem-1`, `stem-2`, ...
    public func uniquePath(_ stem: String) -> String {
        let n = counter.withLock { value -> Int in
            value += 1
            return value
        }
        return file("\(stem)-\(n)")
    }

    /// Removes the folder and everything in it; later calls do nothing.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    deinit { remove() }
}
