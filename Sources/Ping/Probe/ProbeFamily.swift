import SocketCore

/// What differs between pinging over IPv4 and over IPv6, in one small
/// table (the idea of iputils' `ping_func_set_st`, without its global
/// state): the rest of the engine is family-agnostic.
public struct ProbeFamily: Sendable {
    public let version: ICMPVersion
    public let socketFamily: SocketFamily
    public let socketProtocol: SocketProtocol
    /// Bytes of IP header counted in `56(84) bytes of data`.
    public let ipHeaderLength: Int
    /// The ICMP types a raw socket lets through: echo replies and the
    /// errors that can quote a request.
    let rawFilter: @Sendable (Socket) throws(SocketError) -> Void
    /// Ancillary data and error reporting for the kind of socket.
    let receiveOptions: @Sendable (Socket, _ raw: Bool) throws(SocketError) -> Void
    /// The unicast TTL / hop limit of our requests.
    let setHopLimit: @Sendable (Socket, Int32) throws(SocketError) -> Void

    public static let ipv4 = ProbeFamily(
        version: .v4, socketFamily: .ipv4, socketProtocol: .icmp, ipHeaderLength: 20,
        rawFilter: { socket throws(SocketError) in
            var filter = ICMPTypeFilter(wordCount: 1)
            // Echo reply, unreachable, source quench, redirect, time
            // exceeded, parameter problem (as iputils' ICMP_FILTER).
            for type: UInt8 in [0, 3, 4, 5, 11, 12] { filter.pass(type) }
            try socket.setOption(.icmpFilter, to: filter)
        },
        receiveOptions: { socket, raw throws(SocketError) in
            // A raw socket sees the IP header (TTL) and the errors as
            // packets; a ping socket needs both as ancillary data.
            guard !raw else { return }
            try socket.setOption(.receiveErrorsIPv4, to: true)
            try socket.setOption(.receiveTimeToLive, to: true)
        },
        setHopLimit: { socket, ttl throws(SocketError) in try socket.setOption(.timeToLive, to: ttl) }
    )

    public static let ipv6 = ProbeFamily(
        version: .v6, socketFamily: .ipv6, socketProtocol: .icmpv6, ipHeaderLength: 40,
        rawFilter: { socket throws(SocketError) in
            var filter = ICMPTypeFilter(wordCount: 8)
            // Echo reply and the four error types of RFC 4443.
            for type: UInt8 in [129, 1, 2, 3, 4] { filter.pass(type) }
            try socket.setOption(.icmpv6Filter, to: filter)
        },
        receiveOptions: { socket, raw throws(SocketError) in
            try socket.setOption(.receiveHopLimit, to: true)
            if !raw { try socket.setOption(.receiveErrorsIPv6, to: true) }
        },
        setHopLimit: { socket, hops throws(SocketError) in try socket.setOption(.unicastHops, to: hops) }
    )

    /// Makes sense of one received datagram, `bytes`, with the sender and
    /// hop limit recvmsg reported (the sender is decoded only if asked for:
    /// a raw IPv4 socket's datagram carries its own). A method rather than
    /// an entry of the table above: a stored closure is called through its
    /// context, retained and released for every datagram of a flood.
    func classify(
        _ bytes: UnsafeRawBufferPointer, sender: @autoclosure () -> SocketAddress?, hopLimit: Int?,
        raw: Bool, identity: ProbeIdentity
    ) -> ReceivedPacket {
        // A raw IPv4 socket hands over the IP header (the sender, the TTL).
        if version == .v4, raw { return ReplyClassifier.ipv4Packet(bytes, identity: identity) }
        switch sender() {
        case .ipv4(let address, _)?:
            return ReplyClassifier.icmp(
                bytes, sender: .v4(address), hopLimit: hopLimit,
                checksumIsVerified: true, identity: identity)
        case .ipv6(let address, _, let scope)?:
            // Both kinds of ICMPv6 socket get the message without the IPv6
            // header, checksum verified by the kernel (RFC 3542 section 3.1).
            let packet = ReplyClassifier.icmp(
                bytes, sender: .v6(address), hopLimit: hopLimit,
                checksumIsVerified: true, identity: identity)
            return scope == 0 ? packet : packet.fromScope(scope)
        case .unix?, nil:
            return .ignored(.malformed)
        }
    }

    public static func of(_ address: IPAddress) -> ProbeFamily {
        if case .v4 = address { return .ipv4 }
        return .ipv6
    }
}
