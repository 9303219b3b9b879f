/// The request line (RFC 9112 section 3):
/// `method SP request-target SP HTTP-version`, with exactly one space
/// between the parts, a request-target of visible ASCII, and a version of
/// the form `HTTP/` DIGIT `.` DIGIT.
struct RequestLine: Sendable {
    var method: HTTPMethod
    var target: String
    var version: HTTPVersion

    enum Outcome {
        case line(RequestLine)
        case refused(RequestRefusal)
    }

    /// Reads `line`, the request line's bytes without its CRLF.
    static func parse(_ line: UnsafeRawBufferPointer) -> Outcome {
        let tokenTable = FieldSyntax.tokenTable
        var index = 0
        while index < line.count && tokenTable[Int(line[index])] { index += 1 }
        guard index > 0, index < line.count, line[index] == space else {
            let odd = index > 0 && index < line.count ? line[index] : 0x21
            return .refused(.badRequest(refusal(of: odd)))
        }
        let method = HTTPMethod(bytes: UnsafeRawBufferPointer(rebasing: line[0..<index]))
        index += 1
        let targetStart = index
        while index < line.count && line[index] &- 0x21 < 0x5E { index += 1 }  // VCHAR, 0x21-0x7E
        guard index > targetStart else { return .refused(.badRequest("empty request target")) }
        let targetEnd = index
        guard index < line.count else {
            // "GET /" with no version: an HTTP/0.9 simple request.
            return .refused(RequestRefusal(.httpVersionNotSupported, "HTTP/0.9 request"))
        }
        guard line[index] == space else { return .refused(.badRequest(refusal(of: line[index]))) }
        index += 1
        let versionBytes = UnsafeRawBufferPointer(rebasing: line[index...])
        guard let version = Self.version(versionBytes) else {
            return .refused(.badRequest(refusal(in: versionBytes)))
        }
        guard version == .http1_1 || version == .http1_0 else {
            return .refused(RequestRefusal(.httpVersionNotSupported, "unsupported version \(version)"))
        }
        let target = String(decoding: UnsafeRawBufferPointer(rebasing: line[targetStart..<targetEnd]), as: UTF8.self)
        return .line(RequestLine(method: method, target: target, version: version))
    }

    /// `HTTP/` DIGIT `.` DIGIT (RFC 9112 section 2.3; the name is case-sensitive).
    private static func version(_ bytes: UnsafeRawBufferPointer) -> HTTPVersion? {
        guard bytes.count == 8, bytes[0] == 0x48, bytes[1] == 0x54, bytes[2] == 0x54, bytes[3] == 0x50,
            bytes[4] == 0x2F, bytes[6] == 0x2E
        else { return nil }
        let major = bytes[5] &- 0x30
        let minor = bytes[7] &- 0x30
        guard major < 10, minor < 10 else { return nil }
        return HTTPVersion(major: major, minor: minor)
    }

    private static func refusal(of byte: UInt8) -> String {
        switch byte {
        case space: "more than one space in the request line"
        case 0x0D, 0x00, 0..<0x20, 0x7F: FieldLine.refusal(of: byte, in: "request line")
        default: "malformed request line"
        }
    }

    private static func refusal(in version: UnsafeRawBufferPointer) -> String {
        guard let odd = version.first(where: { $0 < 0x20 || $0 == 0x7F }) else { return "malformed HTTP version" }
        return refusal(of: odd)
    }

    private static let space: UInt8 = 0x20
}
