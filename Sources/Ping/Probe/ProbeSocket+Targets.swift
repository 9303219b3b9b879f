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
    public static func open(for targets: [PingTarget], kind: ProbeSocketKind, hopLimit: Int?, device: String?,
                            source: IPAddress?) throws(ProbeSocketError) -> [ProbeSocket] {
        var opened: [ProbeSocket] = []
        var rawByFamily: [ICMPVersion: ProbeSocket] = [:]
        var kindByFamily: [ICMPVersion: ProbeSocketKind] = [:]
        do throws(ProbeSocketError) {
            for target in targets {
                let family = ProbeFamily.of(target.address)
                if let shared = rawByFamily[family.version] {
                    opened.append(shared)
                    continue
                }
                let probe = try open(family, kind: kindByFamily[family.version] ?? kind)
                opened.append(probe)
                do {
                    try probe.configure(hopLimit: hopLimit, device: device, source: source)
                } catch {
                    throw ProbeSocketError(underlying: error, hint: nil)
                }
                kindByFamily[family.version] = probe.isRaw ? .raw : .datagram
                if probe.isRaw { rawByFamily[family.version] = probe }
            }
        } catch {
            var closed: Set<ObjectIdentifier> = []
            for probe in opened where closed.insert(ObjectIdentifier(probe)).inserted { try? probe.socket.close() }
            throw error
        }
        return opened
    }
}
