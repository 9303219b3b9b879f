import SocketCore

/// poll(2) as a readiness backend: a dense `pollfd` array, with each
/// descriptor's index kept so that changes and removals are O(1).
struct PollBackend: ReadinessBackend {
    static let name = "poll"
    private var set = PollSet()
    /// The index in `set` of each watched descriptor, -1 for none.
    private var index: [Int] = []
    private let report = LoopReport()

    mutating func watch(_ descriptor: Int32, for interest: Interest) -> Bool {
        guard descriptor >= 0 else { return false }
        if Int(descriptor) >= index.count {
            index.append(contentsOf: repeatElement(-1, count: Int(descriptor) + 1 - index.count))
        }
        index[Int(descriptor)] = set.append(descriptor, events: Self.events(interest))
        return true
    }

    mutating func change(_ descriptor: Int32, to interest: Interest) {
        set.setInterest(Self.events(interest), at: index[Int(descriptor)])
    }

    mutating func unwatch(_ descriptor: Int32) {
        guard Int(descriptor) < index.count, index[Int(descriptor)] >= 0 else { return }
        if let moved = set.remove(at: index[Int(descriptor)]) {
            index[Int(moved)] = index[Int(descriptor)]
        }
        index[Int(descriptor)] = -1
    }

    mutating func wait(until deadline: MonotonicInstant?) throws(SocketError) -> UnsafeBufferPointer<ReadyDescriptor> {
        _ = try set.wait(timeout: deadline.map { max(.zero, MonotonicInstant.now.duration(to: $0)) })
        report.clear(reserving: set.count)
        for entry in 0..<set.count {
            let events = set.ready(at: entry)
            guard !events.isEmpty else { continue }
            report.append(
                ReadyDescriptor(
                    descriptor: set.descriptor(at: entry),
                    readable: !events.isDisjoint(with: [.readable, .error, .hangUp]),
                    writable: events.contains(.writable)))
        }
        return report.ready
    }

    private static func events(_ interest: Interest) -> PollEvents {
        switch interest {
        case .read: .readable
        case .write: .writable
        // poll reports errors and hang-ups whatever is asked.
        case .idle, .close: []
        }
    }
}
