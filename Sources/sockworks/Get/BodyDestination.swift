import Glibc
import SocketCore
import SystemPackage

/// Where `sockworks get` writes: standard output, or the file of `-o`
/// (made or emptied once, every body after the one before). Each piece of
/// a body is written as it came from the socket, in one write call.
final class BodyDestination {
    private let file: FileDescriptor
    private let ownsFile: Bool
    /// Shown while a large body goes to a file and standard error is a terminal.
    private let showsProgress: Bool
    private var progress: ProgressBar?

    init(path: String?) throws {
        if let path {
            do {
                file = try FileDescriptor.open(
                    path, .writeOnly, options: [.create, .truncate, .closeOnExec],
                    permissions: [.ownerReadWrite, .groupRead, .otherRead])
            } catch {
                throw CommandError("-o \(path): \(error)")
            }
            ownsFile = true
            showsProgress = isatty(2) == 1
        } else {
            file = .standardOutput
            ownsFile = false
            showsProgress = false
        }
    }

    /// A body is about to come, of `expectedBytes` when the head says.
    func begin(expectedBytes: Int64?) {
        if showsProgress { progress = ProgressBar(expectedBytes: expectedBytes) }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        _ = try file.writeAll(bytes)
        progress?.advance(by: bytes.count)
    }

    /// The head text of -i and -I, before the body.
    func writeHead(_ text: String) {
        _ = try? file.writeAll(text.utf8)
    }

    func end() {
        progress?.finish()
        progress = nil
    }

    func close() {
        if ownsFile { try? file.close() }
    }
}

/// A failure of the command's own, printed as it is.
struct CommandError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
