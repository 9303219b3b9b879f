import Glibc
import SocketCore

/// The bytes a `BufferedReader` has read and not yet handed out: one array,
/// the unread bytes between `start` and `end`, filled at the end and
/// emptied from the front.
///
/// It holds `capacity` bytes, and grows past that only as far as a caller's
/// own limit asks (the longest line it accepts), and shrinks back as soon as
/// what is unread fits again: so no peer can make it grow without bound.
struct ReadBuffer {
    /// The size it keeps when no long line is being read.
    let capacity: Int
    private(set) var storage: [UInt8]
    private(set) var start = 0
    private(set) var end = 0

    init(capacity: Int) {
        precondition(capacity > 0, "a read buffer needs room")
        self.capacity = capacity
        storage = [UInt8](repeating: 0, count: capacity)
    }

    /// How many bytes are unread.
    var count: Int { end - start }

    var isEmpty: Bool { start == end }

    /// The unread bytes, lent to `body`.
    func withUnreadBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let outcome = storage.withUnsafeBytes { raw in
            Swift.Result { () throws(Failure) in try body(UnsafeRawBufferPointer(rebasing: raw[start..<end])) }
        }
        return try outcome.get()
    }

    /// Where `delimiter` first starts among the unread bytes, as an offset
    /// from the first of them: searching from `offset` and taking only
    /// starts at or before `latest`. nil when it is not there (yet).
    func firstOffset(of delimiter: [UInt8], from offset: Int, latest: Int) -> Int? {
        precondition(!delimiter.isEmpty, "an empty delimiter")
        let last = min(count - delimiter.count, latest)
        guard offset <= last else { return nil }
        return withUnreadBytes { unread in
            delimiter.withUnsafeBytes { wanted in
                let first = wanted[0]
                var candidate = offset
                while candidate <= last {
                    if unread[candidate] == first
                        && (wanted.count == 1
                            || memcmp(unread.baseAddress! + candidate, wanted.baseAddress!, wanted.count) == 0)
                    {
                        return candidate
                    }
                    candidate += 1
                }
                return nil
            }
        }
    }

    /// The first `count` unread bytes, consumed.
    mutating func take(_ count: Int) -> [UInt8] {
        precondition(count <= self.count, "taking more than is buffered")
        let bytes = Array(storage[start..<start + count])
        consume(count)
        return bytes
    }

    /// Drops the first `count` unread bytes.
    mutating func consume(_ count: Int) {
        precondition(count <= self.count, "consuming more than is buffered")
        start += count
        if start == end {
            start = 0
            end = 0
        }
        shrinkIfOversized()
    }

    /// Copies unread bytes into `buffer`, as many as fit, and consumes them.
    mutating func move(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let moved = min(count, buffer.count)
        storage.withUnsafeBytes { raw in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[start..<start + moved]))
        }
        consume(moved)
        return moved
    }

    /// Puts bytes that were read past the buffer back in front of it (a
    /// direct read that could not finish): they are bounded by what the
    /// caller asked for.
    mutating func putBack(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        let unread = Array(storage[start..<end])
        storage = bytes + unread
        start = 0
        end = storage.count
        if storage.count < capacity { storage.append(contentsOf: repeatElement(0, count: capacity - storage.count)) }
    }

    /// One read from `stream` into the room after the unread bytes, making
    /// room for up to `limit` unread bytes in all (at least `capacity`).
    /// Returns the count read: 0 at end of stream.
    mutating func fill(from stream: any ByteStream, limit: Int, deadline: MonotonicInstant?)
        throws(StreamError) -> Int
    {
        makeRoom(limit: max(limit, capacity))
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

    /// Makes sure there is room after the unread bytes: moves them to the
    /// front when little room is left behind them (so reads stay large),
    /// and grows the array (doubling, up to `limit`) when they fill it.
    private mutating func makeRoom(limit: Int) {
        if start > 0 && storage.count - end < storage.count / 4 {
            let unread = count
            storage.withUnsafeMutableBytes { raw in
                guard let base = raw.baseAddress else { return }
                base.copyMemory(from: base + start, byteCount: unread)
            }
            start = 0
            end = unread
        }
        guard end == storage.count else { return }
        precondition(storage.count < limit, "filling a buffer that already holds the limit")
        storage.append(contentsOf: repeatElement(0, count: min(storage.count, limit - storage.count)))
    }

    /// Back to `capacity` bytes once the unread ones fit in it.
    private mutating func shrinkIfOversized() {
        guard storage.count > capacity && count <= capacity else { return }
        var smaller = [UInt8](repeating: 0, count: capacity)
        smaller.withUnsafeMutableBytes { destination in
            storage.withUnsafeBytes { source in
                destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<end]))
            }
        }
        end = count
        start = 0
        storage = smaller
    }
}
