/// TYPE A's line ends (RFC 959 section 3.1.1.1): CR LF on the wire, LF in
/// local files. Both directions work on pieces of any size, a CR LF split
/// between two pieces included.
struct ASCIIDecoder {
    /// A CR that ended the last piece: dropped if an LF comes next.
    private(set) var heldCR = false

    /// Converts the `count` bytes at `buffer[1...]` in place, CR LF to LF,
    /// and returns where the result lies in `buffer`: it may begin at 0,
    /// with the CR held from the last piece, which is why the bytes are
    /// read in from 1.
    mutating func decode(_ buffer: UnsafeMutableRawBufferPointer, count: Int) -> Range<Int> {
        precondition(count + 1 <= buffer.count, "a piece that does not leave the first byte free")
        var start = 1
        var input = 1
        let end = count + 1
        if heldCR {
            heldCR = false
            // Unless it was the CR of a CR LF, the CR goes first.
            if count == 0 || buffer[1] != Self.lf {
                start = 0
                buffer[0] = Self.cr
            }
        }
        // Both ways the next byte goes at 1: after the held CR, or first.
        var output = 1
        while input < end {
            let byte = buffer[input]
            if byte == Self.cr {
                if input + 1 == end {
                    heldCR = true
                    input += 1
                    continue
                }
                if buffer[input + 1] == Self.lf {
                    input += 1
                    continue
                }
            }
            buffer[output] = byte
            output += 1
            input += 1
        }
        return start..<output
    }

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
}

struct ASCIIEncoder {
    /// Whether the last byte of the last piece was a CR, so that an LF
    /// first in this one is already the end of a CR LF.
    private var lastWasCR = false

    /// `piece` with each LF not preceded by a CR made CR LF, in `output`
    /// (at least twice the piece's size); returns the count written.
    mutating func encode(_ piece: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        precondition(output.count >= 2 * piece.count, "an output buffer too small for every LF doubled")
        var written = 0
        for byte in piece {
            if byte == Self.lf && !lastWasCR {
                output[written] = Self.cr
                written += 1
            }
            output[written] = byte
            written += 1
            lastWasCR = byte == Self.cr
        }
        return written
    }

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
}
