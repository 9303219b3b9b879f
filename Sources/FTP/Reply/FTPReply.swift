/// One reply of an FTP server (RFC 959 section 4.2): a three-digit code and
/// one or more lines of text.
///
/// Built by `FTPReplyParser`, which checks the syntax strictly; this file
/// imports nothing, so the fuzzer compiles it alone.
public struct FTPReply: Hashable, Sendable, CustomStringConvertible {
    /// The reply code, 100 to 559 (section 4.2: the first digit 1 to 5, the
    /// second 0 to 5).
    public let code: Int
    /// The text of each line without its end: the first and last without
    /// their code and separator, a middle line without "code-" when it
    /// begins so, and as sent otherwise (FEAT's lines begin with a space,
    /// RFC 2389 section 3.2). A line with no text is "".
    public let lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines.isEmpty ? [""] : lines
    }

    /// 1yz: the command was accepted and another reply will follow (a
    /// transfer starting).
    public var isPreliminary: Bool { code / 100 == 1 }
    /// 2yz: the command was carried out.
    public var isPositive: Bool { code / 100 == 2 }
    /// 3yz: the server waits for the next command of a sequence (PASS after
    /// USER, RNTO after RNFR, RETR after REST).
    public var isIntermediate: Bool { code / 100 == 3 }
    /// 4yz or 5yz: refused, for now or for good.
    public var isNegative: Bool { code / 100 == 4 || code / 100 == 5 }

    /// The lines joined with spaces: what an error message shows.
    public var text: String {
        lines.map { trimmed($0) }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// "550 No such file".
    public var description: String { text.isEmpty ? String(code) : "\(code) \(text)" }

    private func trimmed(_ line: String) -> Substring {
        var text = Substring(line)
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }
}
