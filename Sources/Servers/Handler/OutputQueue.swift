import SocketCore

/// What a session has to send, in order: bytes, and ranges of open files
/// that the model sends with sendfile(2), so a file of any size goes out
/// without being read into memory.
///
/// Bytes appended after the last file range go into one array (`tail`), so
/// a session that only ever sends bytes (echo) builds its reply in a single
/// buffer that the model sends straight from.
public struct OutputQueue {
    /// Chunks queued before `tail`; empty until a file range is queued.
    @usableFromInline var head: [OutputChunk] = []
    /// Bytes queued after every chunk of `head`.
    @usableFromInline var tail: [UInt8] = []

    public init() {}

    /// Nothing is queued.
    @inlinable
    public var isEmpty: Bool { head.isEmpty && tail.isEmpty }

    /// The bytes queued, file ranges included.
    public var count: Int64 { head.reduce(Int64(tail.count)) { $0 + $1.count } }

    @inlinable
    public mutating func append(_ bytes: UnsafeRawBufferPointer) { tail.append(contentsOf: bytes) }

    public mutating func append<Bytes: Sequence>(contentsOf bytes: Bytes) where Bytes.Element == UInt8 {
        tail.append(contentsOf: bytes)
    }

    /// Appends `text` as UTF-8.
    public mutating func append(_ text: String) { tail.append(contentsOf: text.utf8) }

    /// Queues `count` bytes of `file` from `offset` (the rest of the file when
    /// `count` is nil). The file stays open while the range is queued.
    public mutating func append(file: OpenFile, offset: Int64 = 0, count: Int64? = nil) {
        let length = count ?? max(0, file.size - offset)
        precondition(offset >= 0 && length >= 0, "a file range with a negative offset or length")
        guard length > 0 else { return }
        moveTailToHead()
        head.append(.file(file, offset: offset, count: length))
    }

    /// Takes everything queued, in order, leaving the queue empty (the tail's
    /// capacity is kept for the next reply).
    mutating func takeChunks() -> [OutputChunk] {
        moveTailToHead()
        defer { head.removeAll() }
        return head
    }

    /// Forgets the queued bytes, keeping the tail's capacity.
    @inlinable
    mutating func removeAll() {
        if !head.isEmpty { head.removeAll() }
        tail.removeAll(keepingCapacity: true)
    }

    private mutating func moveTailToHead() {
        guard !tail.isEmpty else { return }
        head.append(.bytes(tail))
        tail.removeAll(keepingCapacity: true)
    }
}

/// One piece of output.
public enum OutputChunk {
    case bytes([UInt8])
    case file(OpenFile, offset: Int64, count: Int64)

    public var isFile: Bool {
        if case .file = self { return true }
        return false
    }

    /// Its length in bytes.
    public var count: Int64 {
        switch self {
        case .bytes(let bytes): Int64(bytes.count)
        case .file(_, _, let count): count
        }
    }
}
