/// Cuts a control client's bytes into lines of at most `limit` bytes (not
/// counting the LF). A longer line is reported once as `tooLong`, and the
/// rest of it, up to its LF, is dropped; the next line is read as usual.
/// Pure, so the fuzzer compiles it alone.
public struct ControlLineReader: Sendable {
    public enum Event: Equatable, Sendable {
        case line([UInt8])
        case tooLong
    }

    public let limit: Int
    private var pending: [UInt8] = []
    /// Inside a line already reported too long: dropping up to its LF.
    private var discarding = false

    public init(limit: Int = 4096) {
        self.limit = limit
    }

    /// Bytes held of a line not yet ended; never above `limit`.
    public var bufferedCount: Int { pending.count }

    /// Takes the next bytes and returns the lines they end, in order.
    public mutating func take(_ bytes: UnsafeRawBufferPointer) -> [Event] {
        var events: [Event] = []
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n"))
            let piece = bytes[start..<(end ?? bytes.count)]
            if !discarding {
                if pending.count + piece.count > limit {
                    events.append(.tooLong)
                    pending.removeAll()
                    discarding = true
                } else {
                    pending.append(contentsOf: piece)
                }
            }
            guard let end else { break }
            if discarding {
                discarding = false
            } else {
                events.append(.line(pending))
                pending.removeAll(keepingCapacity: true)
            }
            start = end + 1
        }
        return events
    }
}
