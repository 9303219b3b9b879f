import Glibc
import SocketCore

/// IPv6 link-local targets: `fe80::1%eth0` names the link the address is
/// on (RFC 4007 section 11), and the interface index has to reach the
/// socket address every probe is sent to, or the kernel picks a link
/// itself (or refuses: EINVAL).
extension PingTarget {
    /// Where probes go: the address, and for a scoped one its interface.
    public var socketAddress: SocketAddress {
        switch address {
        case .v4(let v4): .ipv4(v4, port: 0)
        case .v6(let v6): .ipv6(v6, port: 0, scopeID: scopeID)
        }
    }

    /// Whether the host was typed as an address (`fe80::1%eth0` included):
    /// such a target is shown numerically, as iputils does.
    public var isAddressLiteral: Bool {
        IPAddress(String(name.split(separator: "%", maxSplits: 1).first ?? "")) != nil
    }

    /// `-I IFACE` with a link-local target typed without a scope: the
    /// interface is its scope (iputils sets the first hop's scope so).
    /// A scope typed with the address wins.
    public func scoped(toDevice device: String?) -> PingTarget {
        guard let device, scopeID == 0, ScopedText.needsScope(address) else { return self }
        var target = self
        target.scopeID = if_nametoindex(device)
        return target
    }

    /// The interface index of `host`'s `%scope` suffix, 0 when it has none.
    /// getaddrinfo has already accepted the suffix (an interface name, or a
    /// number) when this is asked.
    static func scopeID(typed host: String) -> UInt32 {
        let parts = host.split(separator: "%", maxSplits: 1)
        guard parts.count == 2 else { return 0 }
        if let number = UInt32(parts[1]) { return number }
        return if_nametoindex(String(parts[1]))
    }
}

/// Addresses with their scope as getnameinfo(3) writes them numerically
/// (and so as iputils prints them): `fe80::1%eth0` for a link-local
/// address with an interface, the plain address otherwise.
enum ScopedText {
    /// Link-local unicast (fe80::/10) and link-local multicast (ff02::/16)
    /// addresses mean nothing without an interface.
    static func needsScope(_ address: IPAddress) -> Bool {
        guard case .v6(let v6) = address else { return false }
        let b = v6.bytes
        return (b[0] == 0xfe && b[1] & 0xc0 == 0x80) || (b[0] == 0xff && b[1] & 0x0f == 0x02)
    }

    static func text(_ address: IPAddress, scopeID: UInt32) -> String {
        guard scopeID != 0, needsScope(address) else { return address.description }
        var name = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
        guard if_indextoname(scopeID, &name) != nil else { return "\(address)%\(scopeID)" }
        return "\(address)%\(String(nulTerminated: name))"
    }
}
