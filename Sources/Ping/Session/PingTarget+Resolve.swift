import SocketCore

/// A host that cannot be pinged, in one line: `nosuch: Name or service not known`.
public struct TargetError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

extension PingTarget {
    /// Resolves `host` as iputils does: the first address getaddrinfo
    /// gives in `family` (nil: either); the name shown is the one typed for
    /// an address literal, else the canonical name. The IPv6 header shows
    /// the address through a reverse look-up unless `numeric` or the host
    /// was typed as an IPv6 address.
    public static func resolve(_ host: String, family: SocketFamily?, numeric: Bool) throws(TargetError) -> PingTarget {
        // Both families are asked for and then filtered, as iputils does,
        // so that a name with only the other family's addresses says so.
        let found: HostAddresses
        do {
            found = try Resolver.hostAddresses(host, family: nil)
        } catch {
            throw TargetError(message: "\(host): \(error.message)")
        }
        let wanted = found.addresses.filter { address in
            switch (family, address) {
            case (nil, _), (.ipv4?, .v4), (.ipv6?, .v6): true
            default: false
            }
        }
        guard let address = wanted.first else {
            throw TargetError(message: "\(host): Address family for hostname not supported")
        }
        let scopeID = scopeID(typed: host)
        let literal = IPAddress(String(host.split(separator: "%", maxSplits: 1).first ?? "")) != nil
        // Only the IPv6 header shows a looked-up name; an IPv4 target costs
        // no reverse look-up, which on a network without a name server
        // delays the first probe by the resolver's timeout (5 s a try).
        var displayed = address.description
        if case .v6 = address {
            var names = AddressNames(numeric: numeric || host.contains(":"))
            displayed = names.text(address, scopeID: scopeID)
        }
        return PingTarget(
            name: literal ? host : (found.canonicalName ?? host), address: address,
            displayedAddress: displayed, typedName: host, scopeID: scopeID)
    }

    /// The source address the kernel picks to reach this target (through
    /// `device`, when given): what iputils prints after `from` with `-I`.
    public func sourceAddress(device: String?) throws(SocketError) -> IPAddress? {
        let family: SocketFamily = if case .v4 = address { .ipv4 } else { .ipv6 }
        let probe = try Socket(family: family, type: .datagram)
        defer { try? probe.close() }
        if let device { try probe.setOption(.bindToDevice, to: device) }
        // Connecting a UDP socket sends nothing; it only picks a route.
        var firstHop = socketAddress
        if case .ipv6(let v6, _, let scope) = firstHop { firstHop = .ipv6(v6, port: 1025, scopeID: scope) }
        if case .ipv4(let v4, _) = firstHop { firstHop = .ipv4(v4, port: 1025) }
        _ = try probe.connect(to: firstHop)
        return try probe.localAddress.ipAddress
    }
}
