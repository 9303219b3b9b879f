import CPcap
import Glibc
import SocketCore

/// The link-layer framing a capture hands us, and where the IP packet
/// starts in a frame (https://www.tcpdump.org/linktypes.html).
public enum LinkLayer: Sendable, Equatable {
    /// `DLT_EN10MB`: a 14-byte Ethernet header (Linux frames loopback so
    /// too), 18 bytes with one 802.1Q / 802.1ad tag.
    case ethernet
    /// `DLT_NULL`: a 4-byte address family in the capturing host's order.
    case null
    /// `DLT_LOOP`: the same 4 bytes in network order (OpenBSD).
    case loop
    /// `DLT_LINUX_SLL`: the 16-byte "cooked" header, protocol at 14.
    case linuxCooked
    /// `DLT_LINUX_SLL2`: the 20-byte cooked header, protocol first.
    case linuxCooked2
    /// `DLT_RAW`: no header; the IP version is the first nibble.
    case raw
    /// `DLT_IPV4` / `DLT_IPV6`: no header, one version only.
    case ipv4, ipv6

    /// The framing of a pcap data link type; nil for one we cannot read.
    public init?(dataLinkType: Int32) {
        switch dataLinkType {
        case DLT_EN10MB: self = .ethernet
        case DLT_NULL: self = .null
        case DLT_LOOP: self = .loop
        case DLT_LINUX_SLL: self = .linuxCooked
        case DLT_LINUX_SLL2: self = .linuxCooked2
        // LINKTYPE_RAW (101) is what files say; live captures say DLT_RAW.
        case DLT_RAW, 101: self = .raw
        case DLT_IPV4: self = .ipv4
        case DLT_IPV6: self = .ipv6
        default: return nil
        }
    }

    /// The IP version and the offset of the IP packet in `frame`; nil when
    /// the frame is too short or carries something else (ARP ...).
    public func network(in frame: UnsafeRawBufferPointer) -> (version: ICMPVersion, offset: Int)? {
        switch self {
        case .ethernet:
            guard var type = Self.bigEndian16(frame, at: 12) else { return nil }
            var offset = 14
            if type == 0x8100 || type == 0x88A8 {
                guard let inner = Self.bigEndian16(frame, at: 16) else { return nil }
                type = inner
                offset = 18
            }
            return Self.etherType(type).map { ($0, offset) }
        case .null, .loop:
            guard frame.count >= 4 else { return nil }
            let stored = frame.loadUnaligned(as: UInt32.self)
            let family = self == .loop ? UInt32(bigEndian: stored) : stored
            switch family {
            case UInt32(AF_INET): return (.v4, 4)
            // AF_INET6 differs between systems that write DLT_NULL files:
            // Linux 10, the BSDs 24, FreeBSD 28, macOS 30.
            case UInt32(AF_INET6), 24, 28, 30: return (.v6, 4)
            default: return nil
            }
        case .linuxCooked:
            return Self.bigEndian16(frame, at: 14).flatMap(Self.etherType).map { ($0, 16) }
        case .linuxCooked2:
            guard frame.count >= 20 else { return nil }
            return Self.bigEndian16(frame, at: 0).flatMap(Self.etherType).map { ($0, 20) }
        case .raw:
            guard let first = frame.first else { return nil }
            switch first >> 4 {
            case 4: return (.v4, 0)
            case 6: return (.v6, 0)
            default: return nil
            }
        case .ipv4: return (.v4, 0)
        case .ipv6: return (.v6, 0)
        }
    }

    private static func etherType(_ type: UInt16) -> ICMPVersion? {
        switch type {
        case 0x0800: .v4
        case 0x86DD: .v6
        default: nil
        }
    }

    private static func bigEndian16(_ frame: UnsafeRawBufferPointer, at offset: Int) -> UInt16? {
        guard frame.count >= offset + 2 else { return nil }
        return UInt16(frame[offset]) << 8 | UInt16(frame[offset + 1])
    }
}
