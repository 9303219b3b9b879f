/// A streaming base64 encoder for MIME bodies (RFC 2045 §6.8): the input may
/// come in chunks of any size, and the output is lines of 76 characters,
/// each ending CRLF, the last one shorter and ending CRLF too.
///
/// Up to two bytes of a chunk that do not fill a 3-byte group are kept for
/// the next chunk, and the column of the current line is kept across
/// chunks, so the output does not depend on how the input was split.
public struct Base64Encoder: Sendable {
    /// Characters per line; 76 is the most RFC 2045 §6.8 allows.
    public static let lineLength = 76
    /// Input bytes that make one whole line.
    public static let bytesPerLine = lineLength / 4 * 3

    /// The bytes of an unfinished group, the oldest highest, and how many.
    private var pendingBits: UInt32 = 0
    private var pendingCount = 0
    /// Characters on the current output line.
    private var column = 0

    public init() {}

    /// The most bytes `encode` can write for `count` input bytes.
    public static func maximumOutputCount(forInputCount count: Int) -> Int {
        let characters = (count + 2) / 3 * 4 + 4
        return characters + (characters / lineLength + 1) * 2
    }

    /// The exact size of the whole encoding of `count` bytes, line breaks
    /// included.
    public static func encodedCount(ofInputCount count: Int) -> Int {
        let characters = (count + 2) / 3 * 4
        return characters + (characters + lineLength - 1) / lineLength * 2
    }

    /// Encodes `input` into `output`, which must hold at least
    /// `maximumOutputCount(forInputCount: input.count)` bytes; returns the
    /// number written.
    public mutating func encode(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        guard var source = input.baseAddress, !input.isEmpty else { return 0 }
        precondition(output.count >= Self.maximumOutputCount(forInputCount: input.count), "output too small")
        let start = output.baseAddress!
        var target = start
        var remaining = input.count
        Base64Alphabet.pairs.withUnsafeBufferPointer { pairs in
            while pendingCount > 0, pendingCount < 3, remaining > 0 {
                pendingBits = pendingBits << 8 | UInt32(source.load(as: UInt8.self))
                pendingCount += 1
                source += 1
                remaining -= 1
            }
            if pendingCount == 3 {
                target = Self.group(pendingBits, to: target, pairs)
                (pendingBits, pendingCount) = (0, 0)
                target = endGroup(target)
            }
            guard pendingCount == 0 else { return }
            while remaining >= 3 {
                if column == 0, remaining >= Self.bytesPerLine {
                    for _ in 0..<(Self.bytesPerLine / 3) {
                        target = Self.group(Self.load(source), to: target, pairs)
                        source += 3
                    }
                    remaining -= Self.bytesPerLine
                    target = Self.lineBreak(target)
                    continue
                }
                target = Self.group(Self.load(source), to: target, pairs)
                source += 3
                remaining -= 3
                target = endGroup(target)
            }
            while remaining > 0 {
                pendingBits = pendingBits << 8 | UInt32(source.load(as: UInt8.self))
                pendingCount += 1
                source += 1
                remaining -= 1
            }
        }
        return target - start
    }

    /// Writes the last group (padded with `=`) and the final line break;
    /// returns the number of bytes written (at most 6). The encoder is then
    /// ready for a new input.
    public mutating func finish(into output: UnsafeMutableRawBufferPointer) -> Int {
        precondition(output.count >= 6, "output too small")
        let start = output.baseAddress!
        var target = start
        if pendingCount > 0 {
            let bits = pendingBits << (8 * UInt32(3 - pendingCount))
            let alphabet = Base64Alphabet.characters
            for index in 0..<4 {
                let character =
                    index <= pendingCount ? alphabet[Int(bits >> (18 - 6 * UInt32(index)) & 63)] : UInt8(ascii: "=")
                target.storeBytes(of: character, toByteOffset: index, as: UInt8.self)
            }
            target += 4
            column += 4
        }
        if column > 0 { target = Self.lineBreak(target) }
        self = Base64Encoder()
        return target - start
    }

    /// Counts a group just written, and ends the line when it is full.
    @inline(__always)
    private mutating func endGroup(_ target: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        column += 4
        guard column == Self.lineLength else { return target }
        column = 0
        return Self.lineBreak(target)
    }

    @inline(__always)
    private static func load(_ source: UnsafeRawPointer) -> UInt32 {
        UInt32(source.load(as: UInt8.self)) << 16 | UInt32(source.load(fromByteOffset: 1, as: UInt8.self)) << 8
            | UInt32(source.load(fromByteOffset: 2, as: UInt8.self))
    }

    /// Writes the four characters of one 3-byte group (`bits`, 24 of them):
    /// two 12-bit halves, each two characters from the pair table.
    @inline(__always)
    private static func group(
        _ bits: UInt32, to target: UnsafeMutableRawPointer, _ pairs: UnsafeBufferPointer<UInt16>
    ) -> UnsafeMutableRawPointer {
        let characters = UInt32(pairs[Int(bits >> 12)]) | UInt32(pairs[Int(bits & 0xFFF)]) << 16
        target.storeBytes(of: characters.littleEndian, as: UInt32.self)
        return target + 4
    }

    @inline(__always)
    private static func lineBreak(_ target: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        target.storeBytes(of: UInt8(ascii: "\r"), as: UInt8.self)
        target.storeBytes(of: UInt8(ascii: "\n"), toByteOffset: 1, as: UInt8.self)
        return target + 2
    }

    /// The encoding of `bytes` on one line, without line breaks (RFC 4648
    /// section 4): what SASL (SMTP's AUTH, RFC 4954) sends.
    public static func encodeOnOneLine(_ bytes: [UInt8]) -> String {
        String(decoding: encode(bytes).filter { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }, as: UTF8.self)
    }

    /// The whole encoding of `bytes`, line breaks included.
    public static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var encoder = Base64Encoder()
        var output = [UInt8](repeating: 0, count: maximumOutputCount(forInputCount: bytes.count) + 6)
        let count = output.withUnsafeMutableBytes { buffer in
            let body = bytes.withUnsafeBytes { encoder.encode($0, into: buffer) }
            return body + encoder.finish(into: UnsafeMutableRawBufferPointer(rebasing: buffer[body...]))
        }
        output.removeLast(output.count - count)
        return output
    }
}

/// The base64 alphabet (RFC 4648 §4), and every pair of its characters
/// indexed by the 12 bits they encode, stored so that the first character
/// is the lower byte of a little-endian `UInt16`.
enum Base64Alphabet {
    static let characters: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static let pairs: [UInt16] = (0..<4096).map { bits in
        UInt16(characters[bits >> 6]) | UInt16(characters[bits & 63]) << 8
    }
}
