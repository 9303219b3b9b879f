import SocketCore

/// The sessions' deadlines of one loop, earliest first (a binary min-heap),
/// at most one entry per descriptor, found by descriptor so that a closed
/// connection's entry leaves with it.
///
/// Entries once stayed until they came up: with a connection per request a
/// loop closing 23,000 connections a second kept ten seconds of header
/// deadlines, 230,000 entries, and each one's pop went down a heap far larger
/// than the CPU's cache (server CPU per request 29 µs for the first ten
/// seconds of a run, 36 after). A deadline moved later still waits for its
/// entry to come up and is armed again then (`ReadinessLoop`), so a
/// keep-alive timeout reset by every request costs nothing here.
struct DeadlineHeap: MinHeapOrder {
    struct Entry {
        var instant: MonotonicInstant
        var descriptor: Int32
        var generation: UInt32
    }

    private var entries: [Entry] = []
    /// The index in `entries` of each descriptor's entry, -1 for none.
    private var positions: [Int32] = []

    var earliest: MonotonicInstant? { entries.first?.instant }
    var count: Int { entries.count }

    /// Arms `descriptor`'s deadline at `instant`, moving its entry if it has one.
    mutating func push(_ instant: MonotonicInstant, descriptor: Int32, generation: UInt32) {
        let entry = Entry(instant: instant, descriptor: descriptor, generation: generation)
        if let index = position(of: descriptor) {
            let earlier = instant < entries[index].instant
            entries[index] = entry
            if earlier { siftUp(from: index) } else { siftDown(from: index) }
            return
        }
        if Int(descriptor) >= positions.count {
            positions.append(contentsOf: repeatElement(-1, count: Int(descriptor) + 1 - positions.count))
        }
        entries.append(entry)
        positions[Int(descriptor)] = Int32(entries.count - 1)
        siftUp(from: entries.count - 1)
    }

    /// Drops `descriptor`'s entry, if it has one (its connection closed).
    mutating func remove(descriptor: Int32) {
        guard let index = position(of: descriptor) else { return }
        removeEntry(at: index)
    }

    /// Removes and returns the earliest entry if it is due at `now`.
    mutating func popDue(now: MonotonicInstant) -> Entry? {
        guard let first = entries.first, first.instant <= now else { return nil }
        removeEntry(at: 0)
        return first
    }

    private func position(of descriptor: Int32) -> Int? {
        guard descriptor >= 0, Int(descriptor) < positions.count else { return nil }
        let index = positions[Int(descriptor)]
        return index < 0 ? nil : Int(index)
    }

    private mutating func removeEntry(at index: Int) {
        positions[Int(entries[index].descriptor)] = -1
        let last = entries.removeLast()
        guard index < entries.count else { return }
        let earlier = last.instant < entries[index].instant
        entries[index] = last
        positions[Int(last.descriptor)] = Int32(index)
        if earlier { siftUp(from: index) } else { siftDown(from: index) }
    }

    var heapCount: Int { entries.count }

    func comesBefore(_ first: Int, _ second: Int) -> Bool { entries[first].instant < entries[second].instant }

    /// Trades two entries and keeps their descriptors' positions.
    mutating func swapElements(_ first: Int, _ second: Int) {
        entries.swapAt(first, second)
        positions[Int(entries[first].descriptor)] = Int32(first)
        positions[Int(entries[second].descriptor)] = Int32(second)
    }
}
