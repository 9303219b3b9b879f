import Glibc
import SocketCore

/// The output of one connection that the kernel has not taken yet, in
/// order: what a non-blocking send left over, or file ranges still to go.
struct PendingOutput {
    private var chunks: [OutputChunk]
    /// How much of the first chunk has been sent.
    private var sentOfFirst: Int64 = 0

    init(_ chunks: [OutputChunk], sentOfFirst: Int64 = 0) {
        self.chunks = chunks
        self.sentOfFirst = sentOfFirst
    }

    var isEmpty: Bool { chunks.isEmpty }

    mutating func append(_ more: [OutputChunk]) { chunks.append(contentsOf: more) }

    /// `send(on:sent:)` for a caller that does not count.
    mutating func send(on socket: Socket) throws(SocketError) -> Bool {
        var sent = 0
        return try send(on: socket, sent: &sent)
    }

    /// Sends as much as the socket takes: true when everything has gone,
    /// false when the socket would block (wait for it to be writable).
    /// `sent` grows by the bytes the kernel took.
    mutating func send(on socket: Socket, sent: inout Int) throws(SocketError) -> Bool {
        while let first = chunks.first {
            let taken: Int
            switch first {
            case .bytes(let bytes):
                // A head followed by a file body: held back to go out in the
                // same segments as the file's first bytes.
                let fileFollows = chunks.count > 1 && chunks[1].isFile
                let result = try bytes.withUnsafeBytes { raw in
                    Result { () throws(SocketError) in
                        try socket.send(
                            UnsafeRawBufferPointer(rebasing: raw[Int(sentOfFirst)...]), moreFollows: fileFollows)
                    }
                }.get()
                guard let count = result.value else { return false }
                taken = count
            case .file(let file, let offset, let count):
                let start = offset + sentOfFirst
                let left = min(offset + count, Self.pieceEnd(after: start)) - start
                guard let sent = try socket.sendFile(file, offset: start, count: Int(left)).value
                else { return false }
                // The file is shorter than when it was opened: what was
                // promised (a Content-Length) cannot be kept.
                if sent == 0 { throw SocketError(code: ENODATA, call: "sendfile", detail: "\(file.path) shrank") }
                taken = sent
            }
            sent += taken
            sentOfFirst += Int64(taken)
            if sentOfFirst == first.count {
                chunks.removeFirst()
                sentOfFirst = 0
            }
        }
        return true
    }

    /// A file goes out in pieces of 256 KiB, a sendfile(2) call each, and a
    /// piece ends half a page before a 256 KiB boundary of the file, never
    /// on a page boundary. Measured on loopback with a 64 MiB file and
    /// TCP_NODELAY (2026-12-03, docs/benchmarks.md): the same 256 KiB calls
    /// moved 1.7-3.1 GB/s when each ended on a page boundary and 5.6-6.8
    /// when each ended inside a page; a call for as much as the socket's
    /// buffer takes (up to 4 MiB) ran at 2.3. The kernel's cost per call is
    /// what differs: the sender's CPU is saturated either way.
    static let piece: Int64 = 256 << 10
    static let pieceEndInPage: Int64 = 2048

    /// Where the piece that starts at file offset `start` ends: the first
    /// piece end past it.
    static func pieceEnd(after start: Int64) -> Int64 {
        ((start + pieceEndInPage) / piece + 1) * piece - pieceEndInPage
    }
}
