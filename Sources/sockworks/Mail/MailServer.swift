/// The `--server HOST[:PORT]` of `sockworks mail`: a name, an IPv4
/// address, or an IPv6 address in brackets (`[::1]:2525`), with an
/// optional port. Without a port the TLS choice picks the submission
/// port that goes with it (`MailSecurity.defaultPort`).
struct MailServer: Hashable {
    let host: String
    let port: UInt16?

    /// Parses `text`, or says what is wrong with it in words for a
    /// ValidationError.
    init(parsing text: String) throws(MailArgumentError) {
        var rest = Substring(text)
        let host: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw .invalid("--server \(text): no ] after the address")
            }
            host = rest[rest.index(after: rest.startIndex)..<close]
            rest = rest[rest.index(after: close)...]
            guard rest.isEmpty || rest.hasPrefix(":") else {
                throw .invalid("--server \(text): only :PORT may follow the address in brackets")
            }
        } else if rest.filter({ $0 == ":" }).count > 1 {
            throw .invalid("--server \(text): an IPv6 address goes in brackets, as [\(text)]:PORT")
        } else {
            host = rest.prefix { $0 != ":" }
            rest = rest[host.endIndex...]
        }
        guard !host.isEmpty else { throw .invalid("--server \(text): no host") }
        guard host.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "/" && $0 != "@" }) else {
            throw .invalid("--server \(text): not a host name or address")
        }
        self.host = String(host)
        if rest.isEmpty {
            port = nil
        } else {
            let digits = rest.dropFirst()
            guard let number = Int(digits), (1...65535).contains(number), digits.allSatisfy(\.isNumber) else {
                throw .invalid("--server \(text): the port must be from 1 to 65535")
            }
            port = UInt16(number)
        }
    }
}

/// A bad argument of `sockworks mail`, found before connecting (exit 2).
enum MailArgumentError: Error, CustomStringConvertible {
    case invalid(String)

    var description: String {
        switch self {
        case .invalid(let reason): reason
        }
    }
}
