/// One field line of a header or trailer section (RFC 9112 section 5):
/// `field-name ":" OWS field-value OWS`, checked as strictly as RFC 9112
/// allows a recipient to be, because every leniency here is a way to make
/// this parser and a proxy in front of it read different messages.
public enum FieldLine {
    public enum Outcome: Sendable, Equatable {
        /// The name and the value (without its surrounding whitespace), as
        /// ranges of the line.
        case field(name: Range<Int>, value: Range<Int>)
        /// Why the line is refused, as a short phrase for a log.
        case malformed(String)
    }

    /// Checks `line`, the bytes of one field line without its CRLF.
    public static func parse(_ line: UnsafeRawBufferPointer) -> Outcome {
        guard let first = line.first else { return .malformed("empty field line") }
        // RFC 9112 section 5.2: obs-fold is refused outside message/http.
        if FieldSyntax.isWhitespace(first) { return .malformed("obsolete line folding") }
        let tokenTable = FieldSyntax.tokenTable
        var index = 0
        while index < line.count && tokenTable[Int(line[index])] { index += 1 }
        guard index < line.count, line[index] == colon else {
            guard index < line.count else { return .malformed("field line without a colon") }
            // RFC 9112 section 5.1: no whitespace between name and colon.
            if FieldSyntax.isWhitespace(line[index]) { return .malformed("whitespace before a field's colon") }
            return .malformed(refusal(of: line[index], in: "field name"))
        }
        guard index > 0 else { return .malformed("empty field name") }
        let name = 0..<index
        index += 1
        while index < line.count && FieldSyntax.isWhitespace(line[index]) { index += 1 }
        let valueStart = index
        var valueEnd = index
        while index < line.count {
            let byte = line[index]
            guard FieldSyntax.isFieldValueCharacter(byte) else {
                return .malformed(refusal(of: byte, in: "field value"))
            }
            index += 1
            if !FieldSyntax.isWhitespace(byte) { valueEnd = index }
        }
        return .field(name: name, value: valueStart..<valueEnd)
    }

    /// The phrase for a byte that may not appear in `part`.
    static func refusal(of byte: UInt8, in part: String) -> String {
        switch byte {
        case 0x0D: "bare CR in a \(part)"
        case 0x00: "NUL in a \(part)"
        case 0..<0x20, 0x7F: "control character in a \(part)"
        default: "invalid character in a \(part)"
        }
    }

    static let colon: UInt8 = 0x3A
}
