/// Parses a server's replies (RFC 5321 section 4.2) strictly, from bytes
/// that come in pieces of any size.
///
/// Every line is a code of three digits (2 to 5, 0 to 5, 0 to 9: the
/// grammar of section 4.2), then a hyphen when more lines follow, or a
/// space or nothing on the last line; then text of printable ASCII and tabs
/// (section 4.2.1's textstring), ended by CR LF. Every line of a reply has
/// the same code. A bare CR or LF, a control character, a byte that is not
/// ASCII, a line longer than `maxLineLength` octets with its CR LF (512,
/// section 4.5.3.1.5) or a reply of more than `maxLines` lines is
/// malformed: a client that guesses where a reply ends can be made to read
/// the attacker's next reply as the answer to its next command.
///
/// This file imports nothing, so the fuzzer compiles it alone.
public struct SMTPReplyParser {
    public enum Step: Hashable, Sendable {
        /// The reply goes on past the bytes given.
        case incomplete
        /// A whole reply, and how many bytes of the last input it took: the
        /// rest is what the server sent after it.
        case reply(SMTPReply, consumed: Int)
    }

    /// A reply line's longest length, its CR LF counted (section 4.5.3.1.5).
    public static let defaultMaxLineLength = 512
    /// The most lines a reply may have: far more than any EHLO reply.
    public static let defaultMaxLines = 100

    public let maxLineLength: Int
    public let maxLines: Int
    /// The line being read, without its CR.
    private var line: [UInt8] = []
    /// Whether the last byte was a CR, which must be followed by LF.
    private var sawCR = false
    private var code: Int?
    private var texts: [String] = []

    public init(maxLineLength: Int = defaultMaxLineLength, maxLines: Int = defaultMaxLines) {
        precondition(maxLineLength >= 5 && maxLines >= 1, "bounds that no reply fits in")
        self.maxLineLength = maxLineLength
        self.maxLines = maxLines
        line.reserveCapacity(maxLineLength)
    }

    /// Reads `bytes`, the next piece of what the server sent. After a reply
    /// the parser starts afresh, for the next one; after it throws it must
    /// not be used again.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) throws(MalformedSMTPReply) -> Step {
        for index in bytes.indices {
            let byte = bytes[index]
            if sawCR {
                guard byte == Self.lf else { throw MalformedSMTPReply("a bare CR in a reply line") }
                sawCR = false
                if let reply = try endLine() {
                    self = SMTPReplyParser(maxLineLength: maxLineLength, maxLines: maxLines)
                    return .reply(reply, consumed: index + 1)
                }
                continue
            }
            switch byte {
            case Self.cr:
                sawCR = true
            case Self.lf:
                throw MalformedSMTPReply("a bare LF in a reply line")
            case 0x20...0x7E, Self.tab:
                guard line.count + 3 <= maxLineLength else {
                    throw MalformedSMTPReply("a reply line longer than \(maxLineLength) octets")
                }
                line.append(byte)
            case 0x80...:
                throw MalformedSMTPReply("a byte that is not ASCII (0x\(hex(byte))) in a reply line")
            default:
                throw MalformedSMTPReply("a control character (0x\(hex(byte))) in a reply line")
            }
        }
        return .incomplete
    }

    /// Checks the line just ended; the reply when it was the last line.
    private mutating func endLine() throws(MalformedSMTPReply) -> SMTPReply? {
        defer { line.removeAll(keepingCapacity: true) }
        guard line.count >= 3, (Self.digit2...Self.digit5).contains(line[0]),
            (Self.digit0...Self.digit5).contains(line[1]), (Self.digit0...Self.digit9).contains(line[2])
        else {
            throw MalformedSMTPReply("a reply line without a reply code: \"\(quoted(line))\"")
        }
        let lineCode = Int(line[0] - Self.digit0) * 100 + Int(line[1] - Self.digit0) * 10 + Int(line[2] - Self.digit0)
        if let code, code != lineCode {
            throw MalformedSMTPReply("a reply whose lines have different codes (\(code), then \(lineCode))")
        }
        code = lineCode
        let separator = line.count > 3 ? line[3] : Self.space
        guard separator == Self.space || separator == Self.hyphen else {
            throw MalformedSMTPReply("a reply code followed by neither a space nor a hyphen: \"\(quoted(line))\"")
        }
        texts.append(String(decoding: line.dropFirst(4), as: UTF8.self))
        if separator == Self.space { return SMTPReply(code: lineCode, lines: texts) }
        guard texts.count < maxLines else { throw MalformedSMTPReply("a reply of more than \(maxLines) lines") }
        return nil
    }

    /// The start of a line for an error message; it holds printable ASCII
    /// and tabs only.
    private func quoted(_ line: [UInt8]) -> String {
        String(decoding: line.prefix(40), as: UTF8.self) + (line.count > 40 ? "..." : "")
    }

    private func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
    }

    private static let cr: UInt8 = 0x0D
    private static let lf: UInt8 = 0x0A
    private static let tab: UInt8 = 0x09
    private static let space: UInt8 = 0x20
    private static let hyphen: UInt8 = 0x2D
    private static let digit0: UInt8 = 0x30
    private static let digit2: UInt8 = 0x32
    private static let digit5: UInt8 = 0x35
    private static let digit9: UInt8 = 0x39
}
