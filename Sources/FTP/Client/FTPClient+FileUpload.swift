import SocketCore
import Streams

extension FTPClient {
    /// The most one sendfile(2) is asked to send: a piece small enough for
    /// `progress` to be told often.
    static let filePieceSize = 4 << 20

    /// STOR of a whole regular file, binary. Over a plain data connection
    /// the kernel sends it from the page cache (sendfile(2)): the bytes
    /// never come up to this process. Over TLS they must, to be encrypted,
    /// and the file is read and written a piece at a time, as `store` does.
    /// `progress` gets the count of each piece sent. Returns the bytes sent
    /// (fewer than the file's size only if it shrank meanwhile).
    @discardableResult
    public func store(_ path: String, file: OpenFile, progress: (Int) -> Void = { _ in }) throws(FTPError) -> Int64 {
        try CommandArgument.checkPath(path)
        try setType(.binary)
        let data = try startTransfer("STOR \(path)", .store)
        guard let socket = data as? Socket else {
            return try storeThroughMemory(file, over: data, progress: progress)
        }
        var sent: Int64 = 0
        do {
            try socket.setNonBlocking(true)
            while sent < file.size {
                let piece = Int(min(file.size - sent, Int64(Self.filePieceSize)))
                guard case .processed(let count) = try socket.sendFile(file, offset: sent, count: piece) else {
                    guard case .ready = try socket.waitUntilWritable(until: deadline()) else {
                        throw StreamError.timedOut
                    }
                    continue
                }
                if count == 0 { break }
                sent += Int64(count)
                progress(count)
            }
        } catch let error as StreamError {
            try? data.close(deadline: MonotonicInstant.now)
            throw abandonTransfer(.store, dataFailure(error, .store), replyFirst: true)
        } catch {
            try? data.close(deadline: MonotonicInstant.now)
            throw abandonTransfer(.store, .dataConnectionFailed("STOR: \(error)"), replyFirst: true)
        }
        try finishUpload(data)
        return sent
    }

    /// The TLS path of `store(_:file:progress:)`: pread(2) a piece, write it.
    private func storeThroughMemory(_ file: OpenFile, over data: any ByteStream, progress: (Int) -> Void)
        throws(FTPError) -> Int64
    {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.pieceSize, alignment: 16)
        defer { buffer.deallocate() }
        var sent: Int64 = 0
        while true {
            let count: Int
            do {
                count = try file.read(into: buffer, at: sent)
            } catch {
                close()
                try? data.close(deadline: MonotonicInstant.now)
                throw .localFailure("the upload was abandoned, the server may keep part of the file: \(error)")
            }
            if count == 0 { break }
            do {
                try data.write(UnsafeRawBufferPointer(rebasing: buffer[..<count]), deadline: deadline())
            } catch {
                try? data.close(deadline: MonotonicInstant.now)
                throw abandonTransfer(.store, dataFailure(error, .store), replyFirst: true)
            }
            sent += Int64(count)
            progress(count)
        }
        try finishUpload(data)
        return sent
    }

    /// The data's end and the transfer's last reply, as `store` ends.
    private func finishUpload(_ data: any ByteStream) throws(FTPError) {
        do {
            try endUpload(data)
        } catch {
            throw abandonTransfer(.store, dataFailure(error, .store), replyFirst: true)
        }
        _ = try finishTransfer(.store)
    }
}
