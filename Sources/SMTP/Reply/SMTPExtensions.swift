/// The service extensions a server names in its reply to EHLO (RFC 5321
/// section 4.1.1.1): every line after the first is a keyword and its
/// parameters, separated by spaces. Keywords are case-insensitive and kept
/// upper-cased. After HELO, or after STARTTLS before the next EHLO, there
/// are none.
///
/// This file imports nothing, so the fuzzer compiles it alone.
public struct SMTPExtensions: Hashable, Sendable {
    /// Each keyword, upper-cased, with its parameters as sent.
    public let keywords: [String: [String]]
    /// The server's name for itself, the first word of the first line.
    public let serverName: String

    /// None: what a server that only knows HELO offers.
    public init() {
        keywords = [:]
        serverName = ""
    }

    /// The extensions in `reply`, the 250 reply to EHLO. A keyword that
    /// comes twice keeps its first parameters.
    public init(ehloReply reply: SMTPReply) {
        serverName = reply.lines[0].split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
        var keywords: [String: [String]] = [:]
        for line in reply.lines.dropFirst() {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let keyword = words.first?.uppercased() else { continue }
            // "AUTH=LOGIN PLAIN": the form of servers written before RFC 4954.
            if keyword.hasPrefix("AUTH=") {
                if keywords["AUTH"] == nil { keywords["AUTH"] = [String(keyword.dropFirst(5))] + words.dropFirst() }
                continue
            }
            if keywords[keyword] == nil { keywords[keyword] = Array(words.dropFirst()) }
        }
        self.keywords = keywords
    }

    public func offers(_ keyword: String) -> Bool { keywords[keyword.uppercased()] != nil }

    /// Whether SIZE is offered (RFC 1870).
    public var offersSize: Bool { offers("SIZE") }
    /// The largest message the server takes, in octets: nil when SIZE is not
    /// offered or names no limit (no parameter, or 0: RFC 1870 section 4).
    public var sizeLimit: Int? {
        guard let parameter = keywords["SIZE"]?.first, let limit = Int(parameter), limit > 0 else { return nil }
        return limit
    }
    /// Commands may be sent without waiting for each reply (RFC 2920).
    public var pipelining: Bool { offers("PIPELINING") }
    /// `BODY=8BITMIME` may be given to MAIL (RFC 6152).
    public var eightBitMIME: Bool { offers("8BITMIME") }
    /// Addresses and headers may be UTF-8 (RFC 6531).
    public var smtpUTF8: Bool { offers("SMTPUTF8") }
    /// The connection may be upgraded to TLS (RFC 3207).
    public var startTLS: Bool { offers("STARTTLS") }
    /// Replies begin with enhanced status codes (RFC 2034).
    public var enhancedStatusCodes: Bool { offers("ENHANCEDSTATUSCODES") }
    /// The SASL mechanisms AUTH takes, upper-cased (RFC 4954 section 3).
    public var authMechanisms: [String] { (keywords["AUTH"] ?? []).map { $0.uppercased() } }
}
