/// One reply of an SMTP server (RFC 5321 section 4.2): a three-digit code
/// and one or more lines of text, all lines carrying the same code.
///
/// Built by `SMTPReplyParser`, which checks the syntax strictly; this file
/// imports nothing, so the fuzzer compiles it alone.
public struct SMTPReply: Hashable, Sendable, CustomStringConvertible {
    /// The reply code, 200 to 599 (section 4.2.1; the second digit 0 to 5).
    public let code: Int
    /// The text of each line, without the code, its separator or CR LF; a
    /// line with no text is "".
    public let lines: [String]
    /// The enhanced status code that begins the first line's text ("5.1.8",
    /// RFC 3463 section 2, as RFC 2034 section 4 sends it), when there is
    /// one whose class matches the code's first digit.
    public let enhancedCode: String?

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines.isEmpty ? [""] : lines
        enhancedCode = Self.enhancedCode(in: self.lines[0], code: code)
    }

    /// 2yz: the command was accepted (section 4.2.1).
    public var isPositive: Bool { code / 100 == 2 }
    /// 3yz: the server waits for more (354 to DATA, 334 to AUTH).
    public var isIntermediate: Bool { code / 100 == 3 }
    /// 4yz: refused for now; the same command may succeed later.
    public var isTransientFailure: Bool { code / 100 == 4 }
    /// 5yz: refused; sending the same again will not help.
    public var isPermanentFailure: Bool { code / 100 == 5 }

    /// The lines joined with spaces: what an error message shows.
    public var text: String { lines.filter { !$0.isEmpty }.joined(separator: " ") }

    /// "553 5.1.8 sender address rejected".
    public var description: String { text.isEmpty ? String(code) : "\(code) \(text)" }

    /// "class.subject.detail" at the start of `text` followed by a space or
    /// the end: the class 2, 4 or 5 equal to the code's first digit, the
    /// subject and the detail of one to three digits (RFC 3463 section 2).
    static func enhancedCode(in text: String, code: Int) -> String? {
        guard [2, 4, 5].contains(code / 100), code >= 0 else { return nil }
        let utf8 = Array(text.utf8.prefix(12))
        guard utf8.count >= 5, utf8[0] == UInt8(ascii: "0") + UInt8(code / 100), utf8[1] == UInt8(ascii: ".")
        else { return nil }
        var index = 2
        for part in 0..<2 {
            let start = index
            while index < utf8.count, index - start < 4, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(utf8[index]) {
                index += 1
            }
            let digits = index - start
            guard (1...3).contains(digits) else { return nil }
            if part == 0 {
                guard index < utf8.count, utf8[index] == UInt8(ascii: ".") else { return nil }
                index += 1
            }
        }
        guard index == utf8.count || utf8[index] == UInt8(ascii: " ") else { return nil }
        return String(decoding: utf8[..<index], as: UTF8.self)
    }
}
