import SocketCore

/// The BPF filter of a capture (pcap-filter(7)): echo requests and replies
/// that carry our identifier and go to or come from the target, nothing
/// else. Loopback is shared with every process on the machine, so a
/// capture of all ICMP there would also hold other people's pings.
public enum EchoFilter {
    /// The filter of a capture shared by `hosts`: one host's clause, or
    /// each host's in parentheses joined by `or` (pcap-filter(7)). Empty
    /// `hosts` is a programming error.
    public static func expression(for hosts: [CapturedHost]) -> String {
        precondition(!hosts.isEmpty, "a capture serves at least one host")
        let clauses = hosts.map { expression(version: $0.version, identifier: $0.identifier, target: $0.address) }
        return clauses.count == 1 ? clauses[0] : clauses.map { "(\($0))" }.joined(separator: " or ")
    }

    public static func expression(version: ICMPVersion, identifier: UInt16, target: IPAddress) -> String {
        switch version {
        case .v4:
            // RFC 792: type at byte 0 (8 request, 0 reply), identifier at 4.
            // `icmp[]` counts from the ICMP header, whatever the IP options.
            return "icmp and icmp[4:2] == \(identifier) and (icmp[0] == 8 or icmp[0] == 0) and host \(target)"
        case .v6:
            // RFC 4443 section 4.1: type 128 request, 129 reply, identifier
            // at byte 4 of the message. Indexed from the IPv6 header, whose
            // next header (byte 6) must be ICMPv6 itself, so the message
            // starts at byte 40.
            return "ip6 and ip6[6] == 58 and ip6[44:2] == \(identifier)"
                + " and (ip6[40] == 128 or ip6[40] == 129) and host \(target)"
        }
    }
}
