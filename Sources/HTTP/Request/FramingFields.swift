/// What a request's head says about its framing and its connection,
/// gathered field by field as the parser reads them, and the rules that
/// stop request smuggling (RFC 9112 sections 6.1 and 6.3): two parsers
/// must never disagree about where a request ends.
struct FramingFields: Sendable {
    private(set) var host: Range<Int>?
    private(set) var contentLength: Int64?
    private(set) var isChunked = false
    private(set) var connectionClose = false
    private(set) var connectionKeepAlive = false

    /// Takes note of the field `name: value` of a request of `version`;
    /// `value` lies at `valueRange` of the field block. Returns why the
    /// request is refused, or nil.
    mutating func note(
        name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, at valueRange: Range<Int>, version: HTTPVersion
    ) -> RequestRefusal? {
        switch name.count {
        case 4 where FieldList.matches(name, "host"):
            guard host == nil else { return .badRequest("second Host field") }
            guard HostSyntax.isValid(value) else { return .badRequest("malformed Host") }
            host = valueRange
        case 10 where FieldList.matches(name, "connection"):
            FieldList.forEachElement(value) { option in
                if FieldList.matches(option, "close") { connectionClose = true }
                if FieldList.matches(option, "keep-alive") { connectionKeepAlive = true }
                return true
            }
        case 14 where FieldList.matches(name, "content-length"):
            return noteContentLength(value)
        case 17 where FieldList.matches(name, "transfer-encoding"):
            return noteTransferEncoding(value, version: version)
        default:
            break
        }
        return nil
    }

    /// Content-Length is 1*DIGIT (RFC 9110 section 8.6); a list of
    /// identical values, in one field or several, may stand for one, but
    /// differing values mean the length is not known.
    private mutating func noteContentLength(_ value: UnsafeRawBufferPointer) -> RequestRefusal? {
        if isChunked { return .badRequest("both Content-Length and Transfer-Encoding") }
        var refusal: RequestRefusal?
        FieldList.forEachElement(value) { element in
            guard let length = Self.decimal(element) else {
                refusal = .badRequest("malformed Content-Length")
                return false
            }
            if let contentLength, contentLength != length {
                refusal = .badRequest("differing Content-Length values")
                return false
            }
            contentLength = length
            return true
        }
        return refusal
    }

    /// This server decodes no transfer coding but chunked, which must come
    /// last and only once (RFC 9112 section 6.1); HTTP/1.0 has no transfer
    /// codings at all, so a 1.0 request that names one is not trusted.
    private mutating func noteTransferEncoding(_ value: UnsafeRawBufferPointer, version: HTTPVersion) -> RequestRefusal?
    {
        if version < .http1_1 { return .badRequest("Transfer-Encoding in an HTTP/1.0 request") }
        if contentLength != nil { return .badRequest("both Content-Length and Transfer-Encoding") }
        var refusal: RequestRefusal?
        FieldList.forEachElement(value) { coding in
            guard FieldList.matches(coding, "chunked") else {
                refusal = .badRequest("transfer coding other than chunked")
                return false
            }
            guard !isChunked else {
                refusal = .badRequest("chunked applied more than once")
                return false
            }
            isChunked = true
            return true
        }
        return refusal
    }

    /// The value of a non-empty run of decimal digits that fits in Int64.
    private static func decimal(_ digits: UnsafeRawBufferPointer) -> Int64? {
        guard !digits.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in digits {
            let digit = byte &- 0x30
            guard digit < 10, value <= (Int64.max - Int64(digit)) / 10 else { return nil }
            value = value * 10 + Int64(digit)
        }
        return value
    }
}
