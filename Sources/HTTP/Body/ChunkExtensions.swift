/// The chunk extensions after a chunk size (RFC 9112 section 7.1.1):
///
///     chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )
///     ext-val   = token / quoted-string
///
/// No extension means anything to this decoder, but they are checked, so a
/// line that another parser would read as a different size is refused.
enum ChunkExtensions {
    /// Whether `bytes` (the rest of a chunk-size line, after the size) is
    /// empty or a valid list of extensions.
    static func areValid(_ bytes: ArraySlice<UInt8>) -> Bool {
        // BWS only ever comes before ";" or "=", so a line never ends in it.
        if let last = bytes.last, FieldSyntax.isWhitespace(last) { return false }
        var index = bytes.startIndex
        func skipWhitespace() {
            while index < bytes.endIndex && FieldSyntax.isWhitespace(bytes[index]) { index += 1 }
        }
        func skipToken() -> Bool {
            let start = index
            while index < bytes.endIndex && FieldSyntax.isTokenCharacter(bytes[index]) { index += 1 }
            return index > start
        }
        while index < bytes.endIndex {
            skipWhitespace()
            guard index < bytes.endIndex, bytes[index] == semicolon else { return false }
            index += 1
            skipWhitespace()
            guard skipToken() else { return false }
            skipWhitespace()
            guard index < bytes.endIndex, bytes[index] == equals else { continue }
            index += 1
            skipWhitespace()
            if index < bytes.endIndex && bytes[index] == quote {
                guard skipQuotedString(bytes, &index) else { return false }
            } else {
                guard skipToken() else { return false }
            }
        }
        return true
    }

    /// Moves `index` past the quoted-string that starts there (RFC 9110
    /// section 5.6.4), or returns false when it is malformed or unterminated.
    private static func skipQuotedString(_ bytes: ArraySlice<UInt8>, _ index: inout Int) -> Bool {
        index += 1
        while index < bytes.endIndex {
            let byte = bytes[index]
            index += 1
            switch byte {
            case quote:
                return true
            case backslash:
                // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
                guard index < bytes.endIndex, FieldSyntax.isFieldValueCharacter(bytes[index]) else { return false }
                index += 1
            default:
                // qdtext: HTAB, SP, visible characters and obs-text.
                guard FieldSyntax.isFieldValueCharacter(byte) else { return false }
            }
        }
        return false
    }

    private static let semicolon: UInt8 = 0x3B
    private static let equals: UInt8 = 0x3D
    private static let quote: UInt8 = 0x22
    private static let backslash: UInt8 = 0x5C
}
