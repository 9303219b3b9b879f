import Glibc
import SocketCore

/// One run of ping against one or more hosts: one loop, on the calling
/// thread, that sends every host's probes on its schedule and polls every
/// socket for the replies.
///
/// Scheduling does not drift: a host's probe k goes out at its start +
/// k × interval, whatever replies do (iputils' token bucket lets late
/// sends push the rest back). Several hosts are probed as fping probes
/// them (https://fping.org/fping.1.html): each every interval, their starts
/// staggered evenly inside the first interval, so probes never go out in
/// bursts. Flood mode (interval 0, one host) sends as soon as the previous
/// probe is answered, or 10 ms after it went out.
///
/// Replies are attributed by socket: a ping socket belongs to one host
/// (the kernel hands it only replies to its own identifier), a raw socket
/// of one family is shared by that family's hosts, each with an
/// identifier of its own; a reply or an error counts for the host whose
/// identifier and address it carries, by sequence number.
public struct PingSession<Reporter: PingReporter> {
    public let options: PingOptions
    public var reporter: Reporter

    private var runs: [TargetRun]
    /// Each host as reporters see it, made once: events are reported
    /// with these rather than with a new copy of the target each time.
    private let hosts: [PingHost]
    /// Each socket once; a host's `socket` is its index here. (No list of
    /// hosts per socket: reading one for every datagram retained it.)
    private let sockets: [ProbeSocket]
    private let payload: EchoPayload
    private let buffer = ReceiveBuffer(count: 65_536 + 60)
    /// What the kernel said of the datagram in `buffer`: one message for
    /// every datagram, nothing to copy or release each time.
    private var received = ReceivedMessage()
    private let requests: RequestBuffer

    /// One host on one socket.
    public init(
        options: PingOptions, target: PingTarget, probe: ProbeSocket, reporter: Reporter,
        identifier: UInt16 = UInt16.random(in: 0...UInt16.max)
    ) {
        self.init(options: options, targets: [(target, probe)], reporter: reporter, identifier: identifier)
    }

    /// Several hosts, each with its socket (hosts may share a raw one).
    /// Host k's requests carry identifier `identifier` + k.
    public init(
        options: PingOptions, targets: [(PingTarget, ProbeSocket)], reporter: Reporter,
        identifier: UInt16 = UInt16.random(in: 0...UInt16.max)
    ) {
        precondition(!targets.isEmpty, "a run pings at least one host")
        self.options = options
        self.reporter = reporter
        payload = EchoPayload(size: options.payloadSize, pattern: options.pattern)
        requests = RequestBuffer(payload)
        let sockets = ProbeSocket.distinct(targets.map(\.1))
        self.sockets = sockets
        let start = Clocks.monotonic()
        let interval = Int64(options.effectiveIntervalMilliseconds) * 1_000_000
        runs = targets.enumerated().map { index, pair in
            TargetRun(
                target: pair.0, probe: pair.1, socket: sockets.firstIndex { $0 === pair.1 } ?? 0,
                identifier: identifier &+ UInt16(truncatingIfNeeded: index),
                start: start + interval * Int64(index) / Int64(targets.count), options: options)
        }
        hosts = targets.indices.map { PingHost($0, targets[$0].0) }
    }

    /// Runs to the end (every host's count, the deadline, `shouldStop`) and
    /// reports each host's summary, then the end; returns the exit status:
    /// 0 when every host answered as iputils asks of one, 1 otherwise.
    /// `statusRequested` true (once per SIGQUIT) reports each host's counts
    /// so far.
    public mutating func run(
        shouldStop: () -> Bool = { false },
        statusRequested: () -> Bool = { false }
    ) throws(SocketError) -> Int32 {
        // Read from a local: handed from the property to the hosts' mutating
        // methods, the options were copied on every turn of the loop.
        let options = self.options
        let interval = Int64(options.effectiveIntervalMilliseconds) * 1_000_000
        // A flood pings one host (the command line refuses more).
        let flood = interval == 0 && runs.count == 1
        if flood {
            try runs[0].probe.socket.setOption(.receiveTimeout, to: .nanoseconds(PingTiming.floodWaitNanoseconds))
        }
        let start = runs[0].start
        let deadline = options.deadlineSeconds.map { start + Int64($0) * 1_000_000_000 }
        var polls = PollSet()
        for probe in sockets { _ = polls.append(probe.socket.withUnsafeFileDescriptor { $0 }, events: .readable) }

        while !shouldStop() {
            if statusRequested() {
                for index in runs.indices {
                    reporter.reportStatus(runs[index].statistics, timed: payload.isTimed, about: host(index))
                }
            }
            let now = Clocks.monotonic()
            if let deadline, now >= deadline { break }
            for index in runs.indices { runs[index].updateDone(now: now, options: options) }
            if !runs.contains(where: { !$0.isDone }) { break }

            var sent = false
            for index in runs.indices where runs[index].mayStillSend(options) {
                if interval == 0, runs[index].statistics.inFlight == 0 {
                    runs[index].nextSend = min(runs[index].nextSend, now)
                }
                guard now >= runs[index].nextSend else { continue }
                try send(index, at: now)
                runs[index].didSend(at: now, interval: interval, options: options)
                sent = true
            }
            // Several hosts: look again, another may be due by now. A flood
            // goes on to wait for the reply to the probe just sent: going
            // round the loop first would only find nothing else to do.
            if sent, !flood { continue }

            var wake = deadline
            for index in runs.indices {
                if let time = runs[index].wake(options) { wake = wake.map { min($0, time) } ?? time }
            }
            if flood, runs[0].mayStillSend(options), wake == runs[0].nextSend {
                // Flood: wait in the receive itself (SO_RCVTIMEO is the
                // flood wait), one system call instead of poll + recvmsg,
                // as iputils does. It may end a few µs after `nextSend`:
                // the time since the send.
                try receiveAll(socket: 0, firstWaiting: true)
            } else if try polls.wait(until: wake.map(instant)) == .ready {
                for index in sockets.indices where !polls.ready(at: index).isEmpty {
                    try receiveAll(socket: index)
                }
            }
        }

        let summaries = runs.map { $0.summary(options, timed: payload.isTimed) }
        for (index, summary) in summaries.enumerated() { reporter.report(.summary(summary), about: host(index)) }
        let status: Int32 = summaries.allSatisfy { $0.exitStatus == 0 } ? 0 : 1
        reporter.report(.finished(RunEnd(summaries: summaries, exitStatus: status)))
        return status
    }

    /// Host `index` as reporters see it. Optional as `report` takes it:
    /// a host kept as a plain `PingHost` is copied again for each report.
    private func host(_ index: Int) -> PingHost? { hosts[index] }

    /// A time read from `Clocks.monotonic` as a deadline: the same clock.
    private func instant(_ monotonicNanoseconds: Int64) -> MonotonicInstant {
        MonotonicInstant(nanoseconds: monotonicNanoseconds)
    }

    private mutating func send(_ index: Int, at now: Int64) throws(SocketError) {
        // Fields are read from `runs[index]` in place: a copy of the run
        // would share its statistics' tables, and the next change to them
        // would copy them whole (8 KiB and every sample) for each probe.
        let probe = runs[index].probe
        let transmitted = runs[index].statistics.transmitted
        let sequence = UInt16(truncatingIfNeeded: transmitted + 1)
        if options.reportOutstanding, transmitted > 0,
            !runs[index].statistics.isAnswered(UInt16(truncatingIfNeeded: transmitted))
        {
            reporter.report(.outstanding(sequence: UInt16(truncatingIfNeeded: transmitted)), about: host(index))
        }
        runs[index].statistics.willSend(sequence)
        let sentAt = Clocks.monotonic()
        let request = requests.request(
            probe.family.version, identifier: runs[index].identifier, sequence: sequence,
            sentAt: sentAt)
        do {
            // A full send buffer drops the probe; iputils counts it as sent too.
            _ = try probe.send(request, to: runs[index].destination)
            runs[index].statistics.didSend()
            if reporter.showsEachProbe {
                reporter.report(.sent(sequence: sequence, sentAt: sentAt), about: host(index))
            }
        } catch {
            // Counted as sent, as iputils does ("pretend we sent packet").
            runs[index].statistics.didSend()
            // On a ping socket the errno may only echo an ICMP error about
            // an earlier probe, already on the error queue: report that one
            // (iputils prints both).
            if !probe.isRaw, (try? receiveErrorQueue(index)) ?? 0 > 0 { return }
            reporter.report(.sendFailed(sequence: sequence, error), about: host(index))
        }
    }

    /// Reads the datagrams queued on socket `socket` (the first one waiting
    /// for at most the receive timeout when `firstWaiting`), then, when that
    /// found nothing or failed, the error queue of a ping socket.
    private mutating func receiveAll(socket: Int, firstWaiting: Bool = false) throws(SocketError) {
        let probe = sockets[socket]
        var count = 0
        var failed = false
        // Bounded: a flood of foreign packets must not keep us from sending.
        while count < 256 {
            do {
                let waiting = firstWaiting && count == 0
                guard
                    try probe.receive(into: buffer.bytes, message: &received, waiting: waiting)
                        .value != nil
                else { break }
            } catch  where !probe.isRaw {
                // A ping socket reports a queued ICMP error as the errno of
                // the next receive (EHOSTUNREACH ...): the error queue says more.
                failed = true
                break
            }
            count += 1
            let arrival = Clocks.monotonicArrival(kernelStamp: received.kernelTimestamp)
            let datagram = UnsafeRawBufferPointer(start: buffer.bytes.baseAddress, count: received.count)
            var index = 0
            switch classify(datagram, on: socket, probe, host: &index) {
            case .reply(let reply):
                // The data is read in the receive buffer, before the next
                // receive writes over it.
                handleReply(reply, data: reply.data(in: datagram), for: index, arrival: arrival)
            case .error(let report):
                handleError(report, for: index)
            case .ignored:
                continue
            }
            // Flood: the probe in flight is answered, so the next one goes
            // out now rather than after one more receive that finds nothing.
            if options.effectiveIntervalMilliseconds == 0, runs[index].statistics.inFlight == 0,
                runs[index].mayStillSend(options)
            {
                return
            }
        }
        // An error queue entry makes poll report the socket readable while
        // recvmsg finds nothing: read the queue then, or the loop would spin.
        // A ping socket serves one host.
        if !probe.isRaw, count == 0 || failed, let owner = runs.firstIndex(where: { $0.socket == socket }) {
            _ = try receiveErrorQueue(owner)
        }
    }

    /// Which host a datagram is for, and what it is: each host sharing the
    /// socket is asked in turn, and its identifier (and, for an error, the
    /// address its quote was sent to) picks it, and lands in `host`. One
    /// host: one classification. (No optional tuple: a flood would destroy
    /// one per reply through the runtime's generic witnesses.) `received`
    /// holds what the kernel said of the datagram. Mutating only so that
    /// the receive loop calls it on the session in place: a non-mutating
    /// call from there copies the whole session (some 700 bytes) first.
    private mutating func classify(
        _ bytes: UnsafeRawBufferPointer, on socket: Int, _ probe: ProbeSocket,
        host: inout Int
    ) -> ReceivedPacket {
        var packet = ReceivedPacket.ignored(.otherType)
        for index in runs.indices where runs[index].socket == socket {
            packet = probe.family.classify(
                bytes, sender: received.sender, hopLimit: received.hopLimit,
                raw: probe.isRaw, identity: runs[index].identity)
            if case .ignored = packet { continue }
            host = index
            return packet
        }
        return packet
    }

    /// Reads a ping socket's error queue for host `index`; returns how many
    /// ICMP errors about its probes it held.
    private mutating func receiveErrorQueue(_ index: Int) throws(SocketError) -> Int {
        let probe = runs[index].probe
        var found = 0
        for _ in 0..<256 {
            let result = try probe.socket.receiveError(into: buffer.bytes)
            guard let message = result.value, let error = message.extendedError else { break }
            if error.origin == .local {
                runs[index].statistics.recordError(sequence: nil)
                reporter.report(.localError(error), about: host(index))
                continue
            }
            let packet = ReplyClassifier.queuedError(
                error, quoted: buffer.prefix(message.count),
                destination: message.sender?.ipAddress,
                identity: runs[index].identity)
            if case .error(let report) = packet {
                found += 1
                handleError(report, for: index)
            }
        }
        return found
    }

    /// Counts an echo reply and reports it. `data` is its echo data, where
    /// it was received: the send time and the fill are checked there.
    private mutating func handleReply(
        _ reply: EchoReply, data: UnsafeRawBufferPointer, for index: Int,
        arrival: Int64
    ) {
        // A host that is done counts nothing more: for one host, iputils
        // would have exited.
        guard !runs[index].isDone else { return }
        var roundTrip: Int?
        if payload.isTimed, let sent = EchoPayload.sendTime(in: data), sent <= arrival,
            sent >= arrival - 3_600_000_000_000 * 24
        {
            roundTrip = Int((arrival - sent) / 1000)
        }
        let kind = runs[index].statistics.recordReply(
            sequence: reply.sequence, roundTrip: roundTrip,
            checksumIsValid: reply.checksumIsValid)
        guard reporter.showsEachProbe else { return }
        let truncated = reply.icmpLength < payload.size + 8
        var event = ReplyEvent(
            reply: reply, from: runs[index].names.text(reply.sender, scopeID: reply.senderScopeID), kind: kind,
            roundTrip: payload.isTimed ? roundTrip : nil, truncated: truncated,
            differentAddress: reply.sender != runs[index].target.address,
            wrongData: truncated ? nil : payload.wrongDataReport(data))
        if Reporter.keepsReplyData { event.data = Array(data) }
        reporter.report(.reply(event), about: host(index))
    }

    /// Counts an ICMP error about one of host `index`'s probes (a redirect
    /// or source quench is shown, not counted) and reports it.
    private mutating func handleError(_ report: ErrorReport, for index: Int) {
        guard !runs[index].isDone else { return }
        if !report.isNotice { runs[index].statistics.recordError(sequence: report.sequence) }
        let from = report.sender.map { runs[index].names.text($0, scopeID: report.senderScopeID) }
        reporter.report(.error(report, from: from), about: host(index))
    }
}
