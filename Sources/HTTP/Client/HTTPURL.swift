import SocketCore

/// An `http` URL (RFC 9110 section 4.2.1): the origin to connect to and the
/// request target to ask it for.
///
/// The host is an IPv4 address, an IPv6 address in brackets or a name; the
/// path and query are kept exactly as given, percent-encoding included (a
/// client that decoded and encoded again could ask for another resource),
/// but a space, a control or a byte outside ASCII is refused: it would end
/// the request line early or be read differently by each server. The
/// fragment is the client's own and never sent (RFC 9110 section 4.2.5).
public struct HTTPURL: Sendable, Hashable, CustomStringConvertible {
    /// Where a connection goes: host and port. Connections are kept and
    /// reused per origin.
    public struct Origin: Sendable, Hashable, CustomStringConvertible {
        /// The host in lower case, an IPv6 address without its brackets.
        public var host: String
        public var port: UInt16

        /// The host as a URL and a `Host` field write it: IPv6 in brackets.
        public var hostText: String { host.contains(":") ? "[\(host)]" : host }

        public var description: String { "\(hostText):\(port)" }
    }

    public var origin: Origin
    /// The request target in origin form (RFC 9112 section 3.2.1): the
    /// absolute path and the query, `/` when the URL has no path.
    public var target: String

    public var host: String { origin.host }
    public var port: UInt16 { origin.port }

    /// The `Host` field's value (RFC 9110 section 7.2): the port only when
    /// it is not the scheme's default.
    public var hostField: String { port == 80 ? origin.hostText : origin.description }

    public var description: String { "http://\(hostField)\(target)" }

    /// Parses `http://host[:port][/path][?query][#fragment]`. `https` is
    /// refused with its own error until the client speaks TLS.
    public init(_ text: String) throws(HTTPClientError) {
        let bytes = Array(text.utf8)
        guard let schemeEnd = Self.schemeEnd(bytes) else {
            throw .invalidURL(text, reason: "it does not start with http://")
        }
        let scheme = String(decoding: bytes[..<schemeEnd], as: UTF8.self).lowercased()
        guard scheme == "http" else { throw .unsupportedScheme(scheme) }
        let rest = bytes[(schemeEnd + 3)...]
        let authorityEnd = rest.firstIndex { $0 == 0x2F || $0 == 0x3F || $0 == 0x23 } ?? rest.endIndex
        origin = try Self.origin(String(decoding: rest[..<authorityEnd], as: UTF8.self), in: text)
        target = try Self.target(rest[authorityEnd...], in: text)
    }

    init(origin: Origin, target: String) {
        self.origin = origin
        self.target = target
    }

    /// The URL a `Location` value names, relative to this one (RFC 9110
    /// section 10.2.2, resolved as RFC 3986 section 5.2 says).
    public func resolving(_ reference: String) throws(HTTPClientError) -> HTTPURL {
        let bytes = Array(reference.utf8)
        if Self.schemeEnd(bytes) != nil { return try HTTPURL(reference) }
        if reference.hasPrefix("//") { return try HTTPURL("http:" + reference) }
        let relative = try Self.target(bytes[...], in: reference)
        if reference.hasPrefix("/") { return HTTPURL(origin: origin, target: relative) }
        let basePath = target.prefix { $0 != "?" }
        if reference.hasPrefix("?") { return HTTPURL(origin: origin, target: String(basePath) + relative.dropFirst()) }
        if reference.isEmpty || reference.hasPrefix("#") { return self }
        let directory = basePath[...(basePath.lastIndex(of: "/") ?? basePath.startIndex)]
        return HTTPURL(origin: origin, target: Self.removingDotSegments(String(directory) + relative.dropFirst()))
    }

    /// The index of `://` after a scheme (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`).
    private static func schemeEnd(_ bytes: [UInt8]) -> Int? {
        guard let colon = bytes.firstIndex(of: 0x3A), colon > 0, bytes[colon...].starts(with: "://".utf8) else {
            return nil
        }
        let isSchemeByte = { (byte: UInt8) in
            (byte | 0x20) &- 0x61 < 26 || byte &- 0x30 < 10 || byte == 0x2B || byte == 0x2D || byte == 0x2E
        }
        guard (bytes[0] | 0x20) &- 0x61 < 26, bytes[..<colon].allSatisfy(isSchemeByte) else { return nil }
        return colon
    }

    private static func origin(_ authority: String, in text: String) throws(HTTPClientError) -> Origin {
        if authority.contains("@") {
            throw .invalidURL(text, reason: "user names and passwords in a URL are not supported")
        }
        var hostPart = Substring(authority)
        var portPart: Substring?
        let host: String
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw .invalidURL(text, reason: "an IPv6 address without its closing bracket")
            }
            let inside = String(authority[authority.index(after: authority.startIndex)..<close])
            guard case .v6? = IPAddress(inside) else {
                throw .invalidURL(text, reason: "\(inside) is not an IPv6 address")
            }
            host = inside.lowercased()
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .invalidURL(text, reason: "text after the IPv6 address") }
                portPart = after.dropFirst()
            }
        } else {
            if let colon = authority.firstIndex(of: ":") {
                portPart = authority[authority.index(after: colon)...]
                hostPart = authority[..<colon]
            }
            guard !hostPart.isEmpty else { throw .invalidURL(text, reason: "no host") }
            // reg-name (RFC 3986 section 3.2.2), without percent-encoding:
            // what a resolver takes.
            guard hostPart.utf8.allSatisfy({ $0 < 0x80 && (isAlphanumeric($0) || "-._~".utf8.contains($0)) }) else {
                throw .invalidURL(text, reason: "\(String(reflecting: String(hostPart))) is not a host name")
            }
            host = hostPart.lowercased()
        }
        var port: UInt16 = 80
        if let portPart, !portPart.isEmpty {
            guard portPart.utf8.allSatisfy({ $0 &- 0x30 < 10 }), let number = UInt16(portPart), number > 0 else {
                throw .invalidURL(text, reason: "\(String(reflecting: String(portPart))) is not a port")
            }
            port = number
        }
        return Origin(host: host, port: port)
    }

    /// The path and query, checked byte by byte, the fragment dropped.
    private static func target(_ bytes: ArraySlice<UInt8>, in text: String) throws(HTTPClientError) -> String {
        let withoutFragment = bytes[..<(bytes.firstIndex(of: 0x23) ?? bytes.endIndex)]
        for byte in withoutFragment where byte <= 0x20 || byte >= 0x7F {
            let what =
                byte == 0x20 ? "a space" : byte < 0x20 || byte == 0x7F ? "a control character" : "a non-ASCII byte"
            throw .invalidURL(text, reason: "\(what) in the path (percent-encode it)")
        }
        let path = String(decoding: withoutFragment, as: UTF8.self)
        if path.isEmpty { return "/" }
        return path.hasPrefix("/") ? path : "/" + path
    }

    /// RFC 3986 section 5.2.4 on a path (and its query): `.` and `..`
    /// segments removed, never above the root.
    private static func removingDotSegments(_ target: String) -> String {
        let query = target.firstIndex(of: "?").map { String(target[$0...]) } ?? ""
        let path = target.prefix { $0 != "?" }
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            switch segment {
            case ".": if isLast { output.append("") }
            case "..":
                _ = output.popLast()
                if isLast { output.append("") }
            default: output.append(segment)
            }
        }
        return "/" + output.joined(separator: "/") + query
    }
}

private func isAlphanumeric(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 || byte &- 0x30 < 10 }
