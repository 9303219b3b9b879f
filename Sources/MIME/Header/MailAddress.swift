/// A mailbox (RFC 5322 §3.4): an addr-spec, `local@domain`, and perhaps a
/// display name, parsed from `a@b.example` or `Name <a@b.example>`.
///
/// The addr-spec is held to what SMTP can carry without SMTPUTF8 and what a
/// header can hold without quoting: a dot-atom local part (§3.4.1), a domain
/// of letters, digits, hyphens and dots, or an address literal in brackets.
/// Anything else, CR, LF and NUL first of all, is refused when the address
/// is made, so nothing built from it can carry a line break into the
/// message or the SMTP dialogue.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The addr-spec, `local@domain`: what `MAIL FROM` and `RCPT TO` carry.
    public let mailbox: String
    /// The name shown with the address, if any, as the user gave it.
    public let displayName: String?

    /// Parses `text`; `field` names it in errors ("From", "To", ...).
    public init(parsing text: String, field: String = "address") throws(MailFormatError) {
        try HeaderText.check(text, field: field)
        let trimmed = text.trimmingSpaces
        var name: String? = nil
        var spec = trimmed
        if let open = trimmed.lastIndex(of: "<") {
            guard trimmed.hasSuffix(">") else {
                throw .invalidAddress(field: field, address: text, reason: "text after the closing '>'")
            }
            spec = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            let rawName = String(trimmed[..<open]).trimmingSpaces
            if !rawName.hasPrefix("\""), rawName.contains(where: { $0 == "<" || $0 == ">" }) {
                throw .invalidAddress(field: field, address: text, reason: "'<' or '>' inside the address")
            }
            name = try Self.displayName(rawName, field: field, text: text)
        }
        if let reason = Self.problem(inAddrSpec: spec) {
            throw .invalidAddress(field: field, address: text, reason: reason)
        }
        self.mailbox = spec
        self.displayName = name.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// An address from its parts, checked as `init(parsing:)` checks them.
    public init(mailbox: String, displayName: String? = nil, field: String = "address") throws(MailFormatError) {
        try HeaderText.check(mailbox, field: field)
        try HeaderText.check(displayName ?? "", field: field)
        if let reason = Self.problem(inAddrSpec: mailbox) {
            throw .invalidAddress(field: field, address: mailbox, reason: reason)
        }
        self.mailbox = mailbox
        self.displayName = displayName.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The domain part of the addr-spec.
    public var domain: String { String(mailbox[mailbox.index(after: mailbox.lastIndex(of: "@")!)...]) }

    public var description: String { displayName.map { "\($0) <\(mailbox)>" } ?? mailbox }

    /// The pieces this address is written as in a header: the display name
    /// as it is (only atoms), in quotes (other ASCII), or as encoded words
    /// (anything else), then `<mailbox>`. `firstWordLength` is the room for
    /// the first piece on its line.
    func headerPieces(firstWordLength: Int) -> [String] {
        guard let displayName else { return [mailbox] }
        let name: [String]
        if displayName.utf8.allSatisfy({ AddressCharacters.isAtext($0) || $0 == 0x20 }) && !displayName.contains("=?") {
            name = displayName.split(separator: " ").map(String.init)
        } else if HeaderText.isPlain(displayName) {
            var quoted = "\""
            for character in displayName {
                if character == "\"" || character == "\\" { quoted.append("\\") }
                quoted.append(character)
            }
            name = [quoted + "\""]
        } else {
            name = EncodedWords.words(displayName, firstWordLength: firstWordLength)
        }
        return name + ["<\(mailbox)>"]
    }

    /// The display name of `Name <...>`: unquoted if it was quoted.
    private static func displayName(_ raw: String, field: String, text: String) throws(MailFormatError) -> String {
        guard raw.hasPrefix("\"") else { return raw }
        guard raw.count >= 2, raw.hasSuffix("\"") else {
            throw .invalidAddress(field: field, address: text, reason: "unbalanced quotes in the name")
        }
        var name = ""
        var escaped = false
        for character in raw.dropFirst().dropLast() {
            if escaped || character != "\\" {
                name.append(character)
                escaped = false
            } else {
                escaped = true
            }
        }
        return name
    }

    /// What is wrong with `spec` as an addr-spec, or nil.
    private static func problem(inAddrSpec spec: String) -> String? {
        let parts = spec.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            return parts.count == 1 ? "no '@'" : "more than one '@'"
        }
        let (local, domain) = (parts[0].utf8, parts[1].utf8)
        guard !local.isEmpty else { return "nothing before the '@'" }
        guard !domain.isEmpty else { return "nothing after the '@'" }
        if let byte = spec.utf8.first(where: { $0 < 0x21 || $0 > 0x7E }) {
            return byte == 0x20 ? "a space in the address" : "a character outside printable ASCII"
        }
        if spec.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }) {
            return "'<' or '>' inside the address"
        }
        guard local.allSatisfy({ AddressCharacters.isAtext($0) || $0 == UInt8(ascii: ".") }) else {
            return "a character the local part cannot hold unquoted"
        }
        guard local.first != UInt8(ascii: "."), local.last != UInt8(ascii: "."), !parts[0].contains("..") else {
            return "a dot at the start or end of the local part, or two in a row"
        }
        if domain.first == UInt8(ascii: "[") {
            let inside = domain.dropFirst()
            guard inside.last == UInt8(ascii: "]"),
                inside.dropLast().allSatisfy({ $0 != UInt8(ascii: "[") && $0 != UInt8(ascii: "]") && $0 != 0x5C })
            else { return "an unclosed address literal" }
            return nil
        }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            guard !label.isEmpty else { return "an empty label in the domain" }
            guard label.utf8.allSatisfy({ AddressCharacters.isLetterOrDigit($0) || $0 == UInt8(ascii: "-") }) else {
                return "a character a domain cannot hold"
            }
        }
        return nil
    }
}

/// Character classes of RFC 5322 §3.2.3.
enum AddressCharacters {
    static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// atext: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    static func isAtext(_ byte: UInt8) -> Bool {
        isLetterOrDigit(byte) || "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return String(self[first...last])
    }
}
