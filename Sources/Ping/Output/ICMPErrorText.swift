import SocketCore

/// The words iputils ping prints for an ICMP error (`pr_icmph` in
/// `ping.c` for IPv4, `print_icmp` in `ping6_common.c` for IPv6), so that
/// scripts matching them keep working.
public enum ICMPErrorText {
    /// `info` is the next-hop MTU of "fragmentation needed" / "packet too
    /// big" and the pointer of a parameter problem.
    public static func describe(version: ICMPVersion, type: UInt8, code: UInt8, info: UInt32) -> String {
        switch version {
        case .v4: ipv4(type: type, code: code, info: info)
        case .v6: ipv6(type: type, code: code, info: info)
        }
    }

    static func ipv4(type: UInt8, code: UInt8, info: UInt32) -> String {
        switch type {
        case 0: return "Echo Reply"
        case 3:
            switch code {
            case 0: return "Destination Net Unreachable"
            case 1: return "Destination Host Unreachable"
            case 2: return "Destination Protocol Unreachable"
            case 3: return "Destination Port Unreachable"
            case 4: return "Frag needed and DF set (mtu = \(info))"
            case 5: return "Source Route Failed"
            case 6: return "Destination Net Unknown"
            case 7: return "Destination Host Unknown"
            case 8: return "Source Host Isolated"
            case 9: return "Destination Net Prohibited"
            case 10: return "Destination Host Prohibited"
            case 11: return "Destination Net Unreachable for Type of Service"
            case 12: return "Destination Host Unreachable for Type of Service"
            case 13: return "Packet filtered"
            case 14: return "Precedence Violation"
            case 15: return "Precedence Cutoff"
            default: return "Dest Unreachable, Bad Code: \(code)"
            }
        case 4: return "Source Quench"
        case 5:
            let kind =
                switch code {
                case 0: "Redirect Network"
                case 1: "Redirect Host"
                case 2: "Redirect Type of Service and Network"
                case 3: "Redirect Type of Service and Host"
                default: "Redirect, Bad Code: \(code)"
                }
            return "\(kind)(New nexthop: \(IPv4Text.dotted(info)))"
        case 8: return "Echo Request"
        case 11:
            switch code {
            case 0: return "Time to live exceeded"
            case 1: return "Frag reassembly time exceeded"
            default: return "Time exceeded, Bad Code: \(code)"
            }
        case 12: return "Parameter problem: pointer = \(info)"
        case 13: return "Timestamp"
        case 14: return "Timestamp Reply"
        case 15: return "Information Request"
        case 16: return "Information Reply"
        case 17: return "Address Mask Request"
        case 18: return "Address Mask Reply"
        default: return "Bad ICMP type: \(type)"
        }
    }

    static func ipv6(type: UInt8, code: UInt8, info: UInt32) -> String {
        switch type {
        case 1:
            let reason =
                switch code {
                case 0: "No route"
                case 1: "Administratively prohibited"
                case 2: "Beyond scope of source address"
                case 3: "Address unreachable"
                case 4: "Port unreachable"
                default: "Unknown code \(code)"
                }
            return "Destination unreachable: \(reason)"
        case 2:
            return "Packet too big: mtu=\(info)" + (code != 0 ? ", code=\(code)" : "")
        case 3:
            let reason =
                switch code {
                case 0: "Hop limit"
                case 1: "Defragmentation failure"
                default: "code \(code)"
                }
            return "Time exceeded: \(reason)"
        case 4:
            let reason =
                switch code {
                case 0: "Wrong header field "
                case 1: "Unknown header "
                case 2: "Unknown option "
                default: "code \(code) "
                }
            return "Parameter problem: \(reason)at \(info)"
        case 128: return "Echo request"
        case 129: return "Echo reply"
        case 130: return "MLD Query"
        case 131: return "MLD Report"
        case 132: return "MLD Reduction"
        default: return "unknown icmp type: \(type)"
        }
    }
}

/// Dotted-quad text of a host-order IPv4 address.
enum IPv4Text {
    static func dotted(_ value: UInt32) -> String {
        "\(value >> 24).\((value >> 16) & 0xff).\((value >> 8) & 0xff).\(value & 0xff)"
    }
}
