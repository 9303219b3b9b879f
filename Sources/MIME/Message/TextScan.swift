/// Whether a text body can be sent as it is, `7bit` (RFC 2045 §2.7): only
/// ASCII, no NUL, CR only before LF, lines of at most 78 characters (RFC
/// 5322 §2.1.1), and no `=_`, the mark of this writer's boundaries. Else
/// it is sent quoted-printable.
struct TextScan {
    static let longestLine = 78

    private(set) var isSevenBit = true
    private var column = 0
    private var previous: UInt8 = 0

    mutating func scan(_ bytes: UnsafeRawBufferPointer) {
        guard isSevenBit else { return }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\n"):
                column = 0
            case 0, 0x80...0xFF:
                isSevenBit = false
            case UInt8(ascii: "_") where previous == UInt8(ascii: "="):
                isSevenBit = false
            default:
                if byte != UInt8(ascii: "\r") { column += 1 }
                if column > Self.longestLine { isSevenBit = false }
            }
            if previous == UInt8(ascii: "\r") && byte != UInt8(ascii: "\n") { isSevenBit = false }
            guard isSevenBit else { return }
            previous = byte
        }
    }

    /// Call after the last chunk: a CR at the very end is bare.
    mutating func finish() {
        if previous == UInt8(ascii: "\r") { isSevenBit = false }
    }
}

/// Writes a 7bit body with every line ending CRLF: a bare LF gets its CR.
struct LineEndingWriter {
    private var previous: UInt8 = 0

    /// The most bytes `write` can produce for `count` input bytes.
    static func maximumOutputCount(forInputCount count: Int) -> Int { 2 * count }

    mutating func write(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        var count = 0
        for byte in input {
            if byte == UInt8(ascii: "\n") && previous != UInt8(ascii: "\r") {
                output[count] = UInt8(ascii: "\r")
                count += 1
            }
            output[count] = byte
            count += 1
            previous = byte
        }
        return count
    }
}
