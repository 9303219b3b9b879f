import SocketCore

/// Replies a datagram server holds until their time (`DatagramReply.after`),
/// earliest first: a binary heap on the send instant, bounded so that a
/// flood of delayed requests cannot take the server's memory.
public struct DelayedReplies: Sendable, MinHeapOrder {
    public struct Reply: Sendable {
        public let due: MonotonicInstant
        public let bytes: [UInt8]
        public let recipient: SocketAddress
    }

    /// Replies held at most; one more is refused (`hold` returns false).
    public static let capacity = 4096

    private var heap: [Reply] = []

    public init() {}

    public var isEmpty: Bool { heap.isEmpty }
    public var count: Int { heap.count }

    /// When the earliest reply is due.
    public var earliest: MonotonicInstant? { heap.first?.due }

    /// Holds `bytes` for `recipient` until `due`; false when full.
    public mutating func hold(_ bytes: [UInt8], for recipient: SocketAddress, until due: MonotonicInstant) -> Bool {
        guard heap.count < Self.capacity else { return false }
        heap.append(Reply(due: due, bytes: bytes, recipient: recipient))
        siftUp(from: heap.count - 1)
        return true
    }

    /// Takes the earliest reply if it is due at `now`.
    public mutating func popDue(now: MonotonicInstant) -> Reply? {
        guard let first = heap.first, first.due <= now else { return nil }
        let last = heap.removeLast()
        guard !heap.isEmpty else { return first }
        heap[0] = last
        siftDown(from: 0)
        return first
    }

    var heapCount: Int { heap.count }

    func comesBefore(_ first: Int, _ second: Int) -> Bool { heap[first].due < heap[second].due }

    mutating func swapElements(_ first: Int, _ second: Int) { heap.swapAt(first, second) }
}
