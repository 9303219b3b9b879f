import SocketCore

/// One host of a run as its echoes show on the wire: the identifier its
/// requests carry there (a ping socket's kernel-given one) and its
/// address. Hosts of one run differ in one or the other, even the same
/// address given twice (each has an identifier of its own), so this is
/// what sorts a capture shared by several hosts into each host's packets.
public struct CapturedHost: Sendable, Equatable {
    public var identifier: UInt16
    public var address: IPAddress

    public init(identifier: UInt16, address: IPAddress) {
        self.identifier = identifier
        self.address = address
    }

    /// ICMP for an IPv4 host, ICMPv6 for an IPv6 one.
    public var version: ICMPVersion {
        switch address {
        case .v4: .v4
        case .v6: .v6
        }
    }

    /// Whether `echo` is one of this host's: a request to it or a reply
    /// from it (or, on loopback, either way) with its identifier.
    public func owns(_ echo: WireEcho) -> Bool {
        echo.identifier == identifier && (echo.source == address || echo.destination == address)
    }
}

extension WireLog {
    /// The part of a capture that belongs to `host`, in capture order; the
    /// capture's drops and failure concern every host it served.
    public func only(_ host: CapturedHost) -> WireLog {
        WireLog(echoes: echoes.filter(host.owns), dropped: dropped, failure: failure)
    }
}
