import HTTP

/// The text `sockworks get` shows of an exchange.
enum ExchangeText {
    /// A response head as it came: the status line, the fields, an empty line.
    static func head(_ head: ResponseHead) -> String {
        var text = "\(head.version) \(head.status.code) \(head.status.reason)\r\n"
        for field in head.fields { text += "\(field.name): \(field.value)\r\n" }
        return text + "\r\n"
    }

    /// One event for -v, in curl's manner: `* ` notes, `> ` lines sent,
    /// `< ` lines received.
    static func verbose(_ event: ClientEvent) -> String {
        switch event {
        case .connected(let address): return "* Connected to \(address)\n"
        case .reusing(let address): return "* Re-using the connection to \(address)\n"
        case .reconnecting(let origin): return "* The server had closed the connection: connecting to \(origin) again\n"
        case .requestHead(let bytes): return prefixed(String(decoding: bytes, as: UTF8.self), "> ")
        case .responseHead(let head): return prefixed(self.head(head), "< ")
        }
    }

    /// Each line of a head (CR LF ended) with `prefix`, LF ended.
    private static func prefixed(_ head: String, _ prefix: String) -> String {
        var lines = head.split(separator: "\r\n" as Character, omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        return lines.map { prefix + $0 + "\n" }.joined()
    }
}
