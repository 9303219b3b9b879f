import CSystemShims
import Glibc

/// A directory that paths are opened beneath and never outside: the root of
/// a web site. Whatever a path holds (`..` that the caller missed, a symbolic
/// link to `/etc`, a link to a directory that leads elsewhere, a /proc magic
/// link), a file outside the directory is refused.
///
/// On Linux 5.6 and later the kernel checks, with openat2(2) and
/// `RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS`: every component, links
/// included, must resolve below the directory, or the open fails with
/// `EXDEV`. Links that stay inside are followed. Where openat2 is missing
/// (`ENOSYS`, or `EPERM` from a container's seccomp filter) the file is
/// opened with openat(2) and then refused, with `EXDEV` as well, unless the
/// path the kernel gives for the open descriptor (its /proc/self/fd link)
/// lies in the directory: the same outcome, though the file outside has
/// been opened for a moment (with `O_NONBLOCK | O_NOCTTY`, so that opening
/// a FIFO or a terminal does nothing).
public final class RootDirectory: Sendable {
    /// How a path is kept beneath the directory.
    public enum Containment: Sendable, Hashable {
        /// openat2(2) with `RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS`.
        case kernel
        /// openat(2), then the opened descriptor's path compared with the directory's.
        case pathCheck
    }

    /// The directory, opened with `O_PATH | O_DIRECTORY`: it serves as the
    /// base of every open, and keeps naming the same directory if its path
    /// is renamed.
    public let descriptor: Int32
    /// The path it was opened by, for error messages.
    public let path: String
    public let containment: Containment
    /// The directory's absolute path with symbolic links resolved, as
    /// /proc/self/fd shows it, for `.pathCheck`.
    private let resolvedPath: String

    /// Opens the directory at `path`, which must exist, be a directory and
    /// be searchable. `containment` nil picks `.kernel` when openat2 works.
    public init(path: String, containment: Containment? = nil) throws(SystemError) {
        let descriptor = try syscallValue("open", path) {
            Glibc.open(path, Int32(SHIM_O_PATH) | O_DIRECTORY | O_CLOEXEC)
        }
        do throws(SystemError) {
            // O_PATH opens a directory that cannot be searched too; every
            // later open would fail, so say so now.
            _ = try syscallValue("faccessat", path) { faccessat(descriptor, ".", X_OK | R_OK, 0) }
            resolvedPath = try Self.openedPath(of: descriptor)
        } catch {
            Glibc.close(descriptor)
            throw error
        }
        self.descriptor = descriptor
        self.path = path
        self.containment = containment ?? Self.probeContainment(descriptor)
    }

    deinit { _ = Glibc.close(descriptor) }

    /// Opens `relativePath` (no leading slash; "." for the directory itself)
    /// with `O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY`, so that a FIFO
    /// never blocks the caller, and tells what it is. Throws `EXDEV` for a
    /// path that leads outside, and what open(2) throws otherwise (ENOENT,
    /// ENOTDIR, EACCES, ENXIO for a socket file ...).
    public func open(_ relativePath: String) throws(SystemError) -> OpenedEntry {
        let descriptor = try openDescriptor(relativePath)
        let status: FileStatus
        do {
            status = try FileStatus(descriptor: descriptor, detail: relativePath)
        } catch {
            Glibc.close(descriptor)
            throw error
        }
        switch status.kind {
        case .regular:
            return .file(try OpenFile(adopting: descriptor, status: status, path: relativePath))
        case .directory:
            return .directory(OpenDirectory(adopting: descriptor, status: status, path: relativePath))
        case .other:
            Glibc.close(descriptor)
            return .other(status)
        }
    }

    private static let openFlags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY

    private func openDescriptor(_ relativePath: String) throws(SystemError) -> Int32 {
        switch containment {
        case .kernel:
            return try syscallValue("openat2", relativePath) {
                fromNegativeErrno(
                    shim_openat2(
                        descriptor, relativePath, Self.openFlags,
                        UInt64(SHIM_RESOLVE_BENEATH | SHIM_RESOLVE_NO_MAGICLINKS)))
            }
        case .pathCheck:
            let opened = try syscallValue("openat", relativePath) { openat(descriptor, relativePath, Self.openFlags) }
            let openedPath: String
            do {
                openedPath = try Self.openedPath(of: opened)
            } catch {
                Glibc.close(opened)
                throw error
            }
            guard isBeneath(openedPath) else {
                Glibc.close(opened)
                throw SystemError(code: EXDEV, call: "openat", detail: relativePath)
            }
            return opened
        }
    }

    private func isBeneath(_ openedPath: String) -> Bool {
        if resolvedPath == "/" || openedPath == resolvedPath { return true }
        return openedPath.utf8.starts(with: resolvedPath.utf8)
            && openedPath.utf8.dropFirst(resolvedPath.utf8.count).first == UInt8(ascii: "/")
    }

    /// Whether openat2 works here: a probe of "." beneath the directory.
    private static func probeContainment(_ descriptor: Int32) -> Containment {
        let probe = shim_openat2(
            descriptor, ".", Int32(SHIM_O_PATH) | O_DIRECTORY | O_CLOEXEC,
            UInt64(SHIM_RESOLVE_BENEATH | SHIM_RESOLVE_NO_MAGICLINKS))
        guard probe >= 0 else { return .pathCheck }
        Glibc.close(probe)
        return .kernel
    }

    /// The path the kernel keeps for an open descriptor (readlink of its
    /// /proc/self/fd entry).
    private static func openedPath(of descriptor: Int32) throws(SystemError) -> String {
        let link = "/proc/self/fd/\(descriptor)"
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = try syscallValue("readlink", link) {
            buffer.withUnsafeMutableBufferPointer { bytes in
                bytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    readlink(link, $0, bytes.count)
                }
            }
        }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }
}

/// What `RootDirectory.open` found at a path.
public enum OpenedEntry: Sendable {
    case file(OpenFile)
    case directory(OpenDirectory)
    /// A FIFO, socket or device: opened to look at, and closed again.
    case other(FileStatus)
}
