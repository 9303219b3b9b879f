/// A streaming quoted-printable encoder for text bodies (RFC 2045 §6.7).
///
/// - Printable ASCII other than `=` is written as it is (rule 2); `=`, every
///   control character and every byte above 126 is written `=XX` (rule 1).
/// - A line break of the text, LF or CRLF, is written CRLF (rule 4); a CR
///   not followed by LF is data, written `=0D`.
/// - A space or tab at the end of a line (or of the input) is written
///   `=20` or `=09`, so that no transport's trailing-space stripping can
///   change the text (rule 3).
/// - Lines are at most 76 characters: a longer one is broken with a soft
///   line break, `=` CRLF, never inside an `=XX` (rule 5).
/// - A `.` at the start of an output line is written `=2E`, so the body
///   never holds a line that SMTP would take for the end of the data
///   (RFC 5321 §4.5.2) even before dot-stuffing. `From ` at the start of a
///   line is left as it is: quoting it is for mailbox files, and its
///   lookahead would cross chunks for no gain on the wire.
///
/// A space or tab, and a CR, wait for the next byte (the next chunk's, if
/// need be) to decide how they are written, so the output does not depend on
/// how the input was split.
public struct QuotedPrintableEncoder: Sendable {
    /// The longest line written, soft break included.
    public static let lineLength = 76

    /// A space or tab not written yet (0 when none).
    private var pendingWhitespace: UInt8 = 0
    /// A CR not written yet: a line break if LF follows.
    private var pendingCarriageReturn = false
    /// Characters on the current output line.
    private var column = 0

    public init() {}

    /// The most bytes `encode` can write for `count` input bytes.
    public static func maximumOutputCount(forInputCount count: Int) -> Int { 4 * count + 16 }

    /// Encodes `input` into `output`, which must hold at least
    /// `maximumOutputCount(forInputCount: input.count)` bytes; returns the
    /// number written.
    public mutating func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        guard !input.isEmpty else { return 0 }
        precondition(output.count >= Self.maximumOutputCount(forInputCount: input.count), "output too small")
        let start = output.baseAddress!
        var target = start
        QuotedPrintableClass.literal.withUnsafeBufferPointer { literal in
            for byte in input {
                if pendingCarriageReturn {
                    pendingCarriageReturn = false
                    if byte == UInt8(ascii: "\n") {
                        target = writeWhitespace(encoded: true, target)
                        target = hardBreak(target)
                        continue
                    }
                    target = writeWhitespace(encoded: false, target)
                    target = writeEncoded(UInt8(ascii: "\r"), target)
                }
                switch byte {
                case UInt8(ascii: "\n"):
                    target = writeWhitespace(encoded: true, target)
                    target = hardBreak(target)
                case UInt8(ascii: "\r"):
                    pendingCarriageReturn = true
                case UInt8(ascii: " "), UInt8(ascii: "\t"):
                    target = writeWhitespace(encoded: false, target)
                    pendingWhitespace = byte
                default:
                    if pendingWhitespace != 0 { target = writeWhitespace(encoded: false, target) }
                    if literal[Int(byte)] && column < Self.lineLength - 1
                        && (column > 0 || byte != UInt8(ascii: "."))
                    {
                        target.storeBytes(of: byte, as: UInt8.self)
                        target += 1
                        column += 1
                    } else if literal[Int(byte)] && byte != UInt8(ascii: ".") {
                        target = softBreak(target)
                        target.storeBytes(of: byte, as: UInt8.self)
                        target += 1
                        column += 1
                    } else {
                        target = writeEncoded(byte, target)
                    }
                }
            }
        }
        return target - start
    }

    /// Writes what the input's last bytes left waiting (a CR as `=0D`, a
    /// space or tab encoded); returns the number of bytes written (at most
    /// 12). No line break is added: the caller ends the part. The encoder is
    /// then ready for a new input.
    public mutating func finish(into output: UnsafeMutableRawBufferPointer) -> Int {
        precondition(output.count >= 12, "output too small")
        let start = output.baseAddress!
        var target = start
        if pendingCarriageReturn {
            target = writeWhitespace(encoded: false, target)
            target = writeEncoded(UInt8(ascii: "\r"), target)
        } else {
            target = writeWhitespace(encoded: true, target)
        }
        self = QuotedPrintableEncoder()
        return target - start
    }

    /// The whole encoding of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var encoder = QuotedPrintableEncoder()
        var output = [UInt8](repeating: 0, count: maximumOutputCount(forInputCount: bytes.count) + 12)
        let count = output.withUnsafeMutableBytes { buffer in
            let body = bytes.withUnsafeBytes { encoder.encode($0, into: buffer) }
            return body + encoder.finish(into: UnsafeMutableRawBufferPointer(rebasing: buffer[body...]))
        }
        output.removeLast(output.count - count)
        return output
    }

    /// Writes the waiting space or tab, if any: as `=XX` before a line end,
    /// as it is before anything else.
    private mutating func writeWhitespace(encoded: Bool, _ target: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        guard pendingWhitespace != 0 else { return target }
        let byte = pendingWhitespace
        pendingWhitespace = 0
        if encoded { return writeEncoded(byte, target) }
        var target = target
        if column >= Self.lineLength - 1 { target = softBreak(target) }
        target.storeBytes(of: byte, as: UInt8.self)
        column += 1
        return target + 1
    }

    /// Writes `=XX`, after a soft break if the line has no room for it.
    private mutating func writeEncoded(_ byte: UInt8, _ target: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        var target = target
        if column + 3 > Self.lineLength - 1 { target = softBreak(target) }
        let digits = QuotedPrintableClass.hexDigits
        target.storeBytes(of: UInt8(ascii: "="), as: UInt8.self)
        target.storeBytes(of: digits[Int(byte >> 4)], toByteOffset: 1, as: UInt8.self)
        target.storeBytes(of: digits[Int(byte & 15)], toByteOffset: 2, as: UInt8.self)
        column += 3
        return target + 3
    }

    private mutating func softBreak(_ target: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        target.storeBytes(of: UInt8(ascii: "="), as: UInt8.self)
        column = 0
        return hardBreak(target + 1)
    }

    private mutating func hardBreak(_ target: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        target.storeBytes(of: UInt8(ascii: "\r"), as: UInt8.self)
        target.storeBytes(of: UInt8(ascii: "\n"), toByteOffset: 1, as: UInt8.self)
        column = 0
        return target + 2
    }
}

/// Which bytes quoted-printable writes as they are, and its hex digits
/// (upper case, as RFC 2045 §6.7 rule 1 requires).
enum QuotedPrintableClass {
    static let literal: [Bool] = (0..<256).map { byte in
        (33...126).contains(byte) && byte != Int(UInt8(ascii: "="))
    }

    static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
}
