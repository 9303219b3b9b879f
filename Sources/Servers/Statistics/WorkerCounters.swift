import Atomics
import CEpollEcho
import Glibc
import SocketCore

/// One worker's part of a `Scoreboard`: what its acceptor counts, and the
/// slots its connections are counted in.
public struct WorkerCounters: @unchecked Sendable {
    let scoreboard: Scoreboard
    public let index: Int
    private let block: Int
    /// The process that made these counters, which claims its slots: a
    /// prefork worker makes its own after the fork, so one getpid(2) per
    /// worker rather than per connection.
    private let pid = getpid()

    init(scoreboard: Scoreboard, index: Int) {
        self.scoreboard = scoreboard
        self.index = index
        self.block = ScoreboardLayout.worker(index)
    }

    /// Names the process that runs this worker (a prefork worker at its start).
    public func runsInThisProcess() {
        scoreboard.store(UInt64(pid), at: block + ScoreboardLayout.Worker.pid)
    }

    func accepted() { scoreboard.add(1, at: block + ScoreboardLayout.Worker.accepted) }

    func shed(_ count: Int) { scoreboard.add(UInt64(count), at: block + ScoreboardLayout.Worker.shed) }

    func failed() { scoreboard.add(1, at: block + ScoreboardLayout.Worker.errors) }

    /// A new connection's record, in a free slot of this worker's. Only the
    /// thread that accepts for this worker may call it: it alone claims the
    /// worker's slots (their ends free them from any thread or process).
    func open(peer: SocketAddress) -> ConnectionRecord {
        // From where the last claim left off: the slots before it are
        // likely still held.
        let firstSlot = scoreboard.firstSlot(of: index)
        let count = scoreboard.slotsPerWorker
        let cursor = block + ScoreboardLayout.Worker.cursor
        let first = Int(scoreboard.load(cursor)) % count
        for step in 0..<count {
            let position = (first + step) % count
            let slot = firstSlot + position * ScoreboardLayout.wordsPerBlock
            guard scoreboard.load(slot + ScoreboardLayout.Slot.state) == 0 else { continue }
            scoreboard.store(UInt64(position + 1), at: cursor)
            // Cleared before it is published, so a snapshot never sees the
            // last connection's counts under the new one.
            for word in 1..<ScoreboardLayout.wordsPerBlock { scoreboard.store(0, at: slot + word) }
            scoreboard.store(UInt64(pid), at: slot + ScoreboardLayout.Slot.pid)
            scoreboard.store(
                UInt64(MonotonicInstant.now.nanoseconds), at: slot + ScoreboardLayout.Slot.openedMonotonicNanoseconds)
            storePeer(peer, at: slot)
            scoreboard.store(1, at: slot + ScoreboardLayout.Slot.state)
            return ConnectionRecord(scoreboard: scoreboard, worker: index, slot: slot)
        }
        scoreboard.add(1, at: block + ScoreboardLayout.Worker.openUnslotted)
        return ConnectionRecord(scoreboard: scoreboard, worker: index, slot: nil)
    }

    /// A datagram worker took a datagram (a request, with no duration of
    /// its own: the handler answers at once or holds the reply). Only that
    /// worker's thread writes its counts.
    func datagramReceived(_ bytes: Int) {
        let totals = block + ScoreboardLayout.Worker.totals
        scoreboard.addOwned(UInt64(bytes), at: totals + ScoreboardLayout.Counts.bytesIn)
        scoreboard.addOwned(1, at: totals + ScoreboardLayout.Counts.requests)
    }

    /// A datagram worker sent a reply.
    func datagramSent(_ bytes: Int) {
        scoreboard.addOwned(
            UInt64(bytes), at: block + ScoreboardLayout.Worker.totals + ScoreboardLayout.Counts.bytesOut)
    }

    /// The words the C echo server (epoll-c) adds to: its connections have
    /// no slots, so they count as open without one, into the totals.
    var tally: ee_tally {
        let totals = block + ScoreboardLayout.Worker.totals
        func word(_ offset: Int) -> UnsafeMutablePointer<UInt64> { scoreboard.plainWord(at: offset) }
        return ee_tally(
            bytes_in: word(totals + ScoreboardLayout.Counts.bytesIn),
            bytes_out: word(totals + ScoreboardLayout.Counts.bytesOut),
            echoes: word(totals + ScoreboardLayout.Counts.requests),
            accepted: word(block + ScoreboardLayout.Worker.accepted), shed: word(block + ScoreboardLayout.Worker.shed),
            open: word(block + ScoreboardLayout.Worker.openUnslotted),
            errors: word(block + ScoreboardLayout.Worker.errors))
    }

    private func storePeer(_ peer: SocketAddress, at slot: Int) {
        switch peer {
        case .ipv4(let address, let port):
            scoreboard.store(UInt64(AF_INET), at: slot + ScoreboardLayout.Slot.peerFamily)
            scoreboard.store(UInt64(address.rawValue), at: slot + ScoreboardLayout.Slot.peerLow)
            scoreboard.store(UInt64(port), at: slot + ScoreboardLayout.Slot.peerPort)
        case .ipv6(let address, let port, _):
            let bytes = address.bytes
            var high: UInt64 = 0
            var low: UInt64 = 0
            withUnsafeMutableBytes(of: &high) { $0.copyBytes(from: bytes[0..<8]) }
            withUnsafeMutableBytes(of: &low) { $0.copyBytes(from: bytes[8..<16]) }
            scoreboard.store(UInt64(AF_INET6), at: slot + ScoreboardLayout.Slot.peerFamily)
            scoreboard.store(high, at: slot + ScoreboardLayout.Slot.peerHigh)
            scoreboard.store(low, at: slot + ScoreboardLayout.Slot.peerLow)
            scoreboard.store(UInt64(port), at: slot + ScoreboardLayout.Slot.peerPort)
        case .unix:
            scoreboard.store(UInt64(AF_UNIX), at: slot + ScoreboardLayout.Slot.peerFamily)
        }
    }
}

/// One connection's counts, written by the thread or process that serves
/// it and by nobody else while it is open.
struct ConnectionRecord: @unchecked Sendable {
    typealias Word = UnsafeAtomic<UInt64>

    /// Not retained: the scoreboard lives as long as the server, longer than
    /// any of its connections, and a reference counted at every count would
    /// cost the serving path more than the counting itself.
    private unowned(unsafe) let scoreboard: Scoreboard
    private let worker: Int
    /// The slot's first word; nil when the worker had no slot free, and the
    /// counts go straight to the worker's totals (shared, so added atomically).
    private let slot: Int?
    /// The words the serving path writes, found once: the counts (the
    /// slot's, or the worker's totals) and the slot's own.
    private let countWords: UnsafeMutablePointer<Word.Storage>
    private let slotWords: UnsafeMutablePointer<Word.Storage>?

    init(scoreboard: Scoreboard, worker: Int, slot: Int?) {
        self.scoreboard = scoreboard
        self.worker = worker
        self.slot = slot
        let counts =
            slot.map { $0 + ScoreboardLayout.Slot.counts }
            ?? ScoreboardLayout.worker(worker) + ScoreboardLayout.Worker.totals
        countWords = scoreboard.wordPointer(at: counts)
        slotWords = slot.map { scoreboard.wordPointer(at: $0) }
    }

    /// The connection is served by this process from now on (a connection
    /// process just forked): a death without an end releases it by this pid.
    func servedHere() {
        guard let slot else { return }
        scoreboard.store(UInt64(getpid()), at: slot + ScoreboardLayout.Slot.pid)
    }

    /// Adds to one of the counts: a load and a store in a slot only this
    /// thread writes, an atomic add in the worker's shared totals.
    @inline(__always)
    private func add(_ value: UInt64, at offset: Int) {
        let counter = Word(at: countWords + offset)
        if slotWords == nil {
            counter.wrappingIncrement(by: value, ordering: .relaxed)
        } else {
            counter.store(counter.load(ordering: .relaxed) &+ value, ordering: .relaxed)
        }
    }

    /// Bytes came in; the first after a finished request starts the next.
    @inline(__always)
    func received(_ count: Int) {
        add(UInt64(count), at: ScoreboardLayout.Counts.bytesIn)
        guard let slotWords else { return }
        let start = Word(at: slotWords + ScoreboardLayout.Slot.requestStartNanoseconds)
        if start.load(ordering: .relaxed) == 0 {
            start.store(UInt64(MonotonicInstant.now.nanoseconds), ordering: .relaxed)
        }
    }

    @inline(__always)
    func sent(_ count: Int) {
        add(UInt64(count), at: ScoreboardLayout.Counts.bytesOut)
    }

    /// `count` requests were answered: the first lasted from the bytes that
    /// began it until now, the others (pipelined behind it) are counted
    /// without a duration of their own.
    func finished(_ count: Int) {
        add(UInt64(count), at: ScoreboardLayout.Counts.requests)
        var nanoseconds: Int64 = 0
        if let slotWords {
            let start = Word(at: slotWords + ScoreboardLayout.Slot.requestStartNanoseconds)
            let began = Int64(start.load(ordering: .relaxed))
            if began != 0 { nanoseconds = max(0, MonotonicInstant.now.nanoseconds - began) }
            start.store(0, ordering: .relaxed)
        }
        let bucket = RequestDurations.bucket(of: nanoseconds)
        add(UInt64(count), at: ScoreboardLayout.Counts.durationCounts + bucket)
        add(UInt64(nanoseconds), at: ScoreboardLayout.Counts.durationNanoseconds + bucket)
    }

    func activity(_ activity: SlotActivity) {
        guard let slotWords else { return }
        Word(at: slotWords + ScoreboardLayout.Slot.activity).store(activity.rawValue, ordering: .releasing)
    }

    /// The connection is over: its counts move to the worker's totals and
    /// the slot is free again.
    func end(byError: Bool) {
        let block = ScoreboardLayout.worker(worker)
        if byError { scoreboard.add(1, at: block + ScoreboardLayout.Worker.errors) }
        scoreboard.add(1, at: block + ScoreboardLayout.Worker.closed)
        guard let slot else {
            scoreboard.atomic(at: block + ScoreboardLayout.Worker.openUnslotted).wrappingDecrement(ordering: .relaxed)
            return
        }
        let totals = block + ScoreboardLayout.Worker.totals
        for word in 0..<ScoreboardLayout.Counts.end {
            let value = Word(at: countWords + word).load(ordering: .acquiring)
            if value != 0 { scoreboard.add(value, at: totals + word) }
        }
        scoreboard.store(0, at: slot + ScoreboardLayout.Slot.state)
    }
}
