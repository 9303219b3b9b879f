import Glibc
import SocketCore

/// The interface a capture must listen on to see the probes to a target.
public enum CaptureInterface {
    /// `-I DEVICE` when given. Otherwise: Linux delivers every packet to an
    /// address of this host over the loopback device, whatever interface
    /// holds the address (the `local` routing table, ip-route(8)); other
    /// targets are reached through the interface that holds the source
    /// address the kernel picks for them (or the `-I ADDRESS` given); a
    /// scoped link-local target (`fe80::1%eth0`) through its scope's
    /// interface, whatever other link has the same address.
    public static func name(
        for target: IPAddress, scopeID: UInt32 = 0, device: String?,
        source: IPAddress?
    ) throws(CaptureError) -> String {
        if let device { return device }
        let interfaces: [NetworkInterface]
        do {
            interfaces = try NetworkInterface.all()
        } catch {
            throw CaptureError("cannot list the network interfaces: \(error)")
        }
        let local = isLoopbackAddress(target) || interfaces.contains { $0.addresses.contains(target) }
        if local {
            guard let loopback = interfaces.first(where: \.isLoopback) else {
                throw CaptureError(
                    "\(target) is an address of this host, but there is no loopback interface to capture on")
            }
            return loopback.name
        }
        if scopeID != 0, ScopedText.needsScope(target) {
            var name = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
            guard if_indextoname(scopeID, &name) != nil else {
                throw CaptureError("no interface has index \(scopeID), the scope of \(target)")
            }
            return String(nulTerminated: name)
        }
        var from = source
        if from == nil {
            let route = PingTarget(
                name: target.description, address: target, displayedAddress: target.description,
                scopeID: scopeID)
            do {
                from = try route.sourceAddress(device: nil)
            } catch {
                throw CaptureError("no route to \(target) to capture on: \(error)")
            }
        }
        guard let from else { throw CaptureError("no source address for \(target) to capture on") }
        guard let interface = interfaces.first(where: { $0.addresses.contains(from) }) else {
            throw CaptureError("no interface holds \(from), the source address for \(target); give one with -I")
        }
        return interface.name
    }

    /// 127.0.0.0/8 (RFC 1122 section 3.2.1.3) and ::1 (RFC 4291 section 2.5.3).
    static func isLoopbackAddress(_ address: IPAddress) -> Bool {
        switch address {
        case .v4(let v4): v4.rawValue >> 24 == 127
        case .v6(let v6): v6 == .loopback
        }
    }
}
