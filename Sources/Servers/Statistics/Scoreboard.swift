import Atomics
import Glibc
import SocketCore
import Synchronization

/// A running server's counters, in memory shared with the processes it
/// forks (as Apache's scoreboard is): each worker and each open connection
/// has a block of its own that only it writes, so counting costs the
/// serving path a few uncontended stores and no shared atomic; the control
/// port and the metrics endpoint add the blocks up when asked.
///
/// Made before the model starts (so forked workers and connection
/// processes inherit it) and given to the model through `ServerControl`.
public final class Scoreboard: Sendable {
    public let service: String
    public let model: String
    public let workers: Int
    /// Connection slots per worker; a connection beyond them is counted in
    /// its worker's totals but not listed by `connections`.
    public let slotsPerWorker: Int
    private let memory: SharedMemory
    nonisolated(unsafe) private let words: UnsafeMutablePointer<UnsafeAtomic<UInt64>.Storage>
    /// The last snapshot's counters, which the next may not go below.
    private let reported: Mutex<[WorkerStatistics]>

    public init(service: String, model: String, workers: Int, slotsPerWorker: Int = 4096) throws(ServerError) {
        precondition(workers > 0 && slotsPerWorker > 0)
        self.service = service
        self.model = model
        self.workers = workers
        self.slotsPerWorker = slotsPerWorker
        let count = ScoreboardLayout.words(workers: workers, slots: workers * slotsPerWorker)
        do {
            memory = try SharedMemory(byteCount: count * MemoryLayout<UInt64>.stride)
        } catch {
            throw ServerError("scoreboard: \(error)")
        }
        words = memory.base.bindMemory(to: UnsafeAtomic<UInt64>.Storage.self, capacity: count)
        reported = Mutex((0..<workers).map { WorkerStatistics(worker: $0) })
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        store(
            UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec), at: ScoreboardLayout.Header.startedUnixNanoseconds
        )
        store(UInt64(MonotonicInstant.now.nanoseconds), at: ScoreboardLayout.Header.startedMonotonicNanoseconds)
    }

    /// The counters of worker `index` (0 for a model without workers).
    public func worker(_ index: Int) -> WorkerCounters {
        precondition(index >= 0 && index < workers, "worker \(index) of \(workers)")
        return WorkerCounters(scoreboard: self, index: index)
    }

    /// The log level every process of the server follows (see `ServerLog`).
    var logLevelWord: UnsafeAtomic<UInt64> { atomic(at: ScoreboardLayout.Header.logLevel) }

    // MARK: Snapshots

    /// Every worker's counts now.
    public func statistics() -> ServerStatistics {
        let started = MonotonicInstant(
            nanoseconds: Int64(load(ScoreboardLayout.Header.startedMonotonicNanoseconds)))
        var snapshot = (0..<workers).map(workerSnapshot)
        reported.withLock { earlier in
            for index in snapshot.indices { snapshot[index].keepAtLeast(earlier[index]) }
            earlier = snapshot
        }
        return ServerStatistics(
            service: service, model: model,
            startedAt: Double(load(ScoreboardLayout.Header.startedUnixNanoseconds)) / 1e9,
            uptime: MonotonicInstant.now - started, workers: snapshot)
    }

    /// The open connections that have a slot, worker by worker.
    public func connections() -> [ConnectionSummary] {
        let now = MonotonicInstant.now.nanoseconds
        var open: [ConnectionSummary] = []
        for worker in 0..<workers {
            for slot in slots(of: worker) where load(slot + ScoreboardLayout.Slot.state) == 1 {
                let opened = Int64(load(slot + ScoreboardLayout.Slot.openedMonotonicNanoseconds))
                let counts = slot + ScoreboardLayout.Slot.counts
                open.append(
                    ConnectionSummary(
                        worker: worker, pid: Int32(truncatingIfNeeded: load(slot + ScoreboardLayout.Slot.pid)),
                        peer: peerText(slot), age: .nanoseconds(max(0, now - opened)),
                        bytesIn: load(counts + ScoreboardLayout.Counts.bytesIn),
                        bytesOut: load(counts + ScoreboardLayout.Counts.bytesOut),
                        requests: load(counts + ScoreboardLayout.Counts.requests),
                        activity: SlotActivity(rawValue: load(slot + ScoreboardLayout.Slot.activity)) ?? .reading))
            }
        }
        return open
    }

    /// Ends the slots a process held when it died without ending them (a
    /// connection process killed, a worker that crashed): their counts move
    /// to their workers' totals, as a normal end would have moved them.
    public func releaseSlots(ofProcess pid: pid_t) {
        for worker in 0..<workers {
            for slot in slots(of: worker)
            where load(slot + ScoreboardLayout.Slot.state) == 1 && load(slot + ScoreboardLayout.Slot.pid) == UInt64(pid)
            {
                ConnectionRecord(scoreboard: self, worker: worker, slot: slot).end(byError: false)
            }
        }
    }

    private func workerSnapshot(_ worker: Int) -> WorkerStatistics {
        let block = ScoreboardLayout.worker(worker)
        var statistics = WorkerStatistics(worker: worker)
        statistics.pid = Int32(truncatingIfNeeded: load(block + ScoreboardLayout.Worker.pid))
        statistics.connectionsAccepted = load(block + ScoreboardLayout.Worker.accepted)
        statistics.shed = load(block + ScoreboardLayout.Worker.shed)
        statistics.errors = load(block + ScoreboardLayout.Worker.errors)
        // The totals first, then the open slots: a connection that ends in
        // between is missed (for this snapshot) rather than counted twice.
        addCounts(at: block + ScoreboardLayout.Worker.totals, to: &statistics)
        var open = Int(truncatingIfNeeded: load(block + ScoreboardLayout.Worker.openUnslotted))
        for slot in slots(of: worker) where load(slot + ScoreboardLayout.Slot.state) == 1 {
            open += 1
            addCounts(at: slot + ScoreboardLayout.Slot.counts, to: &statistics)
        }
        statistics.connectionsOpen = max(0, open)
        return statistics
    }

    private func addCounts(at counts: Int, to statistics: inout WorkerStatistics) {
        statistics.bytesIn &+= load(counts + ScoreboardLayout.Counts.bytesIn)
        statistics.bytesOut &+= load(counts + ScoreboardLayout.Counts.bytesOut)
        statistics.requests &+= load(counts + ScoreboardLayout.Counts.requests)
        for bucket in 0..<RequestDurations.bucketCount {
            statistics.durations.counts[bucket] &+= load(counts + ScoreboardLayout.Counts.durationCounts + bucket)
            statistics.durations.nanoseconds[bucket] &+= load(
                counts + ScoreboardLayout.Counts.durationNanoseconds + bucket)
        }
    }

    private func peerText(_ slot: Int) -> String {
        let port = UInt16(truncatingIfNeeded: load(slot + ScoreboardLayout.Slot.peerPort))
        switch load(slot + ScoreboardLayout.Slot.peerFamily) {
        case UInt64(AF_INET):
            let address = IPv4Address(rawValue: UInt32(truncatingIfNeeded: load(slot + ScoreboardLayout.Slot.peerLow)))
            return "\(SocketAddress.ipv4(address, port: port))"
        case UInt64(AF_INET6):
            var bytes = withUnsafeBytes(of: load(slot + ScoreboardLayout.Slot.peerHigh)) { Array($0) }
            withUnsafeBytes(of: load(slot + ScoreboardLayout.Slot.peerLow)) { bytes += $0 }
            return "\(SocketAddress.ipv6(IPv6Address(bytes: bytes), port: port))"
        default:
            return "unix"
        }
    }

    // MARK: Words

    /// The first word of each of `worker`'s slots.
    func slots(of worker: Int) -> StrideTo<Int> {
        let first = firstSlot(of: worker)
        return stride(
            from: first, to: first + slotsPerWorker * ScoreboardLayout.wordsPerBlock, by: ScoreboardLayout.wordsPerBlock
        )
    }

    func firstSlot(of worker: Int) -> Int { ScoreboardLayout.slot(worker * slotsPerWorker, workers: workers) }

    /// A word as C sees it, for code that updates it with C's atomics.
    func plainWord(at word: Int) -> UnsafeMutablePointer<UInt64> {
        UnsafeMutableRawPointer(words + word).assumingMemoryBound(to: UInt64.self)
    }

    @inline(__always)
    func atomic(at word: Int) -> UnsafeAtomic<UInt64> { UnsafeAtomic(at: words + word) }

    /// Where a word is, for a writer that keeps it (a connection's record).
    func wordPointer(at word: Int) -> UnsafeMutablePointer<UnsafeAtomic<UInt64>.Storage> { words + word }

    @inline(__always)
    func load(_ word: Int) -> UInt64 { atomic(at: word).load(ordering: .acquiring) }

    @inline(__always)
    func store(_ value: UInt64, at word: Int) { atomic(at: word).store(value, ordering: .releasing) }

    /// Adds to a word that several threads or processes may write.
    @inline(__always)
    func add(_ value: UInt64, at word: Int) { atomic(at: word).wrappingIncrement(by: value, ordering: .relaxed) }

    /// Adds to a word that only the caller writes: a load and a store, no
    /// locked instruction.
    @inline(__always)
    func addOwned(_ value: UInt64, at word: Int) {
        let counter = atomic(at: word)
        counter.store(counter.load(ordering: .relaxed) &+ value, ordering: .relaxed)
    }
}
