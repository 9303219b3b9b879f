import SocketCore
import Streams

/// The bytes read from a connection and not yet used: a head being parsed
/// stays in it from its first byte, and a body passes through it in reads
/// as large as the buffer, handed to the sink from where they landed.
final class ResponseInput {
    let stream: any ByteStream
    private var storage: [UInt8]
    private var start = 0
    private var end = 0

    /// A buffer of `capacity` bytes: more than the longest head the parser
    /// accepts, so a head always fits.
    init(_ stream: any ByteStream, capacity: Int = 128 * 1024) {
        self.stream = stream
        storage = [UInt8](repeating: 0, count: capacity)
    }

    var count: Int { end - start }

    func withUnread<Result, Failure: Error>(_ body: (UnsafeRawBufferPointer) throws(Failure) -> Result)
        throws(Failure) -> Result
    {
        let outcome = storage.withUnsafeBytes { raw in
            Swift.Result { () throws(Failure) in try body(UnsafeRawBufferPointer(rebasing: raw[start..<end])) }
        }
        return try outcome.get()
    }

    func consume(_ count: Int) {
        precondition(count <= self.count, "consuming more than was read")
        start += count
        if start == end {
            start = 0
            end = 0
        }
    }

    /// One read into the room after the unread bytes (moved to the front
    /// first when the room is short); returns the count, 0 at end of stream.
    func fill(deadline: MonotonicInstant) throws(StreamError) -> Int {
        if start > 0 && storage.count - end < storage.count / 4 {
            let unread = count
            storage.withUnsafeMutableBytes { raw in
                raw.baseAddress!.copyMemory(from: raw.baseAddress! + start, byteCount: unread)
            }
            start = 0
            end = unread
        }
        precondition(end < storage.count, "a full response buffer")
        let range = end..<storage.count
        let outcome = storage.withUnsafeMutableBytes { raw in
            Result { () throws(StreamError) in
                try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[range]), deadline: deadline)
            }
        }
        let read = try outcome.get()
        end += read
        return read
    }
}
