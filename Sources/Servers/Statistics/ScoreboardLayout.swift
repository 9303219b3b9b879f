/// Where each counter of a `Scoreboard` lives: 64-bit words in blocks of
/// 64 (512 bytes), so that no two writers share a cache line. Block 0 is
/// the header, then a block per worker, then the connection slots, a run
/// of `slotsPerWorker` for each worker.
enum ScoreboardLayout {
    static let wordsPerBlock = 64

    /// The header's words.
    enum Header {
        static let logLevel = 0
        static let startedUnixNanoseconds = 1
        static let startedMonotonicNanoseconds = 2
    }

    /// A worker's words: what it accepted and shed, and the totals of its
    /// connections that have closed (added once per connection, at its end).
    enum Worker {
        static let accepted = 0
        static let shed = 1
        static let errors = 2
        static let closed = 3
        /// Connections open without a slot (the worker's slots were all taken).
        static let openUnslotted = 4
        static let pid = 5
        /// Where the worker's next search for a free slot starts.
        static let cursor = 6
        static let totals = 8
    }

    /// The counts a connection (or a datagram worker) keeps, relative to
    /// where its counts start; the same in a slot and in a worker's totals.
    enum Counts {
        static let bytesIn = 0
        static let bytesOut = 1
        static let requests = 2
        static let durationCounts = 3
        static let durationNanoseconds = durationCounts + RequestDurations.bucketCount
        static let end = durationNanoseconds + RequestDurations.bucketCount
    }

    /// A connection slot's words.
    enum Slot {
        /// 0 free, 1 open: written by the worker that claims the slot (to
        /// 1) and by the connection's end (to 0).
        static let state = 0
        static let pid = 1
        static let openedMonotonicNanoseconds = 2
        /// `SlotActivity` as a number.
        static let activity = 3
        /// When the request under way began (its first bytes), 0 if none.
        static let requestStartNanoseconds = 4
        /// The peer: family, two words of address, port.
        static let peerFamily = 5
        static let peerHigh = 6
        static let peerLow = 7
        static let peerPort = 8
        static let counts = 12
    }

    static let header = 0
    static func worker(_ index: Int) -> Int { (1 + index) * wordsPerBlock }
    static func slot(_ index: Int, workers: Int) -> Int { (1 + workers + index) * wordsPerBlock }
    static func words(workers: Int, slots: Int) -> Int { (1 + workers + slots) * wordsPerBlock }
}

/// What a connection is doing, for the control port's `connections`.
public enum SlotActivity: UInt64, Sendable {
    case reading = 0
    case writing = 1
    case waiting = 2
    case closing = 3

    public var name: String { "\(self)" }
}
