import SocketCore

/// The sessions' deadlines of one loop, earliest first (a binary min-heap).
/// Entries are never removed early: a deadline that was moved or cleared
/// stays until it comes up and is then skipped or armed again
/// (`ReadinessLoop`), which keeps a change O(log n), the heap at about one
/// entry per connection, and the common case (no deadlines at all) free.
struct DeadlineHeap {
    struct Entry {
        var instant: MonotonicInstant
        var descriptor: Int32
        var generation: UInt32
    }

    private var entries: [Entry] = []

    var earliest: MonotonicInstant? { entries.first?.instant }

    mutating func push(_ instant: MonotonicInstant, descriptor: Int32, generation: UInt32) {
        entries.append(Entry(instant: instant, descriptor: descriptor, generation: generation))
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].instant < entries[parent].instant else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry if it is due at `now`.
    mutating func popDue(now: MonotonicInstant) -> Entry? {
        guard let first = entries.first, first.instant <= now else { return nil }
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < entries.count && entries[left].instant < entries[smallest].instant { smallest = left }
                if right < entries.count && entries[right].instant < entries[smallest].instant { smallest = right }
                if smallest == parent { break }
                entries.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }
}
