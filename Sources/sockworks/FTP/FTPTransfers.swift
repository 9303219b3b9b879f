import FTP
import Glibc
import SocketCore
import SystemPackage

/// `get`: RETR into a local file, from its end with `--continue` (REST
/// STREAM, RFC 3659 section 5). Every piece is written as it arrives, so
/// a transfer that breaks off leaves what came, for `--continue` to finish.
/// Without `--continue` the file is made (or emptied) only when the data
/// begins to come: a refused RETR leaves an existing file as it was.
struct FTPDownload {
    let client: FTPClient
    let type: FTPTransferType

    /// The bytes received.
    func run(remote: String, local: String, resume: Bool) throws(FTPError) -> Int64 {
        guard !resume || type == .binary else {
            throw .localFailure("get --continue needs binary transfers: an offset in text mode counts no local byte")
        }
        var file: FileDescriptor?
        defer { try? file?.close() }
        var offset: Int64 = 0
        if resume {
            let opened = try open(local, truncating: false)
            file = opened
            do {
                offset = try opened.seek(offset: 0, from: .end)
            } catch {
                throw .localFailure("\(local): \(error)")
            }
            // SIZE, when the server answers it, tells a whole file (nothing
            // to fetch) and a local file longer than the remote one (not
            // a part of it) from a part.
            if let size = try? client.size(remote) {
                guard offset <= size else {
                    throw .localFailure(
                        "\(local) (\(offset) bytes) is longer than \(remote) (\(size)): not a part of it")
                }
                if offset == size { return 0 }
            }
        }
        var progress = FTPProgress.bar(expected: { () throws(FTPError) -> Int64 in try client.size(remote) - offset })
        let received: Int64
        if type == .binary && Self.isRegularFileOrAbsent(local) {
            // Binary data goes from the socket into the file inside the
            // kernel when the data connection is plain (splice(2)); a
            // terminal, a pipe or /dev/null is written as the data comes.
            received = try client.retrieve(
                remote, from: offset, intoFile: local,
                open: { () throws -> FileDescriptor in
                    let destination = try file ?? open(local, truncating: true)
                    file = destination
                    return destination
                }, progress: { progress?.advance(by: $0) })
        } else {
            received = try client.retrieve(remote, type: type, from: offset) { bytes in
                let destination = try file ?? open(local, truncating: true)
                file = destination
                do {
                    _ = try destination.writeAll(bytes)
                } catch {
                    throw FTPLocalError("\(local): \(error)")
                }
                progress?.advance(by: bytes.count)
            }
        }
        if file == nil { file = try open(local, truncating: true) }
        progress?.finish()
        return received
    }

    /// Whether `path` names a regular file, or nothing yet (it will be one).
    private static func isRegularFileOrAbsent(_ path: String) -> Bool {
        var status = stat()
        guard stat(path, &status) == 0 else { return errno == ENOENT }
        return status.st_mode & S_IFMT == S_IFREG
    }

    private func open(_ local: String, truncating: Bool) throws(FTPError) -> FileDescriptor {
        do {
            return try FileDescriptor.open(
                local, .writeOnly, options: truncating ? [.create, .truncate, .closeOnExec] : [.create, .closeOnExec],
                permissions: [.ownerReadWrite, .groupRead, .otherRead])
        } catch {
            throw .localFailure("\(local): \(error)")
        }
    }
}

/// `put`: STOR from a local file, read a buffer at a time as the data
/// connection takes it.
struct FTPUpload {
    let client: FTPClient
    let type: FTPTransferType

    /// The bytes sent.
    func run(local: String, remote: String) throws(FTPError) -> Int64 {
        // A regular file goes out binary through sendfile(2) when the data
        // connection is plain; anything else (a pipe, TYPE A) is read here.
        if type == .binary, let regular = try? OpenFile(path: local) {
            var progress = FTPProgress.bar(expected: { () throws(FTPError) -> Int64 in regular.size })
            let sent = try client.store(remote, file: regular) { progress?.advance(by: $0) }
            progress?.finish()
            return sent
        }
        let file: FileDescriptor
        let size: Int64
        do {
            file = try FileDescriptor.open(local, .readOnly, options: .closeOnExec)
        } catch {
            throw .localFailure("\(local): \(error)")
        }
        defer { try? file.close() }
        do {
            size = try file.seek(offset: 0, from: .end)
            _ = try file.seek(offset: 0, from: .start)
        } catch {
            throw .localFailure("\(local): \(error)")
        }
        var progress = FTPProgress.bar(expected: { () throws(FTPError) -> Int64 in size })
        let sent = try client.store(remote, type: type) { buffer in
            let count: Int
            do {
                count = try file.read(into: buffer)
            } catch {
                throw FTPLocalError("\(local): \(error)")
            }
            progress?.advance(by: count)
            return count
        }
        progress?.finish()
        return sent
    }
}

/// The progress bar of a transfer, when standard error is a terminal.
enum FTPProgress {
    /// A bar for `expected` bytes (asked for only when a bar is drawn; no
    /// total when it fails).
    static func bar(expected: () throws(FTPError) -> Int64) -> ProgressBar? {
        guard isatty(2) == 1 else { return nil }
        return ProgressBar(expectedBytes: try? expected())
    }
}

/// A local file's failure inside a transfer's block.
struct FTPLocalError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
