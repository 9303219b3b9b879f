import SocketCore

/// Reads lines, delimited records and counted blocks from a byte stream,
/// with a bound on each: what a line protocol's client or server reads with.
///
/// Every read that looks for an end takes a `maxLength`, and the buffer
/// grows no further than that asks, so a peer that never sends a line end
/// costs `maxLength` bytes, not all the memory there is. Each read either
/// returns what was asked for or throws a `StreamError`:
/// - `.tooLong` when the line is longer than `maxLength`;
/// - `.endOfStream(received:)` when the stream ends in the middle;
/// - `.timedOut` when the deadline passes first;
/// - `.system` when the stream below fails.
///
/// After `.tooLong`, `.endOfStream` or `.timedOut` nothing has been
/// consumed: the bytes that arrived are still buffered, and the reader is
/// as usable as before. A later call with a new deadline goes on where the
/// timed-out one stopped; after `.tooLong` a protocol that recovers skips
/// the line with `discard(through:deadline:)` (an SMTP server answering
/// "500 Line too long" and reading on), one that does not closes the
/// connection; after `.endOfStream` the partial line is `takeBuffered()`.
///
/// What has been read from the stream and not yet returned stays visible
/// (`bufferedCount`, `withBufferedBytes`, `takeBuffered()`): before a
/// STARTTLS upgrade a client checks that the server sent nothing after its
/// reply (bytes that would otherwise be taken as encrypted), and a parser
/// that works on raw bytes takes them over.
///
/// A reader is used by one thread at a time. It reads only through
/// `stream`; another reader on the same stream would see bytes missing.
public final class BufferedReader {
    /// The stream the bytes come from.
    public let stream: any ByteStream
    private var buffer: ReadBuffer

    /// A reader over `stream`, buffering `capacity` bytes (more only while a
    /// longer line is read).
    public init(_ stream: any ByteStream, capacity: Int = 16 * 1024) {
        self.stream = stream
        buffer = ReadBuffer(capacity: capacity)
    }

    /// The bytes read from the stream and not yet returned.
    public var bufferedCount: Int { buffer.count }

    /// The size of the buffer's storage now, for tests of its bound.
    var storageSize: Int { buffer.storage.count }

    /// Lends the buffered bytes to `body`, without consuming them.
    public func withBufferedBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try buffer.withUnreadBytes(body)
    }

    /// Removes the buffered bytes and returns them: for a parser that takes
    /// over, or the last line of input that had no end.
    public func takeBuffered() -> [UInt8] {
        buffer.take(buffer.count)
    }

    /// Reads one line and returns it without its end: nil when the stream
    /// ended cleanly before the line began. The line's length, its end not
    /// counted, is at most `maxLength`.
    public func readLine(maxLength: Int, ending: LineEnding = .crlf, deadline: MonotonicInstant? = nil)
        throws(StreamError) -> [UInt8]?
    {
        switch ending {
        case .crlf:
            return try read(until: Self.crlf, maxLength: maxLength, deadline: deadline)
        case .lf:
            // One byte more, for a CR before the LF that is not the line's.
            let withCR = maxLength == .max ? maxLength : maxLength + 1
            guard let newline = try locate([Self.lf], maxLength: withCR, reporting: maxLength, deadline)
            else { return nil }
            let hasCR = newline > 0 && buffer.withUnreadBytes { $0[newline - 1] } == Self.cr
            let length = hasCR ? newline - 1 : newline
            guard length <= maxLength else { throw .tooLong(maxLength: maxLength) }
            let line = buffer.take(length)
            buffer.consume(newline + 1 - length)
            return line
        }
    }

    /// Reads up to `delimiter` and returns what came before it, the
    /// delimiter consumed: nil when the stream ended cleanly before the
    /// record began. What comes before is at most `maxLength` bytes.
    public func read(until delimiter: [UInt8], maxLength: Int, deadline: MonotonicInstant? = nil)
        throws(StreamError) -> [UInt8]?
    {
        guard let offset = try locate(delimiter, maxLength: maxLength, reporting: maxLength, deadline) else {
            return nil
        }
        let record = buffer.take(offset)
        buffer.consume(delimiter.count)
        return record
    }

    /// Reads exactly `count` bytes (an HTTP body of known length, say).
    /// Up to the buffer's capacity they come through the buffer, so that
    /// what follows them is read ahead; larger blocks are read straight into
    /// the result, with no copy through the buffer.
    ///
    /// The block is allocated at once: a count that comes from the peer (a
    /// Content-Length) is checked against the protocol's own limit first.
    public func read(exactly count: Int, deadline: MonotonicInstant? = nil) throws(StreamError) -> [UInt8] {
        precondition(count >= 0, "a negative count")
        if count <= buffer.capacity {
            while buffer.count < count {
                guard try buffer.fill(from: stream, limit: count, deadline: deadline) > 0 else {
                    throw .endOfStream(received: buffer.count)
                }
            }
            return buffer.take(count)
        }
        var block = [UInt8](repeating: 0, count: count)
        var filled = block.withUnsafeMutableBytes { buffer.move(into: $0) }
        do throws(StreamError) {
            while filled < count {
                let start = filled
                let outcome = block.withUnsafeMutableBytes { raw in
                    Result { () throws(StreamError) in
                        let rest = UnsafeMutableRawBufferPointer(rebasing: raw[start...])
                        return try stream.read(into: rest, deadline: deadline)
                    }
                }
                let read = try outcome.get()
                guard read > 0 else { throw StreamError.endOfStream(received: filled) }
                filled += read
            }
        } catch {
            // Nothing is consumed by a read that fails.
            buffer.putBack(Array(block[..<filled]))
            throw error
        }
        return block
    }

    /// Reads what is there, at most `destination.count` bytes: the buffered
    /// bytes first, else one read of the stream. Returns 0 at end of stream.
    public func read(into destination: UnsafeMutableRawBufferPointer, deadline: MonotonicInstant? = nil)
        throws(StreamError) -> Int
    {
        if buffer.isEmpty {
            if destination.count >= buffer.capacity { return try stream.read(into: destination, deadline: deadline) }
            guard try buffer.fill(from: stream, limit: buffer.capacity, deadline: deadline) > 0 else { return 0 }
        }
        return buffer.move(into: destination)
    }

    /// Skips everything up to and including the next `delimiter`, however
    /// long, holding no more than the buffer's capacity meanwhile, and
    /// returns how many bytes came before it: to read on after `.tooLong`.
    @discardableResult
    public func discard(through delimiter: [UInt8], deadline: MonotonicInstant? = nil) throws(StreamError) -> Int {
        precondition(!delimiter.isEmpty && delimiter.count <= buffer.capacity, "a delimiter that cannot be found")
        var skipped = 0
        while true {
            if let offset = buffer.firstOffset(of: delimiter, from: 0, latest: .max) {
                buffer.consume(offset + delimiter.count)
                return skipped + offset
            }
            // Keep what could be the start of a delimiter split across reads.
            let dropped = buffer.count - min(buffer.count, delimiter.count - 1)
            buffer.consume(dropped)
            skipped += dropped
            guard try buffer.fill(from: stream, limit: buffer.capacity, deadline: deadline) > 0 else {
                throw .endOfStream(received: skipped + buffer.count)
            }
        }
    }

    /// The offset of the first `delimiter` that starts within `maxLength`
    /// bytes, reading until it has come; nil at a clean end of stream.
    /// `.tooLong` says `reporting`, the caller's own limit.
    private func locate(_ delimiter: [UInt8], maxLength: Int, reporting limit: Int, _ deadline: MonotonicInstant?)
        throws(StreamError) -> Int?
    {
        precondition(!delimiter.isEmpty, "an empty delimiter")
        precondition(maxLength >= 0, "a negative maxLength")
        let (sum, overflow) = maxLength.addingReportingOverflow(delimiter.count)
        let window = overflow ? .max : sum
        // Offsets below this are known not to start a delimiter.
        var searched = 0
        while true {
            if let offset = buffer.firstOffset(of: delimiter, from: searched, latest: maxLength) { return offset }
            guard buffer.count < window else { throw .tooLong(maxLength: limit) }
            searched = max(0, buffer.count - delimiter.count + 1)
            guard try buffer.fill(from: stream, limit: window, deadline: deadline) > 0 else {
                if buffer.isEmpty { return nil }
                throw .endOfStream(received: buffer.count)
            }
        }
    }

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    private static let crlf: [UInt8] = [cr, lf]
}
