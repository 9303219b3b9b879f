import SocketCore
import Streams
import SystemPackage

extension FTPClient {
    /// RETR of a file into a local one, binary, after REST `offset` when it
    /// is not 0. Over a plain data connection the kernel moves the data
    /// from the socket into the file through a pipe (splice(2)): the bytes
    /// never come up to this process. Over TLS they must, to be decrypted,
    /// and each piece is written as it arrives.
    ///
    /// `open` gives the file, written at its position, when the first bytes
    /// come: a refused RETR leaves it as it was. It must be a regular file
    /// (the kernel may refuse to splice into a terminal or a device).
    /// `name` names it in errors.
    /// `progress` gets the count of each piece written. Returns the bytes
    /// received. Failures are those of `retrieve(_:type:from:to:)`.
    @discardableResult
    public func retrieve(
        _ path: String, from offset: Int64 = 0, intoFile name: String, open: @escaping () throws -> FileDescriptor,
        progress: (Int) -> Void = { _ in }
    ) throws(FTPError) -> Int64 {
        try CommandArgument.checkPath(path)
        guard offset >= 0 else { throw .invalidArgument("a negative restart offset, \(offset)") }
        try setType(.binary)
        let data = try startTransfer("RETR \(path)", .retrieve, restart: offset > 0 ? offset : nil)
        var file = LazyFile(name: name, open: open)
        let received: ReceivedData
        if let socket = data as? Socket, let pipe = try? SplicePipe() {
            received = splicePieces(of: socket, through: pipe, into: &file, progress: progress)
        } else {
            received = readPieces(of: data, .retrieve, type: .binary) { bytes in
                try file.write(bytes)
                progress(bytes.count)
            }
        }
        return try conclude(received, of: data, .retrieve)
    }

    /// The plain path of `retrieve(_:from:intoFile:open:progress:)`: what
    /// has come moved into the pipe, then from the pipe into the file,
    /// until the data connection ends.
    private func splicePieces(
        of socket: Socket, through pipe: SplicePipe, into file: inout LazyFile, progress: (Int) -> Void
    ) -> ReceivedData {
        var received = ReceivedData()
        do {
            try socket.setNonBlocking(true)
        } catch {
            received.failure = .dataConnectionFailed("\(FTPStage.retrieve): \(error)")
            return received
        }
        while true {
            let count: Int
            do {
                guard case .processed(let moved) = try pipe.fill(from: socket) else {
                    if case .timedOut = try socket.waitUntilReadable(until: deadline()) {
                        received.failure = .timedOut(.retrieve)
                        return received
                    }
                    continue
                }
                count = moved
            } catch {
                received.failure = .dataConnectionFailed("\(FTPStage.retrieve): \(error)")
                return received
            }
            if count == 0 { return received }
            do {
                try pipe.drain(count, into: file.descriptor().rawValue, detail: file.name)
            } catch {
                received.localFailure = .localFailure(file.describe(error))
                return received
            }
            received.total += Int64(count)
            progress(count)
        }
    }
}

/// A download's local file, opened when the first bytes come.
private struct LazyFile {
    let name: String
    let open: () throws -> FileDescriptor
    private var opened: FileDescriptor?

    init(name: String, open: @escaping () throws -> FileDescriptor) {
        self.name = name
        self.open = open
    }

    mutating func descriptor() throws -> FileDescriptor {
        if let opened { return opened }
        let descriptor = try open()
        opened = descriptor
        return descriptor
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        do {
            _ = try descriptor().writeAll(bytes)
        } catch {
            throw FileFailure(description: describe(error))
        }
    }

    /// `error` of the file, with its name unless it has it already.
    func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        return text.hasPrefix(name) ? text : "\(name): \(text)"
    }

    private struct FileFailure: Error, CustomStringConvertible {
        let description: String
    }
}
