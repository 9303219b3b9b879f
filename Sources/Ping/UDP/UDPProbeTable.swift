/// Every probe of a run and what became of it, so that each reply is
/// matched to the probe it names and to nothing else: a reply after its
/// probe's timeout is late (never counted for a later probe), a second
/// reply is a duplicate, a reply naming a probe never sent, or not being
/// what that probe carried, is unmatched.
///
/// One entry per probe sent, indexed by sequence number: replies are
/// matched by the number they carry, however late they come, within the
/// last `window` probes. Older entries are forgotten once none of them is
/// waited for, so a long flood holds a bounded table; a reply to a
/// forgotten probe is unknown.
struct UDPProbeTable {
    enum State: UInt8 {
        case pending, answered, timedOut, unreachable
    }

    private struct Entry {
        var sentAt: Int64
        var wallMicroseconds: Int64
        var state: State
    }

    /// Entries of probes `base + 1 ...`, in order.
    private var entries: [Entry] = []
    /// Probes forgotten, the oldest first.
    private var base = 0
    /// No probe before this index (0-based, of the whole run) is pending:
    /// timeouts are found from here.
    private var firstPossiblyPending = 0
    /// How many probes are pending.
    private(set) var pendingCount = 0
    /// The padded size of every probe (see `UDPProbeText`).
    let size: Int

    /// Probes remembered at least (all of them while any is waited for).
    let window: Int

    init(size: Int, window: Int = 1 << 16) {
        self.size = size
        self.window = window
    }

    /// Probes recorded so far; the next one is numbered `count + 1`.
    var count: Int { base + entries.count }

    /// Records probe `count + 1`, sent at `sentAt` (monotonic ns) and
    /// `wallMicroseconds`; returns its bytes.
    mutating func add(sentAt: Int64, wallMicroseconds: Int64) -> [UInt8] {
        entries.append(Entry(sentAt: sentAt, wallMicroseconds: wallMicroseconds, state: .pending))
        pendingCount += 1
        if entries.count >= 2 * window {
            // Only probes no longer waited for go, a window's worth at a time.
            let forgotten = min(entries.count - window, firstPossiblyPending - base)
            if forgotten > 0 {
                entries.removeFirst(forgotten)
                base += forgotten
            }
        }
        return bytes(of: count - 1)
    }

    private func entry(_ index: Int) -> Entry { entries[index - base] }

    private mutating func setState(_ state: State, of index: Int) { entries[index - base].state = state }

    /// What a reply was, for the probe it names.
    enum Match: Equatable {
        /// The first reply to a probe still waited for: its round trip (µs).
        case answer(sequence: UInt64, roundTrip: Int)
        /// A reply to a probe whose timeout (or unreachable) was reported.
        case late(sequence: UInt64, roundTrip: Int)
        /// Another reply to a probe already answered.
        case duplicate(sequence: UInt64, roundTrip: Int)
        /// A reply naming a probe never sent, or not a probe's text at all.
        case unknown(sequence: UInt64?)
        /// A reply naming probe `sequence` that is not what it carried.
        case mismatched(sequence: UInt64)
    }

    /// Matches `reply`, arrived at `arrival` (monotonic ns), and notes an
    /// answer or a late reply in its probe's entry.
    mutating func match(_ reply: UnsafeRawBufferPointer, arrival: Int64) -> Match {
        guard let sequence = UDPProbeText.sequence(in: reply) else { return .unknown(sequence: nil) }
        guard sequence > UInt64(base), sequence <= UInt64(count) else { return .unknown(sequence: sequence) }
        let index = Int(sequence - 1)
        guard UDPProbeText.matches(reply, bytes(of: index)) else { return .mismatched(sequence: sequence) }
        // A stamp from before the send (not on one clock) counts as 0.
        let roundTrip = Int(max(0, arrival - entry(index).sentAt) / 1000)
        switch entry(index).state {
        case .pending:
            setState(.answered, of: index)
            pendingCount -= 1
            return .answer(sequence: sequence, roundTrip: roundTrip)
        case .timedOut, .unreachable:
            // Marked answered, so that its copies are duplicates, not late.
            setState(.answered, of: index)
            return .late(sequence: sequence, roundTrip: roundTrip)
        case .answered:
            return .duplicate(sequence: sequence, roundTrip: roundTrip)
        }
    }

    /// The probes sent at or before `now - timeout` and still pending, in
    /// order, now marked timed out.
    mutating func expire(now: Int64, timeout: Int64) -> [UInt64] {
        var expired: [UInt64] = []
        // Probes go out in order with one timeout: their deadlines are in order too.
        while firstPossiblyPending < count {
            let probe = entry(firstPossiblyPending)
            if probe.state == .pending {
                guard now - probe.sentAt >= timeout else { break }
                setState(.timedOut, of: firstPossiblyPending)
                pendingCount -= 1
                expired.append(UInt64(firstPossiblyPending + 1))
            }
            firstPossiblyPending += 1
        }
        return expired
    }

    /// When the oldest pending probe times out (monotonic ns); nil when none is pending.
    func nextDeadline(timeout: Int64) -> Int64? {
        guard pendingCount > 0 else { return nil }
        var index = firstPossiblyPending
        while index < count, entry(index).state != .pending { index += 1 }
        return index < count ? entry(index).sentAt + timeout : nil
    }

    /// Marks the latest pending probe unreachable and returns its number:
    /// an ICMP port unreachable comes back within a round trip of the probe
    /// that caused it, so it is the newest still waited for. `excluding`
    /// names a probe recorded but not yet sent.
    mutating func markLatestPendingUnreachable(excluding: UInt64? = nil) -> UInt64? {
        guard pendingCount > 0 else { return nil }
        var index = count - 1
        while index >= firstPossiblyPending {
            if entry(index).state == .pending, UInt64(index + 1) != excluding {
                setState(.unreachable, of: index)
                pendingCount -= 1
                return UInt64(index + 1)
            }
            index -= 1
        }
        return nil
    }

    private func bytes(of index: Int) -> [UInt8] {
        UDPProbeText.bytes(
            sequence: UInt64(index + 1), wallMicroseconds: entry(index).wallMicroseconds, size: size)
    }
}
