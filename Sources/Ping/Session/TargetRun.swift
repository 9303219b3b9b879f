import SocketCore

/// One host's part of a run: its socket and identity, its statistics, its
/// names and its schedule. The session drives every host's part from one
/// loop; this keeps what is per host and the rules iputils applies to one.
struct TargetRun {
    let target: PingTarget
    let probe: ProbeSocket
    /// Its socket's place among the run's sockets (hosts may share one).
    let socket: Int
    /// The echo identifier of our requests (a ping socket rewrites it).
    let identifier: UInt16
    let identity: ProbeIdentity
    let destination: SocketAddress
    var names: AddressNames
    var statistics = PingStatistics()

    /// When this host's probe 1 is due (monotonic ns): the run's start plus
    /// this host's place in the stagger.
    let start: Int64
    var nextSend: Int64
    var lastSend: Int64?
    /// When to stop waiting for replies once the last probe is out.
    var exitAt: Int64?
    /// Nothing more is sent or counted for this host.
    var isDone = false

    init(
        target: PingTarget, probe: ProbeSocket, socket: Int, identifier: UInt16, start: Int64,
        options: PingOptions
    ) {
        self.target = target
        self.probe = probe
        self.socket = socket
        self.identifier = identifier
        self.start = start
        nextSend = start
        identity = ProbeIdentity(
            version: probe.family.version, identifier: probe.isRaw ? identifier : nil,
            target: target.address)
        destination = target.socketAddress
        // A target typed as an address is printed numerically (iputils).
        names = AddressNames(numeric: options.numeric || options.flood || target.isAddressLiteral)
    }

    /// False once `-c` probes are out, unless `-w` is given: then iputils
    /// keeps sending until `-c` replies are in or the deadline passes.
    func mayStillSend(_ options: PingOptions) -> Bool {
        guard !isDone else { return false }
        guard let count = options.count, options.deadlineSeconds == nil else { return true }
        return statistics.transmitted < count
    }

    /// iputils' reasons to end a run, for this host: `-c` answers in
    /// (replies and errors), an error under `-w`, the wait after the last
    /// probe over.
    mutating func updateDone(now: Int64, options: PingOptions) {
        guard !isDone else { return }
        if let count = options.count, statistics.received + statistics.errors >= count { isDone = true }
        if options.deadlineSeconds != nil && statistics.errors > 0 { isDone = true }
        if let exitAt, now >= exitAt { isDone = true }
    }

    /// The next time this host needs the loop: its next probe or the end of
    /// its wait for replies.
    func wake(_ options: PingOptions) -> Int64? {
        guard !isDone else { return nil }
        // No arrays here: a flood asks this once per probe.
        guard mayStillSend(options) else { return exitAt }
        return exitAt.map { min($0, nextSend) } ?? nextSend
    }

    /// Notes a probe sent at `now` and schedules the next one: probe k at
    /// start + k × interval, never drifting; a flood (`interval` 0) after
    /// the flood wait, or sooner when answered.
    mutating func didSend(at now: Int64, interval: Int64, options: PingOptions) {
        lastSend = now
        nextSend =
            interval == 0 ? now + PingTiming.floodWaitNanoseconds : start + Int64(statistics.transmitted) * interval
        if !mayStillSend(options) { exitAt = now + lingerAfterLastProbe(options) }
    }

    /// How long to wait for replies after the last probe (iputils
    /// `__schedule_exit`): twice the slowest round trip, at least the
    /// interval, once something has been answered; `-W` otherwise.
    func lingerAfterLastProbe(_ options: PingOptions) -> Int64 {
        guard statistics.received > 0 else { return Int64(options.lingerMilliseconds) * 1_000_000 }
        let twiceSlowest = Int64(statistics.maximum) * 2_000
        // Not below the flood wait: iputils' few hundred µs after a fast
        // flood can end the run with the last reply already on its way.
        return max(
            twiceSlowest, Int64(options.effectiveIntervalMilliseconds) * 1_000_000,
            PingTiming.floodWaitNanoseconds)
    }

    /// iputils `finish`: 0 when a reply came (and, with `-w` and `-c`, all
    /// of them), 1 otherwise.
    func exitStatus(_ options: PingOptions) -> Int32 {
        statistics.received == 0
            || (options.deadlineSeconds != nil && statistics.received < (options.count ?? 0)) ? 1 : 0
    }

    func summary(_ options: PingOptions, timed: Bool) -> PingSummary {
        // iputils' `time`: from this host's first probe to its last one.
        let elapsed = (lastSend ?? start) - start
        return PingSummary(
            target: target, statistics: statistics,
            elapsedMilliseconds: Int((elapsed + 500_000) / 1_000_000), elapsedNanoseconds: elapsed,
            timed: timed, intervalMilliseconds: options.effectiveIntervalMilliseconds,
            flood: options.flood, exitStatus: exitStatus(options))
    }
}

/// Timing constants of the engine.
enum PingTiming {
    /// iputils `MININTERVAL`: a flood waits this long for a reply.
    static var floodWaitNanoseconds: Int64 { 10_000_000 }
}
