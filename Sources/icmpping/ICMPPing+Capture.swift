import Ping
import SocketCore

extension ICMPPing {
    /// Opens the capture of this run's echoes: on the interface the routes
    /// to the hosts use, filtered on each host's address and the identifier
    /// its requests carry on the wire (host k's identifier is `identifier`
    /// + k, or its ping socket's own). One capture serves every host, so
    /// every host must be reached over the same interface (loopback for all
    /// of this machine's addresses). A capture that cannot be had is a
    /// usage failure (exit 2). Returns the capture and each host's part.
    func startCapture(
        targets: [PingTarget], probes: [ProbeSocket], options: PingOptions,
        identifier: UInt16
    ) throws(Failure) -> (WireCapture, [CapturedHost]) {
        var hosts: [CapturedHost] = []
        var interfaces: [String] = []
        do throws(CaptureError) {
            for (index, (target, probe)) in zip(targets, probes).enumerated() {
                let requested = identifier &+ UInt16(truncatingIfNeeded: index)
                let onWire: UInt16
                do {
                    onWire = try probe.wireIdentifier(requested: requested)
                } catch {
                    throw CaptureError(error.description)
                }
                hosts.append(CapturedHost(identifier: onWire, address: target.address))
                interfaces.append(
                    try CaptureInterface.name(
                        for: target.address, scopeID: target.scopeID,
                        device: options.device, source: options.source))
            }
            if let other = interfaces.firstIndex(where: { $0 != interfaces[0] }) {
                throw CaptureError(
                    "--capture and --verify capture on one interface: \(targets[0].name) is reached"
                        + " over \(interfaces[0]), \(targets[other].name) over \(interfaces[other])")
            }
            return (
                try WireCapture.start(
                    interface: interfaces[0], filter: EchoFilter.expression(for: hosts),
                    hosts: hosts, file: line.capture,
                    bufferBytes: WireCapture.bufferBytes(
                        intervalMilliseconds: options.effectiveIntervalMilliseconds)),
                hosts
            )
        } catch {
            throw Failure.usage(error.message)
        }
    }

    /// Runs the pings with a recorder beside the reporter, holds each
    /// host's record against its part of the capture, and reports the
    /// verdicts before the run's end. Returns the exit status: the run's,
    /// or 1 with `--verify` when the wire disagrees for any host.
    func runVerified<Reporter: PingReporter>(
        _ capture: WireCapture, hosts: [CapturedHost], options: PingOptions,
        targets: [(PingTarget, ProbeSocket)], reporter: Reporter,
        identifier: UInt16
    ) throws(Failure) -> Int32 {
        let payload = EchoPayload(size: options.payloadSize, pattern: options.pattern)
        let recorder = CaptureRecorder(reporter, payload: payload, targets: targets.map(\.0))
        var session = PingSession(options: options, targets: targets, reporter: recorder, identifier: identifier)
        _ = try Self.runUntilDone(&session)
        var finished = session.reporter
        let log = capture.finish(requests: finished.sentCount, replies: finished.countedReplies)
        let verifications = zip(finished.records, hosts).map { record, host in
            WireVerification.check(record, against: log.only(host))
        }
        return finished.conclude(verifications, verify: line.verify)
    }
}
