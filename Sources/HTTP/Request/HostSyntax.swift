/// The syntax of a Host field's value (RFC 9110 section 7.2, RFC 3986
/// section 3.2.2): `uri-host [ ":" port ]`, where uri-host is a reg-name
/// or an IP-literal in brackets. A Host that a proxy and this server could
/// split differently (spaces, a path, a second colon) is refused.
enum HostSyntax {
    static func isValid(_ value: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        if value.first == leftBracket {
            // IP-literal: IPv6address or IPvFuture, between brackets.
            index = 1
            while index < value.count && value[index] != rightBracket {
                guard isIPLiteralCharacter(value[index]) else { return false }
                index += 1
            }
            guard index < value.count, index > 1 else { return false }
            index += 1
        } else {
            while index < value.count && value[index] != colon {
                guard isRegNameCharacter(value[index]) else { return false }
                index += 1
            }
        }
        guard index < value.count else { return true }
        guard value[index] == colon else { return false }
        index += 1
        while index < value.count {
            guard value[index] &- 0x30 < 10 else { return false }
            index += 1
        }
        return true
    }

    /// unreserved, pct-encoded (its "%"), and sub-delims.
    private static func isRegNameCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "%"): true
        case UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
            UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
            UInt8(ascii: "="):
            true
        default: false
        }
    }

    /// What an IPv6address or an IPvFuture holds: unreserved, sub-delims and ":".
    private static func isIPLiteralCharacter(_ byte: UInt8) -> Bool {
        byte == colon || (byte != UInt8(ascii: "%") && isRegNameCharacter(byte))
    }

    private static let colon = UInt8(ascii: ":")
    private static let leftBracket = UInt8(ascii: "[")
    private static let rightBracket = UInt8(ascii: "]")
}
