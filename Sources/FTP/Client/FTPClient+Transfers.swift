import SocketCore
import Streams

extension FTPClient {
    /// The size of the pieces data is read and written in.
    static let pieceSize = 256 * 1024
    /// The largest listing `names` and `entries` hold in memory.
    static let maxListingSize = 64 * 1024 * 1024

    /// RETR, after REST `offset` when it is not 0 (RFC 3659 section 5: the
    /// server starts sending at that octet). `block` gets each piece as it
    /// arrives, its line ends made LF in TYPE A; returns the count of bytes
    /// it was given.
    ///
    /// When `block` throws, the data connection is closed and the server's
    /// answer read: the client stays usable. When the data connection
    /// breaks, the server's last reply says so (`transferFailed`).
    @discardableResult
    public func retrieve(
        _ path: String, type: FTPTransferType = .binary, from offset: Int64 = 0,
        to block: (UnsafeRawBufferPointer) throws -> Void
    ) throws(FTPError) -> Int64 {
        try CommandArgument.checkPath(path)
        guard offset >= 0 else { throw .invalidArgument("a negative restart offset, \(offset)") }
        guard offset == 0 || type == .binary else {
            throw .invalidArgument(
                "a transfer resumed at an offset must be binary: TYPE A offsets are not file offsets")
        }
        try setType(type)
        return try receive("RETR \(path)", .retrieve, type: type, restart: offset > 0 ? offset : nil, to: block)
    }

    /// STOR. `source` fills the buffer it is given and returns the count, 0
    /// at the end; in TYPE A each LF is sent as CR LF. Returns the count of
    /// bytes it gave.
    ///
    /// When `source` throws, the server must not take what it got for the
    /// whole file, and an FTP server cannot be told so on the data
    /// connection alone (its end reads as the file's end): the control
    /// connection is closed first, and the client is no longer usable.
    @discardableResult
    public func store(
        _ path: String, type: FTPTransferType = .binary,
        from source: (UnsafeMutableRawBufferPointer) throws -> Int
    ) throws(FTPError) -> Int64 {
        try CommandArgument.checkPath(path)
        try setType(type)
        let data = try startTransfer("STOR \(path)", .store)
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.pieceSize, alignment: 16)
        defer { input.deallocate() }
        let encoded =
            type == .ascii ? UnsafeMutableRawBufferPointer.allocate(byteCount: 2 * Self.pieceSize, alignment: 16) : nil
        defer { encoded?.deallocate() }
        var encoder = ASCIIEncoder()
        var total: Int64 = 0
        while true {
            let count: Int
            do {
                count = try source(input)
            } catch {
                close()
                try? data.close(deadline: MonotonicInstant.now)
                throw .localFailure("the upload was abandoned, the server may keep part of the file: \(error)")
            }
            guard count > 0 else { break }
            precondition(count <= input.count, "a source that says it filled more than its buffer")
            var piece = UnsafeRawBufferPointer(rebasing: input[..<count])
            if let encoded {
                piece = UnsafeRawBufferPointer(rebasing: encoded[..<encoder.encode(piece, into: encoded)])
            }
            do {
                try data.write(piece, deadline: deadline())
            } catch {
                try? data.close(deadline: MonotonicInstant.now)
                throw abandonTransfer(.store, dataFailure(error, .store), replyFirst: true)
            }
            total += Int64(count)
        }
        do {
            try endUpload(data)
        } catch {
            throw abandonTransfer(.store, dataFailure(error, .store), replyFirst: true)
        }
        _ = try finishTransfer(.store)
        return total
    }

    /// Ends the data of an upload: the end of stream (and a TLS stream's
    /// close_notify) first, then what the server still sends read until it
    /// closes its side, then the close. Closing at once would be a reset
    /// when anything sent (a TLS 1.3 session ticket) lies unread, and a
    /// reset may discard the file's last bytes before the server reads them.
    func endUpload(_ data: any ByteStream) throws(StreamError) {
        let deadline = deadline()
        do {
            try data.shutdown(.write, deadline: deadline)
            var drain = [UInt8](repeating: 0, count: 4096)
            while try data.read(into: &drain, deadline: deadline) > 0 {}
        } catch {
            try? data.close(deadline: MonotonicInstant.now)
            throw error
        }
        try data.close(deadline: deadline)
    }

    /// LIST (RFC 959 section 4.1.3): the server's listing, in its own
    /// format, as it arrives.
    public func list(_ path: String?, to sink: (UnsafeRawBufferPointer) throws -> Void) throws(FTPError) {
        if let path { try CommandArgument.checkPath(path) }
        _ = try receive(path.map { "LIST \($0)" } ?? "LIST", .list, type: .binary, restart: nil, to: sink)
    }

    /// NLST: the names in a directory, one a line.
    public func names(_ path: String?) throws(FTPError) -> [String] {
        if let path { try CommandArgument.checkPath(path) }
        return try listingLines(path.map { "NLST \($0)" } ?? "NLST", .nameList)
    }

    /// MLSD (RFC 3659 section 7): the entries of a directory with their
    /// type, size and time. Only when the server offers it (its MLST
    /// feature, section 7.8); `.unsupported` otherwise.
    public func entries(_ path: String?) throws(FTPError) -> [FTPEntry] {
        if let path { try CommandArgument.checkPath(path) }
        guard features.contains("MLST") || features.contains("MLSD") else {
            throw .unsupported("the server does not offer MLSD (RFC 3659)")
        }
        var entries: [FTPEntry] = []
        for line in try listingLines(path.map { "MLSD \($0)" } ?? "MLSD", .machineList) {
            do {
                if let entry = try FTPEntry.parse(mlsdLine: line) { entries.append(entry) }
            } catch {
                throw malformed(error, .machineList)
            }
        }
        return entries
    }

    /// A listing's lines, CR LF or LF ended, the empty ones left out.
    private func listingLines(_ line: String, _ stage: FTPStage) throws(FTPError) -> [String] {
        var listing: [UInt8] = []
        _ = try receive(line, stage, type: .binary, restart: nil) { piece in
            guard listing.count + piece.count <= Self.maxListingSize else {
                throw ListingTooLarge()
            }
            listing.append(contentsOf: piece)
        }
        return listing.split(separator: 0x0A).compactMap { line in
            let text = line.last == 0x0D ? line.dropLast() : line
            return text.isEmpty ? nil : String(decoding: text, as: UTF8.self)
        }
    }

    /// Sends `line`, then reads the data to its end, giving it to `block`,
    /// then the transfer's last reply.
    private func receive(
        _ line: String, _ stage: FTPStage, type: FTPTransferType, restart: Int64?,
        to block: (UnsafeRawBufferPointer) throws -> Void
    ) throws(FTPError) -> Int64 {
        let data = try startTransfer(line, stage, restart: restart)
        return try conclude(readPieces(of: data, stage, type: type, to: block), of: data, stage)
    }

    /// Reads the data connection to its end, giving each piece to `block`
    /// (its line ends made LF in TYPE A).
    func readPieces(
        of data: any ByteStream, _ stage: FTPStage, type: FTPTransferType,
        to block: (UnsafeRawBufferPointer) throws -> Void
    ) -> ReceivedData {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.pieceSize + 1, alignment: 16)
        defer { buffer.deallocate() }
        var decoder = type == .ascii ? ASCIIDecoder() : nil
        var received = ReceivedData()
        while true {
            let count: Int
            do {
                // From the second byte: the decoder may put a held CR first.
                count = try data.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[1...]), deadline: deadline())
            } catch {
                received.failure = dataFailure(error, stage)
                return received
            }
            let range = decoder?.decode(buffer, count: count) ?? 1..<(1 + count)
            if count == 0 && range.isEmpty { return received }
            do {
                if !range.isEmpty { try block(UnsafeRawBufferPointer(rebasing: buffer[range])) }
            } catch {
                received.localFailure = .localFailure(String(describing: error))
                return received
            }
            received.total += Int64(range.count)
            if count == 0 { return received }
        }
    }

    /// After the data's end: the data connection closed, then the
    /// transfer's last reply read. Returns the bytes received, or throws
    /// what went wrong, the server's word first when it has one.
    func conclude(_ received: ReceivedData, of data: any ByteStream, _ stage: FTPStage) throws(FTPError) -> Int64 {
        try? data.close(deadline: MonotonicInstant.now)
        if let localFailure = received.localFailure { throw abandonTransfer(stage, localFailure) }
        do {
            _ = try finishTransfer(stage)
        } catch {
            // A broken data connection answered with a 426 says more as
            // the server's reply.
            if case .transferFailed = error { throw error }
            throw received.failure ?? error
        }
        if let failure = received.failure { throw failure }
        return received.total
    }

    /// A failure of the data connection, in the terms of `stage`.
    func dataFailure(_ error: StreamError, _ stage: FTPStage) -> FTPError {
        switch error {
        case .timedOut: .timedOut(stage)
        default: .dataConnectionFailed("\(stage): \(error)")
        }
    }
}

/// How the data of a download ended: the bytes taken, and the failure of
/// the data connection or of the local side, if one stopped it.
struct ReceivedData {
    var total: Int64 = 0
    var failure: FTPError?
    var localFailure: FTPError?
}

/// A listing larger than `FTPClient.maxListingSize`.
struct ListingTooLarge: Error, CustomStringConvertible {
    var description: String { "a listing larger than \(FTPClient.maxListingSize / 1024 / 1024) MiB" }
}
