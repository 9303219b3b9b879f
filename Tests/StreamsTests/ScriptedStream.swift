import Glibc
import SocketCore
import Streams

/// A byte stream that plays a script, for tests that need the reads to
/// arrive in a particular way: split anywhere, one byte at a time, a
/// time-out or an error between two chunks. Writes are recorded, one entry
/// per call, with the deadline each call was given.
final class ScriptedStream: ByteStream {
    enum Step {
        /// The next reads return these bytes (as many as each buffer holds).
        case bytes([UInt8])
        /// The next read throws `.timedOut`, as a deadline passing would.
        case timeout
        /// The next read throws `.system(error)`.
        case failure(SocketError)
    }

    private var script: [Step]
    /// Every write, in order.
    private(set) var writes: [[UInt8]] = []
    /// The deadline of every read, in order.
    private(set) var readDeadlines: [MonotonicInstant?] = []
    /// The bytes handed to readers so far.
    private(set) var bytesRead = 0
    /// The size of the buffer each read was given.
    private(set) var readBufferSizes: [Int] = []
    var largestReadBuffer: Int { readBufferSizes.max() ?? 0 }
    /// The next write throws this, if set.
    var writeFailure: StreamError?
    private var isClosed = false

    /// After the script, reads return 0: end of stream.
    init(_ script: [Step]) {
        self.script = script
    }

    /// `text`'s UTF-8 bytes, cut into the given chunks.
    convenience init(chunks: [String]) {
        self.init(chunks.map { .bytes(Array($0.utf8)) })
    }

    /// `bytes`, one read for each.
    convenience init(byteAtATime bytes: [UInt8]) {
        self.init(bytes.map { .bytes([$0]) })
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: MonotonicInstant?) throws(StreamError) -> Int {
        precondition(!isClosed, "read after close")
        readDeadlines.append(deadline)
        readBufferSizes.append(buffer.count)
        guard !script.isEmpty, buffer.count > 0 else { return 0 }
        switch script.removeFirst() {
        case .timeout:
            throw .timedOut
        case .failure(let error):
            throw .system(error)
        case .bytes(let bytes):
            let count = min(bytes.count, buffer.count)
            buffer.copyBytes(from: bytes[..<count])
            if count < bytes.count { script.insert(.bytes(Array(bytes[count...])), at: 0) }
            bytesRead += count
            return count
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer, deadline: MonotonicInstant?) throws(StreamError) {
        if let writeFailure { throw writeFailure }
        writes.append(Array(bytes))
    }

    func shutdown(_ direction: StreamShutdown, deadline: MonotonicInstant?) throws(StreamError) {}

    func close(deadline: MonotonicInstant?) throws(StreamError) {
        isClosed = true
    }
}

/// The UTF-8 bytes of `text`.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
