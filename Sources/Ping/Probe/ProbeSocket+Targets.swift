import SocketCore

extension ProbeSocket {
    /// Sockets for `targets`, one per target in the same order: a ping
    /// socket for each target (the kernel gives it its own identifier and
    /// only the replies to it), or one raw socket per family shared by the
    /// targets of that family (raw sockets see every ICMP packet; our
    /// identifiers tell the targets apart). With `.automatic`, the first
    /// target of a family decides, as for one target; the rest of the family
    /// then uses the same kind. Every socket is configured; on failure the
    /// ones already opened are closed.
    public static func open(
        for targets: [PingTarget], kind: ProbeSocketKind, hopLimit: Int?, device: String?,
        source: IPAddress?
    ) throws(ProbeSocketError) -> [ProbeSocket] {
        var opened: [ProbeSocket] = []
        do throws(ProbeSocketError) {
            for target in targets {
                let family = ProbeFamily.of(target.address)
                // The earlier sockets of this family decide (a scan of a
                // handful, where a dictionary keyed by family would cost a
                // run-time conformance lookup at every start).
                let sameFamily = opened.first { $0.family.version == family.version }
                if let sameFamily, sameFamily.isRaw {
                    opened.append(sameFamily)
                    continue
                }
                let probe = try open(family, kind: sameFamily == nil ? kind : .datagram)
                opened.append(probe)
                do {
                    try probe.configure(hopLimit: hopLimit, device: device, source: source)
                } catch {
                    throw ProbeSocketError(underlying: error, hint: nil)
                }
            }
        } catch {
            closeEach(opened)
            throw error
        }
        return opened
    }

    /// Each socket of `probes` once, in order: hosts of one family may share
    /// a raw socket.
    static func distinct(_ probes: [ProbeSocket]) -> [ProbeSocket] {
        var sockets: [ProbeSocket] = []
        for probe in probes where !sockets.contains(where: { $0 === probe }) { sockets.append(probe) }
        return sockets
    }

    /// Closes each socket of `probes` once.
    public static func closeEach(_ probes: [ProbeSocket]) {
        for probe in distinct(probes) { try? probe.socket.close() }
    }
}
