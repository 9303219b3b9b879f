import SocketCore

/// What the monitor knows of one client, and how each arrival changes it:
/// the heartbeat logic itself, without sockets or clocks of its own, so
/// that tests can feed it made-up arrivals.
struct ClientRecord: Sendable {
    let name: String
    private(set) var address: SocketAddress
    /// The highest sequence number of the client's current run (0: none yet).
    private(set) var highest: UInt64 = 0
    /// The TIME of heartbeat `highest`.
    private var highestSentAt = UnixTime(microseconds: 0)
    private(set) var lastArrival: MonotonicInstant
    /// Sequence numbers reported lost that may still arrive (reordered);
    /// the newest `maximumMissing` of them.
    private var missing: Set<UInt64> = []
    /// The client's interval as its own clock tells it (the TIME difference
    /// between heartbeats, per sequence number), smoothed.
    private(set) var observedInterval: Duration?
    private(set) var isStopped = false
    private(set) var summary = ClientSummary()

    /// Past this many lost heartbeats awaited, the oldest are given up: a
    /// heartbeat later than that is counted as a duplicate.
    static let maximumMissing = 4096

    init(name: String, address: SocketAddress, arrival: MonotonicInstant) {
        self.name = name
        self.address = address
        self.lastArrival = arrival
    }

    /// A heartbeat arrived: what it means, in the order to report it.
    mutating func receive(
        _ message: HeartbeatMessage, from sender: SocketAddress, arrival: MonotonicInstant, wallTime: UnixTime
    ) -> [HeartbeatEvent.Kind] {
        address = sender
        lastArrival = arrival
        isStopped = false
        let sequence = message.sequence
        let delay = wallTime.microseconds - message.sentAt.microseconds
        if highest == 0 {
            // The first heartbeat seen: a client the monitor meets in the
            // middle of its run has lost nothing before it.
            advance(to: message)
            return [.heartbeat(sequence: sequence, delayMicroseconds: delay)]
        }
        if sequence > highest {
            var events: [HeartbeatEvent.Kind] = []
            observeInterval(from: message)
            if sequence > highest + 1 { events.append(.lost(sequences: markLost(highest + 1...sequence - 1))) }
            advance(to: message)
            events.append(.heartbeat(sequence: sequence, delayMicroseconds: delay))
            return events
        }
        if missing.remove(sequence) != nil {
            summary.lost -= 1
            summary.reordered += 1
            summary.received += 1
            return [.reordered(sequence: sequence, delayMicroseconds: delay)]
        }
        // An older number sent later than the newest one: a new run of the
        // client, back to 1 (or further on, its first heartbeats lost). A
        // duplicate carries its original TIME, so a late copy of heartbeat 1
        // is no restart. (A client whose clock was set back between two runs
        // is taken for duplicates until it passes its old numbers.)
        if message.sentAt > highestSentAt {
            var events: [HeartbeatEvent.Kind] = [.restarted(sequence: sequence, after: highest)]
            summary.restarts += 1
            missing.removeAll()
            if sequence > 1 { events.append(.lost(sequences: markLost(1...sequence - 1))) }
            advance(to: message)
            events.append(.heartbeat(sequence: sequence, delayMicroseconds: delay))
            return events
        }
        summary.duplicates += 1
        return [.duplicate(sequence: sequence)]
    }

    /// Declares the client stopped once nothing has come for its dead-after
    /// time: `deadAfter` when the monitor was given one, else three of its
    /// observed intervals (BFD's detect multiplier, RFC 5880 section 6.8.4),
    /// and 3 s until an interval is known.
    mutating func expire(now: MonotonicInstant, deadAfter: Duration?) -> HeartbeatEvent.Kind? {
        guard !isStopped else { return nil }
        let limit = deadAfter ?? observedInterval.map { $0 * 3 } ?? .seconds(3)
        let silence = now - lastArrival
        guard silence >= limit else { return nil }
        isStopped = true
        summary.stops += 1
        return .stopped(lastSequence: highest, silence: silence, deadAfter: limit)
    }

    private mutating func advance(to message: HeartbeatMessage) {
        highest = message.sequence
        highestSentAt = message.sentAt
        summary.received += 1
    }

    /// Counts a gap as lost and remembers its newest numbers, in case they
    /// arrive after all.
    private mutating func markLost(_ gap: ClosedRange<UInt64>) -> ClosedRange<UInt64> {
        summary.lost += UInt64(gap.count)
        let kept = Self.maximumMissing
        let remembered = gap.count > kept ? gap.upperBound - UInt64(kept - 1)...gap.upperBound : gap
        missing.formUnion(remembered)
        if missing.count > kept {
            // Rare (many gaps awaiting): keep the newest.
            missing = Set(missing.sorted().suffix(kept))
        }
        return gap
    }

    /// The TIME difference since the newest heartbeat, per sequence number,
    /// smoothed as RFC 6298 section 2 smooths round trips (gain 1/8), so that
    /// one burst of catching-up heartbeats does not shrink the dead-after time.
    private mutating func observeInterval(from message: HeartbeatMessage) {
        let elapsed = message.sentAt.microseconds - highestSentAt.microseconds
        guard elapsed > 0 else { return }
        let sample = Duration.microseconds(elapsed) / Double(message.sequence - highest)
        observedInterval = observedInterval.map { $0 * 0.875 + sample * 0.125 } ?? sample
    }
}
