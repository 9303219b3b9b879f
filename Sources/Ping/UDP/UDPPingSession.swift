import Glibc
import SocketCore

/// One run of udpping on a UDP socket connected to the server: connected,
/// so that the kernel hands it only the server's datagrams and reports an
/// ICMP port unreachable as `ECONNREFUSED` on the next call (udp(7)).
///
/// The schedule is icmpping's: probe k goes out at the start + (k - 1) ×
/// interval whatever the replies do; with interval 0 (flood) the next probe
/// goes as soon as none is waited for, answered or timed out. Replies are
/// matched by the sequence number they carry (`UDPProbeTable`). After the
/// last probe the run waits for the replies still due, up to the timeout.
public struct UDPPingSession<Reporter: UDPPingReporter> {
    public let options: UDPPingOptions
    public var reporter: Reporter
    private let socket: Socket
    private let host: String
    private var probes: UDPProbeTable
    private var statistics = UDPPingStatistics()
    private let buffer = ReceiveBuffer(count: 65_536)

    /// `socket` is connected to `server`; `host` is the name as typed.
    public init(options: UDPPingOptions, socket: Socket, host: String, reporter: Reporter) {
        self.options = options
        self.socket = socket
        self.host = host
        self.reporter = reporter
        probes = UDPProbeTable(size: options.size)
    }

    /// Runs to the end (every probe sent and answered or timed out, or
    /// `shouldStop`), reports the summary and returns the exit status: 0
    /// when a reply came in time, 1 otherwise.
    public mutating func run(shouldStop: () -> Bool = { false }) throws(SocketError) -> Int32 {
        let interval = options.intervalNanoseconds
        let start = Clocks.monotonic()
        var lastSend = start
        var polls = PollSet()
        _ = polls.append(socket.withUnsafeFileDescriptor { $0 }, events: .readable)

        while !shouldStop() {
            let now = Clocks.monotonic()
            expire(now: now)
            let sent = probes.count
            if sent < options.count {
                let due = interval == 0 ? probes.pendingCount == 0 : now >= start + Int64(sent) * interval
                if due {
                    lastSend = now
                    try send()
                    continue
                }
            } else if probes.pendingCount == 0 {
                break
            }
            var wake = probes.nextDeadline(timeout: options.timeoutNanoseconds)
            if sent < options.count, interval > 0 {
                let next = start + Int64(sent) * interval
                wake = wake.map { min($0, next) } ?? next
            }
            if try polls.wait(until: wake.map { MonotonicInstant(nanoseconds: $0) }) == .ready {
                try receiveAll()
            }
        }

        let elapsed = lastSend - start
        let summary = UDPPingSummary(
            host: host, statistics: statistics, elapsedMilliseconds: Int((elapsed + 500_000) / 1_000_000),
            exitStatus: statistics.received > 0 ? 0 : 1)
        reporter.report(.summary(summary))
        return summary.exitStatus
    }

    private mutating func expire(now: Int64) {
        for sequence in probes.expire(now: now, timeout: options.timeoutNanoseconds) {
            reporter.report(.timeout(sequence: sequence))
        }
    }

    /// Sends the next probe. A send that fails with `ECONNREFUSED` reports
    /// an ICMP error about an earlier probe and sent nothing: that probe is
    /// unreachable, and the send is tried once more.
    private mutating func send() throws(SocketError) {
        let bytes = probes.add(sentAt: Clocks.monotonic(), wallMicroseconds: Clocks.realTime() / 1000)
        let sequence = UInt64(probes.count)
        statistics.transmitted += 1
        for attempt in 0..<2 {
            do throws(SocketError) {
                // A full send buffer drops the probe; it counts as sent, as in iputils.
                _ = try socket.send(bytes)
                return
            } catch  where error.code == ECONNREFUSED && attempt == 0 {
                noteUnreachable(excluding: sequence)
            } catch {
                reporter.report(.sendFailed(sequence: sequence, error))
                return
            }
        }
    }

    /// Reads the datagrams queued (at most 256 at once, so that a flood of
    /// replies does not hold up the schedule) and matches each.
    private mutating func receiveAll() throws(SocketError) {
        for _ in 0..<256 {
            let count: Int
            do throws(SocketError) {
                guard let value = try socket.receive(into: buffer.bytes, waiting: false).value else { return }
                count = value
            } catch  where error.code == ECONNREFUSED {
                noteUnreachable()
                continue
            }
            let arrival = Clocks.monotonic()
            // A reply after the deadline is late even when the loop had not
            // yet noticed the deadline pass.
            expire(now: arrival)
            handle(UnsafeRawBufferPointer(rebasing: buffer.bytes[..<count]), arrival: arrival)
        }
    }

    private mutating func handle(_ reply: UnsafeRawBufferPointer, arrival: Int64) {
        switch probes.match(reply, arrival: arrival) {
        case .answer(let sequence, let roundTrip):
            statistics.received += 1
            statistics.roundTrips.record(roundTrip)
            reporter.report(.reply(sequence: sequence, text: UDPProbeText.firstLine(of: reply), roundTrip: roundTrip))
        case .late(let sequence, let roundTrip):
            statistics.late += 1
            reporter.report(.late(sequence: sequence, roundTrip: roundTrip))
        case .duplicate(let sequence, let roundTrip):
            statistics.duplicates += 1
            reporter.report(.duplicate(sequence: sequence, roundTrip: roundTrip))
        case .unknown(let sequence):
            statistics.unmatched += 1
            reporter.report(.unmatched(sequence: sequence, text: UDPProbeText.firstLine(of: reply), mismatched: false))
        case .mismatched(let sequence):
            statistics.unmatched += 1
            reporter.report(.unmatched(sequence: sequence, text: UDPProbeText.firstLine(of: reply), mismatched: true))
        }
    }

    /// An ICMP port unreachable arrived: it is about the newest probe still
    /// waited for (other than `excluding`, a probe not yet sent).
    private mutating func noteUnreachable(excluding sequence: UInt64? = nil) {
        let probe = probes.markLatestPendingUnreachable(excluding: sequence)
        if probe != nil { statistics.errors += 1 }
        reporter.report(.unreachable(sequence: probe))
    }
}
