/// The fields of a script's header as they are read, and the response
/// they make once the header ends (RFC 3875 section 6).
struct CGIHeaderFields {
    private var status: HTTPStatus?
    private var reason: String?
    private var contentType: String?
    private var location: String?
    private var contentLength: Int64?
    private var fieldLines: [UInt8] = []
    /// Fields other than Location, passed on or not: a local redirect has none.
    private var fieldsBesideLocation = 0

    /// Takes one field; nil, or why the header is refused.
    mutating func add(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) -> String? {
        let text = String(decoding: value, as: UTF8.self)
        let known = Self.knownName(name)
        if known != .location { fieldsBesideLocation += 1 }
        switch known {
        case .status:
            guard status == nil else { return "two Status fields" }
            guard let parsed = Self.parseStatus(value) else {
                return "a Status that is not a code from 200 to 599 and a reason phrase: \(text)"
            }
            status = parsed.reason.map { HTTPStatus(parsed.code, $0) } ?? HTTPStatus(code: parsed.code)
            reason = parsed.reason
        case .contentType:
            guard contentType == nil else { return "two Content-Type fields" }
            guard !value.isEmpty else { return "an empty Content-Type" }
            contentType = text
        case .location:
            guard location == nil else { return "two Location fields" }
            guard Self.isLocalPath(value) || Self.isAbsoluteURI(value) else {
                return "a Location that is neither a path (/...) nor an absolute URI: \(text)"
            }
            location = text
        case .contentLength:
            guard value.count <= 18, !value.isEmpty, value.allSatisfy({ $0 &- 0x30 < 10 }) else {
                return "a Content-Length that is not a number: \(text)"
            }
            let length = value.reduce(Int64(0)) { $0 * 10 + Int64($1 - 0x30) }
            guard contentLength == nil || contentLength == length else { return "two Content-Length that differ" }
            contentLength = length
        case .withheld:
            break
        case nil:
            fieldLines.append(contentsOf: name)
            fieldLines.append(contentsOf: ": ".utf8)
            fieldLines.append(contentsOf: value)
            fieldLines.append(contentsOf: "\r\n".utf8)
        }
        return nil
    }

    /// The response the header makes, which of the forms of section 6.2
    /// it is; `consumed` is given back with it.
    func step(consumed: Int) -> CGIHeaderParser.Step {
        let kind: CGIResponseHead.Kind
        var status = self.status
        if let location {
            if location.hasPrefix("/") && fieldsBesideLocation == 0 {
                kind = .localRedirect(path: location)
            } else if location.hasPrefix("/") && self.status == nil {
                return .malformed("a local redirect with other fields (RFC 3875 section 6.2.2 allows Location alone)")
            } else {
                kind = .clientRedirect
                status = status ?? .found
            }
        } else if contentType != nil || status.map({ $0.code == 204 || $0.code == 304 }) == true {
            // Section 6.3.1: Content-Type is required when there is a body; 204 and 304 have none.
            kind = .document
            status = status ?? .ok
        } else {
            return .malformed("no Content-Type and no Location")
        }
        let head = CGIResponseHead(
            status: status ?? .ok, reason: reason, contentType: contentType, location: location,
            contentLength: contentLength, fieldLines: fieldLines, kind: kind)
        return .head(head, consumed: consumed)
    }

    private enum KnownName {
        case status, contentType, location, contentLength
        /// Not passed on: the server writes them or frames the connection with them.
        case withheld
    }

    private static func knownName(_ name: UnsafeRawBufferPointer) -> KnownName? {
        for (known, kind) in knownNames where known.count == name.count {
            if zip(name, known).allSatisfy({ FieldSyntax.lowercased($0) == $1 }) { return kind }
        }
        return nil
    }

    private static let knownNames: [([UInt8], KnownName)] = [
        ("status", .status), ("content-type", .contentType), ("location", .location),
        ("content-length", .contentLength), ("connection", .withheld), ("keep-alive", .withheld),
        ("transfer-encoding", .withheld), ("te", .withheld), ("trailer", .withheld), ("upgrade", .withheld),
        ("proxy-connection", .withheld), ("date", .withheld), ("server", .withheld),
    ].map { (Array($0.utf8), $1) }

    /// `Status: 3DIGIT [SP reason-phrase]` (section 6.3.3). A code alone is
    /// taken too: scripts often write it so, and the server has the phrase.
    /// 1xx is refused: an interim response is not a script's to send.
    static func parseStatus(_ value: UnsafeRawBufferPointer) -> (code: Int, reason: String?)? {
        guard value.count >= 3 else { return nil }
        let digits = value.prefix(3).map { $0 &- 0x30 }
        guard digits.allSatisfy({ $0 < 10 }), (2...5).contains(digits[0]) else { return nil }
        let code = Int(digits[0]) * 100 + Int(digits[1]) * 10 + Int(digits[2])
        guard value.count > 3 else { return (code, nil) }
        guard value[3] == 0x20 else { return nil }
        return (code, String(decoding: value.dropFirst(4), as: UTF8.self))
    }

    /// An absolute path of this server (`local-pathquery`, section 6.2.2):
    /// `/` and visible ASCII, but not `//`, which is a network-path
    /// reference to another host (RFC 3986 section 4.2).
    static func isLocalPath(_ value: UnsafeRawBufferPointer) -> Bool {
        value.first == UInt8(ascii: "/") && (value.count == 1 || value[1] != UInt8(ascii: "/"))
            && value.allSatisfy(isURIByte)
    }

    /// `scheme ":" ...` (RFC 3986 section 3.1: a letter, then letters,
    /// digits, `+`, `-`, `.`), in visible ASCII.
    static func isAbsoluteURI(_ value: UnsafeRawBufferPointer) -> Bool {
        guard let colon = value.firstIndex(of: UInt8(ascii: ":")), colon > 0, value.allSatisfy(isURIByte) else {
            return false
        }
        guard isLetter(value[0]) else { return false }
        return value[1..<colon].allSatisfy { byte in
            isLetter(byte) || byte &- 0x30 < 10 || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: ".")
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool { FieldSyntax.lowercased(byte) &- 0x61 < 26 }

    private static func isURIByte(_ byte: UInt8) -> Bool { byte > 0x20 && byte < 0x7F }
}
