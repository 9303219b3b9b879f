/// Why a message cannot be made from what was given: each case names the
/// field or file at fault, so the command can print it and refuse before
/// connecting.
public enum MailFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A header value or address holds CR, LF or NUL: taken as it is, it
    /// would end the header line and add header lines of the sender's
    /// choosing (header injection).
    case lineBreakInHeader(field: String)
    /// An address is not `local@domain` or `Name <local@domain>`.
    case invalidAddress(field: String, address: String, reason: String)
    /// A body, attachment or inline file cannot be opened or read, or is not
    /// a regular file; `reason` is the system's word for it (`ENOENT (No
    /// such file or directory)`).
    case unreadableFile(role: String, path: String, reason: String)
    /// Inline images were given without an HTML body that could show them.
    case inlineWithoutHTML
    /// An inline image's file name cannot be a Content-ID (RFC 2392), or two
    /// inline images have the same name.
    case invalidInlineName(path: String, reason: String)

    public var description: String {
        switch self {
        case .lineBreakInHeader(let field):
            "the \(field) contains a line break (CR or LF) or a NUL, which is refused in a header"
        case .invalidAddress(let field, let address, let reason):
            "the \(field) address \(quoted(address)) is invalid: \(reason)"
        case .unreadableFile(let role, let path, let reason):
            "cannot read the \(role) \(quoted(path)): \(reason)"
        case .inlineWithoutHTML:
            "inline images need an HTML body that refers to them (cid:NAME)"
        case .invalidInlineName(let path, let reason):
            "the inline image \(quoted(path)) cannot be used: \(reason)"
        }
    }

    /// `text` between double quotes, its control characters shown as `\r`,
    /// `\n`, `\0` or `\xNN`, so that an error never prints a line break.
    private func quoted(_ text: String) -> String {
        var shown = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r": shown += "\\r"
            case "\n": shown += "\\n"
            case "\0": shown += "\\0"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                shown += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            default: shown.unicodeScalars.append(scalar)
            }
        }
        return shown + "\""
    }
}
