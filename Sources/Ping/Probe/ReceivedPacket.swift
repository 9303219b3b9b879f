import SocketCore

/// What a received datagram means to a ping run.
public enum ReceivedPacket: Sendable, Equatable {
    /// An echo reply to one of our probes.
    case reply(EchoReply)
    /// An ICMP error quoting one of our probes (or a redirect or source
    /// quench, which iputils shows without counting: `isNotice`).
    case error(ErrorReport)
    /// Not for us, or not a packet at all; why, for tests and `--json`.
    case ignored(IgnoreReason)
}

public enum IgnoreReason: String, Sendable, Equatable {
    /// The IP header or ICMP message does not parse (IHL < 5, a length that
    /// lies, fewer than 8 bytes of ICMP, an error quote too short).
    case malformed
    /// An echo reply with another process's identifier.
    case foreignIdentifier
    /// An error quoting a packet that is not our echo request.
    case foreignQuote
    /// A type we do not wait for (our own requests seen on loopback ...).
    case otherType
}

/// An echo reply as ping reports it.
public struct EchoReply: Sendable, Equatable {
    public var sequence: UInt16
    /// ICMP bytes received (header and data): iputils' "64 bytes from".
    public var icmpLength: Int
    /// The TTL / hop limit it arrived with, when known.
    public var hopLimit: Int?
    public var checksumIsValid: Bool
    /// The echo data.
    public var payload: [UInt8]
    public var sender: IPAddress
    /// The interface a link-local sender is on (from recvmsg), else 0.
    public var senderScopeID: UInt32 = 0
}

/// An ICMP error about one of our probes.
public struct ErrorReport: Sendable, Equatable {
    public var version: ICMPVersion
    public var sequence: UInt16
    /// Who sent the error.
    public var sender: IPAddress?
    /// The interface a link-local sender is on, else 0.
    public var senderScopeID: UInt32 = 0
    public var type: UInt8
    public var code: UInt8
    /// MTU, pointer or gateway (see `ICMPErrorText`).
    public var info: UInt32
    /// A redirect or source quench: printed, not counted as an error.
    public var isNotice: Bool
}

/// Whose packets count as ours.
public struct ProbeIdentity: Sendable, Equatable {
    public var version: ICMPVersion
    /// Our echo identifier; nil on a datagram socket, where the kernel
    /// rewrites it and only hands us replies to our own socket.
    public var identifier: UInt16?
    /// The address we ping: errors must quote a packet sent there.
    public var target: IPAddress

    public init(version: ICMPVersion, identifier: UInt16?, target: IPAddress) {
        self.version = version
        self.identifier = identifier
        self.target = target
    }
}

/// Turns received bytes into `ReceivedPacket`s. Parsing is the C codec's
/// (bounds-checked and fuzzed); this decides only what is ours.
public enum ReplyClassifier {
    /// A datagram from a raw IPv4 socket: IP header, then ICMP.
    public static func ipv4Packet(_ bytes: [UInt8], identity: ProbeIdentity) -> ReceivedPacket {
        bytes.withUnsafeBytes { ipv4Packet($0, identity: identity) }
    }

    /// `ipv4Packet` of bytes in a receive buffer (no copy but the payload's).
    public static func ipv4Packet(_ bytes: UnsafeRawBufferPointer, identity: ProbeIdentity) -> ReceivedPacket {
        guard let (header, payload) = try? IPv4Header.parse(bytes), header.protocol == 1 else {
            return .ignored(.malformed)
        }
        return icmp(UnsafeRawBufferPointer(rebasing: bytes[payload]), sender: .v4(header.source),
                    hopLimit: Int(header.timeToLive), checksumIsVerified: false, identity: identity)
    }

    /// An ICMP or ICMPv6 message without its IP header: what a datagram
    /// socket (v4 and v6) and a raw ICMPv6 socket receive.
    /// `checksumIsVerified`: the kernel has already dropped bad checksums
    /// (ping sockets, raw ICMPv6 sockets), so the codec need not check.
    public static func icmp(_ bytes: [UInt8], sender: IPAddress, hopLimit: Int?, checksumIsVerified: Bool,
                            identity: ProbeIdentity) -> ReceivedPacket {
        bytes.withUnsafeBytes {
            icmp($0, sender: sender, hopLimit: hopLimit, checksumIsVerified: checksumIsVerified, identity: identity)
        }
    }

    /// `icmp` of bytes in a receive buffer (no copy but the payload's).
    public static func icmp(_ bytes: UnsafeRawBufferPointer, sender: IPAddress, hopLimit: Int?,
                            checksumIsVerified: Bool, identity: ProbeIdentity) -> ReceivedPacket {
        let parsed: ICMPMessage
        do {
            parsed = try identity.version == .v4 ? ICMPMessage.parseV4(bytes) : ICMPMessage.parseV6(bytes)
        } catch {
            return .ignored(.malformed)
        }
        let checksumIsValid = checksumIsVerified || (identity.version == .v4 && parsed.checksumIsValid)
        switch parsed.kind {
        case .echoReply:
            if let identifier = identity.identifier, parsed.identifier != identifier {
                return .ignored(.foreignIdentifier)
            }
            return .reply(EchoReply(sequence: parsed.sequence, icmpLength: bytes.count, hopLimit: hopLimit,
                                    checksumIsValid: checksumIsValid, payload: parsed.body, sender: sender))
        case .error:
            guard let quote = parsed.quote, let quoted = quote.icmp,
                  quoted.type == echoRequestType(identity.version),
                  quote.destination == identity.target
            else { return .ignored(.foreignQuote) }
            if let identifier = identity.identifier, quoted.identifier != identifier {
                return .ignored(.foreignQuote)
            }
            return .error(ErrorReport(version: identity.version, sequence: quoted.sequence, sender: sender, type: parsed.type,
                                      code: parsed.code, info: info(of: parsed),
                                      isNotice: identity.version == .v4 && (parsed.type == 4 || parsed.type == 5)))
        case .echoRequest, .other:
            return .ignored(.otherType)
        }
    }

    /// An entry of a datagram socket's error queue: the kernel matched an
    /// ICMP error to a request of ours and hands back that request's ICMP
    /// header (`quoted`) and the address it was sent to (`destination`).
    /// Local errors (EMSGSIZE ...) are not packets: the caller reports them.
    public static func queuedError(_ error: ExtendedError, quoted: [UInt8], destination: IPAddress?,
                                   identity: ProbeIdentity) -> ReceivedPacket {
        guard error.origin == .icmp || error.origin == .icmpv6 else { return .ignored(.otherType) }
        guard quoted.count >= 8, destination == identity.target,
              quoted[0] == echoRequestType(identity.version)
        else { return .ignored(.foreignQuote) }
        let identifier = UInt16(quoted[4]) << 8 | UInt16(quoted[5])
        if let ours = identity.identifier, identifier != ours { return .ignored(.foreignQuote) }
        return .error(ErrorReport(version: identity.version, sequence: UInt16(quoted[6]) << 8 | UInt16(quoted[7]),
                                  sender: error.offender?.ipAddress, type: error.type, code: error.code,
                                  info: error.info, isNotice: false))
    }

    static func echoRequestType(_ version: ICMPVersion) -> UInt8 { version == .v4 ? 8 : 128 }

    /// The number iputils prints with an error: the MTU, the pointer, the
    /// redirect's gateway (host order), else 0.
    static func info(of message: ICMPMessage) -> UInt32 {
        if let mtu = message.mtu { return mtu }
        if let pointer = message.pointer { return pointer }
        if let gateway = message.gateway { return gateway.rawValue }
        return 0
    }
}
