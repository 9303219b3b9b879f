/// The character classes of RFC 9110 section 5 that every parser of this
/// module checks bytes against, requests and responses alike, so the
/// server and the client are exactly as strict as each other.
public enum FieldSyntax {
    /// `tchar` (RFC 9110 section 5.6.2): the characters of a token, such as
    /// a method or a field name.
    @inlinable
    public static func isTokenCharacter(_ byte: UInt8) -> Bool { tokenTable[Int(byte)] }

    /// A byte that may appear in a field value (RFC 9110 section 5.5):
    /// visible ASCII, space, horizontal tab and obs-text (0x80-0xFF). CR,
    /// LF, NUL and the other controls may not: a bare CR or a NUL is how a
    /// request is smuggled past a proxy that reads it differently.
    @inlinable
    public static func isFieldValueCharacter(_ byte: UInt8) -> Bool {
        byte >= 0x20 ? byte != 0x7F : byte == 0x09
    }

    /// Whether every byte of `token` is a `tchar` and there is at least one.
    public static func isToken(_ token: some Collection<UInt8>) -> Bool {
        !token.isEmpty && token.allSatisfy(isTokenCharacter)
    }

    /// Whether `value` can be sent as a field value: allowed bytes only, and
    /// no leading or trailing whitespace (which a receiver strips, section 5.5).
    public static func isFieldValue(_ value: some Collection<UInt8>) -> Bool {
        guard value.allSatisfy(isFieldValueCharacter) else { return false }
        guard let first = value.first, let last = value.reversed().first else { return true }
        return !isWhitespace(first) && !isWhitespace(last)
    }

    /// Optional whitespace, OWS (RFC 9110 section 5.6.3): space or tab.
    @inlinable
    public static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// ASCII lower-case of `byte`.
    @inlinable
    public static func lowercased(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte | 0x20 : byte }

    @usableFromInline
    static let tokenTable: [Bool] = (0..<256).map { byte in
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: "!#$%&'*+-.^_`|~".utf8.contains(UInt8(byte))
        }
    }
}
