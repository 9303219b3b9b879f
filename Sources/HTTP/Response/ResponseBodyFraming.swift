/// How the body of a response is delimited (RFC 9112 section 6.3).
public enum ResponseBodyFraming: Sendable, Equatable {
    /// No body at all: a response to HEAD, a 1xx, 204 or 304.
    case none
    /// Exactly this many bytes.
    case contentLength(Int64)
    /// The chunked transfer coding, trailers after the last chunk.
    case chunked
    /// Everything until the server closes the connection.
    case untilClose
}

extension ResponseHead {
    /// The framing of the body that follows this head, given the request's
    /// method, by the rules of RFC 9112 section 6.3 in their order. What a
    /// proxy could read differently from this client is refused, not
    /// guessed at: both `Transfer-Encoding` and `Content-Length` (item 3,
    /// the classic smuggling pair), a coding other than one final
    /// `chunked` (this client decodes no other, and a body whose end it
    /// cannot find would swallow the next response), a `Transfer-Encoding`
    /// from an HTTP/1.0 server (section 6.1), and differing or malformed
    /// `Content-Length` values (item 5).
    public func bodyFraming(requestMethod: HTTPMethod) throws(ResponseParseError) -> ResponseBodyFraming {
        if requestMethod == .head || status.forbidsContent { return .none }
        let hasLength = fields.contains("content-length")
        if fields.contains("transfer-encoding") {
            if hasLength { throw .badFraming("both Transfer-Encoding and Content-Length") }
            if version < .http1_1 { throw .badFraming("Transfer-Encoding from an HTTP/1.0 server") }
            guard onlyChunked() else { throw .badFraming("a transfer coding other than one final chunked") }
            return .chunked
        }
        guard hasLength else { return .untilClose }
        return .contentLength(try contentLength())
    }

    /// Whether the `Transfer-Encoding` fields, joined, list `chunked` alone.
    private func onlyChunked() -> Bool {
        var codings: [ArraySlice<UInt8>] = []
        fields.forEachValue(of: "transfer-encoding") { value in
            for element in value.split(separator: 0x2C, omittingEmptySubsequences: false) {
                codings.append(Self.trimmed(element))
            }
        }
        let chunked = Array("chunked".utf8)
        return codings.count == 1 && codings[0].count == chunked.count
            && zip(codings[0], chunked).allSatisfy { FieldSyntax.lowercased($0) == $1 }
    }

    /// The one length every `Content-Length` value (and list element) gives.
    private func contentLength() throws(ResponseParseError) -> Int64 {
        var lengths: [Int64?] = []
        fields.forEachValue(of: "content-length") { value in
            for element in value.split(separator: 0x2C, omittingEmptySubsequences: false) {
                lengths.append(Self.decimal(Self.trimmed(element)))
            }
        }
        guard let first = lengths.first, let length = first else {
            throw .badFraming("a Content-Length that is not a decimal number")
        }
        for other in lengths where other != length {
            throw other == nil
                ? .badFraming("a Content-Length that is not a decimal number")
                : .badFraming("differing Content-Length values")
        }
        return length
    }

    /// `1*DIGIT` as a number; nil when empty, not digits, or past 18 digits
    /// (an exabyte, so no overflow is possible).
    private static func decimal(_ digits: ArraySlice<UInt8>) -> Int64? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value: Int64 = 0
        for digit in digits {
            guard digit &- 0x30 < 10 else { return nil }
            value = value * 10 + Int64(digit &- 0x30)
        }
        return value
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var result = bytes
        while let first = result.first, FieldSyntax.isWhitespace(first) { result.removeFirst() }
        while let last = result.last, FieldSyntax.isWhitespace(last) { result.removeLast() }
        return result
    }
}
