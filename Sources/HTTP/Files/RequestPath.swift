/// The path of a request-target (RFC 9112 section 3.2), decoded and
/// normalised, and its query.
///
/// The path is percent-decoded exactly once and then normalised as RFC 3986
/// section 5.2.4 removes dot segments: so `%2e%2e` and `..%2f` are `..`
/// like any other and pop a segment, while `%252e%252e` decodes to the name
/// `%2e%2e` and stays that name. A `..` with nothing left to pop would leave
/// the root, and the target is refused (Apache's CVE-2021-41773 and
/// CVE-2021-42013 came from decoding after normalising, or twice).
struct RequestPath: Equatable, Sendable {
    /// `/` and the segments, joined by `/`, with a trailing `/` when the
    /// target had one (or ended in a dot segment): never `.`, `..` or an
    /// empty segment.
    let path: String
    /// What followed the first `?`, as sent (not decoded); nil without a `?`.
    let query: Substring?

    /// The path parsed from `target`, the request-target as sent, or nil
    /// for a `400 Bad Request`: anything but origin-form (`/path?query`) and
    /// absolute-form (`http://host/path`; the host is the session's
    /// business), a byte that a request-target cannot hold, a malformed
    /// escape, a NUL, a `..` above the root, or a path that is not UTF-8
    /// once decoded.
    init?(target: String) {
        var contiguous = target
        // Scanned as one buffer of bytes: the session's targets are native
        // Strings, so this costs no copy, and no String index is walked.
        let parsed = contiguous.withUTF8 { bytes -> (path: String, queryStart: Int?)?? in
            guard let pathStart = Self.pathStart(in: bytes) else { return .some(nil) }
            var queryStart: Int?
            for index in pathStart..<bytes.count {
                let byte = bytes[index]
                guard Self.isTargetByte(byte) else { return .some(nil) }
                if byte == UInt8(ascii: "?") && queryStart == nil { queryStart = index }
            }
            let rawPath = UnsafeBufferPointer(rebasing: bytes[pathStart..<(queryStart ?? bytes.count)])
            if rawPath.isEmpty {
                return (path: "/", queryStart: queryStart)  // absolute-form with an empty path (RFC 9112 section 3.2.2)
            }
            if Self.isNormal(rawPath) {
                // The whole target when it is the path (no copy), else its part.
                return rawPath.count == bytes.count ? nil : (String(decoding: rawPath, as: UTF8.self), queryStart)
            }
            guard let decoded = PercentEncoding.decode(rawPath), let normal = Self.normalised(decoded) else {
                return .some(nil)
            }
            return (normal, queryStart)
        }
        switch parsed {
        case .none:
            path = target
            query = nil
            hasDotSegment = false
        case .some(.none):
            return nil
        case .some(.some(let parts)):
            path = parts.path
            query = parts.queryStart.map { start in
                target[target.utf8.index(target.utf8.startIndex, offsetBy: start + 1)...]
            }
            hasDotSegment = Self.hasDotSegment(parts.path)
        }
    }

    /// Whether the path ends with `/`: a directory's path must.
    var hasTrailingSlash: Bool { path.utf8.last == UInt8(ascii: "/") }

    /// Whether a segment's name starts with `.` (`.git`, `.env`, `.htpasswd`).
    /// A path taken as it came has none (`isNormal`).
    let hasDotSegment: Bool

    private static func hasDotSegment(_ path: String) -> Bool {
        var afterSlash = false
        for byte in path.utf8 {
            if afterSlash && byte == UInt8(ascii: ".") { return true }
            afterSlash = byte == UInt8(ascii: "/")
        }
        return false
    }

    /// The path relative to the root, for openat: without its leading `/`,
    /// and `.` for the root itself.
    var relative: String {
        path == "/" ? "." : String(path.dropFirst())
    }

    /// Where the path begins: at the start of origin-form, after the
    /// authority of absolute-form (the scheme compared ignoring case).
    private static func pathStart(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let first = bytes.first else { return nil }
        if first == UInt8(ascii: "/") { return 0 }
        var authorityStart: Int?
        for scheme in ["http://", "https://"] where bytes.count > scheme.utf8.count {
            if bytes.prefix(scheme.utf8.count).elementsEqual(scheme.utf8, by: { FieldSyntax.lowercased($0) == $1 }) {
                authorityStart = scheme.utf8.count
                break
            }
        }
        guard let authorityStart else { return nil }
        var end = authorityStart
        while end < bytes.count && bytes[end] != UInt8(ascii: "/") && bytes[end] != UInt8(ascii: "?") { end += 1 }
        return end == authorityStart ? nil : end
    }

    /// A byte that may appear in the path and query of a request-target
    /// (RFC 3986 section 3.3 and 3.4): visible ASCII but `#` (a fragment is
    /// never sent) and the delimiters that are not allowed at all.
    private static func isTargetByte(_ byte: UInt8) -> Bool {
        guard byte > 0x20 && byte < 0x7F else { return false }
        switch byte {
        case UInt8(ascii: "#"), UInt8(ascii: "\""), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\\"),
            UInt8(ascii: "^"), UInt8(ascii: "`"), UInt8(ascii: "{"), UInt8(ascii: "|"), UInt8(ascii: "}"):
            return false
        default: return true
        }
    }

    /// Whether `raw` is its own decoded, normalised form: no escape, no
    /// empty segment, no dot segment (the common case, taken as it is).
    private static func isNormal(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        var previous: UInt8 = 0
        for byte in raw {
            if byte == UInt8(ascii: "%") { return false }
            if previous == UInt8(ascii: "/") && (byte == UInt8(ascii: "/") || byte == UInt8(ascii: ".")) {
                return false
            }
            previous = byte
        }
        return true
    }

    /// The decoded path with dot segments removed and repeated slashes
    /// collapsed; nil for a `..` above the root or bytes that are not UTF-8.
    private static func normalised(_ decoded: [UInt8]) -> String? {
        var segments: [ArraySlice<UInt8>] = []
        var endsInDirectory = false
        for segment in decoded.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst() {
            endsInDirectory = true
            switch segment.count {
            case 0: continue
            case 1 where segment.first == UInt8(ascii: "."): continue
            case 2 where segment.allSatisfy({ $0 == UInt8(ascii: ".") }):
                guard segments.popLast() != nil else { return nil }
            default:
                segments.append(segment)
                endsInDirectory = false
            }
        }
        var joined: [UInt8] = [UInt8(ascii: "/")]
        for (position, segment) in segments.enumerated() {
            if position > 0 { joined.append(UInt8(ascii: "/")) }
            joined.append(contentsOf: segment)
        }
        if endsInDirectory && !segments.isEmpty { joined.append(UInt8(ascii: "/")) }
        return String(validating: joined, as: UTF8.self)
    }
}
