/// Parses a server's replies (RFC 959 section 4.2) strictly, from bytes
/// that come in pieces of any size.
///
/// A reply is one line "code text", or several: "code-text" first, then
/// any lines, then "code text" with the same code (section 4.2's
/// multi-line form). The code is three digits, 1 to 5, 0 to 5, 0 to 9.
/// Middle lines may be any text, but one that begins with three digits and
/// a space or hyphen must carry the reply's code: the RFC has servers pad
/// such a line, and a client that took another code there for the end
/// could be made to read the attacker's text as the next reply.
///
/// Lines end with CR LF; a bare CR or LF, a control character other than
/// tab, bytes that are not UTF-8 (RFC 2640 section 2.2 allows UTF-8 path
/// names), a line longer than `maxLineLength` octets with its CR LF or a
/// reply of more than `maxLines` lines is malformed.
///
/// This file imports nothing, so the fuzzer compiles it alone.
public struct FTPReplyParser {
    public enum Step: Hashable, Sendable {
        /// The reply goes on past the bytes given.
        case incomplete
        /// A whole reply, and how many bytes of the last input it took: the
        /// rest is what the server sent after it.
        case reply(FTPReply, consumed: Int)
    }

    /// A reply line's longest length, its CR LF counted: room for a 257
    /// reply naming a path of PATH_MAX (4096) octets, every quote doubled.
    public static let defaultMaxLineLength = 8200
    /// The most lines a reply may have: far more than a FEAT or HELP reply.
    public static let defaultMaxLines = 500

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
    }

    /// Reads `bytes`, the next piece of what the server sent. After a reply
    /// the parser starts afresh, for the next one; after it throws it must
    /// not be used again.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer) throws(MalformedFTPReply) -> Step {
        for index in bytes.indices {
            let byte = bytes[index]
            if sawCR {
                guard byte == Self.lf else { throw MalformedFTPReply("a bare CR in a reply line") }
                sawCR = false
                if let reply = try endLine() {
                    self = FTPReplyParser(maxLineLength: maxLineLength, maxLines: maxLines)
                    return .reply(reply, consumed: index + 1)
                }
                continue
            }
            switch byte {
            case Self.cr:
                sawCR = true
            case Self.lf:
                throw MalformedFTPReply("a bare LF in a reply line")
            case 0x20...0x7E, Self.tab, 0x80...:
                guard line.count + 3 <= maxLineLength else {
                    throw MalformedFTPReply("a reply line longer than \(maxLineLength) octets")
                }
                line.append(byte)
            default:
                throw MalformedFTPReply("a control character (0x\(hex(byte))) in a reply line")
            }
        }
        return .incomplete
    }

    /// Checks the line just ended; the reply when it was the last line.
    private mutating func endLine() throws(MalformedFTPReply) -> FTPReply? {
        defer { line.removeAll(keepingCapacity: true) }
        guard let text = String(validating: line, as: UTF8.self) else {
            throw MalformedFTPReply("a reply line that is not UTF-8")
        }
        let lineCode = Self.code(of: line)
        let separator = line.count > 3 ? line[3] : Self.space
        guard let code else {
            // The first line.
            guard let lineCode, separator == Self.space || separator == Self.hyphen else {
                throw MalformedFTPReply("a reply line without a reply code: \"\(quoted(text))\"")
            }
            code = lineCode
            texts.append(String(decoding: line.dropFirst(4), as: UTF8.self))
            if separator == Self.space { return FTPReply(code: lineCode, lines: texts) }
            return nil
        }
        guard texts.count < maxLines else { throw MalformedFTPReply("a reply of more than \(maxLines) lines") }
        guard let lineCode, separator == Self.space || separator == Self.hyphen else {
            texts.append(text)
            return nil
        }
        guard lineCode == code else {
            throw MalformedFTPReply("a line of a \(code) reply that begins with another code, \(lineCode)")
        }
        texts.append(String(decoding: line.dropFirst(4), as: UTF8.self))
        if separator == Self.space { return FTPReply(code: code, lines: texts) }
        return nil
    }

    /// The code a line begins with, if it begins with one.
    private static func code(of line: [UInt8]) -> Int? {
        guard line.count >= 3, (digit1...digit5).contains(line[0]), (digit0...digit5).contains(line[1]),
            (digit0...digit9).contains(line[2])
        else { return nil }
        return Int(line[0] - digit0) * 100 + Int(line[1] - digit0) * 10 + Int(line[2] - digit0)
    }

    /// The start of a line for an error message.
    private func quoted(_ text: String) -> String {
        String(text.prefix(40)) + (text.count > 40 ? "..." : "")
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
    private static let digit1: UInt8 = 0x31
    private static let digit5: UInt8 = 0x35
    private static let digit9: UInt8 = 0x39
}
