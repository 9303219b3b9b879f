import SocketCore

/// Every client the monitor tracks, by name (its ID, else its address),
/// bounded: a flood of datagrams from forged addresses must not grow it
/// without end. When it is full, a new client takes the place of the one
/// stopped longest ago; with none stopped, the newcomer is not tracked.
struct ClientTable: Sendable {
    let capacity: Int
    /// The dead-after time given on the command line (nil: per client).
    let deadAfter: Duration?
    private(set) var clients: [String: ClientRecord] = [:]
    /// Heartbeats from clients the full table could not take.
    private(set) var untracked: UInt64 = 0

    static let defaultCapacity = 10_000

    init(capacity: Int = defaultCapacity, deadAfter: Duration? = nil) {
        precondition(capacity > 0, "a client table holds at least one client")
        self.capacity = capacity
        self.deadAfter = deadAfter
    }

    /// A heartbeat from `sender` arrived at `arrival` (monotonic) and
    /// `wallTime`: the events it causes.
    mutating func receive(
        _ message: HeartbeatMessage, from sender: SocketAddress, arrival: MonotonicInstant, wallTime: UnixTime
    ) -> [HeartbeatEvent] {
        let name = message.id ?? sender.description
        if clients[name] == nil {
            guard clients.count < capacity || evictLongestStopped() else {
                untracked += 1
                return []
            }
            clients[name] = ClientRecord(name: name, address: sender, arrival: arrival)
        }
        let kinds = clients[name]!.receive(message, from: sender, arrival: arrival, wallTime: wallTime)
        return kinds.map { HeartbeatEvent(client: name, address: sender, time: wallTime, kind: $0) }
    }

    /// The clients that have just gone silent for their dead-after time.
    mutating func expire(now: MonotonicInstant, wallTime: UnixTime) -> [HeartbeatEvent] {
        var events: [HeartbeatEvent] = []
        for name in clients.keys.sorted() {
            guard let kind = clients[name]!.expire(now: now, deadAfter: deadAfter) else { continue }
            events.append(HeartbeatEvent(client: name, address: clients[name]!.address, time: wallTime, kind: kind))
        }
        return events
    }

    /// One summary per client, by name.
    func summaries(wallTime: UnixTime) -> [HeartbeatEvent] {
        clients.keys.sorted().map { name in
            let client = clients[name]!
            return HeartbeatEvent(client: name, address: client.address, time: wallTime, kind: .summary(client.summary))
        }
    }

    private mutating func evictLongestStopped() -> Bool {
        let stopped = clients.values.filter(\.isStopped)
        guard let oldest = stopped.min(by: { $0.lastArrival < $1.lastArrival }) else { return false }
        clients[oldest.name] = nil
        return true
    }
}
