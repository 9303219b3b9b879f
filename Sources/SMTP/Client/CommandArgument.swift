/// The checks an argument passes before it goes into a command line: a CR
/// or LF would end the command early and start one of the caller's making
/// (command injection), a NUL is refused by servers, and "<" or ">" would
/// end the path in MAIL FROM:<...> early.
enum CommandArgument {
    /// A mailbox for MAIL FROM or RCPT TO ("" is the null reverse-path of
    /// MAIL FROM only). Lengths are RFC 5321 section 4.5.3.1's: a local
    /// part of at most 64 octets, a domain of at most 255, a path (with its
    /// angle brackets) of at most 256.
    static func checkMailbox(_ address: String, role: String) throws(SMTPError) {
        try checkCharacters(address, role: role, refusing: ["<", ">"])
        let octets = address.utf8.count
        guard octets + 2 <= 256 else {
            throw .invalidArgument("the \(role) address is \(octets) octets long, more than SMTP's 254")
        }
        guard !address.isEmpty else { return }
        guard let at = address.lastIndex(of: "@") else {
            throw .invalidArgument("the \(role) address \(address) has no @domain")
        }
        let localPart = address[..<at].utf8.count
        let domain = address[address.index(after: at)...].utf8.count
        guard localPart > 0, localPart <= 64 else {
            throw .invalidArgument("the \(role) address \(address) has a local part of \(localPart) octets (1 to 64)")
        }
        guard domain > 0, domain <= 255 else {
            throw .invalidArgument("the \(role) address \(address) has a domain of \(domain) octets (1 to 255)")
        }
    }

    /// Anything else that goes into a command: the HELO name, VRFY's
    /// argument.
    static func checkCharacters(_ text: String, role: String, refusing extra: Set<Character> = [])
        throws(SMTPError)
    {
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\r", "\n": throw .invalidArgument("the \(role) holds a line break")
            case "\0": throw .invalidArgument("the \(role) holds a NUL")
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    throw .invalidArgument("the \(role) holds a control character")
                }
                if extra.contains(Character(scalar)) {
                    throw .invalidArgument("the \(role) holds \"\(scalar)\", which SMTP addresses cannot")
                }
            }
        }
    }

    /// Whether `text` is all ASCII: a mailbox that is not needs SMTPUTF8.
    static func isASCII(_ text: String) -> Bool { text.utf8.allSatisfy { $0 < 0x80 } }
}
