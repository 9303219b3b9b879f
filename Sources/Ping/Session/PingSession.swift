import Glibc
import SocketCore

/// One run of ping against one host: the schedule, the socket, the
/// statistics and the events, on the calling thread.
///
/// Scheduling does not drift: probe k goes out at start + k × interval,
/// whatever replies do (iputils' token bucket lets late sends push the
/// rest back). Flood mode (interval 0) sends as soon as the previous
/// probe is answered, or 10 ms after it went out.
public struct PingSession<Reporter: PingReporter> {
    public let options: PingOptions
    public let target: PingTarget
    public let probe: ProbeSocket
    public var reporter: Reporter
    public private(set) var statistics = PingStatistics()

    private let payload: EchoPayload
    private let identity: ProbeIdentity
    private let requestIdentifier: UInt16
    private var names: AddressNames
    private let buffer = ReceiveBuffer(count: 65_536 + 60)
    private let requests: RequestBuffer
    private let destination: SocketAddress

    /// iputils `MININTERVAL`: a flood waits this long for a reply.
    static var floodWaitNanoseconds: Int64 { 10_000_000 }

    public init(options: PingOptions, target: PingTarget, probe: ProbeSocket, reporter: Reporter,
                identifier: UInt16 = UInt16.random(in: 0...UInt16.max)) {
        self.options = options
        self.target = target
        self.probe = probe
        self.reporter = reporter
        payload = EchoPayload(size: options.payloadSize, pattern: options.pattern)
        requests = RequestBuffer(payload)
        destination = SocketAddress(target.address, port: 0)
        requestIdentifier = identifier
        identity = ProbeIdentity(version: probe.family.version, identifier: probe.isRaw ? identifier : nil,
                                 target: target.address)
        // A target typed as an address is printed numerically (iputils).
        names = AddressNames(numeric: options.numeric || options.flood || IPAddress(target.name) != nil)
    }

    /// Runs to the end (count, deadline, `shouldStop`) and reports the
    /// summary; returns the exit status: 0 when a reply came (and, with
    /// `-w` and `-c`, all of them), 1 otherwise (iputils `finish`).
    public mutating func run(shouldStop: () -> Bool = { false }) throws(SocketError) -> Int32 {
        let interval = Int64(options.effectiveIntervalMilliseconds) * 1_000_000
        if interval == 0 { try probe.socket.setOption(.receiveTimeout, to: .nanoseconds(Self.floodWaitNanoseconds)) }
        let start = Clocks.monotonic()
        let deadline = options.deadlineSeconds.map { start + Int64($0) * 1_000_000_000 }
        var nextSend = start
        var lastSend: Int64?
        var exitAt: Int64?

        while !shouldStop() {
            if let count = options.count, statistics.received + statistics.errors >= count { break }
            if options.deadlineSeconds != nil && statistics.errors > 0 { break }
            let now = Clocks.monotonic()
            if let deadline, now >= deadline { break }
            if let exitAt, now >= exitAt { break }

            let mayMore = mayStillSend
            if mayMore, interval == 0, statistics.inFlight == 0 { nextSend = min(nextSend, now) }
            if mayMore, now >= nextSend {
                try send(at: now)
                lastSend = now
                nextSend = interval == 0 ? now + Self.floodWaitNanoseconds : start + Int64(statistics.transmitted) * interval
                if !mayStillSend { exitAt = now + lingerAfterLastProbe() }
                continue
            }

            let wake = [mayMore ? nextSend : nil, deadline, exitAt].compactMap { $0 }.min()
            if interval == 0, mayMore, wake == nextSend {
                // Flood: wait in the receive itself (SO_RCVTIMEO is the
                // flood wait), one system call instead of poll + recvmsg,
                // as iputils does. It may end a few µs after `nextSend`:
                // the time since the send.
                try receiveAll(firstWaiting: true)
            } else {
                let outcome = try probe.socket.waitUntilReadable(until: wake.map(instant))
                if outcome == .ready { try receiveAll() }
            }
        }

        let elapsed = (lastSend ?? start) - start
        let status: Int32 = statistics.received == 0
            || (options.deadlineSeconds != nil && statistics.received < (options.count ?? 0)) ? 1 : 0
        let summary = PingSummary(
            target: target, statistics: statistics,
            elapsedMilliseconds: Int((elapsed + 500_000) / 1_000_000), elapsedNanoseconds: elapsed,
            timed: payload.isTimed, intervalMilliseconds: options.effectiveIntervalMilliseconds,
            flood: options.flood, exitStatus: status)
        reporter.report(.summary(summary), about: target)
        reporter.report(.finished(RunEnd(summaries: [summary], exitStatus: status)))
        return status
    }

    /// False once `-c` probes are out, unless `-w` is given: then iputils
    /// keeps sending until `-c` replies are in or the deadline passes.
    private var mayStillSend: Bool {
        guard let count = options.count, options.deadlineSeconds == nil else { return true }
        return statistics.transmitted < count
    }

    /// How long to wait for replies after the last probe (iputils
    /// `__schedule_exit`): twice the slowest round trip, at least the
    /// interval, once something has been answered; `-W` otherwise.
    private func lingerAfterLastProbe() -> Int64 {
        guard statistics.received > 0 else { return Int64(options.lingerMilliseconds) * 1_000_000 }
        let twiceSlowest = Int64(statistics.maximum) * 2_000
        // Not below the flood wait: iputils' few hundred µs after a fast
        // flood can end the run with the last reply already on its way.
        return max(twiceSlowest, Int64(options.effectiveIntervalMilliseconds) * 1_000_000, Self.floodWaitNanoseconds)
    }

    private func instant(_ monotonicNanoseconds: Int64) -> ContinuousClock.Instant {
        .now + .nanoseconds(max(0, monotonicNanoseconds - Clocks.monotonic()))
    }

    private mutating func send(at now: Int64) throws(SocketError) {
        let sequence = UInt16(truncatingIfNeeded: statistics.transmitted + 1)
        if options.reportOutstanding, statistics.transmitted > 0,
           !statistics.isAnswered(UInt16(truncatingIfNeeded: statistics.transmitted)) {
            reporter.report(.outstanding(sequence: UInt16(truncatingIfNeeded: statistics.transmitted)), about: target)
        }
        statistics.willSend(sequence)
        let request = requests.request(probe.family.version, identifier: requestIdentifier, sequence: sequence,
                                       sentAt: Clocks.monotonic())
        do {
            let result = try probe.socket.send(request, to: destination, waiting: false)
            statistics.didSend()
            // A full send buffer drops the probe; iputils counts it as sent too.
            _ = result
            reporter.report(.sent(sequence: sequence), about: target)
        } catch {
            // Counted as sent, as iputils does ("pretend we sent packet").
            statistics.didSend()
            // On a ping socket the errno may only echo an ICMP error about
            // an earlier probe, already on the error queue: report that one
            // (iputils prints both).
            if !probe.isRaw, (try? receiveErrorQueue()) ?? 0 > 0 { return }
            reporter.report(.sendFailed(sequence: sequence, error), about: target)
        }
    }

    /// Reads the queued datagrams (the first one waiting for at most the
    /// receive timeout when `firstWaiting`), then, when that found nothing
    /// or failed, the error queue of a ping socket.
    private mutating func receiveAll(firstWaiting: Bool = false) throws(SocketError) {
        var count = 0
        var failed = false
        // Bounded: a flood of foreign packets must not keep us from sending.
        while count < 256 {
            let result: IOResult<ReceivedMessage>
            do {
                result = try probe.socket.receiveMessage(into: buffer.bytes, waiting: firstWaiting && count == 0)
            } catch where !probe.isRaw {
                // A ping socket reports a queued ICMP error as the errno of
                // the next receive (EHOSTUNREACH ...): the error queue says more.
                failed = true
                break
            }
            guard let message = result.value else { break }
            count += 1
            let arrival = Clocks.monotonicArrival(kernelStamp: message.kernelTimestamp)
            let bytes = UnsafeRawBufferPointer(rebasing: buffer.bytes.prefix(message.count))
            handle(probe.family.classify(bytes, message, probe.isRaw, identity), arrival: arrival)
            // Flood: the probe in flight is answered, so the next one goes
            // out now rather than after one more receive that finds nothing.
            if options.effectiveIntervalMilliseconds == 0, statistics.inFlight == 0, mayStillSend { return }
        }
        // An error queue entry makes poll report the socket readable while
        // recvmsg finds nothing: read the queue then, or the loop would spin.
        if !probe.isRaw, count == 0 || failed { _ = try receiveErrorQueue() }
    }

    /// Reads a ping socket's error queue; returns how many ICMP errors
    /// about our probes it held.
    private mutating func receiveErrorQueue() throws(SocketError) -> Int {
        var found = 0
        for _ in 0..<256 {
            let result = try probe.socket.receiveError(into: buffer.bytes)
            guard let message = result.value, let error = message.extendedError else { break }
            if error.origin == .local {
                statistics.recordError(sequence: nil)
                reporter.report(.localError(error), about: target)
                continue
            }
            let packet = ReplyClassifier.queuedError(error, quoted: buffer.prefix(message.count),
                                                     destination: message.sender?.ipAddress, identity: identity)
            if case .error = packet { found += 1 }
            handle(packet, arrival: Clocks.monotonic())
        }
        return found
    }

    private mutating func handle(_ packet: ReceivedPacket, arrival: Int64) {
        switch packet {
        case .reply(let reply):
            let data = reply.payload[...]
            var roundTrip: Int?
            if payload.isTimed, let sent = EchoPayload.sendTime(in: data), sent <= arrival,
               sent >= arrival - 3_600_000_000_000 * 24 {
                roundTrip = Int((arrival - sent) / 1000)
            }
            let kind = statistics.recordReply(sequence: reply.sequence, roundTrip: roundTrip,
                                              checksumIsValid: reply.checksumIsValid)
            let truncated = reply.icmpLength < payload.size + 8
            reporter.report(.reply(ReplyEvent(
                reply: reply, from: names.text(reply.sender), kind: kind,
                roundTrip: payload.isTimed ? roundTrip : nil, truncated: truncated,
                differentAddress: reply.sender != target.address,
                wrongData: truncated ? nil : payload.wrongDataReport(data))), about: target)
        case .error(let report):
            if !report.isNotice { statistics.recordError(sequence: report.sequence) }
            reporter.report(.error(report, from: report.sender.map { names.text($0) }), about: target)
        case .ignored:
            break
        }
    }
}
