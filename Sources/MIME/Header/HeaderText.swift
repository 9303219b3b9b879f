/// Checks on header text given by a user.
enum HeaderText {
    /// Refuses `value` for `field` if it holds CR, LF or NUL (header
    /// injection: RFC 5322 §2.2 lets a header line end only where the
    /// writer folds it).
    static func check(_ value: String, field: String) throws(MailFormatError) {
        if value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) {
            throw .lineBreakInHeader(field: field)
        }
    }

    /// True when `value` can be written as it is: printable ASCII, spaces
    /// and tabs, and nothing a decoder could take for an encoded word.
    static func isPlain(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 == 0x09 || (0x20...0x7E).contains($0) } && !value.contains("=?")
    }
}
