import Ping
import SocketCore

extension ICMPPing {
    /// Opens the capture of this run's echoes: on the interface the route
    /// to the target uses, filtered on the identifier our requests carry on
    /// the wire. A capture that cannot be had is a usage failure (exit 2).
    func startCapture(target: PingTarget, probe: ProbeSocket, options: PingOptions,
                      identifier: UInt16) throws(Failure) -> WireCapture {
        let onWire: UInt16
        do {
            onWire = try probe.wireIdentifier(requested: identifier)
        } catch {
            throw Failure.usage(error.description)
        }
        do {
            let interface = try CaptureInterface.name(for: target.address, scopeID: target.scopeID,
                                                      device: options.device, source: options.source)
            let filter = EchoFilter.expression(version: probe.family.version, identifier: onWire,
                                               target: target.address)
            return try WireCapture.start(interface: interface, filter: filter, identifier: onWire,
                                         target: target.address, file: line.capture,
                                         bufferBytes: WireCapture.bufferBytes(
                                             intervalMilliseconds: options.effectiveIntervalMilliseconds))
        } catch {
            throw Failure.usage(error.message)
        }
    }

    /// Runs the pings with a recorder beside the reporter, holds its record
    /// against the capture, and reports the verdict before the run's end.
    /// Returns the exit status: the run's, or 1 with `--verify` when the
    /// wire disagrees.
    func runVerified<Reporter: PingReporter>(_ capture: WireCapture, options: PingOptions,
                                             targets: [(PingTarget, ProbeSocket)], reporter: Reporter,
                                             identifier: UInt16) throws(Failure) -> Int32 {
        let payload = EchoPayload(size: options.payloadSize, pattern: options.pattern)
        var session = PingSession(options: options, targets: targets,
                                  reporter: CaptureRecorder(reporter, payload: payload), identifier: identifier)
        do {
            _ = try session.run { stopRequested.load(ordering: .relaxed) }
        } catch {
            throw Failure.usage(error.description)
        }
        var recorder = session.reporter
        let log = capture.finish(requests: recorder.record.sentCount, replies: recorder.record.countedReplies)
        return recorder.conclude(WireVerification.check(recorder.record, against: log), verify: line.verify)
    }
}
