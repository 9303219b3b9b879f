/// The preconditions of a GET or HEAD (RFC 9110 sections 13.1 and 13.2) on
/// a file with a strong entity tag and a modification time.
enum ConditionalOutcome: Equatable {
    /// Serve the file (`200`, or `206` if a range asks and may be served).
    case proceed
    /// `304 Not Modified`: the client's copy is current.
    case notModified
    /// `412 Precondition Failed`.
    case preconditionFailed
}

enum ConditionalRequest {
    /// The preconditions of `fields` evaluated in the order of RFC 9110
    /// section 13.2.2: `If-Match`, else `If-Unmodified-Since`; then
    /// `If-None-Match` (weak comparison), else `If-Modified-Since`. A date
    /// that is not a valid HTTP-date, or given twice, is ignored (section
    /// 13.1.3 and 13.1.4).
    static func evaluate(_ fields: HTTPFields, tag: String, modifiedSeconds: Int64) -> ConditionalOutcome {
        if fields.contains("if-match") {
            guard anyList(of: "if-match", in: fields, contains: tag, weak: false) else { return .preconditionFailed }
        } else if let since = singleDate("if-unmodified-since", in: fields), modifiedSeconds > since {
            return .preconditionFailed
        }
        if fields.contains("if-none-match") {
            if anyList(of: "if-none-match", in: fields, contains: tag, weak: true) { return .notModified }
        } else if let since = singleDate("if-modified-since", in: fields), modifiedSeconds <= since {
            return .notModified
        }
        return .proceed
    }

    /// Whether a `Range` may be served (RFC 9110 section 13.1.5): with no
    /// `If-Range`, or one that names the current version exactly, by its
    /// strong tag or its modification date. A weak tag never does.
    static func rangeApplies(_ fields: HTTPFields, tag: String, modifiedSeconds: Int64) -> Bool {
        guard let value = fields.first("if-range") else { return true }
        guard fields.count(of: "if-range") == 1 else { return false }
        let trimmed = value.utf8.drop(while: FieldSyntax.isWhitespace)
        if trimmed.first == UInt8(ascii: "\"") || trimmed.starts(with: "W/".utf8) {
            return Array(trimmed)[...].trimmingWhitespace().elementsEqual(tag.utf8)
        }
        return HTTPDate.parse(value) == modifiedSeconds
    }

    private static func anyList(of name: String, in fields: HTTPFields, contains tag: String, weak: Bool) -> Bool {
        var found = false
        fields.forEachValue(of: name) { value in
            if EntityTag.list(value, contains: tag, weak: weak) { found = true }
        }
        return found
    }

    private static func singleDate(_ name: String, in fields: HTTPFields) -> Int64? {
        guard fields.count(of: name) == 1, let value = fields.first(name) else { return nil }
        return HTTPDate.parse(value)
    }
}
