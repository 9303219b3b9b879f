import SocketCore
import Streams

extension FTPClient {
    /// STOR of a whole regular file, binary: pread(2) a piece, write it to
    /// the data connection, over TLS or not. `progress` gets the count of
    /// each piece sent. Returns the bytes sent (fewer than the file's size
    /// only if it shrank meanwhile).
    ///
    /// Not sendfile(2), which costs this process less CPU: with the file's
    /// page-cache pages handed to the socket, vsftpd on loopback spent more
    /// CPU per byte receiving them (820-960 µs/MiB against 625-880 for
    /// curl's bytes in the same runs, 2.7 times as much from tmpfs) and the
    /// upload ran at 0.77x - 1.04x curl's throughput. A piece of
    /// `pieceSize` (256 KiB) is still in the CPU's cache when it is sent,
    /// and takes a quarter of the calls curl makes with 64 KiB (docs/ftp.md).
    @discardableResult
    public func store(_ path: String, file: OpenFile, progress: (Int) -> Void = { _ in }) throws(FTPError) -> Int64 {
        try CommandArgument.checkPath(path)
        try setType(.binary)
        let data = try startTransfer("STOR \(path)", .store)
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
        do {
            try endUpload(data)
        } catch {
            throw abandonTransfer(.store, dataFailure(error, .store), replyFirst: true)
        }
        _ = try finishTransfer(.store)
        return sent
    }
}
