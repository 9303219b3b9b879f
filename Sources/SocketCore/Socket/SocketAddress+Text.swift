import Glibc

extension SocketAddress: LosslessStringConvertible {
    /// Parses `1.2.3.4:80`, `[::1]:80`, `[fe80::1%2]:80` (the scope may be an
    /// interface name, `[fe80::1%lo]:80`, looked up with if_nametoindex) and
    /// UNIX paths (any text containing `/`, at most 107 bytes and no NUL).
    /// The port is decimal, 0 to 65535. Returns nil for anything else,
    /// including a bare IPv6 address without brackets.
    public init?(_ text: String) {
        if text.contains("/") {
            guard Self.isValidUnixPath(text) else { return nil }
            self = .unix(path: text)
        } else if text.hasPrefix("[") {
            guard let close = text.lastIndex(of: "]"),
                text[text.index(after: close)...].hasPrefix(":"),
                let port = Self.port(text[text.index(close, offsetBy: 2)...])
            else { return nil }
            let inside = text[text.index(after: text.startIndex)..<close]
            let parts = inside.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)
            guard let address = IPv6Address(String(parts[0])) else { return nil }
            var scopeID: UInt32 = 0
            if parts.count == 2 {
                guard let scope = Self.scopeID(parts[1]) else { return nil }
                scopeID = scope
            }
            self = .ipv6(address, port: port, scopeID: scopeID)
        } else {
            guard let colon = text.lastIndex(of: ":"),
                let address = IPv4Address(String(text[..<colon])),
                let port = Self.port(text[text.index(after: colon)...])
            else { return nil }
            self = .ipv4(address, port: port)
        }
    }

    /// `1.2.3.4:80`, `[::1]:80`, `[fe80::1%2]:80`, the path itself, or
    /// `<unnamed>` for an unnamed UNIX socket.
    public var description: String {
        switch self {
        case .ipv4(let address, let port): "\(address):\(port)"
        case .ipv6(let address, let port, 0): "[\(address)]:\(port)"
        case .ipv6(let address, let port, let scopeID): "[\(address)%\(scopeID)]:\(port)"
        case .unix(let path): path.isEmpty ? "<unnamed>" : path
        }
    }

    /// sun_path holds 108 bytes including the terminating NUL (unix(7)).
    static let maximumUnixPathLength = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    /// A path bind(2) and connect(2) can take: not empty (that would be
    /// Linux's abstract namespace), no NUL, short enough for sun_path.
    static func isValidUnixPath(_ path: String) -> Bool {
        !path.isEmpty && !path.utf8.contains(0) && path.utf8.count <= maximumUnixPathLength
    }

    /// Decimal digits only (no sign, no spaces), 0 to 65535.
    private static func port(_ text: Substring) -> UInt16? {
        guard !text.isEmpty, text.utf8.count <= 5, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        else { return nil }
        return UInt16(text)
    }

    /// A numeric scope, or an interface name that exists on this machine.
    private static func scopeID(_ text: Substring) -> UInt32? {
        guard !text.isEmpty else { return nil }
        if text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return UInt32(text) }
        let index = if_nametoindex(String(text))
        return index == 0 ? nil : index
    }
}
