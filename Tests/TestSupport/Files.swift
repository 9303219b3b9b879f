import Glibc
import SystemPackage

// Small file-system reads and writes of the tests, in plain system calls:
// /proc listings, socket files a server leaves behind, inputs of a run.

/// The names in a directory other than "." and ".."; empty when it cannot be
/// read (a process whose /proc entry is gone).
public func directoryEntries(_ path: String) -> [String] {
    guard let directory = opendir(path) else { return [] }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}

/// What a symbolic link points to ("socket:[1234]" for a socket's
/// descriptor in /proc/PID/fd); nil when there is no such link.
public func linkTarget(_ path: String) -> String? {
    var buffer = [CChar](repeating: 0, count: 4096)
    let count = readlink(path, &buffer, buffer.count - 1)
    guard count >= 0 else { return nil }
    return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// The type bits (S_IFSOCK, S_IFREG, ...) of what is at `path`, not
/// following a symbolic link; nil when nothing is there.
public func fileType(_ path: String) -> mode_t? {
    var info = stat()
    guard lstat(path, &info) == 0 else { return nil }
    return info.st_mode & S_IFMT
}

public func fileExists(_ path: String) -> Bool { fileType(path) != nil }

/// Whether `path` exists and is a socket file.
public func isSocketFile(_ path: String) -> Bool { fileType(path) == S_IFSOCK }

/// The whole content of the file at `path`.
public func readFile(_ path: String) throws -> [UInt8] {
    let fd = try FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec)
    return try fd.closeAfter {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try fd.read(into: $0) }
            if count == 0 { return bytes }
            bytes += buffer[..<count]
        }
    }
}

/// Creates or replaces the file at `path` (mode 0600) with `bytes`.
public func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    let fd = try FileDescriptor.open(
        FilePath(path), .writeOnly, options: [.create, .truncate, .closeOnExec],
        permissions: [.ownerReadWrite])
    try fd.closeAfter { _ = try fd.writeAll(bytes) }
}
