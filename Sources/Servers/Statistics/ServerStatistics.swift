/// What a running server has done, as the control port's `stats` and the
/// metrics endpoint report it: a snapshot of its `Scoreboard`.
public struct ServerStatistics: Sendable {
    /// "echo server", "http server".
    public var service: String
    /// The server model ("epoll"), or "datagram" / "batched datagram".
    public var model: String
    /// When the server started, in seconds since the Unix epoch.
    public var startedAt: Double
    public var uptime: Duration
    public var workers: [WorkerStatistics]

    /// Every worker's counts added up (`worker` is -1).
    public var total: WorkerStatistics {
        var sum = WorkerStatistics(worker: -1)
        for worker in workers { sum.add(worker) }
        return sum
    }
}

/// One worker's counts: a worker thread or process, or the one accepting
/// thread of a model without workers.
public struct WorkerStatistics: Sendable, Equatable {
    public var worker: Int
    /// The worker process, for the models that fork workers (prefork).
    public var pid: Int32 = 0
    public var connectionsOpen = 0
    public var connectionsAccepted: UInt64 = 0
    /// Requests answered: an echo per chunk of bytes received, an HTTP
    /// response, a datagram.
    public var requests: UInt64 = 0
    public var bytesIn: UInt64 = 0
    public var bytesOut: UInt64 = 0
    /// Connections ended by an error (a reset, a failed send).
    public var errors: UInt64 = 0
    /// Connections closed unserved because the server was out of descriptors.
    public var shed: UInt64 = 0
    public var durations = RequestDurations()

    public init(worker: Int) {
        self.worker = worker
    }

    mutating func add(_ other: WorkerStatistics) {
        connectionsOpen += other.connectionsOpen
        connectionsAccepted &+= other.connectionsAccepted
        requests &+= other.requests
        bytesIn &+= other.bytesIn
        bytesOut &+= other.bytesOut
        errors &+= other.errors
        shed &+= other.shed
        durations.add(other.durations)
    }

    /// Each counter at least its value in `earlier`: a connection that ends
    /// while a snapshot is taken can be missed by it for a moment (its counts
    /// move from its slot to its worker's totals), and counters must never
    /// go back.
    mutating func keepAtLeast(_ earlier: WorkerStatistics) {
        connectionsAccepted = max(connectionsAccepted, earlier.connectionsAccepted)
        requests = max(requests, earlier.requests)
        bytesIn = max(bytesIn, earlier.bytesIn)
        bytesOut = max(bytesOut, earlier.bytesOut)
        errors = max(errors, earlier.errors)
        shed = max(shed, earlier.shed)
        for index in 0..<RequestDurations.bucketCount {
            durations.counts[index] = max(durations.counts[index], earlier.durations.counts[index])
            durations.nanoseconds[index] = max(durations.nanoseconds[index], earlier.durations.nanoseconds[index])
        }
    }
}

/// One open connection, for the control port's `connections`.
public struct ConnectionSummary: Sendable, Equatable {
    public var worker: Int
    public var pid: Int32
    public var peer: String
    public var age: Duration
    public var bytesIn: UInt64
    public var bytesOut: UInt64
    public var requests: UInt64
    public var activity: SlotActivity
}
