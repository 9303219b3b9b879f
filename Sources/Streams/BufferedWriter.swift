import SocketCore

/// Gathers small writes to a byte stream into one, so that a command and
/// its arguments, or a header block, go out in one system call (and one
/// TCP segment) instead of one per piece.
///
/// Writes that fit are buffered until `flush(deadline:)`, or until one does
/// not fit: the buffered bytes then go first, so the stream sees every byte
/// in the order written. A write of at least `capacity` bytes goes straight
/// to the stream after them, with no copy. Nothing is sent by itself, and
/// nothing is sent when the writer goes away: flush before reading a reply
/// and before closing.
///
/// After a write or flush throws, some of the bytes may have gone: the
/// buffer is emptied, and the stream is of no further use to a protocol.
public final class BufferedWriter {
    /// The stream the bytes go to.
    public let stream: any ByteStream
    /// How many bytes are gathered before they go out.
    public let capacity: Int
    private var pending: [UInt8]

    public init(_ stream: any ByteStream, capacity: Int = 16 * 1024) {
        precondition(capacity > 0, "a write buffer needs room")
        self.stream = stream
        self.capacity = capacity
        pending = []
        pending.reserveCapacity(capacity)
    }

    /// The bytes written and not yet flushed.
    public var bufferedCount: Int { pending.count }

    /// Buffers `bytes`, or writes them through (see the type); the deadline
    /// bounds any writes to the stream this makes.
    public func write(_ bytes: UnsafeRawBufferPointer, deadline: MonotonicInstant? = nil) throws(StreamError) {
        if pending.count + bytes.count <= capacity {
            pending.append(contentsOf: bytes)
            return
        }
        try flush(deadline: deadline)
        if bytes.count < capacity {
            pending.append(contentsOf: bytes)
        } else {
            try stream.write(bytes, deadline: deadline)
        }
    }

    public func write(_ bytes: [UInt8], deadline: MonotonicInstant? = nil) throws(StreamError) {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(StreamError) in try write(raw, deadline: deadline) }
        }.get()
    }

    /// Writes the UTF-8 bytes of `text`.
    public func write(_ text: String, deadline: MonotonicInstant? = nil) throws(StreamError) {
        var text = text
        try text.withUTF8 { utf8 in
            Result { () throws(StreamError) in try write(UnsafeRawBufferPointer(utf8), deadline: deadline) }
        }.get()
    }

    /// Writes the buffered bytes to the stream.
    public func flush(deadline: MonotonicInstant? = nil) throws(StreamError) {
        guard !pending.isEmpty else { return }
        defer { pending.removeAll(keepingCapacity: true) }
        try stream.write(pending, deadline: deadline)
    }
}
