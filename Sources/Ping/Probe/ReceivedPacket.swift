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
    /// Where the echo data starts in the datagram that was classified; it
    /// runs to the end of the ICMP message (`dataCount` bytes). The data is
    /// read there, while the datagram is still in the receive buffer,
    /// rather than copied into an array for every reply of a flood.
    public var dataOffset = 0
    public var sender: IPAddress
    /// The interface a link-local sender is on (from recvmsg), else 0.
    public var senderScopeID: UInt32 = 0

    /// Bytes of echo data: what follows the 8-byte ICMP header.
    public var dataCount: Int { icmpLength - ICMPHeader.length }

    /// The echo data within `datagram`, the bytes that were classified.
    public func data(in datagram: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: datagram[dataOffset..<dataOffset + dataCount])
    }

    /// `data(in:)` of a datagram held in an array, copied out.
    public func data(in datagram: [UInt8]) -> [UInt8] { Array(datagram[dataOffset..<dataOffset + dataCount]) }
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
///
/// An echo reply, nearly every datagram of a run, is classified where it
/// lies from the fixed header fields (`IPv4HeaderFields`, `ICMPHeader`):
/// no array is built and nothing is left to free. Only an ICMP error is
/// parsed whole (`ICMPMessage`), for its quote.
public enum ReplyClassifier {
    /// A datagram from a raw IPv4 socket: IP header, then ICMP.
    public static func ipv4Packet(_ bytes: [UInt8], identity: ProbeIdentity) -> ReceivedPacket {
        bytes.withUnsafeBytes { ipv4Packet($0, identity: identity) }
    }

    /// `ipv4Packet` of bytes in a receive buffer, read in place.
    public static func ipv4Packet(_ bytes: UnsafeRawBufferPointer, identity: ProbeIdentity) -> ReceivedPacket {
        guard let header = try? IPv4HeaderFields.parse(bytes), header.protocol == 1 else {
            return .ignored(.malformed)
        }
        return icmp(
            header.payload(in: bytes), at: header.payloadOffset, sender: .v4(header.source),
            hopLimit: Int(header.timeToLive), checksumIsVerified: false, identity: identity)
    }

    /// An ICMP or ICMPv6 message without its IP header: what a datagram
    /// socket (v4 and v6) and a raw ICMPv6 socket receive.
    /// `checksumIsVerified`: the kernel has already dropped bad checksums
    /// (ping sockets, raw ICMPv6 sockets), so the codec need not check.
    public static func icmp(
        _ bytes: [UInt8], sender: IPAddress, hopLimit: Int?, checksumIsVerified: Bool,
        identity: ProbeIdentity
    ) -> ReceivedPacket {
        bytes.withUnsafeBytes {
            icmp($0, sender: sender, hopLimit: hopLimit, checksumIsVerified: checksumIsVerified, identity: identity)
        }
    }

    /// `icmp` of bytes in a receive buffer, read in place.
    public static func icmp(
        _ bytes: UnsafeRawBufferPointer, sender: IPAddress, hopLimit: Int?,
        checksumIsVerified: Bool, identity: ProbeIdentity
    ) -> ReceivedPacket {
        icmp(
            bytes, at: 0, sender: sender, hopLimit: hopLimit, checksumIsVerified: checksumIsVerified,
            identity: identity)
    }

    /// `icmp` of a message that starts `offset` bytes into the datagram
    /// classified (after an IP header), so that a reply's `dataOffset`
    /// points into that datagram.
    static func icmp(
        _ bytes: UnsafeRawBufferPointer, at offset: Int, sender: IPAddress, hopLimit: Int?,
        checksumIsVerified: Bool, identity: ProbeIdentity
    ) -> ReceivedPacket {
        let header: ICMPHeader
        do {
            header = try identity.version == .v4 ? ICMPHeader.parseV4(bytes) : ICMPHeader.parseV6(bytes)
        } catch {
            return .ignored(.malformed)
        }
        switch header.kind {
        case .echoReply:
            if let identifier = identity.identifier, header.identifier != identifier {
                return .ignored(.foreignIdentifier)
            }
            let checksumIsValid = checksumIsVerified || (identity.version == .v4 && header.checksumIsValid)
            return .reply(
                EchoReply(
                    sequence: header.sequence, icmpLength: bytes.count, hopLimit: hopLimit,
                    checksumIsValid: checksumIsValid, dataOffset: offset + ICMPHeader.length,
                    sender: sender))
        case .error:
            return error(bytes, sender: sender, identity: identity)
        case .echoRequest, .other:
            return .ignored(.otherType)
        }
    }

    /// An ICMP error in `bytes` (its header already read): whether it
    /// quotes one of our requests. Rare enough to parse whole.
    private static func error(
        _ bytes: UnsafeRawBufferPointer, sender: IPAddress,
        identity: ProbeIdentity
    ) -> ReceivedPacket {
        let parsed: ICMPMessage
        do {
            parsed = try identity.version == .v4 ? ICMPMessage.parseV4(bytes) : ICMPMessage.parseV6(bytes)
        } catch {
            return .ignored(.malformed)
        }
        guard let quote = parsed.quote, let quoted = quote.icmp,
            quoted.type == echoRequestType(identity.version),
            quote.destination == identity.target
        else { return .ignored(.foreignQuote) }
        if let identifier = identity.identifier, quoted.identifier != identifier {
            return .ignored(.foreignQuote)
        }
        return .error(
            ErrorReport(
                version: identity.version, sequence: quoted.sequence, sender: sender,
                type: parsed.type, code: parsed.code, info: info(of: parsed),
                isNotice: identity.version == .v4 && (parsed.type == 4 || parsed.type == 5)))
    }

    /// An entry of a datagram socket's error queue: the kernel matched an
    /// ICMP error to a request of ours and hands back that request's ICMP
    /// header (`quoted`) and the address it was sent to (`destination`).
    /// Local errors (EMSGSIZE ...) are not packets: the caller reports them.
    public static func queuedError(
        _ error: ExtendedError, quoted: [UInt8], destination: IPAddress?,
        identity: ProbeIdentity
    ) -> ReceivedPacket {
        guard error.origin == .icmp || error.origin == .icmpv6 else { return .ignored(.otherType) }
        guard quoted.count >= 8, destination == identity.target,
            quoted[0] == echoRequestType(identity.version)
        else { return .ignored(.foreignQuote) }
        let identifier = UInt16(quoted[4]) << 8 | UInt16(quoted[5])
        if let ours = identity.identifier, identifier != ours { return .ignored(.foreignQuote) }
        return .error(
            ErrorReport(
                version: identity.version, sequence: UInt16(quoted[6]) << 8 | UInt16(quoted[7]),
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
